"""Queues in real Chromium: ticking tickets and applying a bulk action with the keyboard only,
hostile text shown as text (no dialog opens), and axe-core's checks light and dark."""

from __future__ import annotations

import pytest

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.pages import browser_sign_in as sign_in
from tests.ticketapi.agent.pages import with_password
from tests.ticketapi.portal.pages import HOSTILE
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def kai(world):
    team = world.team("Support")
    kai = with_password(
        world.agent("Kai", permissions=["tickets.reply", "tickets.edit"], teams=[team])
    )
    admin = agent_actor(world.admin().row)
    ann = world.user(f"Ann {HOSTILE}", organization=world.organization(f"Acme {HOSTILE}"))
    for subject in ("First printer", "Second printer", f"Third {HOSTILE}"):
        tickets.open_ticket(
            admin,
            {
                "user_id": ann.id,
                "subject": subject,
                "message": "Hi",
                "agent_id": kai.id,
                "labels": ["x" + HOSTILE[:20].replace(",", "")],
            },
            now=world.now,
        )
    db.session.commit()
    return kai


def test_tick_two_tickets_and_set_their_status_with_the_keyboard(browser, base_url, kai):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, base_url, kai.row.email)
    page.wait_for_url(base_url + "/agent/")
    refs = dict(db.session.execute(db.select(Ticket.subject, Ticket.ref)).all())
    db.session.commit()  # let go of SQLite's read lock: the server writes next
    for subject in ("First printer", "Second printer"):
        box = page.get_by_label(f"Select {refs[subject]}")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    page.get_by_label("Action", exact=True).focus()
    page.get_by_label("Action", exact=True).select_option(
        "status"
    )  # a select answers arrow keys alike
    page.locator("#bulk-status").select_option("pending")
    page.get_by_role("button", name="Apply to the selected tickets").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="All 2 tickets were changed").wait_for()
    db.session.expire_all()
    statuses = dict(db.session.execute(db.select(Ticket.subject, Ticket.status)).all())
    assert statuses["First printer"] == "pending" and statuses["Second printer"] == "pending"
    assert statuses[f"Third {HOSTILE}"] == "awaiting_agent"
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_text(f"Third {HOSTILE}").wait_for()  # shown as text
    assert dialogs == []
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_queue_page_meets_wcag_21_aa(browser, base_url, kai, scheme):
    context = browser.new_context(**context_options(scheme, page_csp=True))
    page = context.new_page()
    sign_in(page, base_url, kai.row.email)
    page.wait_for_url(base_url + "/agent/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("summary", has_text="Filter tickets").click()
    assert_accessible(page, f"the queue page with its filter open, {scheme}")
    context.close()
