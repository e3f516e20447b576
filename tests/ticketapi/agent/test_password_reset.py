"""Forgotten passwords: the request gives one answer, the mailed link sets the password only
when its form is posted, once, and signs nobody in."""

from __future__ import annotations

import re

import pytest

from tests.support.mailbox import text_of as mail_text
from tests.ticketapi.agent.conftest import (
    PASSWORD,
    csrf_of,
    form_page,
    is_signed_in,
    page_text,
    sign_in,
    signed_in,
    turn_on_totp,
)
from tests.ticketapi.portal.pages import page_of
from ticketapi.auth import resets
from ticketapi.extensions import db, limiter
from ticketapi.people.models import Agent

ASK = "/agent/password-reset"
LINK = "/agent/password-reset/link"
NEW = "a freshly chosen passphrase"
SENT = "If an account uses this address, we have sent it a link to set a password."


def ask_for_link(world, email: str):
    token = form_page(world, ASK)
    return world.post(ASK, data={"csrf_token": token, "email": email})


def mailed_link(mailbox, email: str) -> str:
    (message,) = [m for m in mailbox.deliver() if str(m["To"]) == email]
    assert message["Subject"] == "Set your password"
    (address,) = re.findall(r"http\S+", mail_text(message))
    return address.removeprefix("http://127.0.0.1:5000")


def test_an_agent_resets_a_forgotten_password_end_to_end(world, dana, mailbox, app):
    signed_in(world, dana)
    elsewhere = app.test_client()
    world.client, here = elsewhere, world.client
    response = ask_for_link(world, "Dana@Agents.example")
    assert response.status_code == 303
    sent = world.get(response.headers["Location"])
    assert SENT in page_text(sent)
    link = mailed_link(mailbox, dana.row.email)
    assert link.startswith(f"{LINK}?token=")
    # Opening the link changes nothing: a mail scanner that follows it uses nothing up.
    landed = world.get(link)
    assert landed.status_code == 303 and landed.headers["Location"] == LINK
    page = world.get(LINK)
    assert page.status_code == 200
    assert "token=" not in page.get_data(as_text=True)
    assert world.get(link).status_code == 303 and world.get(LINK).status_code == 200
    html = page_of(page)
    assert [label.get_text(strip=True) for label in html.select("form label")] == [
        "New password",
        "The new password again",
    ]
    done = world.post(
        LINK, data={"csrf_token": csrf_of(page), "password": NEW, "password_again": NEW}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/agent/login"
    assert "Your password is set" in page_text(world.get("/agent/login"))
    assert not is_signed_in(world)  # the link signs nobody in
    assert world.get(link).status_code == 303
    assert world.get(LINK).status_code == 410  # used up
    assert sign_in(world, dana.row.email, PASSWORD).status_code == 422
    assert sign_in(world, dana.row.email, NEW).status_code == 303
    # The session from before the reset is over.
    world.client = here
    assert not is_signed_in(world)


def test_every_address_gets_the_same_answer_and_only_agents_get_mail(world, dana, mailbox):
    with_user = world.user("Ann", email="ann@acme.example")
    for email in (dana.row.email, "nobody@agents.example", with_user.row.email):
        response = ask_for_link(world, email)
        assert response.status_code == 303
        assert SENT in page_text(world.get(response.headers["Location"]))
    assert [str(m["To"]) for m in mailbox.deliver()] == [dana.row.email]


def test_a_deactivated_agent_gets_no_link(world, dana, mailbox):
    db.session.get(Agent, dana.id).active = False
    db.session.commit()
    assert ask_for_link(world, dana.row.email).status_code == 303
    assert mailbox.deliver() == []


def test_a_users_link_sets_nothing_here(world):
    ann = world.user("Ann", email="ann@acme.example")
    plain = resets.issue(ann.row, now=world.now)
    db.session.commit()
    world.get(f"{LINK}?token={plain}")
    assert world.get(LINK).status_code == 410


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
def test_an_unknown_link_says_so(world, token):
    world.get(f"{LINK}?token={token}" if token else LINK)
    response = world.get(LINK)
    assert response.status_code == 410
    assert "This link does not work" in page_text(response)


def test_the_link_leaves_two_step_sign_in_on(world, dana):
    agent = db.session.get(Agent, dana.id)
    turn_on_totp(agent)
    plain = resets.issue(agent, now=world.now)
    db.session.commit()
    world.get(f"{LINK}?token={plain}")
    page = world.get(LINK)
    world.post(LINK, data={"csrf_token": csrf_of(page), "password": NEW, "password_again": NEW})
    response = sign_in(world, dana.row.email, NEW)
    assert response.headers["Location"] == "/agent/login/code"


def test_a_bad_address_is_named(world):
    token = form_page(world, ASK)
    response = world.post(ASK, data={"csrf_token": token, "email": "not an address"})
    assert response.status_code == 422
    assert page_of(response).select_one("#reset-email")["aria-invalid"] == "true"


def test_asking_too_often_is_refused_with_when(world, dana, app, monkeypatch, mailbox):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ADDRESS_LIMIT", "2 per hour")
    limiter.reset()
    try:
        assert ask_for_link(world, dana.row.email).status_code == 303
        assert ask_for_link(world, dana.row.email).status_code == 303
        refused = ask_for_link(world, dana.row.email)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "We have sent several links in a short time" in page_text(refused)
    finally:
        limiter.reset()
