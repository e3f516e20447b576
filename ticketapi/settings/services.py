"""Read and change the help desk's settings; who may, and what each setting must name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ticketapi import versions
from ticketapi.core.access import require
from ticketapi.errors import Conflict, Invalid
from ticketapi.extensions import db
from ticketapi.people.models import Team
from ticketapi.permissions import Actor, can_change_settings, can_view_settings
from ticketapi.settings.models import THE_ROW, DeskSettings


def get_settings(actor: Actor) -> DeskSettings:
    require(can_view_settings, actor, None, "Only agents can see the help desk's settings.")
    return db.session.get(DeskSettings, THE_ROW) or DeskSettings(id=THE_ROW)


def change_settings(actor: Actor, values: dict, *, now: datetime) -> DeskSettings:
    """Change the settings named in `values`; an unknown team is a 422 naming the field."""
    require(can_change_settings, actor, None, "Only admins can change the help desk's settings.")
    row = _the_row_locked()
    if "default_team_id" in values:
        team_id = values["default_team_id"]
        if team_id is not None and db.session.get(Team, team_id) is None:
            raise Invalid(
                f"There is no team {team_id}: name one of GET /api/v1/teams, or null.",
                fields={"default_team_id": "unknown id"},
            )
        row.default_team_id = team_id
    row.updated_at = now
    db.session.flush()
    return row


def _load_default_team_id() -> int | None:
    return db.session.scalar(select(DeskSettings.default_team_id).where(DeskSettings.id == THE_ROW))


# Read on every submission: kept per process until an admin changes it (versions.py).
DEFAULT_TEAM = versions.Definitions("settings", _load_default_team_id)


def default_team_id() -> int | None:
    """The team new portal and API tickets go to, or None."""
    return DEFAULT_TEAM.get()


def _the_row_locked() -> DeskSettings:
    """The row, locked until commit; made on the first change (two first changes: one wins
    the insert, the other finds it)."""
    query = select(DeskSettings).where(DeskSettings.id == THE_ROW).with_for_update()
    row = db.session.scalar(query)
    if row is None:
        try:
            with db.session.begin_nested():
                row = DeskSettings(id=THE_ROW)
                db.session.add(row)
        except IntegrityError:
            row = db.session.scalar(query)
    return row


def refuse_deleting_default_team(team: Team) -> None:
    """Subscribed to people's team_deleting: submissions must not lose their team."""
    if default_team_id() == team.id:
        raise Conflict(
            f"New tickets from the portal and the API go to {team.name} (default_team_id in "
            "/api/v1/settings): choose another team there, or null, first.",
            extra={"setting": "default_team_id"},
        )
