"""People services: every function takes the acting `Actor` and plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from ticketapi import versions
from ticketapi.auth.passwords import MIN_LENGTH, hash_password
from ticketapi.core.access import require
from ticketapi.core.rows import get_or_404
from ticketapi.errors import Conflict, Invalid, NotFound
from ticketapi.extensions import db
from ticketapi.people import events
from ticketapi.people.models import Agent, Organization, OrganizationDomain, User, Usergroup
from ticketapi.permissions import (
    DEFAULT_USERGROUPS,
    PORTAL_PERMISSIONS,
    Actor,
    can_edit_people,
    can_view_people,
)
from ticketapi.schemas import NAME_MAX
from ticketapi.text import one_line


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_domain(email: str) -> str:
    return email.rpartition("@")[2]


# Actors ------------------------------------------------------------------------


def agent_actor(agent: Agent) -> Actor:
    return Actor(
        kind="agent",
        id=agent.id,
        name=agent.name,
        is_admin=agent.is_admin,
        permissions=frozenset(agent.permissions or ()),
        team_ids=frozenset(agent.team_ids),
    )


@dataclass(frozen=True)
class GroupGrant:
    """What a usergroup gives its members: its name (lower-cased) and its permissions."""

    name: str
    permissions: frozenset[str]


def _load_system_grants() -> dict[str, GroupGrant]:
    return {
        group.system_key: _grant(group) for group in system_usergroups(tuple(DEFAULT_USERGROUPS))
    }


def _grant(group: Usergroup) -> GroupGrant:
    return GroupGrant(group.name.strip().lower(), frozenset(group.permissions or ()))


# Every anonymous request needs "everyone", every user's "registered": kept per process
# until an admin changes a usergroup (versions.py).
SYSTEM_GRANTS = versions.Definitions("usergroups", _load_system_grants)


def user_actor(user: User) -> Actor:
    system = SYSTEM_GRANTS.get()
    grants = [
        *map(_grant, user.usergroups),
        *(system[key] for key in ("everyone", "registered") if key in system),
    ]
    return Actor(
        kind="user",
        id=user.id,
        name=user.name,
        permissions=frozenset(p for grant in grants for p in grant.permissions),
        organization_id=user.organization_id,
        usergroups=frozenset(grant.name for grant in grants),
    )


def anonymous_actor() -> Actor:
    everyone = SYSTEM_GRANTS.get().get("everyone")
    return Actor(kind="anonymous", permissions=everyone.permissions if everyone else frozenset())


def system_usergroups(keys: tuple[str, ...]) -> list[Usergroup]:
    return list(db.session.scalars(select(Usergroup).where(Usergroup.system_key.in_(keys))))


def ensure_system_usergroups() -> None:
    """Create the built-in usergroups if they are missing (idempotent)."""
    present = {group.system_key for group in system_usergroups(tuple(DEFAULT_USERGROUPS))}
    for key, (name, permissions) in DEFAULT_USERGROUPS.items():
        if key not in present:
            db.session.add(Usergroup(name=name, system_key=key, permissions=list(permissions)))
    db.session.flush()


def named(model, object_id: int, field: str):
    """A row named in a request body: an unknown id is bad input in that field (422)."""
    found = db.session.get(model, object_id)
    if found is None:
        raise Invalid(f"There is no {field} {object_id}.", fields={field: "unknown id"})
    return found


def checked_permissions(names: list[str], known: dict[str, str], field: str) -> list[str]:
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise Invalid(
            f"Unknown permission {', '.join(unknown)}: use one of {', '.join(sorted(known))}.",
            fields={field: f"unknown: {', '.join(unknown)}"},
        )
    return sorted(set(names))


# Organizations -----------------------------------------------------------------


def organization_for_domain(domain: str) -> Organization | None:
    row = db.session.get(OrganizationDomain, domain.lower())
    return row.organization if row else None


def set_organization_domains(org: Organization, domains: list[str]) -> None:
    wanted = sorted({d.strip().lower() for d in domains})
    for domain in wanted:
        owner = organization_for_domain(domain)
        if owner is not None and owner.id != org.id:
            raise Conflict(
                f"{domain} already belongs to {owner.name}: remove it there first.",
                fields={"email_domains": f"{domain} is claimed by organization {owner.id}"},
            )
    org.domains = [row for row in org.domains if row.domain in wanted] + [
        OrganizationDomain(domain=d) for d in wanted if d not in org.email_domains
    ]


def create_organization(actor: Actor, name: str, email_domains: list[str]) -> Organization:
    require(can_edit_people, actor, None, "Creating organizations needs the crm.edit permission.")
    ensure_unique(
        Organization, Organization.name == name, "name", f"An organization is named {name}"
    )
    org = Organization(name=name)
    db.session.add(org)
    set_organization_domains(org, email_domains)
    db.session.flush()
    return org


def update_organization(actor: Actor, org_id: int, changes: dict) -> Organization:
    require(can_edit_people, actor, None, "Editing organizations needs the crm.edit permission.")
    org = get_organization(actor, org_id)
    if "name" in changes and changes["name"] != org.name:
        ensure_unique(
            Organization, Organization.name == changes["name"], "name", "That name is taken"
        )
        org.name = changes["name"]
    if "email_domains" in changes:
        set_organization_domains(org, changes["email_domains"])
    db.session.flush()
    return org


def get_organization(actor: Actor, org_id: int) -> Organization:
    if not (can_view_people(actor) or (actor.is_user and actor.organization_id == org_id)):
        raise NotFound(f"There is no organization {org_id}.")
    return get_or_404(Organization, org_id, "organization")


def organizations_query(actor: Actor) -> Select:
    require(can_view_people, actor, None, "Only agents can list organizations.")
    return select(Organization).order_by(Organization.name, Organization.id)


def ensure_unique(model, condition, field: str, message: str) -> None:
    if db.session.scalar(select(model.id).where(condition)) is not None:
        raise Conflict(f"{message}: choose another.", fields={field: "already in use"})


# Users -------------------------------------------------------------------------


def find_user(email: str) -> User | None:
    # Usergroups load only when asked for: opening a ticket for a user does not need them.
    query = select(User).options(lazyload(User.usergroups))
    return db.session.scalar(query.where(User.email == normalize_email(email)))


def create_user(
    actor: Actor,
    *,
    email: str,
    name: str,
    now: datetime,
    verified: bool = False,
    organization_id: int | None = None,
    usergroup_ids: list[int] | None = None,
) -> User:
    """Create a portal user (no password: they set one with a mailed link); only a verified
    address joins its domain's organization."""
    require(can_edit_people, actor, None, "Creating users needs the crm.edit permission.")
    return register_user(
        email=email,
        name=name,
        now=now,
        verified=verified,
        organization_id=organization_id,
        usergroup_ids=usergroup_ids or [],
    )


def register_user(
    *,
    email: str,
    name: str,
    now: datetime,
    verified: bool = False,
    organization_id: int | None = None,
    usergroup_ids: list[int] | None = None,
) -> User:
    """Create a user on behalf of the system (a public submission, an email)."""
    email = normalize_email(email)
    # An address stands in for a missing name, cut to fit (addresses may be longer). A name
    # from elsewhere (a mail header, an import) is made one line: the API refuses others.
    user = User(email=email, name=(one_line(name) or email)[:NAME_MAX], created_at=now)
    if organization_id is not None:
        user.organization = named(Organization, organization_id, "organization_id")
    user.usergroups = [named(Usergroup, gid, "usergroup_ids") for gid in usergroup_ids or []]
    if verified:
        mark_verified(user, now=now)
    # The unique index decides (no look-up first): a clash undoes only this insert.
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise Conflict(
            f"A user already has the address {email}: choose another.",
            fields={"email": "already in use"},
        ) from None
    return user


def user_for_address(email: str, *, name: str, now: datetime) -> User:
    """The user with this address, registered now when there is none.

    Two requests for one new address at the same moment (a double click, a mail and a form;
    on PostgreSQL, on two web processes) both find no user and both insert: the unique index
    makes the second wait for the first, then refuses it. By then the first one's user is
    committed, so the second looks again and uses it.
    """
    if (user := find_user(email)) is not None:
        return user
    try:
        return register_user(email=email, name=name, now=now)
    except Conflict:
        if (user := find_user(email)) is not None:
            return user
        raise


def mark_verified(user: User, *, now: datetime) -> None:
    """Record that the user controls their address, and join their domain's organization."""
    if user.email_verified_at is None:
        user.email_verified_at = now
    if user.organization is None:
        user.organization = organization_for_domain(email_domain(user.email))


def update_user(actor: Actor, user_id: int, changes: dict, *, now: datetime) -> User:
    require(can_edit_people, actor, None, "Editing users needs the crm.edit permission.")
    user = get_or_404(User, user_id, "user")
    requester = (user.name, user.email)
    if "email" in changes and normalize_email(changes["email"]) != user.email:
        email = normalize_email(changes["email"])
        ensure_unique(User, User.email == email, "email", f"A user already has the address {email}")
        # A new address is unverified until proven, and loses a domain-given organization.
        user.email, user.email_verified_at = email, None
    if "name" in changes:
        user.name = changes["name"]
    if "organization_id" in changes:
        org_id = changes["organization_id"]
        user.organization = (
            None if org_id is None else named(Organization, org_id, "organization_id")
        )
    if "usergroup_ids" in changes:
        user.usergroups = [named(Usergroup, g, "usergroup_ids") for g in changes["usergroup_ids"]]
    if changes.get("verified") is True:
        mark_verified(user, now=now)
    elif changes.get("verified") is False:
        user.email_verified_at = None
    db.session.flush()
    if (user.name, user.email) != requester:
        events.user_changed.publish(user)
    return user


def get_user(actor: Actor, user_id: int) -> User:
    if not (can_view_people(actor) or actor.is_user_id(user_id)):
        raise NotFound(f"There is no user {user_id}.")
    return get_or_404(User, user_id, "user")


def users_query(actor: Actor, *, organization_id: int | None = None, email: str | None = None):
    require(can_view_people, actor, None, "Only agents can list users.")
    query = select(User).order_by(User.id)
    if organization_id is not None:
        query = query.where(User.organization_id == organization_id)
    if email:
        query = query.where(User.email == normalize_email(email))
    return query


def search_users(actor: Actor, text: str, *, limit: int = 10) -> list[User]:
    """Users whose address or name contains the text (any case), best first: an address
    that starts with it, then by name. For finding a requester while typing."""
    require(can_view_people, actor, None, "Only agents can look users up.")
    words = text.strip()[:NAME_MAX]
    if not words:
        return []
    # What was typed is matched as text: LIKE's own characters lose their meaning.
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    starts = User.email.like(pattern[1:], escape="\\")
    query = (
        select(User)
        .options(lazyload(User.usergroups))
        .where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
        .order_by(starts.desc(), User.name, User.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def new_password_hash(password: str, *, field: str = "password") -> str:
    if len(password) < MIN_LENGTH:
        raise Invalid(
            f"The password needs at least {MIN_LENGTH} characters.",
            fields={field: f"shorter than {MIN_LENGTH} characters"},
        )
    return hash_password(password)


# Usergroups --------------------------------------------------------------------


def usergroups_query(actor: Actor) -> Select:
    require(can_view_people, actor, None, "Only agents can list usergroups.")
    return select(Usergroup).order_by(Usergroup.id)


def get_usergroup(actor: Actor, group_id: int) -> Usergroup:
    require(can_view_people, actor, None, "Only agents can see usergroups.")
    return get_or_404(Usergroup, group_id, "usergroup")


def save_usergroup(actor: Actor, values: dict, group_id: int | None = None) -> Usergroup:
    require(can_edit_people, actor, None, "Editing usergroups needs the crm.edit permission.")
    group = Usergroup() if group_id is None else get_or_404(Usergroup, group_id, "usergroup")
    if "name" in values and values["name"] != group.name:
        ensure_unique(
            Usergroup, Usergroup.name == values["name"], "name", "A usergroup has that name"
        )
        group.name = values["name"]
    if "permissions" in values:
        group.permissions = checked_permissions(
            values["permissions"], PORTAL_PERMISSIONS, "permissions"
        )
    db.session.add(group)
    db.session.flush()
    return group
