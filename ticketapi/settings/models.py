"""The help desk's settings: one row, which exists once an admin has changed something."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi import versions
from ticketapi.extensions import db

#: The id of the one row.
THE_ROW = 1


class DeskSettings(db.Model):
    """Settings of the whole help desk; without the row, every setting has its default."""

    __tablename__ = "desk_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Where new tickets from the portal and the public API go (None: the triage queue).
    # RESTRICT backs up the service's 409: the team cannot vanish from under the setting.
    default_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime | None]


# Every process keeps the settings (settings/services.py) until the row changes.
versions.watch(DeskSettings, "settings")
