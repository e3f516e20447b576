"""The portal's forms: what a person typed, checked with messages written for people."""

from __future__ import annotations

from collections.abc import Mapping

from apiflask import fields
from apiflask.validators import Length
from marshmallow import ValidationError, pre_load

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
