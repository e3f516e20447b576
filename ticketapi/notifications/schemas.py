"""Request and response schemas for notification settings."""

from __future__ import annotations

from apiflask import fields
from marshmallow import ValidationError, validates_schema

from ticketapi.schemas import Schema

NEW_TICKET_FOR_TEAM = "A ticket is opened for, or moved to, one of your teams"
ASSIGNED_TO_ME = "Someone else assigns a ticket to you"
USER_REPLY = "A user replies on a ticket assigned to you or that you follow"
SLA_WARNING = "A ticket you work on is close to missing an SLA target"
SLA_FAILURE = "A ticket you work on has missed an SLA target"


class StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else ("yes", 1 and "on" are refused, not guessed at)."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def flag(description: str, **kwargs) -> fields.Boolean:
    return StrictBoolean(metadata={"description": description}, **kwargs)


class NotificationSettingsOut(Schema):
    agent_id = fields.Integer(required=True)
    new_ticket_for_team = flag(NEW_TICKET_FOR_TEAM, required=True)
    assigned_to_me = flag(ASSIGNED_TO_ME, required=True)
    user_reply = flag(USER_REPLY, required=True)
    sla_warning = flag(SLA_WARNING, required=True)
    sla_failure = flag(SLA_FAILURE, required=True)


class NotificationSettingsPatch(Schema):
    """Only the notifications named change: true gets them, false stops them."""

    new_ticket_for_team = flag(NEW_TICKET_FOR_TEAM)
    assigned_to_me = flag(ASSIGNED_TO_ME)
    user_reply = flag(USER_REPLY)
    sla_warning = flag(SLA_WARNING)
    sla_failure = flag(SLA_FAILURE)

    @validates_schema
    def names_one_at_least(self, data, **_kwargs):
        if not data:
            raise ValidationError(f"Send at least one of {', '.join(self.fields)}: true or false.")
