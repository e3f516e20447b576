"""Every agent page: the shell's `/agent` blueprint with each page module's inside it."""

from __future__ import annotations

from ticketapi.agent import (
    account,
    admin_email,
    admin_inbound,
    bulk,
    new_ticket,
    passwords,
    sign_in,
    start,
    tasks,
    ticket,
    ticket_tools,
    view_pages,
)
from ticketapi.agent.shell import bp

children = (sign_in.bp, account.bp, passwords.bp, start.bp, view_pages.bp, bulk.bp)
# new_ticket's /tickets/new before the ticket page's /tickets/<id> (issue #14, items 3 and 5).
for child in (
    *children, new_ticket.bp, tasks.bp, ticket.bp, ticket_tools.bp, admin_email.bp,
    admin_inbound.bp,
):  # fmt: skip
    bp.register_blueprint(child)

__all__ = ["bp"]
