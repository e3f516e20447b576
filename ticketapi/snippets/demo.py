"""Demo snippets for Tidewater, a sea-kayak and outdoor company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.snippets.models import Snippet, SnippetTag

ADMIN_EMAIL = "admin@tidewater.example"
SAM_EMAIL = "sam@tidewater.example"

# (title, category, tags, body): shared by every agent.
SHARED = [
    (
        "Greeting",
        "General",
        ["opening"],
        "Hi {{ user.first_name|default('there', true) }},\n\n"
        "Thanks for getting in touch with Tidewater about “{{ ticket.subject }}”.\n",
    ),
    (
        "Refund policy",
        "Billing",
        ["refunds", "bookings"],
        "Trips and courses cancelled 14 days or more before the start date are refunded in "
        "full. Closer to the date we offer a voucher for the full amount, valid for a year. "
        "Gear from our shop can be returned unused within 30 days with the receipt.\n\n"
        "Reply with your booking number and I will take care of it under ticket "
        "{{ ticket.ref }}.\n",
    ),
    (
        "Weather cancellation",
        "Trips",
        ["weather", "bookings"],
        "The forecast for your trip is above our limit for safe paddling (wind over 20 knots "
        "or a small-craft advisory), so we have cancelled it. Choose another date on "
        "tidewater.example/trips or reply and we will refund you in full.\n",
    ),
    (
        "Closing",
        "General",
        ["closing"],
        "If anything else comes up, just reply to this email: it reaches us under ticket "
        "{{ ticket.ref }}.\n\nSee you on the water,\n{{ agent.name }}\nTidewater Support\n",
    ),
]

# (title, category, tags, body): Sam's own.
SAM_PERSONAL = [
    (
        "Paddle length guide",
        "Gear",
        ["paddles", "sizing"],
        "Hi {{ user.first_name }}, for a touring kayak about 60 cm wide most paddlers between "
        "165 and 185 cm tall do best with a 220 cm paddle; go 10 cm longer for wider boats "
        "or a relaxed stroke. Happy to help you pick one in the shop.\n",
    ),
]


def load(now: datetime) -> int:
    """Add the demo snippets that are missing; return how many were added."""
    admin = _agent(ADMIN_EMAIL)
    sam = _agent(SAM_EMAIL)
    added = 0
    for title, category, tags, body in SHARED:
        if _exists(title, shared=True, owner=None):
            continue
        db.session.add(_snippet(title, category, tags, body, admin, shared=True, now=now))
        added += 1
    if sam is not None:
        for title, category, tags, body in SAM_PERSONAL:
            if _exists(title, shared=False, owner=sam):
                continue
            db.session.add(_snippet(title, category, tags, body, sam, shared=False, now=now))
            added += 1
    db.session.flush()
    return added


def _agent(email: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.email == email))


def _exists(title: str, *, shared: bool, owner: Agent | None) -> bool:
    query = select(Snippet.id).where(Snippet.title == title, Snippet.shared == shared)
    if owner is not None:
        query = query.where(Snippet.owner_id == owner.id)
    return db.session.scalar(query.limit(1)) is not None


def _snippet(title, category, tags, body, owner, *, shared: bool, now: datetime) -> Snippet:
    return Snippet(
        title=title,
        body=body,
        category=category,
        shared=shared,
        owner_id=owner.id if owner else None,
        tag_rows=[SnippetTag(name=tag) for tag in tags],
        created_at=now,
        updated_at=now,
    )
