"""Request and response schemas for SLA definitions and working-hours schedules."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError

from ticketapi.core.ids import MAX_ID, in_id_range
from ticketapi.schemas import Schema, ids_field, name_field, timestamp_field
from ticketapi.slas.models import NOTIFY_TARGETS, SLA_TYPES

MINUTES_MAX = 10 * 366 * 24 * 60  # ten years
WEEKDAYS = [str(day) for day in range(7)]
HOURS_DOC = {
    "description": '"24x7", "default" (the default working hours) or a schedule id',
    "oneOf": [
        {"type": "string", "enum": ["24x7", "default"]},
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    ],
}


class HoursField(fields.Field):
    """ "24x7", "default", or a schedule id (an integer)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("24x7", "default"):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and in_id_range(value):
            return value
        raise ValidationError('Give "24x7", "default" or a schedule id.')


class AppliesTo(Schema):
    """Which tickets an SLA covers: every listed condition must match; none means all."""

    urgency = fields.List(fields.Integer(validate=Range(min=1, max=10)), validate=Length(max=10))
    organization_ids = ids_field()
    usergroup_ids = ids_field()
    team_ids = ids_field()
    labels = fields.List(name_field(max_length=100), validate=Length(max=100))


class Actions(Schema):
    """What happens when a ticket's clock reaches the warning, or fails; all optional."""

    notify = fields.List(
        fields.String(validate=OneOf(NOTIFY_TARGETS)),
        validate=Length(max=3),
        metadata={"description": "Mail the assigned agent, the team's members, the followers"},
    )
    raise_urgency_to = fields.Integer(
        validate=Range(min=1, max=10),
        allow_none=True,
        metadata={"description": "Raise the urgency to this, if it is lower"},
    )
    assign_team_id = fields.Integer(
        validate=Range(min=1, max=MAX_ID),
        allow_none=True,
        metadata={"description": "Move the ticket to this team"},
    )
    add_label = name_field(max_length=50, allow_none=True)


class ActionsOut(Schema):
    notify = fields.List(fields.String())
    raise_urgency_to = fields.Integer(allow_none=True)
    assign_team_id = fields.Integer(allow_none=True)
    add_label = fields.String(allow_none=True)


class AppliesToOut(Schema):
    urgency = fields.List(fields.Integer())
    organization_ids = fields.List(fields.Integer())
    usergroup_ids = fields.List(fields.Integer())
    team_ids = fields.List(fields.Integer())
    labels = fields.List(fields.String())


class SlaOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(SLA_TYPES)})
    target_minutes = fields.Integer(required=True)
    warning_minutes = fields.Integer(required=True)
    hours = HoursField(required=True, metadata=HOURS_DOC)
    applies_to = fields.Nested(AppliesToOut, required=True)
    on_warning = fields.Nested(ActionsOut, required=True)
    on_failure = fields.Nested(ActionsOut, required=True)
    active = fields.Boolean(required=True)
    created_at = timestamp_field()
    updated_at = timestamp_field()


def _minutes(minimum: int, **kwargs) -> fields.Integer:
    return fields.Integer(validate=Range(min=minimum, max=MINUTES_MAX), **kwargs)


class SlaIn(Schema):
    name = name_field(required=True)
    type = fields.String(required=True, validate=OneOf(SLA_TYPES))
    target_minutes = _minutes(1, required=True)
    warning_minutes = _minutes(0, load_default=0)
    hours = HoursField(load_default="24x7", metadata=HOURS_DOC)
    applies_to = fields.Nested(AppliesTo, load_default=dict)
    on_warning = fields.Nested(Actions, load_default=dict)
    on_failure = fields.Nested(Actions, load_default=dict)
    active = fields.Boolean(load_default=True)


class SlaPatch(Schema):
    name = name_field()
    type = fields.String(validate=OneOf(SLA_TYPES))
    target_minutes = _minutes(1)
    warning_minutes = _minutes(0)
    hours = HoursField(metadata=HOURS_DOC)
    applies_to = fields.Nested(AppliesTo)
    on_warning = fields.Nested(Actions)
    on_failure = fields.Nested(Actions)
    active = fields.Boolean()


def _days_field(**kwargs) -> fields.Dict:
    interval = fields.List(fields.String(validate=Length(max=5)), validate=Length(equal=2))
    return fields.Dict(
        keys=fields.String(validate=OneOf(WEEKDAYS)),
        values=fields.List(interval, validate=Length(max=48)),
        metadata={
            "description": 'Weekday (0 = Monday) to ordered ["HH:MM", "HH:MM"] intervals',
            "example": {"0": [["09:00", "17:00"]]},
        },
        **kwargs,
    )


def _holidays_field(**kwargs) -> fields.List:
    return fields.List(fields.Date(), validate=Length(max=1000), **kwargs)


class ScheduleOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)
    days = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.List(fields.String())),
        required=True,
    )
    holidays = fields.List(fields.String(), required=True)
    created_at = timestamp_field()
    updated_at = timestamp_field()


class ScheduleIn(Schema):
    name = name_field(required=True)
    timezone = fields.String(load_default="UTC", validate=Length(min=1, max=100))
    days = _days_field(required=True)
    holidays = _holidays_field(load_default=list)


class SchedulePatch(Schema):
    name = name_field()
    timezone = fields.String(validate=Length(min=1, max=100))
    days = _days_field()
    holidays = _holidays_field()
