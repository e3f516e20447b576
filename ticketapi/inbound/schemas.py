"""Request and response schemas for ticket email accounts and inbound messages."""

from __future__ import annotations

from apiflask import fields
from apiflask.validators import Length, OneOf
from marshmallow import ValidationError, validates_schema

from ticketapi.inbound.store import STATES
from ticketapi.pagination import PageArgs
from ticketapi.schemas import (
    Schema,
    email_field,
    id_field,
    int_field,
    name_field,
    timestamp_field,
)  # fmt: skip

AGENT_MAIL_AS = ("reply", "note")
HOST = name_field(253, required=True, metadata={"description": "The IMAP server's name"})


class ImapIn(Schema):
    host = HOST
    port = int_field(1, 65535, metadata={"description": "993 with TLS, 143 without"})
    username = name_field(254, required=True)
    password = fields.String(
        validate=Length(min=1, max=1000),
        load_only=True,
        metadata={"description": "Stored encrypted, never returned; leave out to keep it"},
    )
    folder = name_field(200, metadata={"description": "Default INBOX"})
    tls = fields.Boolean(metadata={"description": "TLS from the first byte (default true)"})


class ImapOut(Schema):
    host = fields.String(required=True)
    port = fields.Integer(required=True)
    username = fields.String(required=True)
    folder = fields.String(required=True)
    tls = fields.Boolean(required=True)
    has_password = fields.Boolean(required=True)
    last_uid = fields.Integer(allow_none=True)


class EmailAccountIn(Schema):
    address = email_field(required=True)
    name = name_field(required=True)
    team_id = id_field(allow_none=True, metadata={"description": "New tickets go to it"})
    auto_acknowledge = fields.Boolean(
        metadata={"description": "Answer a new ticket's mail with its ref (default true)"}
    )
    add_cc_recipients = fields.Boolean(
        metadata={"description": "The mail's other To and Cc people become CCs (default true)"}
    )
    agent_mail_as = fields.String(
        validate=OneOf(AGENT_MAIL_AS),
        metadata={
            "description": "Mail from an agent's address on a ticket is filed as their public "
            "`reply` (mailed on to the user; the default) or an internal `note`"
        },
    )
    imap = fields.Nested(ImapIn, allow_none=True)


class EmailAccountPatch(EmailAccountIn):
    """Only the fields sent change."""

    address = email_field()
    name = name_field()

    @validates_schema
    def names_one_at_least(self, data, **_kwargs):
        if not data:
            raise ValidationError(f"Send at least one of {', '.join(self.fields)}.")


class EmailAccountOut(Schema):
    id = fields.Integer(required=True)
    address = fields.String(required=True)
    name = fields.String(required=True)
    team_id = fields.Integer(required=True, allow_none=True)
    auto_acknowledge = fields.Boolean(required=True)
    add_cc_recipients = fields.Boolean(required=True)
    agent_mail_as = fields.String(required=True, metadata={"enum": list(AGENT_MAIL_AS)})
    imap = fields.Method("dump_imap", allow_none=True, metadata={"type": "object"})
    created_at = timestamp_field(required=True)

    def dump_imap(self, account):
        if not account.has_imap:
            return None
        return ImapOut().dump(
            {
                "host": account.imap_host,
                "port": account.imap_port,
                "username": account.imap_username,
                "folder": account.imap_folder,
                "tls": account.imap_tls,
                "has_password": account.imap_password_encrypted is not None,
                "last_uid": account.imap_last_uid,
            }
        )


class InboundFilter(PageArgs):
    state = fields.DelimitedList(fields.String(validate=OneOf(STATES)))
    account = id_field(metadata={"description": "The email account's id"})


class InboundOut(Schema):
    id = fields.Integer(required=True)
    account = fields.Integer(attribute="account_id", required=True, allow_none=True)
    account_address = fields.String(required=True, allow_none=True)
    source = fields.String(required=True)
    message_id = fields.String(required=True, allow_none=True)
    # `from` is a Python keyword: the attribute has another name.
    from_ = fields.String(data_key="from", attribute="from_address", required=True, allow_none=True)
    from_name = fields.String(required=True, allow_none=True)
    subject = fields.String(required=True, allow_none=True)
    received_at = timestamp_field(required=True)
    state = fields.String(required=True, metadata={"enum": list(STATES)})
    reason = fields.String(required=True, allow_none=True)
    kind = fields.String(
        required=True, allow_none=True,
        metadata={"description": "personal, bulk, auto_reply or bounce (once parsed)"},
    )  # fmt: skip
    ticket_id = fields.Integer(required=True, allow_none=True)
    ticket_message_id = fields.Integer(required=True, allow_none=True)
    duplicate_of_id = fields.Integer(required=True, allow_none=True)
    raw_size = fields.Integer(required=True)
    raw_sha256 = fields.String(required=True)
    raw_url = fields.Function(
        lambda row: f"/api/v1/inbound-messages/{row.id}/raw",
        required=True,
        metadata={"description": "The message as it arrived (message/rfc822)"},
    )
    handled_at = timestamp_field(required=True, allow_none=True)
    acknowledged_at = timestamp_field(required=True, allow_none=True)


class OriginalOut(Schema):
    id = fields.Integer(required=True)
    ticket_id = fields.Integer(required=True, allow_none=True)
    ticket_message_id = fields.Integer(required=True, allow_none=True)
    text = fields.String(attribute="full_text", required=True, allow_none=True)
    html = fields.String(
        attribute="full_html", required=True, allow_none=True,
        metadata={"description": "Sanitized; remote images as data-src, not loaded"},
    )  # fmt: skip
