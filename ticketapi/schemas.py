"""Field types shared by every domain's schemas."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

import apiflask
from apiflask import fields
from apiflask.validators import Length, Range, Regexp
from marshmallow import ValidationError, pre_load

NAME_MAX = 200


def nul_paths(data: Any, prefix: str = "") -> list[str]:
    """Where a NUL character hides in decoded JSON (PostgreSQL text cannot hold one)."""
    if isinstance(data, str):
        return [prefix or "_schema"] if "\x00" in data else []
    if isinstance(data, Mapping):  # query arguments arrive as a multidict
        items = ((key, value) for key in data for value in _all_values(data, key))
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return []
    return [
        p
        for key, value in items
        for p in nul_paths(value, f"{prefix}.{key}" if prefix else str(key))
    ]


def _all_values(data: Mapping, key) -> list:
    getlist = getattr(data, "getlist", None)
    return getlist(key) if getlist else [data[key]]


class Schema(apiflask.Schema):
    """The base of every schema: input with NUL characters is refused, naming the field."""

    @pre_load(pass_collection=True)
    def refuse_nul_characters(self, data, **_kwargs):
        if paths := nul_paths(data):
            raise ValidationError({path: ["Must not contain NUL characters."] for path in paths})
        return data


TEXT_MAX = 100_000


def name_field(max_length: int = NAME_MAX, **kwargs) -> fields.String:
    return fields.String(validate=Length(min=1, max=max_length), **kwargs)


SHORT_NAME_MAX = 100  # usergroup, team and API key names


def email_field(**kwargs) -> fields.Email:
    return fields.Email(validate=Length(max=254), **kwargs)


def text_field(max_length: int = TEXT_MAX, **kwargs) -> fields.String:
    return fields.String(validate=Length(min=1, max=max_length), **kwargs)


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(validate=Range(min=1, max=2**31 - 1), **kwargs)


def ids_field(**kwargs) -> fields.List:
    return fields.List(id_field(), validate=Length(max=500), **kwargs)


DOMAIN = Regexp(
    r"(?i)^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    error="Not a domain name such as example.com.",
)


class UtcTimestamp(fields.DateTime):
    """A time stored as naive UTC, sent as RFC 3339 with a Z; aware input becomes naive UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return (
            None
            if value is None
            else value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
        )

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment


def timestamp_field(**kwargs) -> UtcTimestamp:
    return UtcTimestamp(**kwargs)


class AuthorOut(Schema):
    """Who wrote a message or a comment: a user or an agent, by name as it was then."""

    type = fields.String(required=True)
    id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
