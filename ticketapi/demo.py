"""Demo data for "Tidewater", the backup and sync service of the demo portal (idempotent).

The people, tickets, snippets, tasks and suggestions speak the portal's language:
workspaces, backup sets, snapshots and restore points, sync folders, the desktop app,
`tide`, the web console, storage quotas, seats, two-step verification and SSO.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ticketapi.admin import create_admin
from ticketapi.auth.passwords import hash_password
from ticketapi.core.events import quiet
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Organization, Team, Usergroup
from ticketapi.tickets import demo as demo_tickets
from ticketapi.timeutil import utcnow

ADMIN_EMAIL = "admin@tidewater.example"
ADMIN_PASSWORD = "tidewater-demo"
AGENT_PASSWORD = "tidewater-agent"
USER_PASSWORD = "tidewater-user"

TEAMS = ("Support", "Billing", "Security", "Onboarding")
AGENTS = [
    # email, name, teams, permissions
    ("sam@tidewater.example", "Sam Okafor", ["Support"],
     ["tickets.reply", "tickets.edit", "tickets.assign", "snippets.manage"]),
    ("meg@tidewater.example", "Meg Lindqvist", ["Billing", "Support"],
     ["tickets.view_all", "tickets.reply", "tickets.edit", "tickets.merge", "crm.edit",
      "community.moderate", "tasks.manage"]),
    ("priya@tidewater.example", "Priya Raman", ["Security", "Support"],
     ["tickets.reply", "tickets.edit", "tickets.assign", "crm.edit"]),
    ("rio@tidewater.example", "Rio Tanaka", ["Onboarding"], ["tickets.reply", "tickets.edit"]),
]  # fmt: skip
# Customers' workspaces: a design studio, a dental practice and a primary school.
ORGANIZATIONS = [
    ("Harbour Design", ["harbour-design.example"]),
    ("Brightwater Dental", ["brightwater-dental.example"]),
    ("Saltmarsh Primary School", ["saltmarsh-school.example"]),
]
USERS = [
    # email, name, verified
    ("maria@harbour-design.example", "Maria Keller", True),  # owner of the workspace
    ("lena@harbour-design.example", "Lena Vogel", True),  # its administrator
    ("noah@harbour-design.example", "Noah Brandt", True),
    ("accounts@harbour-design.example", "Harbour Design Accounts", True),
    ("ann@brightwater-dental.example", "Ann Becker", True),  # practice manager
    ("ben@brightwater-dental.example", "Ben Ito", True),
    ("cleo@saltmarsh-school.example", "Cleo Martins", True),  # IT coordinator
    ("head@saltmarsh-school.example", "Helen Park", True),
    ("dev@gmail.example", "Dev Sharma", False),  # a freelance photographer on Starter
]
# The customers' own administrators: they see their organization's tickets and the
# help centre's articles for administrators (`usergroups: [administrators]`).
ADMINISTRATORS_GROUP = "Administrators"
ADMINISTRATORS = [
    "maria@harbour-design.example",
    "lena@harbour-design.example",
    "ann@brightwater-dental.example",
    "cleo@saltmarsh-school.example",
]
# The demo user who can sign in to the portal with USER_PASSWORD.
PORTAL_USER = "maria@harbour-design.example"


def sign_ins() -> list[str]:
    """Who can sign in to the demo, with what, and what each account is for."""
    agents = [f"    {email:<26}{name}, {' and '.join(teams)}" for email, name, teams, _ in AGENTS]
    return [
        f"Sign in as {ADMIN_EMAIL} / {ADMIN_PASSWORD}: the admin, who may do everything "
        "(agents and their permissions, SLAs, API keys) and has a queue of their own.",
        f"Agents, each with the password {AGENT_PASSWORD}, work their teams' tickets with the "
        "permissions the admin gave them:",
        *agents,
        f"Portal user {PORTAL_USER} / {USER_PASSWORD}: Maria Keller, a customer who "
        "administers Harbour Design's workspace and sees her organization's tickets. The "
        "portal has no sign-in page yet: get her token from POST /api/v1/auth/token, then "
        "GET /api/v1/tickets with it.",
        "Agents and the admin sign in to the agent pages at /agent/ (docs/agents.md); everyone "
        "signs in to the API with POST /api/v1/auth/token (README.md, Agents' guide).",
    ]


def load(progress: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    """Add whatever demo records are missing; return how many of each were added."""
    now = utcnow()
    counts: dict[str, int] = {}
    people.ensure_system_usergroups()
    progress("people and teams")
    counts["agents"] = _agents()
    counts["organizations"] = _organizations()
    counts["users"] = _users(now)
    commit()
    progress("tickets")
    with quiet():  # the demo's history is invented: nobody is told of it, or mailed
        counts["tickets"] = demo_tickets.load(now)
    commit()
    for name, loader in _domain_loaders():
        progress(name)
        counts[name] = loader(now)
        commit()
    return counts


def _domain_loaders():
    from ticketapi.community import demo as community
    from ticketapi.inbound import demo as email_accounts
    from ticketapi.settings import demo as settings
    from ticketapi.slas import demo as slas
    from ticketapi.snippets import demo as snippets
    from ticketapi.tasks import demo as tasks

    return [
        ("default team for submissions", settings.load),
        ("snippets", snippets.load),
        ("tasks", tasks.load),
        ("community records", community.load),
        ("SLAs", slas.load),
        ("ticket email account", email_accounts.load),
    ]


def _agents() -> int:
    added = 0
    if _agent(ADMIN_EMAIL) is None:
        create_admin(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, name="Alex Admin")
        added += 1
    teams = {}
    for name in TEAMS:
        teams[name] = db.session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
        db.session.add(teams[name])
    for email, name, team_names, permissions in AGENTS:
        if _agent(email) is None:
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
    if _administrators() is None:
        db.session.add(
            Usergroup(name=ADMINISTRATORS_GROUP, permissions=["tickets.view_organization"])
        )
        db.session.flush()
    return added


def _users(now) -> int:
    added = 0
    for email, name, verified in USERS:
        if people.find_user(email) is None:
            people.register_user(email=email, name=name, now=now, verified=verified)
            added += 1
    portal_user = people.find_user(PORTAL_USER)
    if portal_user.password_hash is None:
        portal_user.password_hash = hash_password(USER_PASSWORD)
    administrators = _administrators()
    for email in ADMINISTRATORS:
        user = people.find_user(email)
        if administrators is not None and administrators not in user.usergroups:
            user.usergroups.append(administrators)
    return added


def _agent(email: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.email == email))


def _administrators() -> Usergroup | None:
    return db.session.scalar(select(Usergroup).where(Usergroup.name == ADMINISTRATORS_GROUP))
