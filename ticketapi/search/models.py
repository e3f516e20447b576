"""Deflections: "this answered my question", one row each, by the page's URL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ticketapi.extensions import db
from ticketapi.timeutil import utcnow


class Deflection(db.Model):
    """A visitor said a page answered their question instead of submitting a ticket.

    Who it was is not kept: the count and the words that led there are what reports need.
    """

    __tablename__ = "search_deflections"
    __table_args__ = (
        Index("ix_search_deflections_created_at", "created_at"),
        Index("ix_search_deflections_url_created_at", "url", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    #: The search that led there, whitespace collapsed, cut to 200 characters; "" if none.
    query: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
