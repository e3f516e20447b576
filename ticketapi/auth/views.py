"""Routes: sign in for a token, sign out, who am I, passwords, and admins' API keys."""

from __future__ import annotations

from datetime import timedelta

from apiflask import APIBlueprint
from flask import current_app, g

from ticketapi.auth import resets, services
from ticketapi.auth.current import current_actor, current_token, load_actor
from ticketapi.auth.reset_limits import REQUESTED, limit_reset_requests
from ticketapi.auth.schemas import (
    ActorOut,
    ApiKeyIn,
    ApiKeyOut,
    Credentials,
    MessageOut,
    NewApiKeyOut,
    PasswordChange,
    ResetRedeem,
    ResetRequest,
    TokenOut,
)
from ticketapi.core.transactions import commit
from ticketapi.errors import Unauthorized
from ticketapi.extensions import limiter
from ticketapi.permissions import Actor
from ticketapi.timeutil import utcnow

bp = APIBlueprint("auth", __name__, url_prefix="/api/v1", tag="Authentication")
bp.before_app_request(load_actor)


def actor_json(actor: Actor) -> dict:
    return {
        "type": actor.kind,
        "id": actor.id,
        "name": actor.name,
        "is_admin": actor.is_admin,
        "permissions": sorted(actor.permissions),
        "team_ids": sorted(actor.team_ids),
        "organization_id": actor.organization_id,
    }


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.input(Credentials)
@bp.output(TokenOut, status_code=201)
@bp.doc(summary="Sign in with email and password for a bearer token")
def sign_in(json_data):
    account = services.authenticate(json_data["email"], json_data["password"])
    now = utcnow()
    token, plain = services.issue_token(
        account, now=now, ttl=timedelta(days=current_app.config["TOKEN_TTL_DAYS"])
    )
    commit()
    return {
        "token": plain,
        "expires_at": token.expires_at,
        "actor": actor_json(services.actor_for(token)),
    }


@bp.delete("/auth/token")
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke the token this request carries (sign out)", security="BearerAuth")
def sign_out():
    if g.token is None:
        raise Unauthorized("Send the token to revoke as 'Authorization: Bearer TOKEN'.")
    services.sign_out(g.token, now=utcnow())
    commit()
    return ""


@bp.post("/auth/password")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.input(PasswordChange)
@bp.output({}, status_code=204)
@bp.doc(
    summary="Change your own password; your other sign-ins end, this one stays",
    security="BearerAuth",
)
def change_password(json_data):
    services.change_own_password(
        current_actor(),
        current_token(),
        json_data["current_password"],
        json_data["new_password"],
        now=utcnow(),
    )
    commit()
    return ""


@bp.post("/auth/password-reset/request")
@limit_reset_requests
@bp.input(ResetRequest)
@bp.output(MessageOut, status_code=202)
@bp.doc(summary="Forgot your password? Mail a link to set it (the same answer for any address)")
def request_password_reset(json_data):
    resets.request_link(json_data["email"])
    commit()
    return {"message": REQUESTED}


@bp.post("/auth/password-reset")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.input(ResetRedeem)
@bp.output({}, status_code=204)
@bp.doc(summary="Set your password with the token of a reset link; your sign-ins end")
def redeem_password_reset(json_data):
    resets.redeem(json_data["token"], json_data["password"], now=utcnow())
    commit()
    return ""


@bp.get("/auth/me")
@bp.output(ActorOut)
@bp.doc(summary="Who the token belongs to", security="BearerAuth")
def me():
    actor = current_actor()
    if actor.is_anonymous:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer TOKEN'.")
    return actor_json(actor)


@bp.get("/api-keys")
@bp.output(ApiKeyOut(many=True))
@bp.doc(summary="List API keys (admins)", security="BearerAuth")
def list_api_keys():
    return services.list_api_keys(current_actor())


@bp.post("/api-keys")
@bp.input(ApiKeyIn)
@bp.output(NewApiKeyOut, status_code=201)
@bp.doc(
    summary="Mint an API key acting as an agent (admins); the key is shown once",
    security="BearerAuth",
)
def mint_api_key(json_data):
    token, plain = services.mint_api_key(
        current_actor(), json_data["agent_id"], json_data["name"], now=utcnow()
    )
    commit()
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "agent_id": token.agent_id,
        "created_at": token.created_at,
        "token": plain,
    }


@bp.delete("/api-keys/<int:key_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke an API key (admins)", security="BearerAuth")
def revoke_api_key(key_id: int):
    services.revoke_api_key(current_actor(), key_id, now=utcnow())
    commit()
    return ""
