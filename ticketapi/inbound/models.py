"""Ticket email accounts and the inbound messages that reached them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.timeutil import utcnow

# A Message-ID longer than this is kept as no Message-ID (deduplicated by the raw's hash):
# RFC 5322 lines stop at 998, real ones are under 100.
MESSAGE_ID_MAX = 500


class EmailAccount(db.Model):
    """An address whose mail becomes tickets (SPEC §8); optionally fetched over IMAP."""

    __tablename__ = "email_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    auto_acknowledge: Mapped[bool] = mapped_column(default=True)
    add_cc_recipients: Mapped[bool] = mapped_column(default=True)
    # Mail from an active agent's address on a ticket: their public reply, or a note.
    agent_mail_as: Mapped[str] = mapped_column(String(5), default="reply", server_default="reply")
    # IMAP, all or nothing (inbound/accounts.py): the password encrypted (core/secrets.py).
    imap_host: Mapped[str | None] = mapped_column(String(253))
    imap_port: Mapped[int | None]
    imap_username: Mapped[str | None] = mapped_column(String(254))
    imap_password_encrypted: Mapped[str | None] = mapped_column(Text)
    imap_folder: Mapped[str | None] = mapped_column(String(200))
    imap_tls: Mapped[bool | None]
    # The last UID stored, valid while the folder's UIDVALIDITY stays the same.
    imap_last_uid: Mapped[int | None] = mapped_column(BigInteger)
    imap_uid_validity: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship()

    @property
    def has_imap(self) -> bool:
        return self.imap_host is not None


class InboundMessage(db.Model):
    """One message as it arrived: its raw file, then what became of it.

    The row and the file are written before anything parses the message, so a failure of
    the parser or the process loses nothing; `state` is `received` until it is handled.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_state_received", "state", "received_at"),
        Index("ix_inbound_messages_account_received", "account_id", "received_at"),
        # The per-sender cap on auto-acknowledgements counts these.
        Index("ix_inbound_messages_sender_acknowledged", "from_address", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # An account deleted later leaves its messages (nothing is ever dropped).
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_accounts.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(10))  # smtp, imap, ingest
    message_id: Mapped[str | None] = mapped_column(String(MESSAGE_ID_MAX), index=True)
    raw_sha256: Mapped[str] = mapped_column(String(64), index=True)
    raw_size: Mapped[int] = mapped_column(BigInteger)
    # Relative to the instance folder: inbound/<yyyy>/<mm>/<sha256>.eml
    raw_path: Mapped[str] = mapped_column(String(300))
    from_address: Mapped[str | None] = mapped_column(String(254))
    from_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column()
    # received, filed, quarantined, duplicate, ignored
    state: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    # What the parser found it to be: personal, bulk, auto_reply or bounce.
    kind: Mapped[str | None] = mapped_column(String(12))
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    ticket_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="SET NULL")
    )
    # The whole text and HTML (sanitized) before quoted history and signatures were trimmed
    # from the message shown on the ticket.
    full_text: Mapped[str | None] = mapped_column(Text)
    full_html: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    account: Mapped[EmailAccount | None] = relationship()

    @property
    def account_address(self) -> str | None:
        return self.account.address if self.account is not None else None


class OutboundMail(db.Model):
    """A mail we sent about a ticket (an acknowledgement, an agent's reply): its Message-ID
    goes into the References of the next, so the whole conversation is one thread."""

    __tablename__ = "outbound_mails"
    __table_args__ = (Index("ix_outbound_mails_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    ticket_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL")
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_accounts.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))  # acknowledgement, reply
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_MAX))
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated, as sent
    created_at: Mapped[datetime] = mapped_column()
