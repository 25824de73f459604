// The review screen: selecting words in the text copies them into "Quoted
// passage", leaving out deleted words and the labels read to screen readers
// (articles/review_notes.py checks the quote is in the revision). Without this
// script the reviewer pastes the passage themselves.
(function () {
  "use strict";
  var text = document.getElementById("admin-review-text");
  var quote = document.getElementById("admin-review-quote");
  if (!text || !quote || !window.getSelection) {
    return;
  }
  var max = Number(quote.getAttribute("maxlength")) || 1000;

  function selectedWords() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) {
      return "";
    }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) {
      return "";
    }
    var holder = document.createElement("div");
    holder.appendChild(range.cloneContents());
    holder.querySelectorAll("del, .visually-hidden").forEach(function (el) { el.remove(); });
    // Blocks (paragraphs, list items) end lines, as the selection reads.
    holder.querySelectorAll("p, li, h2, h3, h4, h5, h6, td, th, div").forEach(function (el) {
      el.appendChild(document.createTextNode("\n"));
    });
    return holder.textContent.replace(/[ \t]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
  }

  function take() {
    var words = selectedWords();
    if (words) {
      quote.value = words.slice(0, max);
    }
  }

  text.addEventListener("mouseup", take);
  text.addEventListener("keyup", function (event) {
    if (event.shiftKey) {
      take();
    }
  });
  text.addEventListener("touchend", function () { window.setTimeout(take, 0); });
})();
