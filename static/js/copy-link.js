// Copy-link buttons: hidden in the HTML, shown only where the browser can copy.
// The share links beside them work without this script.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy-url]").forEach(function (button) {
    var status = button.parentElement.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-url")).then(
        function () { status.textContent = "Link copied."; },
        function () { status.textContent = "Could not copy: select the address bar and copy it instead."; }
      );
    });
  });
})();
