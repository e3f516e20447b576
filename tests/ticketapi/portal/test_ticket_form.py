"""/portal/tickets/new: the submit-a-ticket form, its CSRF token, errors and confirmation."""

from __future__ import annotations

import re

import pytest

from tests.ticketapi.portal.pages import FORM, HOSTILE, TYPED, page_of, send, text_of, token
from ticketapi.extensions import db, limiter
from ticketapi.people.models import Usergroup
from ticketapi.tickets.models import Message, Ticket


def tickets() -> list[Ticket]:
    return db.session.scalars(db.select(Ticket)).all()


def field_values(page) -> dict[str, str]:
    values = {box["name"]: box.get("value", "") for box in page.select(".ticket-form input")}
    values["message"] = page.select_one("textarea[name=message]").string.removeprefix("\n")
    values.pop("csrf_token")
    return values


def test_the_form_carries_a_csrf_token_and_is_not_cached(world):
    response = world.get(FORM)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "session=" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    page = page_of(response)
    form = page.select_one("form.ticket-form")
    assert form["method"] == "post" and form["action"] == FORM
    assert form.select_one("input[type=hidden][name=csrf_token]")["value"]
    labels = [text_of(label) for label in form.select("label")]
    assert labels == ["Your name", "Your email address", "Subject", "Message"]


def test_a_valid_form_opens_a_ticket_and_redirects_to_its_confirmation(world):
    response = send(world, token(world))
    assert response.status_code == 303
    assert response.headers["Location"] == "/portal/tickets/submitted"
    (ticket,) = tickets()
    assert (ticket.subject, ticket.source, ticket.status) == (
        "Restore a deleted folder",
        "portal",
        "awaiting_agent",
    )
    assert ticket.user.email == "ann@users.example" and ticket.user.name == "Ann Lee"
    message = db.session.scalar(db.select(Message).where(Message.ticket_id == ticket.id))
    assert message.body == TYPED["message"]  # kept as typed, leading spaces too
    confirmation = world.get("/portal/tickets/submitted")
    assert confirmation.status_code == 200
    assert text_of(page_of(confirmation).select_one(".ticket-ref")) == ticket.ref


def test_reloading_the_confirmation_submits_nothing_again(world):
    send(world, token(world))
    for _ in range(2):
        assert world.get("/portal/tickets/submitted").status_code == 200
    assert len(tickets()) == 1


def test_the_confirmation_without_a_submission_leads_to_the_form(world):
    response = world.get("/portal/tickets/submitted")
    assert response.status_code == 303
    assert response.headers["Location"] == FORM


def test_a_post_without_token_is_refused_clearly_and_keeps_the_text(world):
    world.get(FORM)  # a session, but no token in the post (a forged form on another site)
    response = send(world, None)
    assert response.status_code == 400
    page = page_of(response)
    assert "Nothing was submitted" in text_of(page.select_one(".error-summary"))
    assert field_values(page) == TYPED
    assert tickets() == []


def test_a_token_from_another_session_is_refused(app, world):
    other_browser = app.test_client()
    stale = page_of(other_browser.get(FORM)).select_one("input[name=csrf_token]")["value"]
    world.get(FORM)
    response = send(world, stale)
    assert response.status_code == 400
    assert tickets() == []


def test_a_token_whose_session_is_gone_is_refused(world):
    old = token(world)
    world.client.delete_cookie("session")  # the browser was closed: its session cookie went
    response = send(world, old)
    assert response.status_code == 400
    assert "Nothing was submitted" in response.get_data(as_text=True)
    assert tickets() == []


def test_the_json_api_needs_no_csrf_token(world):
    response = world.post("/api/v1/tickets", json=TYPED)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "changes, messages",
    [
        ({"name": "  "}, {"name": "Tell us your name."}),
        ({"email": ""}, {"email": "Tell us your email address, so we can answer."}),
        ({"email": "ann at home"}, {"email": "Enter an email address such as you@example.com."}),
        (
            {"subject": "", "message": " \n "},
            {
                "subject": "Say in a few words what it is about.",
                "message": "Describe the problem or question.",
            },
        ),
        ({"subject": "s" * 301}, {"subject": "At most 300 characters, please."}),
    ],
)
def test_each_field_says_what_is_wrong_and_nothing_typed_is_lost(world, changes, messages):
    response = send(world, token(world), **changes)
    assert response.status_code == 422
    page = page_of(response)
    shown = {
        field.select_one("textarea, input")["name"]: text_of(field.select_one(".field-error"))
        for field in page.select(".field.has-error")
    }
    assert shown == messages
    for name in messages:
        box = page.select_one(f"[name={name}]")
        assert box["aria-invalid"] == "true"
        assert f"ticket-{name}-error" in box["aria-describedby"].split()
    summary_links = [a["href"] for a in page.select(".error-summary a")]
    assert summary_links == [f"#ticket-{name}" for name in messages]
    assert field_values(page) == {**TYPED, **changes}
    assert page.title.string.startswith("Error: ")
    assert tickets() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Ann\r\nBcc: victim@example.com"},
        {"subject": "Restore\x1b[2J"},
        {"subject": "Restore \u202egnp.exe"},
        {"name": "An\x85n", "subject": "Re\x07store"},
        {"subject": "Re\x00store"},
    ],
)
def test_names_and_subjects_with_control_characters_are_refused(world, changes):
    response = send(world, token(world), **changes)
    assert response.status_code == 422
    page = page_of(response)
    shown = {
        field.select_one("input")["name"]: text_of(field.select_one(".field-error"))
        for field in page.select(".field.has-error")
    }
    assert set(shown) == set(changes)
    assert all(message for message in shown.values())
    assert tickets() == []


def test_broken_utf8_in_a_post_is_never_a_500(world):
    # A lone surrogate cannot arrive in a form: werkzeug leaves a percent-escape that is not
    # UTF-8 (a surrogate's %ED%A0%80 among them) as it was written.
    csrf = token(world)
    body = "&".join(
        f"{name}={value}"
        for name, value in {
            **{name: value.replace(" ", "+") for name, value in TYPED.items()},
            "name": "Ann%ED%A0%80",
            "subject": "Restore%FF%FE",
            "csrf_token": csrf,
        }.items()
    )
    response = world.post(FORM, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303, response.get_data(True)
    (ticket,) = tickets()
    assert (ticket.user.name, ticket.subject) == ("Ann%ED%A0%80", "Restore%FF%FE")
    # Raw bytes that are not UTF-8: werkzeug reads no form at all, and the page says so.
    raw = world.post(FORM, data=b"name=\xff\xfe", content_type="application/x-www-form-urlencoded")
    assert 400 <= raw.status_code < 500
    assert len(tickets()) == 1


def test_a_subject_in_the_link_is_made_one_line(world):
    page = page_of(world.get(FORM, query_string={"subject": "quantum\r\nteleporter\x00"}))
    assert page.select_one("input[name=subject]")["value"] == "quantum teleporter"


def test_the_error_page_suggests_articles_for_the_subject(world):
    response = send(world, token(world), subject="restore files from a snapshot", email="")
    section = page_of(response).select_one("#deflection")
    assert not section.has_attr("hidden")
    assert "/kb/backup/restore-files/" in [a["href"] for a in section.select("a")]


def test_typed_markup_is_shown_as_text_in_the_form_again(world):
    hostile = {"name": HOSTILE, "subject": HOSTILE, "message": f"</textarea>{HOSTILE}"}
    response = send(world, token(world), email="not an email", **hostile)
    assert response.status_code == 422
    assert "<img" not in response.get_data(as_text=True)
    assert "</textarea><" not in response.get_data(as_text=True)
    assert field_values(page_of(response)) == {**TYPED, "email": "not an email", **hostile}


def test_a_subject_can_be_given_in_the_link(world):
    page = page_of(world.get(FORM, query_string={"subject": "quantum teleporter"}))
    assert page.select_one("input[name=subject]")["value"] == "quantum teleporter"


def test_submissions_share_the_api_s_rate_limit_and_keep_the_text(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        api = world.post("/api/v1/tickets", json=TYPED)
        csrf = token(world)
        codes = [send(world, csrf).status_code for _ in range(2)]
        limited = send(world, csrf, subject="Third try")
    finally:
        limiter.reset()
    assert api.status_code == 201
    assert codes == [303, 429]
    page = page_of(limited)
    assert limited.status_code == 429
    problem = text_of(page.select_one(".error-summary"))
    assert "(at most 2 a minute)" in problem
    assert re.search(r"send this one again in \d+ seconds", problem), problem
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert field_values(page)["subject"] == "Third try"
    assert len(tickets()) == 2


def test_when_submissions_are_closed_the_form_says_so(world):
    csrf = token(world)
    everyone = db.session.scalar(db.select(Usergroup).where(Usergroup.system_key == "everyone"))
    everyone.permissions = ["community.view"]
    db.session.commit()
    page = page_of(world.get(FORM))
    assert "not open" in text_of(page.select_one(".notice"))
    assert page.select("form.ticket-form") == []
    refused = send(world, csrf)
    assert refused.status_code == 403
    assert field_values(page_of(refused)) == TYPED
    assert tickets() == []


def test_an_oversized_post_gets_a_portal_page_not_json(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = send(world, token(world), message="x" * 5000)
    assert response.status_code == 413
    page = page_of(response)
    assert page.select_one("header.site-header") is not None
    assert response.headers["Content-Security-Policy"]
