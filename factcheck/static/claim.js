// The claim workspace: a live character counter for the short wording, and
// unsaved text kept safe. Loaded as a file (the CSP allows no inline script).
//
// Each section of the page (wording, claimant, sources, verdict, notes) is a
// form of its own, saved on its own. Saving one section reloads the page, so
// what was typed in another section and not saved would be lost: every field
// of a form marked data-keep-drafts writes its unsaved text to sessionStorage
// as it is typed, and the page puts it back after the reload (only while the
// saved text is still the one the user started from). A form's drafts are
// dropped when that form is saved. Leaving the page any other way with unsaved
// text asks first (beforeunload).
(function () {
  "use strict";

  var PREFIX = "fc-draft:";
  var submitting = false;

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;  // storage disabled: the beforeunload question still protects the text
    }
  }

  function savedValue(field) {
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].defaultSelected) {
          return field.options[i].value;
        }
      }
      return field.options.length ? field.options[0].value : "";
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.defaultChecked ? "on" : "";
    }
    return field.defaultValue;
  }

  function currentValue(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked ? "on" : "";
    }
    return field.value;
  }

  function keepable(form) {
    var fields = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (field.name && field.type !== "hidden" && field.type !== "submit" &&
          field.type !== "button" && field.name !== "csrf_token") {
        fields.push(field);
      }
    }
    return fields;
  }

  function keyOf(form, field) {
    return PREFIX + form.getAttribute("action") + "#" + field.name;
  }

  function isDirty(field) {
    return currentValue(field) !== savedValue(field);
  }

  function anyDirty(forms) {
    for (var i = 0; i < forms.length; i++) {
      var fields = keepable(forms[i]);
      for (var j = 0; j < fields.length; j++) {
        if (isDirty(fields[j])) {
          return true;
        }
      }
    }
    return false;
  }

  function remember(store, form, field) {
    if (!store) {
      return;
    }
    if (isDirty(field)) {
      store.setItem(keyOf(form, field), JSON.stringify(
        {value: currentValue(field), base: savedValue(field)}));
    } else {
      store.removeItem(keyOf(form, field));
    }
  }

  function restore(store, form) {
    var restored = false;
    var fields = keepable(form);
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var raw = store && store.getItem(keyOf(form, field));
      if (!raw) {
        continue;
      }
      var draft;
      try {
        draft = JSON.parse(raw);
      } catch (error) {
        store.removeItem(keyOf(form, field));
        continue;
      }
      // Put it back only over the text it started from: if someone saved
      // this field meanwhile, the server's text wins and the save would 409.
      if (draft.base === savedValue(field) && draft.value !== savedValue(field)) {
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = draft.value === "on";
        } else {
          field.value = draft.value;
        }
        field.dispatchEvent(new Event("input", {bubbles: true}));
        restored = true;
      } else {
        store.removeItem(keyOf(form, field));
      }
    }
    if (restored && !form.querySelector(".draft-restored")) {
      var note = document.createElement("p");
      note.className = "draft-restored";
      note.setAttribute("role", "status");
      note.textContent = "Your unsaved text in this section was kept. It is not saved yet.";
      form.insertBefore(note, form.firstChild);
    }
  }

  function attachDrafts(forms) {
    var store = storage();
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        restore(store, form);
        var fields = keepable(form);
        for (var j = 0; j < fields.length; j++) {
          (function (field) {
            var update = function () { remember(store, form, field); };
            field.addEventListener("input", update);
            field.addEventListener("change", update);
          })(fields[j]);
        }
        form.addEventListener("submit", function (event) {
          submitting = true;
          // Saving this section: its drafts are what is being sent. A button
          // with its own formaction (the preview) saves nothing.
          var submitter = event.submitter;
          var elsewhere = submitter && submitter.hasAttribute("formaction");
          if (store && !elsewhere) {
            var own = keepable(form);
            for (var k = 0; k < own.length; k++) {
              store.removeItem(keyOf(form, own[k]));
            }
          }
        });
      })(forms[i]);
    }
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || !anyDirty(forms)) {
        return undefined;
      }
      event.preventDefault();
      event.returnValue = "";  // the browser asks "Leave site? Changes you made may not be saved."
      return "";
    });
  }

  function attachCounter(input) {
    var output = document.getElementById(input.getAttribute("data-counter"));
    var max = parseInt(input.getAttribute("data-max"), 10);
    if (!output || !max) {
      return;
    }
    function update() {
      var length = input.value.trim().length;
      output.textContent = length + " / " + max;
      var over = length >= max;
      output.classList.toggle("over", over);
      input.setAttribute("aria-invalid", over ? "true" : "false");
      output.title = over ? "Too long: keep it under " + max + " characters." : "";
    }
    input.addEventListener("input", update);
    update();
  }

  function init() {
    var inputs = document.querySelectorAll("[data-counter]");
    for (var i = 0; i < inputs.length; i++) {
      attachCounter(inputs[i]);
    }
    attachDrafts(document.querySelectorAll("form[data-keep-drafts]"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
