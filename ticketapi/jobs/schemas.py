"""Response schemas for failed jobs."""

from __future__ import annotations

from apiflask import fields

from ticketapi.schemas import Schema, timestamp_field


class FailedJobOut(Schema):
    id = fields.Integer(required=True)
    task_name = fields.String(required=True)
    arguments = fields.Dict(required=True)
    error = fields.String(required=True)
    attempts = fields.Integer(required=True)
    first_failed_at = timestamp_field(required=True)
    last_failed_at = timestamp_field(required=True)
    retried_at = timestamp_field(allow_none=True)
