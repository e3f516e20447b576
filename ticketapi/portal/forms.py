"""The portal's forms: what a person typed, checked with messages written for people."""

from __future__ import annotations

from collections.abc import Mapping

from apiflask import fields
from apiflask.validators import Length
from marshmallow import ValidationError, pre_load, validates_schema

from ticketapi.auth.passwords import MIN_LENGTH
from ticketapi.schemas import NAME_MAX, TEXT_MAX, OneLine, Schema
from ticketapi.tickets.schemas import SUBJECT_MAX

EMAIL_MAX = 254
#: The longest value of each field, for the form's `maxlength` too.
MAX_LENGTHS = {"name": NAME_MAX, "email": EMAIL_MAX, "subject": SUBJECT_MAX, "message": TEXT_MAX}


ONE_LINE = "Write this on one line, without control characters."


def _text(max_length: int, required: str, *, one_line: bool = False) -> fields.String:
    validate = [Length(max=max_length, error=f"At most {max_length:,} characters, please.")]
    if one_line:
        # The API's rule for names and subjects (ticketapi/text.py), said for people.
        validate.append(OneLine(error=ONE_LINE))
    return fields.String(required=True, validate=validate, error_messages={"required": required})


class TicketForm(Schema):
    """Submit a ticket: the public submission's fields (SPEC §7), every one required."""

    name = _text(NAME_MAX, "Tell us your name.", one_line=True)
    email = fields.Email(
        required=True,
        validate=Length(max=EMAIL_MAX, error=f"At most {EMAIL_MAX} characters, please."),
        error_messages={
            "required": "Tell us your email address, so we can answer.",
            "invalid": "Enter an email address such as you@example.com.",
        },
    )
    subject = _text(SUBJECT_MAX, "Say in a few words what it is about.", one_line=True)
    message = _text(TEXT_MAX, "Describe the problem or question.")

    @pre_load
    def drop_blank_fields(self, data, **_kwargs):
        """A field left blank (or only spaces) is missing; names and subjects lose their spaces."""
        cleaned = {}
        for name, value in data.items():
            if name != "message":
                value = value.strip()
            if value.strip():
                cleaned[name] = value
        return cleaned


FIELDS = tuple(MAX_LENGTHS)


def typed(form: Mapping[str, str]) -> dict[str, str]:
    """The form's fields as typed, to show them again; nothing else from the request."""
    return {name: form.get(name, "") for name in FIELDS}


def check_ticket(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The cleaned values, and a message per field that is not right (empty when all are)."""
    try:
        return TicketForm().load(typed(form)), {}
    except ValidationError as error:
        messages = error.normalized_messages()
        return {}, {name: " ".join(problems) for name, problems in messages.items()}


# Passwords: setting one with a reset link, and asking for a link.

PASSWORD_MAX = 1000
PASSWORD_LENGTHS = {"password": PASSWORD_MAX, "password_again": PASSWORD_MAX, "email": EMAIL_MAX}


class PasswordForm(Schema):
    """A new password, typed twice; kept exactly as typed (spaces are characters too)."""

    password = fields.String(
        required=True,
        validate=Length(
            min=MIN_LENGTH,
            max=PASSWORD_MAX,
            error=f"Use {MIN_LENGTH} to {PASSWORD_MAX:,} characters: a few words make a good one.",
        ),
        error_messages={"required": f"Choose a password of at least {MIN_LENGTH} characters."},
    )
    password_again = fields.String(
        required=True, error_messages={"required": "Type the same password again."}
    )

    @validates_schema(skip_on_field_errors=True)
    def same_twice(self, data, **_kwargs):
        if data["password"] != data["password_again"]:
            raise ValidationError(
                "The two passwords differ: type the same one twice.", "password_again"
            )


class EmailForm(Schema):
    """The address to mail a reset link to."""

    email = fields.Email(
        required=True,
        validate=Length(max=EMAIL_MAX, error=f"At most {EMAIL_MAX} characters, please."),
        error_messages={
            "required": "Type the email address of your account.",
            "invalid": "Enter an email address such as you@example.com.",
        },
    )

    @pre_load
    def strip(self, data, **_kwargs):
        return {name: value.strip() for name, value in data.items() if value.strip()}


def _checked(schema: Schema, values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    try:
        return schema.load(values), {}
    except ValidationError as error:
        messages = error.normalized_messages()
        return {}, {name: " ".join(problems) for name, problems in messages.items()}


def check_password(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The new password, or a message per field; only the two password fields are read."""
    return _checked(
        PasswordForm(), {n: form[n] for n in ("password", "password_again") if n in form}
    )


def check_email(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    return _checked(EmailForm(), {"email": form.get("email", "")})
