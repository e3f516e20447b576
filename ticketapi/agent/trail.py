"""A queue's list as the start page shows it, and the trail a ticket page keeps through it.

The start page lists a queue (`?queue=`, a saved view's key, or `queue=filter` with a typed
filter's fields) in an order (`?sort=`). Its "Open the ticket" link carries those fields and
`at`, the ticket's place in that list (0 is the first), so the ticket page can offer the
previous and next tickets of the same list (`j`/`k` and the links above the ticket).
Every form of the ticket page posts to an address carrying them, and the redirect after it
keeps them: the trail outlives a reply, a save, a merge.

The neighbours are those of the list as it is now, read with the list's own query (its
visibility rule included). A ticket still at its place has the tickets beside it; a ticket
that left the list (assigned to me from Unassigned, resolved) or moved has, as its next,
the ticket that now stands where it stood: the one that followed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import redirect, request, url_for

from ticketapi.agent import filters
from ticketapi.agent.queues import Queue
from ticketapi.permissions import Actor
from ticketapi.tickets import queries

PER_PAGE = 25
AT_MAX = 100_000 * PER_PAGE  # the start page's last page
TRAIL_FIELDS = frozenset({"queue", "sort", "at", *filters.FIELDS})
SORTS = {
    "sla": ("SLA due first", "sla_due_at"),
    "newest": ("Newest first", "-created_at"),
    "oldest": ("Oldest first", "created_at"),
    "activity": ("Last activity first", "-updated_at"),
    "urgency": ("Most urgent first", "-urgency"),
}


@dataclass(frozen=True)
class Listing:
    """A queue in an order: what the start page lists, and what a trail walks."""

    queue: Queue
    sort: str
    here: dict[str, Any]  # the query fields naming it: queue, a filter's fields, a sort chosen
    problems: dict[str, str]  # a typed filter's fields that could not be read

    @property
    def filters(self) -> dict[str, Any]:
        """The list service's filters for this list, its order included."""
        return {**self.queue.filters, "order": SORTS[self.sort][1]}


def listing(queues: list[Queue], args: Mapping[str, Any]) -> Listing:
    """The list asked for (a queue's key, a typed filter, else the first queue) and its order:
    open queues the most pressing SLA first, the others the newest first, unless asked."""
    key = args.get("queue")
    problems: dict[str, str] = {}
    if key == "filter":
        chosen, problems = filters.parse(args)
        queue = Queue("filter", "Filtered tickets", chosen, "filter")
    else:
        queue = next((q for q in queues if q.key == key), queues[0])
    sort = args.get("sort")
    here: dict[str, Any] = {"queue": queue.key}
    if queue.key == "filter":
        here.update(filters.as_args(queue.filters))
    if sort in SORTS:
        here["sort"] = sort
    else:
        sort = "sla" if queue.open_only else "newest"
    return Listing(queue, sort, here, problems)


@dataclass(frozen=True)
class Step:
    ticket_id: int
    at: int


@dataclass(frozen=True)
class Trail:
    """Where a ticket page was opened from: a list, and the ticket's place in it."""

    listing: Listing
    at: int

    @property
    def args(self) -> dict[str, Any]:
        """The query fields that carry the trail on every address of the ticket page."""
        return {**self.listing.here, "at": self.at}

    def href(self, step: Step) -> str:
        here = self.listing.here
        return url_for("agent.ticket.show", ticket_id=step.ticket_id, **here, at=step.at)

    def list_href(self, ticket_id: int) -> str:
        """The list's page this ticket was on, with its summary beside it."""
        number = self.at // PER_PAGE + 1
        page = number if number > 1 else None
        return url_for("agent.start.home", page=page, ticket=ticket_id, **self.listing.here)

    def neighbours(self, actor: Actor, ticket_id: int) -> tuple[Step | None, Step | None]:
        """The previous and the next ticket of the list as it is now, around the ticket."""
        first = max(0, self.at - 2)
        found = queries.ticket_ids(actor, self.listing.filters, first, self.at + 2 - first)
        listed = {first + n: listed_id for n, listed_id in enumerate(found)}
        before, after = self.at - 1, self.at + 1
        if listed.get(self.at) != ticket_id:
            after = self.at  # it left the list, or moved: its follower stands where it stood
        if listed.get(before) == ticket_id:  # it moved up one: the one before it now
            before -= 1
        return self._step(listed, before), self._step(listed, after)

    @staticmethod
    def _step(listed: dict[int, int], at: int) -> Step | None:
        return Step(listed[at], at) if at in listed else None


def trail_of(queues: list[Queue], args: Mapping[str, Any]) -> Trail | None:
    """The trail the address carries; none when it names no list this agent has, or no place."""
    at = args.get("at")
    if not (isinstance(at, str) and at.isascii() and at.isdigit() and int(at) < AT_MAX):
        return None
    key = args.get("queue")
    if key != "filter" and not any(q.key == key for q in queues):
        return None
    found = listing(queues, args)
    return None if found.problems else Trail(found, int(at))


def back_to_ticket(ticket_id: int, anchor: str = ""):
    """The redirect after a form of the ticket page: the page again, its trail kept."""
    keep = {}
    if "at" in request.args:
        keep = {name: request.args.getlist(name) for name in request.args if name in TRAIL_FIELDS}
    return redirect(url_for("agent.ticket.show", ticket_id=ticket_id, **keep) + anchor, 303)
