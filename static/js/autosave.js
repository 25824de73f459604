// The article form: keep the editor's unsaved title, summary and text on the
// server while they type (articles/autosave.py), and ask before they leave the
// page with changes not saved. Without this script the form works as before:
// only nothing is kept and nobody is asked.
(function () {
  "use strict";
  var status = document.getElementById("admin-autosave-status");
  var form = status && status.closest("form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = status.getAttribute("data-autosave-url");
  var interval = Math.max(1, Number(status.getAttribute("data-interval-seconds")) || 15) * 1000;
  var names = ["title", "summary", "body"];
  var changed = status.hasAttribute("data-restored"); // restored text is not saved yet
  var leaving = false;
  var timer = null;
  var sending = false;
  var retry = false;
  var lastSent = snapshot();

  function field(name) {
    return form.elements.namedItem(name);
  }

  function snapshot() {
    return names.map(function (name) {
      var input = field(name);
      return input ? input.value : "";
    }).join("\u0000");
  }

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("autosave-failed", Boolean(failed));
  }

  function payload() {
    var data = new FormData();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    names.concat(["opened_version", "based_on"]).forEach(function (name) {
      var input = field(name);
      if (input && input.value !== "") {
        data.append(name, input.value);
      }
    });
    names.forEach(function (name) {
      if (!data.has(name)) {
        data.append(name, "");
      }
    });
    return data;
  }

  function send() {
    timer = null;
    var now = snapshot();
    if (leaving || now === lastSent) {
      return;
    }
    if (sending) {
      schedule();
      return;
    }
    sending = true;
    fetch(url, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.redirected || (response.ok && !data.saved_at)) {
          // Sent on to the sign-in page: the session ended, nothing was kept.
          say("Not autosaved: you are signed out. Sign in again in another tab; your text is still in this form.", true);
        } else if (response.ok) {
          lastSent = now;
          say((data.label || "Unsaved changes kept") + " for you only. Press Save to keep them as a revision.");
        } else {
          say(data.error || "Not autosaved (the server refused it). Your text is still in this form.", true);
          // Too many autosaves this minute (other tabs): the message promises
          // another try at the next interval, typing or not.
          retry = response.status === 429;
        }
      });
    }).catch(function () {
      say("Not autosaved: no connection. Your text is still in this form; try Save when you are back online.", true);
    }).then(function () {
      sending = false;
      if (retry) {
        retry = false;
        schedule();
      }
    });
  }

  function schedule() {
    if (!timer) {
      timer = window.setTimeout(send, interval);
    }
  }

  form.addEventListener("input", function (event) {
    changed = true;
    if (event.target && names.indexOf(event.target.name) !== -1) {
      schedule();
    }
  });
  form.addEventListener("change", function () {
    changed = true;
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.formTarget === "_blank") {
      return; // "Preview" opens another tab: this page stays, unsaved
    }
    leaving = true;
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
  // Closing the tab or leaving anyway: send what the last interval did not,
  // if it fits in the browser's limit for requests that outlive the page (64 kB).
  window.addEventListener("pagehide", function () {
    var now = snapshot();
    if (leaving || now === lastSent || now.length > 60000) {
      return;
    }
    try {
      fetch(url, { method: "POST", body: payload(), credentials: "same-origin", keepalive: true });
    } catch (error) {
      // Nothing more can be done while the page goes away.
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !leaving) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to ask
    }
  });
  say("Autosave is on: while you type, your unsaved changes are kept for you every " +
    interval / 1000 + " seconds.");
})();
