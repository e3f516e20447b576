"""Take the ticket page's documentation screenshots: the demo desk in headless Chromium.

Usage: python scripts/agent_ticket_screenshots.py [SCREENSHOT_DIR] [PORTAL_OUTPUT_DIR]
Like scripts/agent_screenshots.py (the demo data in a temporary database, served on
loopback, a demo agent signed in): the ticket page with the most SLA clocks, and its SLA
panel alone, at 1280 and 768 pixels wide, light and dark (docs/screenshots/agent-ticket-*).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.agent_screenshots import SCHEMES, WIDTHS, shot, sign_in
from tests.support.browser import launch_chromium, serve_app
from ticketapi import create_app, demo
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.slas.models import TicketSla
from ticketapi.tickets.models import Message


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
                        viewport={"width": width, "height": 900}, color_scheme=scheme
                    )
                    page = context.new_page()
                    sign_in(page, base)
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


if __name__ == "__main__":
    main()
