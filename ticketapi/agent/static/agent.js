// The agents' pages work without this file; it only saves a reload here and there.
// Our own code, served by the app (no CDN, nothing inline: the pages' CSP allows 'self').
"use strict";

(function () {
  // The theme toggle: apply the chosen scheme at once, and save it with the same form post
  // a browser without JavaScript sends (the answer is a redirect we need not follow).
  function chooseScheme(event) {
    const button = event.submitter;
    if (!button || button.name !== "scheme") return;
    event.preventDefault();
    const form = event.currentTarget;
    const body = new FormData(form);
    body.set("scheme", button.value);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
    const sheet = document.querySelector('link[rel="stylesheet"][href*="/agent/theme/"]');
    if (sheet) sheet.href = sheet.href.replace(/\/(system|light|dark)\.css/, "/" + button.value + ".css");
    document.documentElement.dataset.scheme = button.value;
    const meta = document.querySelector('meta[name="color-scheme"]');
    if (meta) meta.content = button.value === "system" ? "light dark" : button.value;
    for (const other of form.querySelectorAll('button[name="scheme"]')) {
      other.setAttribute("aria-pressed", String(other === button));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    for (const form of document.querySelectorAll("form.scheme-toggle")) {
      form.addEventListener("submit", chooseScheme);
    }
    // A form sent back with problems: its summary is read out and focused first.
    const summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
