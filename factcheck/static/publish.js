// The publish page: the note's label follows the kind of change chosen
// (a correction note or an update note). The server renders the right label
// for the kind it last saw; this keeps it right while the editor chooses.
(function () {
  "use strict";

  function init() {
    var kind = document.getElementById("change_kind");
    var note = document.getElementById("note");
    var label = note && document.querySelector('label[for="note"]');
    if (!kind || !label) {
      return;
    }
    function update() {
      label.textContent = note.getAttribute(
        kind.value === "updated" ? "data-label-updated" : "data-label-correction");
    }
    kind.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
