"""The ticket status rules of SPEC §6, in one place.

A new ticket and a user's reply make it `awaiting_agent`; an agent's public
reply makes it `awaiting_user` (or the status the agent sends with it); an
internal note changes nothing; an agent may set any status, `pending` while
waiting on a third party; a user's reply to a resolved ticket reopens it.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    AWAITING_AGENT = "awaiting_agent"
    AWAITING_USER = "awaiting_user"
    PENDING = "pending"
    RESOLVED = "resolved"


class Happening(StrEnum):
    """What happened to a ticket, as far as its status is concerned."""

    OPENED = "opened"
    USER_REPLIED = "user_replied"
    AGENT_REPLIED = "agent_replied"
    NOTE_ADDED = "note_added"
    AGENT_SET_STATUS = "agent_set_status"


STATUSES = tuple(status.value for status in Status)
#: What is still open: an agent has to act on it, or is waiting for someone who does.
OPEN_STATUSES = tuple(status.value for status in Status if status is not Status.RESOLVED)
SOURCES = ("portal", "email", "agent", "api", "chat")


class StatusRuleError(ValueError):
    """A status change the rules do not allow."""


def next_status(
    current: Status | None, happening: Happening, requested: Status | None = None
) -> Status:
    """Return the status a ticket has after `happening`; `requested` is an agent's choice."""
    match happening:
        case Happening.OPENED:
            return requested or Status.AWAITING_AGENT
        case Happening.USER_REPLIED:
            return Status.AWAITING_AGENT
        case Happening.AGENT_REPLIED:
            if requested is Status.AWAITING_AGENT:
                raise StatusRuleError(
                    "A public reply cannot leave the ticket awaiting_agent: "
                    "send it as a note, or choose awaiting_user, pending or resolved."
                )
            return requested or Status.AWAITING_USER
        case Happening.NOTE_ADDED:
            if current is None:
                raise StatusRuleError("A note needs an existing ticket.")
            return current
        case Happening.AGENT_SET_STATUS:
            if requested is None:
                raise StatusRuleError("Setting a status needs the status to set.")
            return requested
    raise StatusRuleError(f"Unknown happening {happening!r}")
