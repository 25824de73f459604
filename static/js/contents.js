// "On this page": open beside the text on wide screens, folded on narrow ones,
// where it would otherwise fill the first screen. Without this script it is
// folded everywhere and opens with one tap.
(function () {
  "use strict";
  var contents = document.querySelector(".article-toc details");
  if (!contents || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 64rem)");
  function fit() { contents.open = wide.matches; }
  fit();
  wide.addEventListener("change", fit);
})();
