"""Take the documentation screenshots of a built portal in headless Chromium.

Usage: python scripts/screenshots.py [OUTPUT_DIR] [SCREENSHOT_DIR]
Builds nothing: run `helpdesk build` first (`make screenshots` does both).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.browser import launch_chromium, serve_directory

SHOTS = [
    ("home.png", "/", 1280, True),
    ("article.png", "/kb/backup-restore/restore-files-from-a-snapshot/", 1280, False),
    ("glossary.png", "/glossary/", 1280, False),
    ("article-phone.png", "/kb/getting-started/install-cli-linux/", 360, False),
]


TOOLTIP_PAGE = "/kb/backup-restore/how-snapshots-work/"


def main() -> None:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "output")
    target = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    with serve_directory(output) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, path, width, full_page in SHOTS:
            page = browser.new_page(
                viewport={"width": width, "height": 900 if width > 400 else 780}
            )
            page.goto(base + path)
            page.screenshot(path=str(target / name), full_page=full_page)
            page.close()
            print(f"  {target / name}")
        page = browser.new_page(viewport={"width": 1280, "height": 700})
        page.goto(base + TOOLTIP_PAGE)
        page.wait_for_selector("#glossary-tooltip", state="attached")
        page.locator(".prose a[data-glossary]").first.hover()
        page.screenshot(path=str(target / "glossary-tooltip.png"))
        print(f"  {target / 'glossary-tooltip.png'}")
        browser.close()
    print(f"✓ {len(SHOTS) + 1} screenshots written to {target}/")


if __name__ == "__main__":
    main()
