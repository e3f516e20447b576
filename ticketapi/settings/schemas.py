"""Request and response schemas for the help desk's settings."""

from __future__ import annotations

from apiflask import fields
from marshmallow import ValidationError, validates_schema

from ticketapi.schemas import Schema, id_field, timestamp_field

DEFAULT_TEAM = (
    "The team that new tickets from the portal and the public API go to; null: no team "
    "(the triage queue, which tells nobody)"
)


class SettingsOut(Schema):
    default_team_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": DEFAULT_TEAM}
    )
    updated_at = timestamp_field(allow_none=True)


class SettingsPatch(Schema):
    """Only the settings named change."""

    default_team_id = id_field(allow_none=True, metadata={"description": DEFAULT_TEAM})

    @validates_schema
    def names_one_at_least(self, data, **_kwargs):
        if not data:
            raise ValidationError(f"Send at least one of {', '.join(self.fields)}.")
