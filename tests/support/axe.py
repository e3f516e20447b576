"""axe-core (from npm, node_modules/) run in a Playwright page over the WCAG 2.1 A and AA rules.

`make test` installs it (`npm ci`, pinned in package-lock.json). A serious or critical
violation fails the test with the rule, its impact, what it means and the elements' selectors.

The portal's dynamic pages send `Content-Security-Policy: script-src 'self'`, which refuses
the inline script `page.add_script_tag(path=...)` injects (axe's source as the tag's text).
Pages with such a policy are therefore checked in a context opened with Playwright's
`bypass_csp=True` (`context_options`): it lifts the policy for that context only, so axe can
run; the policy itself is tested elsewhere (tests/ticketapi/portal), and nothing axe checks
depends on it (the pages have no inline script or style for it to refuse).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
SCHEMES = ("light", "dark")


def context_options(color_scheme: str, *, page_csp: bool = False) -> dict:
    """Options for `browser.new_context`: the colour scheme, and room for axe under a CSP."""
    return {"color_scheme": color_scheme, "bypass_csp": page_csp}


def axe_script() -> Path:
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} is missing: run `make node-deps` (make test does) to install axe-core"
        )
    return AXE_JS


def serious_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_21_AA,
    )
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """One readable paragraph per violated rule: id, impact, what it means, where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    {target}")
            if summary := node.get("failureSummary"):
                lines.append("      " + " ".join(summary.split()))
        lines.append(f"    see {violation['helpUrl']}")
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    """Fail with every serious or critical violation of WCAG 2.1 AA on the page."""
    found = serious_violations(page)
    scheme = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'")
    assert not found, f"{where} ({scheme}) breaks WCAG 2.1 AA:\n{describe(found)}"
