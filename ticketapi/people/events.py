"""What the people services announce; other domains subscribe (ticketapi/subscriptions.py)."""

from __future__ import annotations

from ticketapi.core.events import Event

# A user's name or email address changed (user), inside the transaction that changed it.
user_changed = Event("people.user_changed")
# An admin is deleting a team (team): a subscriber that still depends on it raises Conflict,
# saying what to change first.
team_deleting = Event("people.team_deleting")
