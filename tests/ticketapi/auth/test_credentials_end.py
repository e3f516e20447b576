"""Credentials end when they should: a password change or a deactivation ends every token of
the account (but the one making a change of its own), and nothing brings them back."""

from __future__ import annotations

import contextvars
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.passwords import hashed
from ticketapi import admin as bootstrap
from ticketapi.auth import services
from ticketapi.auth.models import Token
from ticketapi.extensions import db
from ticketapi.people.models import Agent

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def works(world, token: str) -> bool:
    return world.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200


def sign_in(world, email: str, password: str = PASSWORD) -> str:
    response = world.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 201, response.json
    return response.json["token"]


@pytest.fixture
def sam(world):
    """An agent signed in twice (a laptop and a phone), with an API key an admin minted."""
    account = world.agent("Sam", permissions=["tickets.reply"])
    account.row.password_hash = hashed(PASSWORD)
    db.session.commit()
    return account


@pytest.fixture
def admin(world):
    return world.admin("Ada")


def api_key(world, admin, agent) -> str:
    minted = world.post("/api/v1/api-keys", admin, json={"name": "sync", "agent_id": agent.id})
    assert minted.status_code == 201, minted.json
    return minted.json["token"]


def test_an_admin_setting_a_password_ends_every_sign_in_of_that_agent(world, sam, admin):
    phone, key = sign_in(world, "sam@agents.example"), api_key(world, admin, sam)
    changed = world.patch(f"/api/v1/agents/{sam.id}", admin, json={"password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.json
    assert not works(world, sam.token)
    assert not works(world, phone)
    # API keys are not signed in with the password: they stay (docs/security.md).
    assert works(world, key)
    assert works(world, admin.token)  # the admin's own sign-in is not touched
    assert works(world, sign_in(world, "sam@agents.example", NEW_PASSWORD))


def test_changing_ones_own_password_keeps_only_the_sign_in_that_did_it(world, sam, admin):
    phone, key = sign_in(world, "sam@agents.example"), api_key(world, admin, sam)
    changed = world.post(
        "/api/v1/auth/password",
        sam,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 204, changed.json
    assert works(world, sam.token)
    assert not works(world, phone)
    assert works(world, key)
    assert sign_in(world, "sam@agents.example", NEW_PASSWORD)
    refused = world.post("/api/v1/auth/token", json={"email": sam.row.email, "password": PASSWORD})
    assert refused.status_code == 401


def test_a_user_changes_their_own_password_too(world):
    ann = world.user("Ann")
    ann.row.password_hash = hashed(PASSWORD)
    db.session.commit()
    laptop = sign_in(world, "ann@users.example")
    changed = world.post(
        "/api/v1/auth/password",
        ann,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 204, changed.json
    assert works(world, ann.token)
    assert not works(world, laptop)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"current_password": "not my password", "new_password": NEW_PASSWORD}, 422, "current_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, 422, "new_password"),
        ({"new_password": NEW_PASSWORD}, 422, "current_password"),
        ({"current_password": PASSWORD}, 422, "new_password"),
    ],
)  # fmt: skip
def test_a_wrong_change_of_ones_own_password_changes_nothing(world, sam, body, status, field):
    phone = sign_in(world, "sam@agents.example")
    response = world.post("/api/v1/auth/password", sam, json=body)
    assert response.status_code == status, response.json
    assert field in response.json["error"]["fields"]
    assert works(world, phone)
    assert sign_in(world, "sam@agents.example", PASSWORD)


def test_only_a_signed_in_person_changes_their_password(world, sam, admin):
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert world.post("/api/v1/auth/password", json=body).status_code == 401
    # An API key is an integration's credential: it cannot take over the agent's password.
    key = api_key(world, admin, sam)
    refused = world.post("/api/v1/auth/password", headers=bearer(key), json=body)
    assert refused.status_code == 403, refused.json
    assert sign_in(world, "sam@agents.example", PASSWORD)


def test_an_admin_changing_their_own_password_keeps_their_sign_in(world, admin):
    other = sign_in_admin_elsewhere(world, admin)
    changed = world.patch(f"/api/v1/agents/{admin.id}", admin, json={"password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.json
    assert works(world, admin.token)
    assert not works(world, other)


def sign_in_admin_elsewhere(world, admin) -> str:
    admin.row.password_hash = hashed(PASSWORD)
    db.session.commit()
    return sign_in(world, admin.row.email)


def test_deactivation_revokes_every_credential_for_good(world, sam, admin):
    phone, key = sign_in(world, "sam@agents.example"), api_key(world, admin, sam)
    off = world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": False})
    assert off.status_code == 200, off.json
    on = world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": True})
    assert on.status_code == 200, on.json
    # Back at work, Sam signs in again: nothing issued before the deactivation works.
    assert not works(world, sam.token)
    assert not works(world, phone)
    assert not works(world, key)
    keys = world.get("/api/v1/api-keys", admin).json
    assert [k["revoked_at"] is not None for k in keys] == [True]
    assert works(world, sign_in(world, "sam@agents.example"))


def test_an_unchanged_save_ends_nothing(world, sam, admin):
    """Saving an agent with the same active flag, or without a password, is no change."""
    phone = sign_in(world, "sam@agents.example")
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": True, "name": "Sam Reed"})
    assert works(world, sam.token)
    assert works(world, phone)


def test_the_first_admin_command_ends_the_old_sign_ins(world, sam):
    """`helpdesk create-admin` on an existing agent sets a new password: a change like any."""
    phone = sign_in(world, "sam@agents.example")
    bootstrap.create_admin(email="sam@agents.example", password=NEW_PASSWORD, name="Sam")
    assert not works(world, sam.token)
    assert not works(world, phone)
    assert works(world, sign_in(world, "sam@agents.example", NEW_PASSWORD))


def test_a_token_issued_while_the_password_changes_is_dead_on_arrival(app, world, sam, admin):
    """A sign-in that read the account before a change lands after it: its token must not
    outlive the change. (The sign-in request's session keeps what it read.)"""
    account = services.authenticate("sam@agents.example", PASSWORD)
    db.session.commit()
    # The change lands from another request (its own context and session) while this
    # sign-in is still under way.
    changed = contextvars.Context().run(
        app.test_client().patch,
        f"/api/v1/agents/{sam.id}",
        headers=admin.headers,
        json={"password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.json
    _token, plain = services.issue_token(account, now=world.now, ttl=timedelta(days=1))
    db.session.commit()
    assert not works(world, plain)


def test_sessions_compare_the_accounts_credentials(world, sam, admin):
    """What a Flask-Login session will keep (the agent pages and portal sign-in, later): a
    stamp that stops matching when the password changes or the account is deactivated."""
    from ticketapi.auth import credentials

    stamp = credentials.session_stamp(sam.row)
    assert credentials.session_account(stamp) == sam.row
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"password": NEW_PASSWORD})
    assert credentials.session_account(stamp) is None
    stamp = credentials.session_stamp(db.session.get(Agent, sam.id))
    assert credentials.session_account(stamp) is not None
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": False})
    assert credentials.session_account(stamp) is None
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": True})
    assert credentials.session_account(stamp) is None


@pytest.mark.parametrize(
    "stamp", ["", "agent", "agent:1", "agent:x:0", "robot:1:0", "agent:1:0:extra", "user:-1:0"]
)
def test_a_session_stamp_that_is_not_one_names_nobody(world, sam, stamp):
    from ticketapi.auth import credentials

    assert credentials.session_account(stamp) is None


def test_revocations_are_recorded_on_the_tokens(world, sam, admin):
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"password": NEW_PASSWORD})
    rows = db.session.scalars(select(Token).where(Token.agent_id == sam.id)).all()
    assert [row.revoked_at is not None for row in rows] == [True]
