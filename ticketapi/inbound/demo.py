"""Demo ticket email account: mail to support@ becomes Support's tickets, acknowledged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.inbound.models import EmailAccount
from ticketapi.people.models import Team

ADDRESS = "help@tidewater.example"


def load(now: datetime) -> int:
    """Add the account unless it exists; 1 if it was added now."""
    if db.session.scalar(select(EmailAccount.id).where(EmailAccount.address == ADDRESS)):
        return 0
    support = db.session.scalar(select(Team.id).where(Team.name == "Support"))
    db.session.add(
        EmailAccount(address=ADDRESS, name="Tidewater Help", team_id=support, created_at=now)
    )
    return 1
