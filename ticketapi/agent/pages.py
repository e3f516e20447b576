"""Every agent page: the shell's `/agent` blueprint with each page module's inside it."""

from __future__ import annotations

from ticketapi.agent import account, bulk, new_ticket, passwords, sign_in, start, tasks, view_pages
from ticketapi.agent.shell import bp

for child in (sign_in.bp, account.bp, passwords.bp, start.bp, view_pages.bp, bulk.bp):
    bp.register_blueprint(child)
bp.register_blueprint(new_ticket.bp)  # before the ticket page's /tickets/<id> (issue #14, 5)
bp.register_blueprint(tasks.bp)  # issue #14, item 6

__all__ = ["bp"]
