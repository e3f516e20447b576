"""Demo settings for Tidewater: new tickets from the portal and the API go to Support."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.settings.models import THE_ROW, DeskSettings

SUBMISSIONS_TEAM = "Support"


def load(now: datetime) -> int:
    """Route submissions to Support, unless a team is chosen already; 1 if it was set now."""
    row = db.session.get(DeskSettings, THE_ROW)
    if row is not None and row.default_team_id is not None:
        return 0
    support = db.session.scalar(select(Team.id).where(Team.name == SUBMISSIONS_TEAM))
    if support is None:
        return 0
    if row is None:
        row = DeskSettings(id=THE_ROW)
        db.session.add(row)
    row.default_team_id = support
    row.updated_at = now
    return 1
