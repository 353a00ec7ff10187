// The undo offer after a triage action: `z` presses it; it goes away after a few seconds.
// Without JavaScript the button is a plain form and stays until the next page.
(function () {
  "use strict";
  var SHOWN_MS = 10000;
  var timer = null;

  function bar() { return document.getElementById("undo-bar"); }

  function schedule() {
    var element = bar();
    if (!element || element.hidden) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var current = bar();
      if (current && !current.contains(document.activeElement)) { current.hidden = true; }
    }, SHOWN_MS);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "z" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var element = bar();
    var button = document.getElementById("undo-button");
    if (element && !element.hidden && button) {
      event.preventDefault();
      button.form.submit();
    }
  });
  document.body.addEventListener("htmx:afterSettle", schedule);
  schedule();
}());
