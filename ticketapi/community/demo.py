"""Demo suggestions for Tidewater, a sea-kayaking company's help centre (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ticketapi.community import comments, services, votes
from ticketapi.community.models import Suggestion
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, User
from ticketapi.permissions import PORTAL_PERMISSIONS, Actor

MODERATOR_EMAIL = "admin@tidewater.example"

PADDLERS = {
    "maya": ("Maya Okafor", "maya.okafor@example.com"),
    "tom": ("Tom Halvorsen", "tom.halvorsen@example.com"),
    "ines": ("Inès Dubois", "ines.dubois@example.com"),
    "raj": ("Raj Patel", "raj.patel@example.com"),
    "kirsty": ("Kirsty MacLeod", "kirsty.macleod@example.com"),
    "ben": ("Ben Adeyemi", "ben.adeyemi@example.com"),
}

# "team" comments come from the moderator. A suggestion with `merge_into` is posted,
# voted for and discussed, then merged into the earlier one with that title.
SUGGESTIONS: list[dict[str, Any]] = [
    {
        "title": "Reschedule a tour booking online",
        "body": "Weather changes fast on the coast. I'd like to move my booking to "
        "another day from the website instead of phoning during office hours.",
        "category": "Bookings",
        "status": "planned",
        "author": "maya",
        "age_days": 60,
        "voters": ["maya", "tom", "ines", "raj", "kirsty"],
        "comments": [
            ("tom", "Yes please: I rebooked twice last summer because of wind warnings."),
            ("team", "Planned for the spring season: you'll find it under My bookings."),
        ],
    },
    {
        "title": "Text me the day before my trip",
        "body": "A reminder by SMS with the meeting point and what to bring.",
        "category": "Bookings",
        "status": "in_progress",
        "author": "ines",
        "age_days": 45,
        "voters": ["ines", "raj", "ben"],
        "comments": [("team", "We're testing this with the Saturday sunrise paddles now.")],
    },
    {
        "title": "Tide times for each launch site on the trip page",
        "body": "Show high and low water for the launch beach on the day of the trip.",
        "category": "Trips",
        "status": "under_review",
        "author": "kirsty",
        "age_days": 30,
        "voters": ["kirsty", "maya", "ben"],
        "comments": [("raj", "Wind forecast too, if possible.")],
    },
    {
        "title": "Double kayaks for a parent and child",
        "body": "Our eight-year-old is too small for a single. A double would let us "
        "rent together.",
        "category": "Rentals",
        "status": "completed",
        "author": "raj",
        "age_days": 90,
        "voters": ["raj", "ines", "kirsty", "tom"],
        "comments": [("team", "Done: doubles are bookable at both harbour bases.")],
    },
    {
        "title": "Loyalty card for repeat paddlers",
        "body": "Every tenth rental free?",
        "category": "Membership",
        "status": "declined",
        "author": "ben",
        "age_days": 75,
        "voters": ["ben"],
        "comments": [
            ("team", "We're putting that money into the club nights instead, which are free."),
        ],
    },
    {
        "title": "Wetsuit size in the booking form",
        "body": "So the right size is waiting at the base and we launch on time.",
        "category": "Trips",
        "status": "new",
        "author": "tom",
        "age_days": 4,
        "voters": ["tom", "maya"],
        "comments": [],
    },
    {
        "title": "SMS reminder before a tour",
        "body": "I forgot my booking last month; a text the evening before would help.",
        "category": "Bookings",
        "status": "new",
        "author": "ben",
        "age_days": 20,
        "voters": ["ben", "raj", "maya"],
        "comments": [("maya", "Same idea as the one about texting the day before?")],
        "merge_into": "Text me the day before my trip",
    },
]


def load(now: datetime) -> int:
    """Add the demo paddlers and suggestions that are missing; return how many rows were added.

    The caller commits.
    """
    added = 0
    paddlers: dict[str, User] = {}
    for key, (name, email) in PADDLERS.items():
        user = people.find_user(email)
        if user is None:
            user = people.register_user(email=email, name=name, now=now, verified=True)
            added += 1
        paddlers[key] = user
    moderator = _moderator()
    for item in SUGGESTIONS:
        if _by_title(item["title"]) is None:
            added += _add(item, paddlers, moderator, now)
    db.session.flush()
    return added


def _add(item: dict[str, Any], paddlers: dict[str, User], moderator: Actor, now) -> int:
    posted = now - timedelta(days=item["age_days"])
    author = _as_paddler(paddlers[item["author"]])
    values = {k: item[k] for k in ("title", "body", "category")}
    suggestion = services.create_suggestion(author, values, now=posted)
    for hours, key in enumerate(item["voters"], start=1):
        votes.vote(_as_paddler(paddlers[key]), suggestion.id, now=posted + timedelta(hours=hours))
    for hours, (who, text) in enumerate(item["comments"], start=1):
        actor = moderator if who == "team" else _as_paddler(paddlers[who])
        when = posted + timedelta(days=1, hours=hours)
        comments.add_comment(actor, suggestion.id, body=text, now=when)
    decided = posted + timedelta(days=2)
    if "merge_into" in item:
        target = _by_title(item["merge_into"])
        votes.merge_suggestions(moderator, suggestion.id, target.id, now=decided)
    elif item["status"] != "new":
        services.update_suggestion(
            moderator, suggestion.id, {"status": item["status"]}, now=decided
        )
    return 1 + len(item["voters"]) + len(item["comments"])


def _by_title(title: str) -> Suggestion | None:
    return db.session.scalar(select(Suggestion).where(Suggestion.title == title).limit(1))


def _as_paddler(user: User) -> Actor:
    # Demo paddlers may do everything the portal allows, whatever the usergroups say.
    return Actor(kind="user", id=user.id, name=user.name, permissions=frozenset(PORTAL_PERMISSIONS))


def _moderator() -> Actor:
    # The team's answers carry the admin's name when the demo admin exists.
    agent = db.session.scalar(select(Agent).where(Agent.email == MODERATOR_EMAIL))
    return Actor(
        kind="agent",
        id=agent.id if agent else None,
        name=agent.name if agent else "Tidewater team",
        permissions=frozenset({"community.moderate"}),
    )
