"""Field types shared by every domain's schemas."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, Range, Regexp

NAME_MAX = 200
TEXT_MAX = 100_000


def name_field(**kwargs) -> fields.String:
    return fields.String(validate=Length(min=1, max=NAME_MAX), **kwargs)


def email_field(**kwargs) -> fields.Email:
    return fields.Email(validate=Length(max=254), **kwargs)


def text_field(max_length: int = TEXT_MAX, **kwargs) -> fields.String:
    return fields.String(validate=Length(min=1, max=max_length), **kwargs)


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(validate=Range(min=1, max=2**31 - 1), **kwargs)


def ids_field(**kwargs) -> fields.List:
    return fields.List(id_field(), validate=Length(max=500), **kwargs)


DOMAIN = Regexp(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    error="Not a domain name such as example.com.",
)


def timestamp_field(**kwargs) -> fields.DateTime:
    # Stored as naive UTC; rendered with a Z.
    return fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ", **kwargs)
