"""Sessions live on the server: signing out, a password change, a deactivation and time end
them, and a copy of the cookie replayed afterwards opens nothing."""

from __future__ import annotations

from datetime import timedelta

from tests.ticketapi.agent.pages import (
    PASSWORD,
    csrf_of,
    form_page,
    is_signed_in,
    page_text,
    problem_of,
    session_cookie,
    sign_in,
    signed_in,
)
from tests.ticketapi.portal.pages import page_of
from ticketapi.auth import sessions
from ticketapi.auth.models import WebSession
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor
from ticketapi.people.staff import update_agent

NEW = "a new and longer passphrase"


def sign_out(world):
    token = csrf_of(world.get("/agent/"))
    return world.post("/agent/logout", data={"csrf_token": token})


def test_signing_out_ends_the_session_on_the_server(world, dana):
    signed_in(world, dana)
    copy = session_cookie(world.client)
    response = sign_out(world)
    assert response.status_code == 303
    assert response.headers["Location"] == "/agent/login"
    assert "You have signed out." in page_text(world.get("/agent/login"))
    assert not is_signed_in(world)
    # Someone who kept a copy of the cookie replays it: the server has ended that session.
    world.client.set_cookie("session", copy)
    assert not is_signed_in(world)
    row = db.session.scalar(db.select(WebSession).where(WebSession.agent_id == dana.id))
    assert row.revoked_at is not None


def test_sign_out_is_a_post_with_its_token(world, dana):
    signed_in(world, dana)
    assert world.get("/agent/logout").status_code == 405
    response = world.post("/agent/logout", data={})
    assert response.status_code == 400
    assert is_signed_in(world)  # a forged sign-out from another site signs nobody out


def test_changing_the_password_ends_every_other_session(world, dana, app):
    signed_in(world, dana)
    elsewhere = app.test_client()
    world.client, here = elsewhere, world.client
    signed_in(world, dana)
    world.client = here
    token = form_page(world, "/agent/account/password")
    response = world.post(
        "/agent/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW,
            "password_again": NEW,
        },
    )
    assert response.status_code == 303
    assert "Every other browser and app signed in as you is signed out." in page_text(
        world.get("/agent/")
    )
    assert is_signed_in(world)  # this browser stays
    world.client = elsewhere
    assert not is_signed_in(world)
    assert sign_in(world, dana.row.email, PASSWORD).status_code == 422
    assert sign_in(world, dana.row.email, NEW).status_code == 303
    # The API's sign-in token from before the change is over too.
    assert world.get("/api/v1/auth/me", dana).status_code == 401


def test_a_wrong_current_password_changes_nothing(world, dana):
    signed_in(world, dana)
    token = form_page(world, "/agent/account/password")
    response = world.post(
        "/agent/account/password",
        data={
            "csrf_token": token,
            "current_password": "not it at all",
            "password": NEW,
            "password_again": NEW,
        },
    )
    assert response.status_code == 422
    html = page_of(response)
    assert html.select_one("#password-current_password")["aria-invalid"] == "true"
    assert "That is not your current password" in problem_of(response)
    assert sign_in(world, dana.row.email, PASSWORD).status_code == 303


def test_a_short_or_mistyped_new_password_is_named(world, dana):
    signed_in(world, dana)
    token = form_page(world, "/agent/account/password")
    for typed, field in (
        ({"password": "short", "password_again": "short"}, "password"),
        ({"password": NEW, "password_again": NEW + "!"}, "password_again"),
    ):
        response = world.post(
            "/agent/account/password",
            data={"csrf_token": token, "current_password": PASSWORD, **typed},
        )
        assert response.status_code == 422
        assert page_of(response).select_one(f"#password-{field}")["aria-invalid"] == "true"
    assert sign_in(world, dana.row.email, PASSWORD).status_code == 303


def test_deactivating_an_agent_ends_their_sessions_on_the_server(world, dana):
    signed_in(world, dana)
    admin = world.admin()
    update_agent(agent_actor(admin.row), dana.id, {"active": False}, now=world.now)
    db.session.commit()
    row = db.session.scalar(db.select(WebSession).where(WebSession.agent_id == dana.id))
    assert row.revoked_at is not None
    assert not is_signed_in(world)


def test_a_session_ends_after_hours_without_use_and_after_its_lifetime(world, dana):
    row, plain = sessions.start(db.session.get(Agent, dana.id), now=world.now)
    db.session.commit()
    assert sessions.find(plain, now=world.now + sessions.IDLE - timedelta(minutes=1)) == row
    assert sessions.find(plain, now=world.now + sessions.IDLE) is None
    sessions.note_use(row, now=world.now + timedelta(hours=11))
    later = world.now + timedelta(hours=22)
    assert sessions.find(plain, now=later) == row  # used meanwhile: still open
    sessions.note_use(row, now=world.now + sessions.LIFETIME - timedelta(hours=1))
    assert sessions.find(plain, now=world.now + sessions.LIFETIME) is None


def test_ids_that_are_not_sessions_open_nothing(world, dana):
    _row, plain = sessions.start(db.session.get(Agent, dana.id), now=world.now)
    db.session.commit()
    for other in ("", "hs_", plain[:-1], plain + "x", plain.upper(), "x" * 5000, None, 12):
        assert sessions.find(other, now=world.now) is None
