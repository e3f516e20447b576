// The new ticket page's user search, as you type: the same answer as the "Find" button
// (the people service, through /agent/tickets/new/people), without reloading what is typed
// below it. Names are put in as text, never as markup. The page works without this file.
"use strict";

(function () {
  const WAIT_MS = 250;

  function choice(user, checked) {
    const item = document.createElement("li");
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "requester";
    radio.value = String(user.id);
    radio.checked = checked;
    const address = document.createElement("span");
    address.className = "muted";
    address.textContent = "<" + user.email + ">";
    label.append(radio, " " + user.name + " ", address);
    item.append(label);
    return item;
  }

  function show(list, users, typed) {
    const chosen = list.querySelector('input[name="requester"]:checked');
    const keep = chosen && chosen.value !== "new" ? chosen.value : null;
    const newUser = list.querySelector('input[name="requester"][value="new"]').closest("li");
    for (const item of Array.from(list.children)) {
      if (item !== newUser) item.remove();
    }
    for (const user of users) {
      list.insertBefore(choice(user, String(user.id) === keep || (!keep && users.length === 1)), newUser);
    }
    if (!users.length && typed) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = "Nobody's address or name contains “" + typed + "”.";
      list.insertBefore(none, newUser);
    }
    if (!list.querySelector('input[name="requester"]:checked')) {
      newUser.querySelector("input").checked = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const field = document.querySelector("input[data-people-search]");
    const list = document.getElementById("requester-choices");
    if (!field || !list) return;
    const kept = document.querySelector('form input[type="hidden"][name="find"]');
    let timer = null;
    let asked = 0;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const typed = field.value.trim();
        const mine = ++asked;
        if (kept) kept.value = typed;
        if (!typed) return show(list, [], "");
        const url = field.dataset.peopleSearch + "?find=" + encodeURIComponent(typed);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (answer) { return answer.ok ? answer.json() : []; })
          .then(function (users) { if (mine === asked) show(list, users, typed); })
          .catch(function () { /* the Find button still works */ });
      }, WAIT_MS);
    });
  });
})();
