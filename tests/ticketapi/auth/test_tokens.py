"""Sign-in, bearer tokens and API keys: random, hashed at rest, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from ticketapi.auth import services
from ticketapi.auth.models import Token
from ticketapi.auth.passwords import hash_password
from ticketapi.extensions import db, limiter


@pytest.fixture
def sam(world):
    account = world.agent("Sam")
    account.row.password_hash = hash_password("correct horse battery")
    db.session.commit()
    return account


def sign_in(world, email, password):
    return world.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_sign_in_gives_a_working_token(world, sam):
    response = sign_in(world, "SAM@agents.example", "correct horse battery")
    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert token.startswith("hd_") and len(token) > 40
    assert response.json["actor"] == {
        "type": "agent", "id": sam.id, "name": "Sam", "is_admin": False,
        "permissions": [], "team_ids": [], "organization_id": None,
    }  # fmt: skip
    me = world.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["name"] == "Sam"


def test_tokens_are_stored_only_as_hashes(world, sam):
    token = sign_in(world, "sam@agents.example", "correct horse battery").json["token"]
    dumped = " ".join(str(row) for row in db.session.execute(text("SELECT * FROM tokens")).all())
    assert token not in dumped
    assert services.digest(token) in dumped


@pytest.mark.parametrize(
    ("email", "password"),
    [("sam@agents.example", "wrong password"), ("nobody@agents.example", "correct horse battery")],
)
def test_wrong_credentials_get_one_answer(world, sam, email, password):
    response = sign_in(world, email, password)
    assert response.status_code == 401
    assert response.json["error"]["message"].startswith("The email or password is wrong")


def test_user_without_a_password_cannot_sign_in(world):
    world.user("Ann")
    assert sign_in(world, "ann@users.example", "anything at all").status_code == 401


def test_sign_in_is_rate_limited(app, world, sam):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        codes = [sign_in(world, "sam@agents.example", "guess").status_code for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic c2FtOnB3", "Bearer hd_not-a-real-token", "hd_no-scheme"],
)
def test_bad_authorization_headers_get_401(world, header):
    response = world.get("/api/v1/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_signing_out_revokes_the_token(world, sam):
    assert world.delete("/api/v1/auth/token", sam).status_code == 204
    assert world.get("/api/v1/auth/me", sam).status_code == 401


def test_expired_tokens_stop_working(world, sam):
    token = db.session.scalar(select(Token).where(Token.agent_id == sam.id))
    token.expires_at = world.now - timedelta(seconds=1)
    db.session.commit()
    assert world.get("/api/v1/auth/me", sam).status_code == 401


def test_admins_mint_and_revoke_api_keys(world, sam):
    admin = world.admin()
    minted = world.post("/api/v1/api-keys", admin, json={"name": "CRM sync", "agent_id": sam.id})
    assert minted.status_code == 201, minted.json
    key = minted.json["token"]
    me = world.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json["id"] == sam.id
    listed = world.get("/api/v1/api-keys", admin).json
    assert [k["name"] for k in listed] == ["CRM sync"]
    assert "token" not in listed[0]
    assert world.delete(f"/api/v1/api-keys/{minted.json['id']}", admin).status_code == 204
    again = world.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 401


def test_only_admins_handle_api_keys(world, sam):
    assert (
        world.post("/api/v1/api-keys", sam, json={"name": "x", "agent_id": sam.id}).status_code
        == 403
    )
    assert world.get("/api/v1/api-keys", sam).status_code == 403
    admin = world.admin()
    key_id = world.post("/api/v1/api-keys", admin, json={"name": "x", "agent_id": sam.id}).json[
        "id"
    ]
    assert world.delete(f"/api/v1/api-keys/{key_id}", world.agent("Other")).status_code == 403
    sign_in_token = db.session.scalar(select(Token).where(Token.kind == "login")).id
    assert world.delete(f"/api/v1/api-keys/{sign_in_token}", admin).status_code == 404


def test_tickets_opened_with_an_api_key_can_say_api(world, sam):
    admin = world.admin()
    key = world.post("/api/v1/api-keys", admin, json={"name": "x", "agent_id": admin.id}).json[
        "token"
    ]
    response = world.post(
        "/api/v1/tickets",
        headers={"Authorization": f"Bearer {key}"},
        json={"subject": "S", "message": "M", "email": "a@users.example", "source": "api"},
    )
    assert response.status_code == 201
