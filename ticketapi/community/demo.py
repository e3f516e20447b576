"""Demo suggestions for Tidewater, the backup and sync service of the demo portal (idempotent)."""

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

# Customers who take part in the community; Noah and Cleo also have demo tickets.
CUSTOMERS = {
    "noah": ("Noah Brandt", "noah@harbour-design.example"),
    "cleo": ("Cleo Martins", "cleo@saltmarsh-school.example"),
    "tomas": ("Tomás Herrera", "tomas.herrera@example.com"),
    "ingrid": ("Ingrid Solberg", "ingrid.solberg@example.com"),
    "kwame": ("Kwame Mensah", "kwame.mensah@example.com"),
    "aiko": ("Aiko Sato", "aiko.sato@example.com"),
    "matilda": ("Matilda Nguyen", "matilda.nguyen@example.com"),
}

# "team" comments come from the moderator. A suggestion with `merge_into` is posted,
# voted for and discussed, then merged into the earlier one with that title.
SUGGESTIONS: list[dict[str, Any]] = [
    {
        "title": "Desktop app for Linux",
        "body": "Our designers work on Ubuntu. tide backs up our servers fine, but on a "
        "workstation people want the Restore window and sync folders, not a terminal.",
        "category": "Desktop app",
        "status": "planned",
        "author": "noah",
        "age_days": 60,
        "voters": ["noah", "tomas", "ingrid", "kwame", "aiko"],
        "comments": [
            ("tomas", "Yes please: half of our engineers run Fedora."),
            (
                "team",
                "Planned for next year: backups and restores come first, sync folders "
                "after. Until then, tide runs on any Linux desktop too.",
            ),
        ],
    },
    {
        "title": "Preview files in the web console before restoring",
        "body": "In Backups > Browse I can only download a ZIP. A quick preview of PDFs and "
        "images would stop me restoring the wrong version of a contract.",
        "category": "Backup & restore",
        "status": "in_progress",
        "author": "ingrid",
        "age_days": 45,
        "voters": ["ingrid", "kwame", "cleo"],
        "comments": [
            (
                "team",
                "We're building previews for images, PDFs and Office files in Browse, "
                "and testing them with a few workspaces now.",
            ),
        ],
    },
    {
        "title": "Let administrators choose what syncs to every laptop",
        "body": "Our pupils' laptops have small disks. I'd like to set selective sync once "
        "for the whole school, so only this term's folders sync, instead of visiting 60 "
        "laptops.",
        "category": "Sync & sharing",
        "status": "under_review",
        "author": "cleo",
        "age_days": 30,
        "voters": ["cleo", "tomas", "aiko"],
        "comments": [("tomas", "A default selection per sync folder would already help us.")],
    },
    {
        "title": "Keep our backups in Australia",
        "body": "Our clients' contracts say their data stays in the country, and restores "
        "from Oregon are slow from Brisbane.",
        "category": "Security & compliance",
        "status": "completed",
        "author": "matilda",
        "age_days": 90,
        "voters": ["matilda", "aiko", "kwame", "tomas"],
        "comments": [
            (
                "team",
                "Done: the Sydney data region (ap-southeast) is live. New workspaces can "
                "choose it, and Business workspaces can ask support to move there.",
            ),
        ],
    },
    {
        "title": "Two-step verification codes by SMS",
        "body": "Not everyone on our team wants an authenticator app on their phone.",
        "category": "Security & compliance",
        "status": "declined",
        "author": "kwame",
        "age_days": 75,
        "voters": ["kwame"],
        "comments": [
            (
                "team",
                "We won't add SMS: SIM-swap attacks make it the weakest second step. "
                "Security keys work without a phone, and recovery codes cover a lost one.",
            ),
        ],
    },
    {
        "title": "Keep version history longer than a year on Starter",
        "body": "We're three people, so Business is too big for us, but our accountant wants "
        "seven years of history for the books.",
        "category": "Plans & billing",
        "status": "new",
        "author": "aiko",
        "age_days": 4,
        "voters": ["aiko", "matilda"],
        "comments": [
            (
                "ingrid",
                "Meanwhile, pin the snapshot you take at year end: pinned snapshots "
                "are kept whatever the retention policy says.",
            ),
        ],
    },
    {
        "title": "Thumbnails of old versions in Browse",
        "body": "When I browse a snapshot in the web console I can't tell the versions of "
        "a logo apart until I've downloaded them all.",
        "category": "Backup & restore",
        "status": "new",
        "author": "aiko",
        "age_days": 20,
        "voters": ["aiko", "kwame"],
        "comments": [("noah", "Isn't this the same as the idea about previewing files?")],
        "merge_into": "Preview files in the web console before restoring",
    },
]


def load(now: datetime) -> int:
    """Add the demo customers and suggestions that are missing; return how many rows were added.

    The caller commits.
    """
    added = 0
    customers: dict[str, User] = {}
    for key, (name, email) in CUSTOMERS.items():
        user = people.find_user(email)
        if user is None:
            user = people.register_user(email=email, name=name, now=now, verified=True)
            added += 1
        customers[key] = user
    moderator = _moderator()
    for item in SUGGESTIONS:
        if _by_title(item["title"]) is None:
            added += _add(item, customers, moderator, now)
    db.session.flush()
    return added


def _add(item: dict[str, Any], customers: dict[str, User], moderator: Actor, now) -> int:
    posted = now - timedelta(days=item["age_days"])
    author = _as_customer(customers[item["author"]])
    values = {k: item[k] for k in ("title", "body", "category")}
    suggestion = services.create_suggestion(author, values, now=posted)
    for hours, key in enumerate(item["voters"], start=1):
        votes.vote(_as_customer(customers[key]), suggestion.id, now=posted + timedelta(hours=hours))
    for hours, (who, text) in enumerate(item["comments"], start=1):
        actor = moderator if who == "team" else _as_customer(customers[who])
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


def _as_customer(user: User) -> Actor:
    # Demo customers may do everything the portal allows, whatever the usergroups say.
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
