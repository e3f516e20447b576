"""Field types shared by every domain's schemas."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

import apiflask
from apiflask import fields
from apiflask.validators import Length, Range, Regexp
from marshmallow import ValidationError, pre_load
from marshmallow.validate import Validator

from ticketapi.core.ids import MAX_ID
from ticketapi.text import bad_text, not_one_line

NAME_MAX = 200


def bad_text_paths(data: Any, prefix: str = "") -> dict[str, str]:
    """Where decoded input holds text no database can store (NUL, a lone surrogate), and why.

    Keys are checked as well as values: an unknown key is named back in the error.
    """
    if isinstance(data, str):
        return {prefix or "_schema": problem} if (problem := bad_text(data)) else {}
    if isinstance(data, Mapping):  # query arguments arrive as a multidict
        items = [(key, value) for key in data for value in _all_values(data, key)]
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return {}
    found: dict[str, str] = {}
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(key, str) and (problem := bad_text(key)):
            found[path] = problem
        found.update(bad_text_paths(value, path))
    return found


def _all_values(data: Mapping, key) -> list:
    getlist = getattr(data, "getlist", None)
    return getlist(key) if getlist else [data[key]]


class Schema(apiflask.Schema):
    """The base of every schema: text no database can store is refused, naming the field."""

    @pre_load(pass_collection=True)
    def refuse_unstorable_text(self, data, **_kwargs):
        if paths := bad_text_paths(data):
            raise ValidationError({path: [problem] for path, problem in paths.items()})
        return data


class OneLine(Validator):
    """A name, subject or title: one line, no control characters (ticketapi/text.py)."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error  # None: the message names the character found

    def __call__(self, value: str) -> str:
        if problem := not_one_line(value):
            raise ValidationError(self.error or problem)
        return value


TEXT_MAX = 100_000


def name_field(max_length: int = NAME_MAX, **kwargs) -> fields.String:
    """A name, subject or title: 1 to `max_length` characters on one line."""
    return fields.String(validate=[Length(min=1, max=max_length), OneLine()], **kwargs)


SHORT_NAME_MAX = 100  # usergroup, team and API key names


def email_field(**kwargs) -> fields.Email:
    return fields.Email(validate=Length(max=254), **kwargs)


def text_field(max_length: int = TEXT_MAX, **kwargs) -> fields.String:
    return fields.String(validate=Length(min=1, max=max_length), **kwargs)


def int_field(minimum: int, maximum: int = MAX_ID, **kwargs) -> fields.Integer:
    """A whole number a database integer holds: every integer the API reads has both bounds."""
    return fields.Integer(validate=Range(min=minimum, max=maximum), **kwargs)


def id_field(minimum: int = 1, **kwargs) -> fields.Integer:
    """The id of a row (from 1), or from 0 where 0 means "none" (a filter's unassigned)."""
    return int_field(minimum, **kwargs)


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
