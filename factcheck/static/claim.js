// The claim workspace: a live character counter for the short wording.
// Loaded as a file (the CSP allows no inline script). The server checks the
// length again; this only helps the reviewer see it while typing.
(function () {
  "use strict";

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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
