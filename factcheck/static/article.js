/* Article page: turn a text selection into "make this a claim".
 *
 * Every piece of the article text is an element with data-start/data-end
 * (offsets in Unicode code points, as the server counts them). A selection's
 * two ends are mapped to offsets, written into the no-JS form's start/end
 * fields, and a bar offers to submit it. Loaded as a file: the CSP forbids
 * inline scripts.
 */
(function () {
  "use strict";

  var container = document.querySelector("[data-article-text]");
  var form = document.getElementById("make-claim-form");
  var bar = document.getElementById("selection-bar");
  if (!container || !form || !bar) {
    return;
  }
  var startInput = form.querySelector("[name=start]");
  var endInput = form.querySelector("[name=end]");
  var preview = bar.querySelector("[data-selection-preview]");

  function codePoints(text) {
    return Array.from(text).length;
  }

  function segmentOf(node) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    return element && element.closest ? element.closest("[data-start]") : null;
  }

  // The offset in the article text of a selection boundary (node, offset).
  function boundaryOffset(node, offset, isEnd) {
    var segment = segmentOf(node);
    if (segment && container.contains(segment)) {
      var before = node.nodeType === Node.TEXT_NODE ? node.data.slice(0, offset) : "";
      if (node.nodeType !== Node.TEXT_NODE) {
        // An element boundary inside a segment: before or after its text.
        return offset === 0 ? Number(segment.dataset.start) : Number(segment.dataset.end);
      }
      return Number(segment.dataset.start) + codePoints(before);
    }
    // A boundary between segments or paragraphs: the next segment's start, or
    // (for the end of a selection) the previous segment's end.
    var segments = container.querySelectorAll("[data-start]");
    var around = document.createRange();
    var i;
    if (isEnd) {
      for (i = segments.length - 1; i >= 0; i -= 1) {
        around.selectNode(segments[i]);
        if (around.comparePoint(node, offset) >= 0) {
          return Number(segments[i].dataset.end);
        }
      }
      return 0;
    }
    for (i = 0; i < segments.length; i += 1) {
      around.selectNode(segments[i]);
      if (around.comparePoint(node, offset) <= 0) {
        return Number(segments[i].dataset.start);
      }
    }
    return Number(container.dataset.length || 0);
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return; // keep the last selection: clicking the button may collapse it
    }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) {
      return;
    }
    var start = boundaryOffset(range.startContainer, range.startOffset, false);
    var end = boundaryOffset(range.endContainer, range.endOffset, true);
    if (!(end > start)) {
      return;
    }
    startInput.value = String(start);
    endInput.value = String(end);
    var text = selection.toString().replace(/\s+/g, " ").trim();
    preview.textContent = text.length > 80 ? text.slice(0, 77) + "…" : text;
    bar.hidden = text.length === 0;
  }

  document.addEventListener("selectionchange", onSelection);
}());
