// The article editor's "Insert picture" button (images/widgets.py): puts
// ![](image:slug) where the cursor is, as a paragraph of its own.
(function () {
  "use strict";
  function setUp() {
  document.querySelectorAll(".image-picker[data-for]").forEach(function (picker) {
    var field = document.getElementById(picker.getAttribute("data-for"));
    var select = picker.querySelector("select");
    var button = picker.querySelector("button");
    if (!field || !select || !button) return;
    picker.hidden = false;
    button.addEventListener("click", function () {
      var start = field.selectionStart, end = field.selectionEnd, text = field.value;
      var before = text.slice(0, start).replace(/\s*$/, "");
      var after = text.slice(end).replace(/^\s*/, "");
      var syntax = "![](image:" + select.value + ")";
      var head = before ? before + "\n\n" : "";
      field.value = head + syntax + (after ? "\n\n" + after : "\n");
      var cursor = head.length + syntax.length;
      field.focus();
      field.setSelectionRange(cursor, cursor);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
  }
  // The admin loads form scripts in <head>, before the form exists.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
