"""Request and response schemas for people."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length
from marshmallow import ValidationError, pre_load

from ticketapi.pagination import PageArgs
from ticketapi.schemas import (
    DOMAIN,
    SHORT_NAME_MAX,
    Schema,
    email_field,
    id_field,
    ids_field,
    name_field,
    timestamp_field,
)

PASSWORD = fields.String(validate=Length(min=1, max=1000), load_only=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    organization_id = fields.Integer(allow_none=True)
    usergroup_ids = fields.List(fields.Integer())
    verified = fields.Boolean()
    created_at = timestamp_field()


class OwnerSetsPassword(Schema):
    """Users' passwords are theirs alone: agents send a link instead (docs/security.md)."""

    @pre_load
    def refuse_password(self, data, **_kwargs):
        if isinstance(data, dict) and "password" in data:
            raise ValidationError(
                {
                    "password": [
                        "Only the user sets their password: mail them a link with "
                        "POST /api/v1/users/<id>/password-reset."
                    ]
                }
            )
        return data


class UserIn(OwnerSetsPassword):
    email = email_field(required=True)
    name = name_field(required=True)
    verified = fields.Boolean(load_default=False)
    organization_id = id_field(allow_none=True)
    usergroup_ids = ids_field()


class UserPatch(OwnerSetsPassword):
    email = email_field()
    name = name_field()
    verified = fields.Boolean()
    organization_id = id_field(allow_none=True)
    usergroup_ids = ids_field()


class UserFilter(PageArgs):
    organization_id = id_field()
    email = fields.String(validate=Length(max=254))


class OrganizationOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email_domains = fields.List(fields.String())
    created_at = timestamp_field()


class OrganizationIn(Schema):
    name = name_field(required=True)
    email_domains = fields.List(
        fields.String(validate=DOMAIN), validate=Length(max=100), load_default=list
    )


class OrganizationPatch(Schema):
    name = name_field()
    email_domains = fields.List(fields.String(validate=DOMAIN), validate=Length(max=100))


class UsergroupOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    system_key = fields.String(allow_none=True)
    permissions = fields.List(fields.String())


class UsergroupIn(Schema):
    name = name_field(SHORT_NAME_MAX, required=True)
    permissions = fields.List(fields.String(validate=Length(max=64)), load_default=list)


class UsergroupPatch(Schema):
    name = name_field(SHORT_NAME_MAX)
    permissions = fields.List(fields.String(validate=Length(max=64)))


class AgentOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    active = fields.Boolean()
    team_ids = fields.List(fields.Integer())
    permissions = fields.List(fields.String())


class AgentIn(Schema):
    email = email_field(required=True)
    name = name_field(required=True)
    password = fields.String(validate=Length(min=1, max=1000))
    is_admin = fields.Boolean(load_default=False)
    permissions = fields.List(fields.String(validate=Length(max=64)), load_default=list)
    team_ids = ids_field(load_default=list)


class AgentPatch(Schema):
    email = email_field()
    name = name_field()
    password = fields.String(validate=Length(min=1, max=1000))
    is_admin = fields.Boolean()
    active = fields.Boolean()
    permissions = fields.List(fields.String(validate=Length(max=64)))
    team_ids = ids_field()


class TeamOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    agent_ids = fields.List(fields.Integer())


class TeamIn(Schema):
    name = name_field(SHORT_NAME_MAX, required=True)
    agent_ids = ids_field(load_default=list)


class TeamPatch(Schema):
    name = name_field(SHORT_NAME_MAX)
    agent_ids = ids_field()
