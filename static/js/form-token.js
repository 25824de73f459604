// Forms on pages every reader shares (comment form, newsletter sign-up) carry
// no CSRF token. When the reader starts on one, fetch their own token from the
// site and add it; a submit waits for it (and asks again if the first fetch
// failed). Without this script, or if no token comes, the server shows the
// form back to be confirmed (mesoguide/form_tokens.py).
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-token-url]");
  if (!forms.length || !window.fetch) {
    return;
  }
  var pending = null;

  function token(url) {
    if (!pending) {
      pending = fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("token request failed: " + response.status);
        }
        return response.json();
      }).then(function (data) {
        forms.forEach(function (form) { insert(form, data.token); });
        return data.token;
      });
      pending.catch(function () { pending = null; }); // the next attempt asks again
    }
    return pending;
  }

  function insert(form, value) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      form.insertBefore(input, form.firstChild);
    }
    input.value = value;
  }

  function hasToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return Boolean(input && input.value);
  }

  forms.forEach(function (form) {
    var url = form.getAttribute("data-token-url");
    var sending = false;
    function prepare() {
      token(url).catch(function () {});
    }
    form.addEventListener("focusin", prepare, { once: true });
    form.addEventListener("input", prepare, { once: true });
    form.addEventListener("submit", function (event) {
      if (hasToken(form)) {
        return;
      }
      event.preventDefault();
      if (sending) {
        return;
      }
      sending = true;
      token(url)
        .catch(function () { return token(url); })
        .catch(function () {})
        .then(function () { form.submit(); });
    });
  });
})();
