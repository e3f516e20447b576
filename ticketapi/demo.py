"""Demo data for "Tidewater", the sea-kayak outfitter of the demo portal (idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from ticketapi.admin import create_admin
from ticketapi.auth.passwords import hash_password
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Organization, Team, User, Usergroup
from ticketapi.tickets import conversation, services
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

ADMIN_EMAIL = "admin@tidewater.example"
ADMIN_PASSWORD = "tidewater-demo"
AGENT_PASSWORD = "tidewater-agent"
USER_PASSWORD = "tidewater-user"

TEAMS = ("Support", "Rentals", "Billing")
AGENTS = [
    # email, name, teams, permissions
    ("sam@tidewater.example", "Sam Okafor", ["Support"],
     ["tickets.reply", "tickets.edit", "tickets.assign", "snippets.manage"]),
    ("rio@tidewater.example", "Rio Tanaka", ["Rentals"], ["tickets.reply", "tickets.edit"]),
    ("meg@tidewater.example", "Meg Lindqvist", ["Billing", "Support"],
     ["tickets.view_all", "tickets.reply", "tickets.edit", "tickets.merge", "crm.edit",
      "community.moderate", "tasks.manage"]),
]  # fmt: skip
ORGANIZATIONS = [
    ("Harbour Paddle Club", ["harbourpaddle.example"]),
    ("Saltmarsh Outdoor School", ["saltmarsh.example"]),
]
USERS = [
    ("ann@harbourpaddle.example", "Ann Becker", True),
    ("ben@harbourpaddle.example", "Ben Ito", True),
    ("cleo@saltmarsh.example", "Cleo Martins", True),
    ("dev@gmail.example", "Dev Sharma", False),
]
# subject, requester, agent, team, status, urgency, labels, conversation
TICKETS = [
    ("Rudder cable snapped on day two", "ann@harbourpaddle.example", None, "Support",
     "awaiting_agent", 7, ["repairs"], ["The rudder cable on our Seabird 16 snapped. Can you send a spare?"]),
    ("Booking for 12 kayaks in June", "ben@harbourpaddle.example", "rio@tidewater.example",
     "Rentals", "awaiting_user", 5, ["group-booking"],
     ["We'd like 12 touring kayaks for the weekend of 14 June.",
      "agent:Happy to help! Which launch site, and do you need spray decks?"]),
    ("Refund for cancelled course", "cleo@saltmarsh.example", "meg@tidewater.example", "Billing",
     "pending", 6, ["refund"],
     ["Our course was cancelled due to weather. How do we get a refund?",
      "note:Waiting on the payment provider to confirm the chargeback.",
      "agent:We've asked our payment provider; we'll be back within 3 days."]),
    ("Spray deck sizes", "dev@gmail.example", "sam@tidewater.example", "Support", "resolved", 3,
     ["sizing"],
     ["Which spray deck fits a Seabird 16 cockpit?",
      "agent:The Seabird 16 takes the size M deck (cockpit 82 x 44 cm).", "user:Thanks, ordered!"]),
    ("Paddle shaft cracked", "ann@harbourpaddle.example", "sam@tidewater.example", "Support",
     "awaiting_agent", 8, ["warranty", "repairs"],
     ["The carbon shaft cracked near the ferrule after two trips."]),
    ("Invoice address change", "ben@harbourpaddle.example", None, None, "awaiting_agent", 4, [],
     ["Please put our club's new address on future invoices."]),
]  # fmt: skip


def load(progress: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    """Add whatever demo records are missing; return how many of each were added."""
    now = utcnow()
    counts: dict[str, int] = {}
    people.ensure_system_usergroups()
    progress("people and teams")
    counts["agents"] = _agents()
    counts["organizations"] = _organizations()
    counts["users"] = _users(now)
    db.session.commit()
    progress("tickets")
    counts["tickets"] = _tickets(now)
    db.session.commit()
    for name, loader in _domain_loaders():
        progress(name)
        counts[name] = loader(now)
        db.session.commit()
    return counts


def _domain_loaders():
    from ticketapi.community import demo as community
    from ticketapi.snippets import demo as snippets
    from ticketapi.tasks import demo as tasks

    return [("snippets", snippets.load), ("tasks", tasks.load), ("suggestions", community.load)]


def _agents() -> int:
    added = 0
    if db.session.scalar(select(Agent).where(Agent.email == ADMIN_EMAIL)) is None:
        create_admin(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, name="Alex Admin")
        added += 1
    teams = {}
    for name in TEAMS:
        teams[name] = db.session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
        db.session.add(teams[name])
    for email, name, team_names, permissions in AGENTS:
        if db.session.scalar(select(Agent).where(Agent.email == email)) is None:
            db.session.add(
                Agent(
                    email=email,
                    name=name,
                    password_hash=hash_password(AGENT_PASSWORD),
                    permissions=permissions,
                    teams=[teams[t] for t in team_names],
                )
            )
            added += 1
    db.session.flush()
    return added


def _organizations() -> int:
    added = 0
    for name, domains in ORGANIZATIONS:
        if db.session.scalar(select(Organization).where(Organization.name == name)) is None:
            org = Organization(name=name)
            db.session.add(org)
            people.set_organization_domains(org, domains)
            added += 1
    db.session.flush()
    if db.session.scalar(select(Usergroup).where(Usergroup.name == "Club coordinators")) is None:
        coordinators = Usergroup(
            name="Club coordinators", permissions=["tickets.view_organization"]
        )
        db.session.add(coordinators)
    return added


def _users(now) -> int:
    added = 0
    for email, name, verified in USERS:
        if people.find_user(email) is None:
            people.register_user(email=email, name=name, now=now, verified=verified)
            added += 1
    ann = people.find_user("ann@harbourpaddle.example")
    if ann.password_hash is None:
        ann.password_hash = hash_password(USER_PASSWORD)
    coordinators = db.session.scalar(select(Usergroup).where(Usergroup.name == "Club coordinators"))
    if coordinators is not None and coordinators not in ann.usergroups:
        ann.usergroups.append(coordinators)
    return added


def _tickets(now) -> int:
    admin = people.agent_actor(db.session.scalar(select(Agent).where(Agent.email == ADMIN_EMAIL)))
    added = 0
    for index, (subject, email, agent_email, team, status, urgency, labels, talk) in enumerate(
        TICKETS
    ):
        if db.session.scalar(select(Ticket.id).where(Ticket.subject == subject)) is not None:
            continue
        opened = now - timedelta(days=len(TICKETS) - index, hours=index)
        user = people.find_user(email)
        ticket = services.open_ticket(
            admin,
            {"subject": subject, "message": talk[0], "user_id": user.id, "source": "portal",
             "urgency": urgency, "labels": labels},
            now=opened,
        )  # fmt: skip
        ticket.source = "email" if index % 2 else "portal"
        _converse(ticket, user, agent_email, talk[1:], opened)
        changes = {"status": status}
        if agent_email:
            changes["agent_id"] = db.session.scalar(
                select(Agent.id).where(Agent.email == agent_email)
            )
        if team:
            changes["team_id"] = db.session.scalar(select(Team.id).where(Team.name == team))
        db.session.flush()
        services.update_ticket(
            admin, ticket.id, changes, version=ticket.version, now=opened + timedelta(hours=3)
        )
        added += 1
    return added


def _converse(ticket: Ticket, user: User, agent_email, lines, opened) -> None:
    agent = db.session.scalar(select(Agent).where(Agent.email == (agent_email or ADMIN_EMAIL)))
    for step, line in enumerate(lines, start=1):
        kind, _, text = line.partition(":")
        author = people.user_actor(user) if kind == "user" else people.agent_actor(agent)
        conversation.post_message(
            author, ticket.id, body=text, note=kind == "note", now=opened + timedelta(hours=step)
        )
