"""Take the agent pages' documentation screenshots: the demo desk in headless Chromium.

Usage: python scripts/agent_screenshots.py [SCREENSHOT_DIR] [PORTAL_OUTPUT_DIR]
Loads the demo data (`helpdesk demo`) into a database of its own in a temporary folder,
serves the ticketapi on loopback, signs in as a demo agent and takes each page at 1280 and
768 pixels wide, light and dark: sign-in, the start page, tasks, a new ticket, two-step
set-up, the ticket page with the most SLA clocks with its SLA panel alone, and as the admin
the email pages (accounts, the inbound mail, a held message) after a few mails arrived.
Writes docs/screenshots/agent-*.png by default.
"""

from __future__ import annotations

import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.browser import launch_chromium, serve_app
from ticketapi import create_app, demo
from ticketapi.cli import upgrade_database
from ticketapi.extensions import db
from ticketapi.inbound.filing import file_stored
from ticketapi.inbound.models import EmailAccount
from ticketapi.inbound.store import store_raw
from ticketapi.slas.models import TicketSla
from ticketapi.tickets.models import Message
from ticketapi.timeutil import utcnow

AGENT = "meg@tidewater.example"  # Billing and Support, sees every ticket
WIDTHS = (1280, 768)
SCHEMES = ("light", "dark")


def sign_in(page, base: str, who=(AGENT, demo.AGENT_PASSWORD)) -> None:
    page.goto(base + "/agent/login")
    page.get_by_label("Email address").fill(who[0])
    page.get_by_label("Password").fill(who[1])
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
            held_id = arrived_mail()
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
                    written += email_pages(browser, base, target, width, scheme, held_id)
            browser.close()
        with app.app_context():
            db.engine.dispose()
    print(f"✓ {len(written)} screenshots written to {target}/")


def arrived_mail() -> int:
    """A few mails to the demo account, as if they had arrived: filed, ignored and held; the
    held one's id."""
    account = db.session.scalar(select(EmailAccount).order_by(EmailAccount.id))
    mails = [
        ("Nora Lind <nora@harbour-design.example>", "VPN drops every hour", "<a1@hd.example>"),
        ("MAILER-DAEMON@mx.example", "Undelivered Mail Returned to Sender", "<b1@mx.example>"),
        ("Out of office <ooo@acme.example>", "Automatic reply: Backups", "<c1@acme.example>"),
        ("not an address", "Invoice 2026-113", "<d1@billing.example>"),
    ]
    ids = []
    for sender, subject, message_id in mails:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, account.address, subject
        message["Message-ID"] = message_id
        if subject.startswith("Automatic"):
            message["Auto-Submitted"] = "auto-replied"
        message.set_content("Hello,\n\nsince this morning it keeps happening.\n")
        row = store_raw(account, message.as_bytes(), now=utcnow(), source="smtp")
        file_stored(row.id, now=utcnow())
        ids.append(row.id)
    return ids[-1]


def email_pages(browser, base: str, target: Path, width: int, scheme: str, held_id: int):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    sign_in(page, base, (demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD))
    written = []
    for path, name in (
        ("/agent/admin/email", "email-accounts"),
        ("/agent/admin/inbound", "inbound"),
        (f"/agent/admin/inbound/{held_id}", "inbound-held"),
    ):
        page.goto(base + path)
        written.append(shot(page, target, f"agent-{name}-{width}-{scheme}.png"))
    context.close()
    return written


def shot(page, target: Path, name: str) -> Path:
    path = target / name
    page.screenshot(path=str(path))
    print(f"  {path}")
    return path


if __name__ == "__main__":
    main()
