"""Schemas for sign-in and API keys."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length

from ticketapi.schemas import (
    SHORT_NAME_MAX,
    Schema,
    email_field,
    id_field,
    name_field,
    timestamp_field,
)


class Credentials(Schema):
    email = email_field(required=True)
    password = fields.String(required=True, validate=Length(min=1, max=1000))


class PasswordChange(Schema):
    current_password = fields.String(required=True, validate=Length(min=1, max=1000))
    new_password = fields.String(required=True, validate=Length(min=1, max=1000))


class ResetRequest(Schema):
    email = email_field(required=True)


class ResetRedeem(Schema):
    token = fields.String(required=True, validate=Length(min=1, max=200))
    password = fields.String(required=True, validate=Length(min=1, max=1000))


class MessageOut(Schema):
    message = fields.String(required=True)


class TokenOut(Schema):
    token = fields.String(required=True)
    expires_at = timestamp_field(allow_none=True)
    actor = fields.Nested(lambda: ActorOut())


class ActorOut(Schema):
    type = fields.String(required=True)
    id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    is_admin = fields.Boolean()
    permissions = fields.List(fields.String())
    team_ids = fields.List(fields.Integer())
    organization_id = fields.Integer(allow_none=True)


class ApiKeyIn(Schema):
    name = name_field(SHORT_NAME_MAX, required=True)
    agent_id = id_field(required=True)


class ApiKeyOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    agent_id = fields.Integer(allow_none=True)
    created_at = timestamp_field()
    last_used_at = timestamp_field(allow_none=True)
    revoked_at = timestamp_field(allow_none=True)


class NewApiKeyOut(ApiKeyOut):
    token = fields.String(required=True)
