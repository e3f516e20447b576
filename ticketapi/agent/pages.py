"""Every agent page: the shell's `/agent` blueprint with each page module's inside it."""

from __future__ import annotations

from ticketapi.agent import (
    account,
    bulk,
    passwords,
    sign_in,
    start,
    ticket,
    ticket_tools,
    view_pages,
)
from ticketapi.agent.shell import bp

children = (sign_in.bp, account.bp, passwords.bp, start.bp, view_pages.bp, bulk.bp)
for child in (*children, ticket.bp, ticket_tools.bp):
    bp.register_blueprint(child)

__all__ = ["bp"]
