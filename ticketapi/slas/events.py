"""What the SLA check announces; notifications subscribe (ticketapi/subscriptions.py)."""

from __future__ import annotations

from ticketapi.core.events import Event

# A ticket's SLA clock crossed into its warning or failure and the SLA's actions name whom
# to tell: (ticket, sla, state, targets, *, now), inside the check's transaction.
crossed = Event("slas.crossed")
