// The ticket page without reloads: presence, the reply box's preview, snippets and articles,
// and the properties panel saved in place. Every form works without this file; it only
// sends the same forms with fetch. Text from the server is put in with textContent, never
// as markup, except the preview, which the server's sanitizer made (tickets/rendering.py).
"use strict";

(function () {
  const POLL_MS = 5000;

  function token() {
    const field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function post(url, fields) {
    const body = new FormData();
    body.set("csrf_token", token());
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  }

  // Presence: tell the server every few seconds, show who else is here.
  function presence(pane) {
    const shown = pane.querySelector(".presence");
    const box = document.getElementById("reply-body");
    function state() {
      return box && (document.activeElement === box || box.value.trim()) ? "replying" : "viewing";
    }
    function tick() {
      if (document.hidden) return;
      post(pane.dataset.presence, { state: state() })
        .then((r) => (r.ok ? r.json() : null))
        .then((answer) => {
          if (!answer) return;
          shown.replaceChildren(...answer.others.map((other) => {
            const item = document.createElement("span");
            item.className = "presence-" + (other.state === "replying" ? "replying" : "viewing");
            item.textContent = other.name + " is " + other.state;
            return item;
          }));
        })
        .catch(() => {}); // presence is a courtesy: a missed beat is fine
    }
    tick();
    setInterval(tick, POLL_MS);
    if (box) box.addEventListener("focus", tick);
  }

  // The reply box: preview through the server, snippets and articles inserted at the caret.
  function insert(box, text) {
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  }

  // A search box of the reply box: live results; its Find button and Enter search at once
  // (without this script they post the form, and the page comes back with the results).
  function searcher(input, list, url, pick) {
    let timer = null;
    function run() {
      const q = input.value.trim();
      if (!q) { list.replaceChildren(); return; }
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((answer) => {
          if (!answer) return;
          list.replaceChildren(...pick.items(answer).map((item) => {
            const li = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button-quiet";
            button.textContent = pick.label(item);
            button.addEventListener("click", () => pick.chosen(item));
            li.append(button);
            return li;
          }));
          if (!list.children.length) {
            const li = document.createElement("li");
            li.textContent = "Nothing found.";
            list.append(li);
          }
        });
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      run();
    });
    return run;
  }

  function replyBox(pane) {
    const form = document.getElementById("reply");
    if (!form) return;
    const box = form.querySelector("#reply-body");
    const find = {};
    form.addEventListener("submit", (event) => {
      const action = event.submitter ? event.submitter.value : "";
      if (find[action]) {
        event.preventDefault();
        find[action]();
        return;
      }
      if (action !== "preview") return;
      event.preventDefault();
      post(pane.dataset.preview, { body: box.value })
        .then((r) => r.json())
        .then((answer) => {
          const section = form.querySelector(".preview");
          form.querySelector("#preview-body").innerHTML = answer.html; // sanitized on the server
          section.hidden = false;
        });
    });
    find.find_snippets = searcher(form.querySelector("#snippet-q"), form.querySelector("#snippet-results"), pane.dataset.snippets, {
      items: (answer) => answer.snippets,
      label: (s) => "Insert “" + s.title + "”",
      chosen: (s) => fetch(pane.dataset.snippets + "/" + s.id, { credentials: "same-origin" })
        .then((r) => r.json()).then((answer) => insert(box, answer.text)),
    });
    find.find_articles = searcher(form.querySelector("#article-q"), form.querySelector("#article-results"), pane.dataset.articles, {
      items: (answer) => answer.articles,
      label: (a) => "Link “" + a.title + "”",
      chosen: (a) => insert(box, "[" + a.title.replace(/[[\]]/g, "") + "](" + a.link + ")"),
    });
  }

  // The properties panel: saved in place; a stale save is sent again as a form, so the
  // server's page shows what changed meanwhile and the choice.
  function properties() {
    const form = document.querySelector("form.properties");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then((r) => {
        if (r.status !== 200 || !(r.headers.get("Content-Type") || "").includes("json")) {
          form.submit();
          return null;
        }
        return r.json();
      }).then((answer) => {
        if (!answer) return;
        if (answer.version) {
          form.querySelector('[name="version"]').value = answer.version;
          form.querySelector('[name="seen"]').value = answer.seen;
          for (const seen of form.querySelectorAll('input[name^="seen_"]')) {
            const field = form.querySelector('[name="' + seen.name.slice(5) + '"]');
            if (field) seen.value = field.value;
          }
        }
        let said = form.querySelector(".saved");
        if (!said) {
          said = document.createElement("p");
          said.className = "saved";
          said.setAttribute("role", "status");
          form.append(said);
        }
        said.textContent = "Saved.";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const pane = document.querySelector(".conversation-pane[data-presence]");
    if (!pane) return;
    presence(pane);
    replyBox(pane);
    properties();
    const choice = document.querySelector(".stale-choice");
    if (choice) choice.focus();
  });
})();
