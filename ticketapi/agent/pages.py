"""Every agent page: the shell's `/agent` blueprint with each page module's inside it."""

from __future__ import annotations

from ticketapi.agent import account, passwords, sign_in, start
from ticketapi.agent.shell import bp

for child in (sign_in.bp, account.bp, passwords.bp, start.bp):
    bp.register_blueprint(child)

__all__ = ["bp"]
