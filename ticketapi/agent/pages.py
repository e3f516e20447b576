"""Every agent page: the shell's `/agent` blueprint with each page module's inside it."""

from __future__ import annotations

from ticketapi.agent import account, bulk, passwords, sign_in, start, view_pages
from ticketapi.agent.shell import bp

for child in (sign_in.bp, account.bp, passwords.bp, start.bp, view_pages.bp, bulk.bp):
    bp.register_blueprint(child)

__all__ = ["bp"]
