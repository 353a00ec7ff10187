/* Keyboard triage of the claim queue (templates/triage/queue.html).
 *
 * Every action is a real form in the claim's row (templates/triage/_row.html)
 * that htmx posts and answers with the re-rendered row; without JavaScript the
 * same forms post normally and redirect back. This file only adds keys:
 *
 *   j / k      focus the next / previous claim
 *   c          checkable
 *   n          not checkable: a dialog asks why (1-4 or arrows, Enter)
 *   x          select the claim for a bulk action (toggle); Shift+j / Shift+k
 *              select while moving (the bulk bar above the queue acts on them)
 *   z          undo the last action (undo.js)
 *   d          duplicate of: a dialog searches claims by their words or number
 *   a          assign to me
 *   u          assign to someone: focuses the row's assignee list
 *   0-3        set the priority; p raises it by one (3 wraps to 0)
 *   Enter      open the claim (when the focus is on the row itself)
 *   Esc        from a control in a row, back to the row
 *
 * The CSP forbids inline scripts and handlers, so everything is wired here.
 */
(function () {
  "use strict";

  var queue = document.getElementById("queue");
  if (!queue) {
    return;
  }
  var live = document.getElementById("triage-live");
  var reasonDialog = document.getElementById("reason-dialog");
  var reasonForm = document.getElementById("reason-form");
  var duplicateDialog = document.getElementById("duplicate-dialog");
  var duplicateSearch = document.getElementById("duplicate-search");
  var duplicateResults = document.getElementById("duplicate-results");
  var currentId = null; // the claim the reviewer is working on
  var searchTimer = null;
  var busy = {}; // claim id -> true while an action of that row is on its way
  var waiting = []; // [claim id, action] pressed while busy, replayed in order

  function announce(text) {
    if (!live) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function rows() {
    return Array.prototype.slice.call(queue.querySelectorAll(".claim-row"));
  }

  function rowById(id) {
    return id ? document.getElementById("claim-" + id) : null;
  }

  function currentRow() {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest(".claim-row") : null;
    if (row && queue.contains(row)) {
      return row;
    }
    return rowById(currentId);
  }

  function focusRow(row) {
    if (!row) {
      return;
    }
    currentId = row.dataset.claimId;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return;
    }
    var index = all.indexOf(currentRow());
    var next = index < 0 ? all[0] : all[Math.min(all.length - 1, Math.max(0, index + step))];
    focusRow(next);
  }

  function actionForm(row, action) {
    return row.querySelector('form[data-action="' + action + '"]');
  }

  /* Actions on a row whose previous action is still on its way wait for its
   * answer (which carries the new version) instead of failing as stale. */
  function whenFree(row, run) {
    var id = row.dataset.claimId;
    currentId = id;
    if (busy[id]) {
      waiting.push([id, run]);
    } else {
      run(row);
    }
  }

  function replay(id) {
    for (var i = 0; i < waiting.length; i += 1) {
      if (waiting[i][0] === id) {
        var run = waiting.splice(i, 1)[0][1];
        var row = rowById(id);
        if (row) {
          run(row);
        }
        return;
      }
    }
  }

  function send(row, form) {
    htmx.process(row); // a freshly swapped row may not be wired yet
    busy[row.dataset.claimId] = true;
    form.requestSubmit();
  }

  function submit(row, action, prepare) {
    whenFree(row, function (fresh) {
      var form = actionForm(fresh, action);
      if (!form) {
        announce("Claim " + fresh.dataset.claimId +
                 " cannot take that action in its present state.");
        return;
      }
      if (prepare && prepare(form, fresh) === false) {
        return;
      }
      var button = form.querySelector('button[type="submit"]');
      if (button && button.disabled) {
        announce("Nothing to change: " + button.textContent.trim() + " is already done.");
        return;
      }
      send(fresh, form);
    });
  }

  function setPriority(row, value) {
    submit(row, "priority", function (form, fresh) {
      var wanted = value === "next" ? (parseInt(fresh.dataset.priority, 10) + 1) % 4 : value;
      if (String(wanted) === fresh.dataset.priority) {
        announce("The priority is already " + wanted + ".");
        return false;
      }
      form.querySelector('select[name="priority"]').value = String(wanted);
      return true;
    });
  }

  function isTyping(target) {
    return target.matches("input, select, textarea, [contenteditable], [contenteditable] *");
  }

  /* --- Not checkable: ask why ------------------------------------------------------------- */

  function openReason(row) {
    if (!actionForm(row, "mark_not_checkable")) {
      submit(row, "mark_not_checkable"); // announces why not
      return;
    }
    currentId = row.dataset.claimId;
    document.getElementById("reason-title").textContent =
      "Why is claim " + currentId + " not checkable?";
    var first = reasonForm.querySelector('input[name="reason"]');
    first.checked = true;
    reasonDialog.showModal();
    first.focus();
  }

  function chooseReason() {
    var checked = reasonForm.querySelector('input[name="reason"]:checked');
    var row = rowById(currentId);
    reasonDialog.close();
    if (!checked || !row) {
      return;
    }
    submit(row, "mark_not_checkable", function (form) {
      form.querySelector("select").value = checked.value;
    });
  }

  reasonForm.addEventListener("submit", function (event) {
    event.preventDefault();
    chooseReason();
  });

  reasonDialog.addEventListener("keydown", function (event) {
    var radios = reasonForm.querySelectorAll('input[name="reason"]');
    var number = parseInt(event.key, 10);
    if (number >= 1 && number <= radios.length) {
      radios[number - 1].checked = true;
      event.preventDefault();
      chooseReason();
    } else if (event.key === "Enter" && event.target.matches('input[type="radio"]')) {
      event.preventDefault();
      chooseReason();
    }
  });

  /* --- Duplicate of: search the original ---------------------------------------------------- */

  function openDuplicate(row) {
    if (!actionForm(row, "mark_duplicate")) {
      submit(row, "mark_duplicate");
      return;
    }
    currentId = row.dataset.claimId;
    document.getElementById("duplicate-title").textContent =
      "Claim " + currentId + " duplicates which claim?";
    duplicateSearch.value = "";
    duplicateResults.textContent = "Type some words of the original claim, or its number.";
    duplicateDialog.showModal();
    duplicateSearch.focus();
  }

  function search() {
    var row = rowById(currentId);
    if (!row) {
      return;
    }
    var form = actionForm(row, "mark_duplicate");
    var params = new URLSearchParams({
      q: duplicateSearch.value,
      version: row.dataset.version,
      next: form.querySelector('input[name="next"]').value,
    });
    htmx.ajax("GET", row.dataset.searchUrl + "?" + params.toString(),
              { target: duplicateResults, swap: "innerHTML" });
  }

  duplicateSearch.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(search, 200);
  });

  duplicateDialog.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
      return;
    }
    var buttons = Array.prototype.slice.call(duplicateResults.querySelectorAll("button"));
    if (!buttons.length) {
      return;
    }
    var index = buttons.indexOf(document.activeElement);
    var step = event.key === "ArrowDown" ? 1 : -1;
    if (index < 0 && step < 0) {
      return;
    }
    event.preventDefault();
    if (index + step < 0) {
      duplicateSearch.focus();
    } else {
      buttons[Math.min(buttons.length - 1, index + step)].focus();
    }
  });

  document.querySelectorAll("[data-close-dialog]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.closest("dialog").close();
    });
  });

  [reasonDialog, duplicateDialog].forEach(function (dialog) {
    dialog.addEventListener("close", function () {
      var row = rowById(currentId);
      if (row && !document.activeElement.closest(".claim-row")) {
        focusRow(row);
      }
    });
  });

  /* --- htmx: which row is being changed, keep the focus on it, show errors in it ---------------- */

  function requestRowId(element) {
    var row = element.closest ? element.closest(".claim-row") : null;
    if (row) {
      return row.dataset.claimId;
    }
    var target = element.getAttribute ? (element.getAttribute("hx-target") || "") : "";
    var match = target.match(/^#claim-(\d+)$/);
    return match ? match[1] : null;
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    var id = requestRowId(element);
    if (id) {
      currentId = id;
      if ((event.detail.requestConfig || {}).verb === "post") {
        busy[id] = true; // also when the mouse sent it
      }
    }
    if (duplicateDialog.open && duplicateDialog.contains(element) && element.tagName === "FORM") {
      duplicateDialog.close();
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // A refused action (409 stale version, 403, 400) answers with the row and
    // its message: show it in place rather than dropping it.
    var status = event.detail.xhr.status;
    var body = event.detail.xhr.responseText || "";
    if (status >= 400 && status < 500) {
      if (body.indexOf('<li id="claim-') === 0) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      } else if (status === 401) {
        announce("Your session has ended. Sign in again, then retry.");
      } else {
        announce("The action was refused (error " + status + "). Reload the page.");
      }
    }
  });

  function requestDone(event) {
    // The request ended without replacing its row (refused without a row,
    // network error, validation): the row may act again.
    var id = requestRowId(event.detail.elt);
    if (id && busy[id] && document.body.contains(event.detail.elt)) {
      delete busy[id];
      window.setTimeout(function () { replay(id); }, 0);
    }
  }

  document.body.addEventListener("htmx:afterRequest", requestDone);
  document.body.addEventListener("htmx:validation:halted", requestDone);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    // The row was replaced: its answer (and new version) is in; queued keys may go.
    var match = (event.detail.target.id || "").match(/^claim-(\d+)$/);
    var id = match ? match[1] : null;
    if (id && busy[id]) {
      delete busy[id];
      window.setTimeout(function () { replay(id); }, 0);
    }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    var row = rowById(currentId);
    if (!row) {
      return;
    }
    var active = document.activeElement;
    if (!active || active === document.body || !document.contains(active)) {
      focusRow(row);
    }
    var message = row.querySelector(".row-message");
    if (message) {
      announce("Claim " + currentId + ": " + message.textContent.trim());
    }
  });

  document.body.addEventListener("htmx:sendError", function () {
    announce("The server could not be reached. Nothing was changed.");
  });

  /* --- Selection for bulk actions ------------------------------------------------------------ */

  var bulkCount = document.getElementById("bulk-count");

  function selectedCount() {
    return queue.querySelectorAll(".row-select:checked").length;
  }

  function showSelection() {
    rows().forEach(function (row) {
      var box = row.querySelector(".row-select");
      row.classList.toggle("selected", Boolean(box && box.checked));
    });
    if (bulkCount) {
      var count = selectedCount();
      bulkCount.textContent = count ? count + " selected" : "No claim selected";
    }
  }

  function setSelected(row, on) {
    var box = row ? row.querySelector(".row-select") : null;
    if (!box) {
      return;
    }
    box.checked = on;
    showSelection();
    announce("Claim " + row.dataset.claimId + (on ? " selected. " : " not selected. ") +
             selectedCount() + " selected.");
  }

  queue.addEventListener("change", function (event) {
    if (event.target.matches(".row-select")) {
      showSelection();
    }
  });

  /* --- The keys ------------------------------------------------------------------------------ */

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (reasonDialog.open || duplicateDialog.open) {
      return;
    }
    var target = event.target;
    var key = event.key;
    if (key === "Escape" && target.closest && target.closest(".claim-row") && target !== currentRow()) {
      focusRow(target.closest(".claim-row"));
      event.preventDefault();
      return;
    }
    if (key === "Enter" && target.matches(".claim-row select")) {
      // Enter on a row's list (reason, assignee, priority) sends that form.
      event.preventDefault();
      send(target.closest(".claim-row"), target.form);
      return;
    }
    if (isTyping(target)) {
      return;
    }
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
      event.preventDefault();
      return;
    }
    if (key === "J" || key === "K") {
      // Shift+j/k: select the claim one is on and the one one moves to.
      setSelected(currentRow(), true);
      move(key === "J" ? 1 : -1);
      setSelected(currentRow(), true);
      event.preventDefault();
      return;
    }
    var row = currentRow();
    if (!row) {
      return;
    }
    if (key === "Enter") {
      if (target !== row) {
        return; // Enter on a button presses the button
      }
      window.location.assign(row.dataset.openUrl);
    } else if (key === "c") {
      submit(row, "mark_checkable");
    } else if (key === "x") {
      var box = row.querySelector(".row-select");
      setSelected(row, box ? !box.checked : false);
    } else if (key === "n") {
      openReason(row);
    } else if (key === "d") {
      openDuplicate(row);
    } else if (key === "a") {
      submit(row, "assign_me");
    } else if (key === "u") {
      var people = row.querySelector('select[name="assignee_id"]');
      if (people) {
        people.focus();
      }
    } else if (key >= "0" && key <= "3" && key.length === 1) {
      setPriority(row, key);
    } else if (key === "p") {
      setPriority(row, "next");
    } else {
      return;
    }
    event.preventDefault();
  });
}());
