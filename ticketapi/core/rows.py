"""Rows found by id: an id no column can hold finds nothing, never a database error."""

from __future__ import annotations

from typing import TypeVar

from ticketapi.core.ids import in_id_range
from ticketapi.errors import NotFound
from ticketapi.extensions import db

Model = TypeVar("Model")


def find(model: type[Model], object_id: int) -> Model | None:
    """The row with this id, or None (also for an id out of the columns' range)."""
    return db.session.get(model, object_id) if in_id_range(object_id) else None


def get_or_404(model: type[Model], object_id: int, label: str) -> Model:
    """The row, or a 404 naming it."""
    found = find(model, object_id)
    if found is None:
        raise NotFound(f"There is no {label} {object_id}.")
    return found
