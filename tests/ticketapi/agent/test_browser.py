"""The agent pages in real Chromium: signing in with and without a code, the theme toggle,
focus, and axe-core's WCAG 2.1 AA checks of the sign-in, code, start and set-up pages, light
and dark (axe needs `bypass_csp`: see tests/support/axe.py)."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.pages import PASSWORD, turn_on_totp, with_password
from tests.ticketapi.agent.pages import browser_sign_in as sign_in
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.tickets import conversation
from ticketapi.tickets import services as tickets

pytestmark = pytest.mark.browser


@pytest.fixture
def dana(world):
    team = world.team("Support")
    dana = with_password(world.agent("Dana Reyes", permissions=["tickets.reply"], teams=[team]))
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    for subject, changes in (
        ("Printer on fire", {"agent_id": dana.id, "labels": ["hardware"]}),
        ("Cannot restore <b>last week's</b> files", {"agent_id": dana.id}),
        ("Nobody has this one yet", {}),
    ):
        ticket = tickets.open_ticket(
            admin,
            {
                "user_id": ann.id,
                "subject": subject,
                "message": "It **stopped** working.",
                **changes,
            },
            now=world.now,
        )
        db.session.flush()
        conversation.post_message(
            admin, ticket.id, body="Checking the logs.", note=True, now=world.now
        )
    db.session.commit()  # the server's requests take SQLite's write lock
    return dana


def test_an_agent_signs_in_and_out(page, base_url, dana):
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url(base_url + "/agent/")
    assert page.get_by_role("heading", level=1).inner_text() == "My tickets"
    assert set(page.locator(".ticket-subject").all_inner_texts()) == {
        "Printer on fire",
        "Cannot restore <b>last week's</b> files",
    }
    page.get_by_role("link", name="Printer on fire").click()
    page.locator(".detail-pane h2", has_text="Printer on fire").wait_for()
    assert page.locator(".detail-pane .message.is-note").count() == 1
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/agent/login")
    assert "You have signed out." in page.locator(".agent-notice").inner_text()
    page.goto(base_url + "/agent/")
    page.wait_for_url("**/agent/login?next=/agent/")


def test_a_wrong_password_says_so_and_focuses_the_summary(page, base_url, dana):
    sign_in(page, base_url, dana.row.email, "not my password")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "The email or password is wrong" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_an_agent_with_two_step_sign_in_types_a_code(page, base_url, dana):
    secret, _codes = turn_on_totp(db.session.get(Agent, dana.id))
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url("**/agent/login/code")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/agent/")
    assert page.get_by_role("heading", level=1).inner_text() == "My tickets"


def test_setting_up_two_step_sign_in_from_the_qr_page(page, base_url, dana):
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url(base_url + "/agent/")
    page.get_by_role("link", name="Two-step sign-in").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    page.get_by_role("img", name="QR code for your authenticator app").wait_for()
    secret = page.locator(".secret-key code").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn two-step sign-in on").click()
    assert page.locator(".recovery-codes li").count() == 10


def test_the_theme_toggle_switches_at_once_and_is_kept(page, base_url, dana):
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url(base_url + "/agent/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.get_by_role("button", name="Dark").click()
    # A locator's assertion, not wait_for_function: that one evaluates a string in the page,
    # which the pages' Content-Security-Policy (no unsafe-eval) refuses.
    expect(page.locator("body")).not_to_have_css("background-color", light)
    assert page.get_by_role("button", name="Dark").get_attribute("aria-pressed") == "true"
    page.wait_for_load_state("networkidle")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light


def test_focus_is_always_visible(page, base_url, dana):
    page.goto(base_url + "/agent/login")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                    const style = getComputedStyle(document.activeElement);
                    return [document.activeElement.tagName, style.outlineStyle, style.outlineWidth];
                }"""
            )
        )
    assert all(style != "none" and width != "0px" for _tag, style, width in seen), seen
    assert {"INPUT", "BUTTON", "A"} <= {tag for tag, _s, _w in seen}


@pytest.fixture(params=SCHEMES)
def checked(request, browser):
    context = browser.new_context(**context_options(request.param, page_csp=True))
    page = context.new_page()
    yield page
    context.close()


def test_the_agent_pages_meet_wcag_21_aa(checked, base_url, dana):
    page = checked
    page.goto(base_url + "/agent/login")
    assert_accessible(page, "the sign-in page")
    page.get_by_label("Email address").fill(dana.row.email)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the sign-in page with its errors")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/agent/")
    page.get_by_role("link", name="Printer on fire").click()
    page.locator(".detail-pane h2").wait_for()
    assert_accessible(page, "the start page with a ticket's summary")
    page.goto(base_url + "/agent/account/two-step")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    page.locator(".qr").wait_for()
    assert_accessible(page, "the two-step set-up page")
    page.goto(base_url + "/agent/account/password")
    assert_accessible(page, "the password page")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chosen_scheme_meets_wcag_21_aa_whatever_the_system_prefers(
    browser,
    base_url,
    dana,
    scheme,
):
    """The toggle's choice against the system's: dark pages on a light system, and back."""
    system = "light" if scheme == "dark" else "dark"
    context = browser.new_context(**context_options(system, page_csp=True))
    page = context.new_page()
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url(base_url + "/agent/")
    page.get_by_role("button", name=scheme.capitalize()).click()
    page.wait_for_load_state("networkidle")
    page.reload()
    assert_accessible(page, f"the start page, {scheme} chosen on a {system} system")
    context.close()


def test_the_code_page_meets_wcag_21_aa(checked, base_url, dana):
    turn_on_totp(db.session.get(Agent, dana.id))
    page = checked
    sign_in(page, base_url, dana.row.email)
    page.wait_for_url("**/agent/login/code")
    assert_accessible(page, "the sign-in code page")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the sign-in code page with its error")
