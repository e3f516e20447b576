"""Request and response schemas for tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from apiflask import fields
from apiflask.validators import Length
from marshmallow import ValidationError

from ticketapi.pagination import PageArgs
from ticketapi.schemas import Schema, id_field, name_field, timestamp_field

NOTES_MAX = 10_000
EARLIEST_YEAR, LATEST_YEAR = 1970, 9999


class UtcDateTime(fields.DateTime):
    """An ISO 8601 time in; naive UTC out, the form the database holds. No offset means UTC."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if isinstance(value, str) and len(value) > 64:
            raise ValidationError(
                "Not a valid datetime: send ISO 8601, such as 2026-05-01T09:00:00Z."
            )
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValidationError("That time is out of range.") from None
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise ValidationError(f"Give a time between {EARLIEST_YEAR} and {LATEST_YEAR}.")
        # Shown to the second, so stored to the second: what you see is what sorts.
        return moment.replace(microsecond=0)


def utc_datetime_field(description: str = "", **kwargs) -> UtcDateTime:
    note = "ISO 8601; without an offset it is UTC."
    return UtcDateTime(metadata={"description": f"{description} {note}".strip()}, **kwargs)


class TaskOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    notes = fields.String(allow_none=True)
    due_at = timestamp_field(allow_none=True)
    agent_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    ticket_id = fields.Integer(allow_none=True)
    done = fields.Boolean(required=True)
    done_at = timestamp_field(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = timestamp_field()
    updated_at = timestamp_field()


class TaskIn(Schema):
    title = name_field(required=True)
    notes = fields.String(allow_none=True, validate=Length(max=NOTES_MAX))
    due_at = utc_datetime_field(allow_none=True)
    agent_id = id_field(
        allow_none=True, metadata={"description": "Default: you, unless team_id is given"}
    )
    team_id = id_field(allow_none=True)
    ticket_id = id_field(allow_none=True)
    done = fields.Boolean(load_default=False)


class TaskPatch(Schema):
    title = name_field()
    notes = fields.String(allow_none=True, validate=Length(max=NOTES_MAX))
    due_at = utc_datetime_field(allow_none=True)
    agent_id = id_field(allow_none=True)
    team_id = id_field(allow_none=True)
    ticket_id = id_field(allow_none=True)
    done = fields.Boolean()


class TaskFilter(PageArgs):
    agent_id = id_field()
    team_id = id_field()
    ticket_id = id_field()
    done = fields.Boolean()
    due_before = utc_datetime_field("Only tasks due before this time.")
    mine = fields.Boolean(metadata={"description": "true: assigned to you or your teams"})
