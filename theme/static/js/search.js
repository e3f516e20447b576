// Search as you type, and "this answered my question" on the submit-a-ticket page.
// Everything here works without this script: a search box submits to the results page, which
// the server renders, and the ticket form posts as usual. The addresses come from this script
// tag's data attributes (the pages allow no inline script). Text from the server reaches the
// page through textContent only; the one HTML field, a result's snippet, goes through
// markedText(), which keeps its text and its <mark> elements and nothing else.
(() => {
  "use strict";
  const script = document.currentScript ?? document.querySelector("script[data-search]");
  const api = script?.dataset.search;
  const deflectionsApi = script?.dataset.deflections;
  const resultsPage = script?.dataset.resultsPage || "/portal/search";
  if (!api || !window.fetch || !window.DOMParser) return;

  const TYPING_PAUSE_MS = 250;
  const SUGGESTIONS = 5;
  const SECTION_NAMES = { article: "Article", news: "News", download: "Download", page: "Page" };
  const SECTION_LABELS = { article: "Articles", news: "News", download: "Downloads", page: "Pages" };

  function element(tag, properties = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(properties)) {
      if (name === "className" || name === "hidden" || name === "type") node[name] = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  // Only the portal's own paths become links: never `javascript:` or another host.
  function pathOnly(url) {
    return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "#";
  }

  // The snippet is escaped text with <mark> around the matched words. DOMParser builds an
  // inert document (nothing in it runs or loads); only text and new <mark>s are copied out.
  function markedText(html) {
    const fragment = document.createDocumentFragment();
    const parsed = new DOMParser().parseFromString(String(html), "text/html");
    for (const node of parsed.body.childNodes) {
      if (node.nodeName === "MARK") fragment.append(element("mark", {}, node.textContent));
      else fragment.append(node.textContent);
    }
    return fragment;
  }

  // What was typed, as the server reads it: the last word is still being typed (and matches
  // the words it begins) unless a space follows it, so only leading spaces are dropped.
  function typedIn(input) {
    return input.value.replace(/^\s+/, "");
  }

  function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
  }

  function resultsUrl(query, params = {}) {
    const url = new URL(resultsPage, window.location.href);
    url.searchParams.set("q", query);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.pathname + url.search;
  }

  // Each box asks for one answer at a time: a newer question cancels the one in flight.
  // Resolves to the answer, or null when it failed or was overtaken.
  function asker() {
    let inFlight = null;
    return async (params) => {
      inFlight?.abort();
      const controller = new AbortController();
      inFlight = controller;
      const url = new URL(api, window.location.href);
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      try {
        const response = await fetch(url, {
          signal: controller.signal,
          headers: { Accept: "application/json" },
        });
        return response.ok ? await response.json() : null;
      } catch {
        return null;
      }
    };
  }

  function whenTypingPauses(input, action, delay = TYPING_PAUSE_MS) {
    let timer = 0;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(action, delay);
    });
  }

  // Arrow keys move through a list of links; Escape goes back to the box.
  function arrowKeys(input, container, close) {
    const links = () => [...container.querySelectorAll("a")];
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && !container.hidden && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape" && close) {
        close();
      }
    });
    container.addEventListener("keydown", (event) => {
      const all = links();
      const index = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) input.focus();
        else all[Math.min(next, all.length - 1)].focus();
      } else if (event.key === "Escape") {
        input.focus();
        close?.();
      }
    });
  }

  // Under any search box (header, home page): the first results, then "See all results".
  function suggestUnder(form) {
    const input = form.querySelector("input[name=q]");
    if (!input) return;
    const ask = asker();
    const panel = element("div", { className: "search-suggest", id: `${input.id}-results`, hidden: true });
    const status = element("p", { className: "visually-hidden", role: "status" });
    form.append(status, panel);
    input.setAttribute("aria-controls", panel.id);
    const close = () => {
      panel.hidden = true;
    };

    async function update() {
      const query = typedIn(input);
      if (query.trim().length < 2) {
        close();
        status.textContent = "";
        return;
      }
      const answer = await ask({ q: query, limit: SUGGESTIONS });
      if (!answer || typedIn(input) !== query) return;
      const items = answer.results.map((result) =>
        element(
          "li",
          {},
          element(
            "a",
            { href: pathOnly(result.url) },
            result.title,
            element("span", { className: "meta" }, SECTION_NAMES[result.section] ?? result.section),
          ),
        ),
      );
      const list = items.length
        ? element("ul", { "aria-label": "Search results" }, ...items)
        : element("p", {}, `No results for “${answer.query}”.`);
      const seeAll = element(
        "a",
        { href: resultsUrl(query), className: "see-all" },
        answer.total ? `See all ${plural(answer.total, "result", "results")}` : "Open the search page",
      );
      panel.replaceChildren(list, seeAll);
      panel.hidden = false;
      status.textContent = answer.total
        ? `${plural(answer.total, "result", "results")}. Press the down arrow to go through them.`
        : "No results.";
    }

    whenTypingPauses(input, update);
    arrowKeys(input, panel, close);
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) close();
    });
    input.addEventListener("focus", () => {
      if (panel.childElementCount && input.value.trim().length >= 2) panel.hidden = false;
    });
  }

  // The results page: the list below the box follows what is typed, as the server renders it.
  function liveResultsPage(form, region) {
    const input = form.querySelector("input[name=q]");
    const count = region.querySelector(".search-count");
    if (!input || !count) return;
    const ask = asker();
    const perPage = Number(region.dataset.perPage) || 10;
    const submitPage = region.dataset.submit;
    let categories = {};
    try {
      categories = JSON.parse(region.dataset.categories || "{}");
    } catch {
      // without titles, a result's line names its section only
    }
    // Dates as the portal prints them ("%-d %B %Y": 12 April 2026).
    const monthName = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      month: "long",
      timeZone: "UTC",
    });
    const formatDate = (date) =>
      `${date.getUTCDate()} ${monthName.format(date)} ${date.getUTCFullYear()}`;

    function describe(result) {
      const parts = [SECTION_NAMES[result.section] ?? result.section];
      if (result.category) parts.push(categories[result.category] ?? result.category);
      const date = result.section === "news" && result.date ? new Date(`${result.date.slice(0, 19)}Z`) : null;
      if (date && !Number.isNaN(date.getTime())) parts.push(formatDate(date));
      return parts.join(" · ");
    }

    function render(answer, typed) {
      const parts = [];
      if (answer.message) parts.push(element("p", { className: "notice" }, answer.message));
      if (answer.suggestion && answer.suggestion === answer.query) {
        parts.push(
          element(
            "p",
            { className: "search-suggestion" },
            `Nothing matched “${typed}”: these are the results for `,
            element("strong", {}, answer.suggestion),
            ".",
          ),
        );
      } else if (answer.suggestion) {
        const link = element("a", { href: resultsUrl(answer.suggestion) }, answer.suggestion);
        parts.push(element("p", { className: "search-suggestion" }, "Did you mean ", link, "?"));
      }
      const sections = Object.entries(answer.sections ?? {}).filter(([, n]) => n > 0);
      if (sections.length) {
        const all = element("a", { href: resultsUrl(answer.query), "aria-current": "page" }, "All ");
        all.append(element("span", { className: "count" }, `(${answer.total})`));
        const tabs = [element("li", {}, all)];
        for (const [name, n] of sections) {
          const tab = element("a", { href: resultsUrl(answer.query, { section: name }) }, `${SECTION_LABELS[name] ?? name} `);
          tab.append(element("span", { className: "count" }, `(${n})`));
          tabs.push(element("li", {}, tab));
        }
        parts.push(element("nav", { className: "search-tabs", "aria-label": "Filter the results" }, element("ul", {}, ...tabs)));
      }
      if (answer.results.length) {
        const items = answer.results.map((result) =>
          element(
            "li",
            {},
            element("h2", {}, element("a", { href: pathOnly(result.url) }, result.title)),
            element("p", { className: "meta" }, describe(result)),
            element("p", { className: "snippet" }, markedText(result.snippet)),
          ),
        );
        parts.push(element("ol", { className: "result-list" }, ...items));
        const pages = Math.ceil(answer.total / perPage);
        if (pages > 1) {
          parts.push(
            element(
              "nav",
              { className: "pagination", "aria-label": "Result pages" },
              element("span", {}, `Page 1 of ${pages}`),
              element("a", { rel: "next", href: resultsUrl(answer.query, { page: 2 }) }, "Next →"),
            ),
          );
        }
      } else {
        const submit = new URL(submitPage || "/portal/tickets/new", window.location.href);
        submit.searchParams.set("subject", typed);
        parts.push(
          element(
            "div",
            { className: "cta search-empty" },
            element("h2", {}, "No articles match"),
            element("p", {}, "Try fewer or other words. Still stuck? We are glad to help."),
            element("p", {}, element("a", { className: "button", href: submit.pathname + submit.search }, "Submit a ticket")),
          ),
        );
      }
      count.textContent = answer.total
        ? `${plural(answer.total, "result", "results")} for “${answer.query}”`
        : `No results for “${typed}”`;
      region.replaceChildren(count, ...parts);
    }

    async function update() {
      const typed = typedIn(input);
      if (!typed.trim()) return;
      const answer = await ask({ q: typed, limit: perPage });
      if (!answer || typedIn(input) !== typed) return;
      render(answer, typed.trim());
      window.history.replaceState(null, "", resultsUrl(typed));
      document.title = document.title.replace(/^[^·]*·/, `Search: ${typed.trim()} ·`);
    }

    whenTypingPauses(input, update);
  }

  // Submit a ticket: articles matching the subject, each with "This answered my question".
  function deflectFrom(section) {
    const input = document.getElementById(section.dataset.deflectFor);
    const list = section.querySelector(".deflection-list");
    const status = document.getElementById("deflection-status");
    if (!input || !list) return;
    const ask = asker();

    async function answered(result, query, button) {
      button.disabled = true;
      let ok = false;
      try {
        const response = await fetch(deflectionsApi, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ url: result.url, query }),
        });
        ok = response.ok;
      } catch {
        ok = false;
      }
      const message = ok
        ? "Glad it helped — no need to submit."
        : "Sorry, that did not reach us. The article is still yours to read.";
      const note = element("p", { className: "deflected", tabindex: "-1" }, message);
      button.replaceWith(note);
      note.focus();
      if (status) status.textContent = message;
    }

    async function update() {
      const query = typedIn(input);
      if (query.trim().length < 3) {
        section.hidden = true;
        return;
      }
      const answer = await ask({ q: query, section: "article", limit: SUGGESTIONS });
      if (!answer || typedIn(input) !== query) return;
      const items = answer.results.map((result) => {
        const link = element(
          "a",
          { href: pathOnly(result.url), target: "_blank", rel: "noopener" },
          result.title,
          element("span", { className: "visually-hidden" }, " (opens in a new tab)"),
        );
        const button = element("button", { type: "button" }, "This answered my question");
        button.addEventListener("click", () => answered(result, query, button));
        return element(
          "li",
          {},
          link,
          element("p", { className: "snippet" }, markedText(result.snippet)),
          deflectionsApi ? button : "",
        );
      });
      list.replaceChildren(...items);
      section.hidden = items.length === 0;
      if (status) {
        status.textContent = items.length
          ? `${plural(items.length, "article", "articles")} may answer your question, after the subject.`
          : "";
      }
    }

    whenTypingPauses(input, update, 400);
    if (input.value.trim()) update();
  }

  const region = document.querySelector("[data-search-results]");
  for (const form of document.querySelectorAll("form.search-form")) {
    if (region) liveResultsPage(form, region);
    else suggestUnder(form);
  }
  for (const section of document.querySelectorAll("[data-deflect-for]")) deflectFrom(section);
})();
