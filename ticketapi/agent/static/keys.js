// Keyboard shortcuts on the agents' pages (docs/agents.md, "Keyboard"). The list of shortcuts
// is in the page's markup (workspace.html's #shortcuts), readable without this file; here we
// only make the keys work and show that list as a dialog on "?".
"use strict";

(function () {
  // Keys are letters typed in a field there, never shortcuts. A checkbox or a radio takes
  // no text, so the keys still work from the list's selection boxes.
  const NOT_TYPING = new Set(["checkbox", "radio", "button", "submit", "reset"]);

  function typing(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    if (target.matches("textarea, select")) return true;
    return target.matches("input") && !NOT_TYPING.has(target.type);
  }

  // The start page: j/k open the next or previous ticket's summary. The summary is a page
  // of its own (works without script), so the selection is found again after it loads.
  // The ticket page: j/k follow its links to the next or previous ticket of the list it was
  // opened from (trail.py), when it was opened from one.
  function move(step) {
    const links = Array.from(document.querySelectorAll(".ticket-list .ticket-link"));
    if (!links.length) return follow(step > 0 ? "trail-next" : "trail-previous");
    let at = links.indexOf(document.activeElement);
    if (at < 0) at = links.findIndex((link) => link.getAttribute("aria-current") === "true");
    const next = at < 0 ? (step > 0 ? 0 : links.length - 1) : at + step;
    if (next < 0 || next >= links.length) return true;
    sessionStorage.setItem("keys-selected", "1");
    links[next].focus();
    window.location.assign(links[next].href);
    return true;
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  function write(kind) {
    const radio = document.querySelector('#reply input[name="kind"][value="' + kind + '"]');
    const box = document.getElementById("reply-body");
    if (!radio || !box) return false;
    radio.checked = true;
    box.focus();
    return true;
  }

  // "Assign to me" sends the properties form (ticket.js saves it in place, or the browser
  // posts it), only where the page offers the agent field: the server decides who may.
  function assignToMe() {
    const form = document.querySelector("form.properties[data-me]");
    const field = form && form.querySelector("#prop-agent");
    if (!field) return false;
    field.value = form.dataset.me;
    form.requestSubmit();
    return true;
  }

  function focusField(id) {
    const field = document.getElementById(id);
    if (!field) return false;
    const details = field.closest("details");
    if (details) details.open = true;
    field.focus();
    return true;
  }

  function search(help) {
    if (focusField("filter-q")) return true;
    if (!help || !help.dataset.search) return false;
    sessionStorage.setItem("keys-search", "1");
    window.location.assign(help.dataset.search);
    return true;
  }

  // The list of shortcuts as a modal dialog: a copy of the page's list, labelled by its
  // heading; Escape (the dialog's own cancel) closes it and focus goes back where it was.
  function helpDialog(help) {
    const dialog = document.createElement("dialog");
    dialog.className = "shortcuts-dialog";
    dialog.setAttribute("aria-labelledby", "shortcuts-dialog-title");
    const title = document.createElement("h2");
    title.id = "shortcuts-dialog-title";
    title.textContent = "Keyboard shortcuts";
    const list = help.querySelector(".shortcut-list").cloneNode(true);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button-quiet";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    dialog.append(title, list, close);
    document.body.append(dialog);
    let before = null;
    dialog.addEventListener("close", () => {
      if (before && before.isConnected) before.focus();
    });
    return function open() {
      if (dialog.open) return;
      before = document.activeElement;
      dialog.showModal();
      close.focus();
    };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const help = document.getElementById("shortcuts");
    if (!help) return;
    const showHelp = helpDialog(help);
    if (sessionStorage.getItem("keys-selected")) {
      sessionStorage.removeItem("keys-selected");
      const selected = document.querySelector('.ticket-list .ticket-link[aria-current="true"]');
      if (selected) selected.focus();
    }
    if (sessionStorage.getItem("keys-search")) {
      sessionStorage.removeItem("keys-search");
      focusField("filter-q");
    }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      r: () => write("reply"),
      n: () => write("note"),
      a: assignToMe,
      s: () => focusField("prop-status"),
      "/": () => search(help),
      "?": () => (showHelp(), true),
    };
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
      if (typing(event.target) || document.querySelector("dialog[open]")) return;
      const action = actions[event.key];
      if (action && action()) event.preventDefault();
    });
  });
})();
