"""Take the agent pages' documentation screenshots: the demo desk in headless Chromium.

Usage: python scripts/agent_screenshots.py [SCREENSHOT_DIR] [PORTAL_OUTPUT_DIR]
Loads the demo data (`helpdesk demo`) into a database of its own in a temporary folder,
serves the ticketapi on loopback, signs in as a demo agent and takes each page at 1280 and
768 pixels wide, light and dark: sign-in, the start page, tasks, a new ticket, two-step
set-up, and the ticket page with the most SLA clocks with its SLA panel alone. Writes
docs/screenshots/agent-*.png by default.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.browser import launch_chromium, serve_app
from ticketapi import create_app, demo
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.slas.models import TicketSla
from ticketapi.tickets.models import Message

AGENT = "meg@tidewater.example"  # Billing and Support, sees every ticket
WIDTHS = (1280, 768)
SCHEMES = ("light", "dark")


def sign_in(page, base: str) -> None:
    page.goto(base + "/agent/login")
    page.get_by_label("Email address").fill(AGENT)
    page.get_by_label("Password").fill(demo.AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/agent/")


def busiest_ticket() -> int:
    """The demo ticket with the most SLA clocks, then the most messages."""
    clocks = (
        select(TicketSla.ticket_id, func.count().label("n"))
        .group_by(TicketSla.ticket_id)
        .subquery()
    )
    messages = select(Message.ticket_id, func.count().label("m")).group_by(Message.ticket_id)
    messages = messages.subquery()
    query = (
        select(clocks.c.ticket_id)
        .join(messages, messages.c.ticket_id == clocks.c.ticket_id)
        .order_by(clocks.c.n.desc(), messages.c.m.desc())
    )
    return db.session.scalar(query.limit(1))


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    portal = sys.argv[2] if len(sys.argv) > 2 else "output"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"INSTANCE_DIR": instance, "SECRET_KEY": "screenshots", "PORTAL_DIR": portal}
        )
        with app.app_context():
            upgrade_database()
            demo.load()
            db.session.commit()
            ticket_id = busiest_ticket()
            db.session.commit()
        with serve_app(app) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for scheme in SCHEMES:
                for width in WIDTHS:
                    context = browser.new_context(
                        viewport={"width": width, "height": 800}, color_scheme=scheme
                    )
                    page = context.new_page()
                    if width == WIDTHS[0]:
                        page.goto(base + "/agent/login")
                        written.append(shot(page, target, f"agent-login-{scheme}.png"))
                    sign_in(page, base)
                    page.goto(base + "/agent/?queue=team-1")
                    page.locator(".ticket-link").first.click()
                    page.locator(".detail-pane h2").wait_for()
                    written.append(shot(page, target, f"agent-start-{width}-{scheme}.png"))
                    page.goto(base + "/agent/tasks?tab=teams")
                    written.append(shot(page, target, f"agent-tasks-{width}-{scheme}.png"))
                    page.goto(base + "/agent/tickets/new?find=harbour")
                    written.append(shot(page, target, f"agent-new-ticket-{width}-{scheme}.png"))
                    if width == WIDTHS[0]:
                        page.goto(base + "/agent/account/two-step")
                        page.get_by_role("button", name="Set up two-step sign-in").click()
                        page.locator(".qr").wait_for()
                        written.append(shot(page, target, f"agent-two-step-{scheme}.png"))
                        page.get_by_role("button", name="Cancel the set-up").click()
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(f"{base}/agent/tickets/{ticket_id}")
                    page.locator(".sla-panel").wait_for()
                    written.append(shot(page, target, f"agent-ticket-{width}-{scheme}.png"))
                    path = target / f"agent-ticket-sla-{width}-{scheme}.png"
                    page.locator(".sla-panel").screenshot(path=str(path))
                    written.append(path)
                    context.close()
            browser.close()
        with app.app_context():
            db.engine.dispose()
    print(f"✓ {len(written)} screenshots written to {target}/")


def shot(page, target: Path, name: str) -> Path:
    path = target / name
    page.screenshot(path=str(path))
    print(f"  {path}")
    return path


if __name__ == "__main__":
    main()
