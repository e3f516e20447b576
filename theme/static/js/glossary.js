// Glossary tooltips: the definition of an annotated term on hover, keyboard focus and tap,
// given to screen readers through aria-describedby. The definitions come once per site from
// the glossary's definitions.json (named by this script tag's data-definitions), not with
// every page. Without this script each term is still a link to its glossary entry.
(async () => {
  "use strict";
  const terms = document.querySelectorAll("a[data-glossary]");
  const source = document.currentScript?.dataset.definitions
    ?? document.querySelector("script[data-definitions]")?.dataset.definitions;
  if (terms.length === 0 || !source) return;
  let definitions;
  try {
    const response = await fetch(source);
    if (!response.ok) return;
    definitions = await response.json();
  } catch {
    return; // the links still lead to the glossary
  }

  const tooltip = document.createElement("div");
  tooltip.id = "glossary-tooltip";
  tooltip.className = "glossary-tooltip";
  tooltip.setAttribute("role", "tooltip");
  tooltip.hidden = true;
  document.body.append(tooltip);

  let current = null;
  let hideTimer = 0;

  function place(term) {
    const margin = 8;
    const box = term.getBoundingClientRect();
    const tip = tooltip.getBoundingClientRect();
    const maxLeft = document.documentElement.clientWidth - tip.width - margin;
    const left = Math.max(margin, Math.min(box.left, maxLeft));
    const below = box.bottom + 6;
    const top = below + tip.height > window.innerHeight && box.top > tip.height + 6
      ? box.top - tip.height - 6
      : below;
    tooltip.style.left = `${left + window.scrollX}px`;
    tooltip.style.top = `${top + window.scrollY}px`;
  }

  function show(term) {
    const entry = definitions[term.dataset.glossary];
    if (!entry) return;
    window.clearTimeout(hideTimer);
    if (current && current !== term) current.removeAttribute("aria-describedby");
    current = term;
    const name = document.createElement("strong");
    name.textContent = term.textContent;
    tooltip.replaceChildren(name, document.createTextNode(` ${entry.definition}`));
    tooltip.hidden = false;
    term.setAttribute("aria-describedby", tooltip.id);
    place(term);
  }

  function hide() {
    window.clearTimeout(hideTimer);
    if (!current) return;
    current.removeAttribute("aria-describedby");
    current = null;
    tooltip.hidden = true;
  }

  // Leaving the term starts a short delay, so the pointer can move onto the tooltip (WCAG 1.4.13).
  function hideSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, 200);
  }

  for (const term of terms) {
    term.addEventListener("mouseenter", () => show(term));
    term.addEventListener("mouseleave", hideSoon);
    term.addEventListener("focus", () => show(term));
    term.addEventListener("blur", hideSoon);
    // On a touch screen the first tap shows the definition, the second follows the link.
    // Whether the definition was already up is read at pointerdown, before the focus and the
    // compatibility mouse events that a tap also fires.
    let tapOnShownTerm = false;
    let touched = false;
    term.addEventListener("pointerdown", (event) => {
      touched = event.pointerType === "touch";
      tapOnShownTerm = current === term && !tooltip.hidden;
    });
    term.addEventListener("click", (event) => {
      if (touched && !tapOnShownTerm) {
        event.preventDefault();
        show(term);
      }
    });
  }
  tooltip.addEventListener("mouseenter", () => window.clearTimeout(hideTimer));
  tooltip.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  document.addEventListener("click", (event) => {
    if (current && !current.contains(event.target) && !tooltip.contains(event.target)) hide();
  });
  window.addEventListener("resize", () => current && place(current));
})();
