// Word count and reading time under the article text, kept up to date while
// typing. The same rules as articles/readability.py: the sources list,
// footnotes, link targets and Markdown punctuation are not counted.
(function () {
  "use strict";
  var SOURCES = /^##\s+Sources\s*$/m;
  var FOOTNOTE_DEFINITION = /^\[\^[^\]]+\]:.*(?:\n(?:[ \t]+.*)?)*/gm;
  var FOOTNOTE_REFERENCE = /\[\^[^\]]+\]/g;
  var LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
  var AUTOLINK = /<https?:\/\/[^>]+>/g;
  var ATTR_LIST = /\{:[^}]*\}/g;
  var HEADING = /^#{1,6}\s+(.*)$/gm;
  var LIST_MARKER = /^\s*(?:[-*+]|\d+\.)\s+/gm;
  var EMPHASIS = /[*_`>|]+/g;
  var WORD = /[\p{L}\p{N}\p{M}_]+(?:['-]+[\p{L}\p{N}\p{M}_]+)*/gu;

  function countWords(markdown) {
    var match = SOURCES.exec(markdown);
    var text = match ? markdown.slice(0, match.index) : markdown;
    text = text
      .replace(FOOTNOTE_DEFINITION, "")
      .replace(FOOTNOTE_REFERENCE, "")
      .replace(LINK, "$1")
      .replace(AUTOLINK, "")
      .replace(ATTR_LIST, "")
      .replace(HEADING, "$1.")
      .replace(LIST_MARKER, "")
      .replace(EMPHASIS, "");
    var words = text.match(WORD);
    return words ? words.length : 0;
  }

  function attach(stats) {
    var box = document.getElementById(stats.getAttribute("data-text-stats-for"));
    if (!box) return;
    var perMinute = parseInt(stats.getAttribute("data-words-per-minute"), 10) || 200;
    var wordsOut = stats.querySelector(".word-count");
    var minutesOut = stats.querySelector(".reading-minutes");
    var pending = null;
    function update() {
      pending = null;
      var words = countWords(box.value);
      wordsOut.textContent = String(words);
      minutesOut.textContent = String(Math.max(1, Math.round(words / perMinute)));
    }
    box.addEventListener("input", function () {
      if (pending === null) pending = window.setTimeout(update, 150);
    });
  }

  function init() {
    document.querySelectorAll("[data-text-stats-for]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
