"""Password reset links: only an account's owner sets its password, through a mailed link.

A link (`auth/links.py`: 256 random bits, stored only as their SHA-256, used up once) works
for an hour, and only while it is the account's newest; any password change ends it. It is
mailed to the account's own address (`mail.outbound.queue_mail`), so whoever sets the
password controls that address. It serves users (the portal's page) and agents (the agent pages' page, issue
#14) alike: the kind of account picks the page the link opens.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ticketapi.auth import links
from ticketapi.auth.credentials import end_credentials, end_reset_links
from ticketapi.auth.models import PasswordReset
from ticketapi.auth.services import EVERYONE
from ticketapi.core.access import require
from ticketapi.core.rows import get_or_404
from ticketapi.core.transactions import commit
from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.jobs.queue import job
from ticketapi.mail.outbound import queue_mail
from ticketapi.people import services as people
from ticketapi.people.models import Agent, User
from ticketapi.permissions import Actor, can_send_password_link
from ticketapi.timeutil import utcnow

LINK_TTL = timedelta(hours=1)
#: The page each kind of account sets its password on (/agent/password-reset itself asks
#: an agent for their address).
PAGES = {"user": "/portal/password-reset", "agent": "/agent/password-reset/link"}
UNUSABLE = "This link is unknown, used or expired: ask for a new one."


def send_link_to_user(actor: Actor, user_id: int, *, now: datetime) -> User:
    """Mail a user a link to set their password (agents with crm.edit): never the password."""
    require(
        can_send_password_link,
        actor,
        None,
        "Sending a password link needs the crm.edit permission.",
    )
    user = get_or_404(User, user_id, "user")
    send_link(user, now=now, sent_by=actor)
    return user


def request_link(email: str) -> None:
    """A self-service request: queue the job that mails the link, whatever the address.

    The request itself does the same work for every address (it only queues a job), so
    neither its answer nor its time tells whether the address has an account.
    """
    enqueue_after_commit(send_requested_link, people.normalize_email(email))


@job("auth.password_reset_requested")
def send_requested_link(email: str) -> None:
    """Mail a link to the portal user with this address, if there is one."""
    user = people.find_user(email)
    if user is not None:
        send_link(user, now=utcnow())
        commit()


def request_agent_link(email: str) -> None:
    """The agent pages' request: as `request_link`, for the active agent with this address."""
    enqueue_after_commit(send_requested_agent_link, people.normalize_email(email))


@job("auth.agent_password_reset_requested")
def send_requested_agent_link(email: str) -> None:
    """Mail a link to the active agent with this address, if there is one."""
    agent = db.session.scalar(select(Agent).where(Agent.email == email, Agent.active))
    if agent is not None:
        send_link(agent, now=utcnow())
        commit()


def send_link(account: Agent | User, *, now: datetime, sent_by: Actor | None = None) -> None:
    """Create a link for the account and mail it to the account's address."""
    plain = issue(account, now=now, sent_by=sent_by)
    queue_mail(
        to=[account.email],
        subject="Set your password",
        text=mail_text(account, link(account, plain), sent_by),
        headers={"Auto-Submitted": "auto-generated"},
    )


def issue(account: Agent | User, *, now: datetime, sent_by: Actor | None = None) -> str:
    """Store a new link for the account (its earlier ones end); return it, once."""
    end_reset_links(account, now=now)
    plain, token_hash = links.new_secret()
    db.session.add(
        PasswordReset(
            token_hash=token_hash,
            agent_id=account.id if isinstance(account, Agent) else None,
            user_id=account.id if isinstance(account, User) else None,
            sent_by_agent_id=sent_by.id if sent_by is not None and sent_by.is_agent else None,
            created_at=now,
            expires_at=now + LINK_TTL,
        )
    )
    db.session.flush()
    return plain


def link(account: Agent | User, plain: str) -> str:
    return links.site_link(PAGES["agent" if isinstance(account, Agent) else "user"], plain)


def mail_text(account: Agent | User, address: str, sent_by: Actor | None) -> str:
    why = (
        f"{sent_by.name} of our support team sent you a link to set a password"
        if sent_by is not None
        else "Someone (we hope you) asked for a link to set a new password"
    )
    hours = int(LINK_TTL.total_seconds() // 3600)
    return (
        f"Hello {account.name},\n"
        "\n"
        f"{why} for your account ({account.email}).\n"
        "\n"
        f"Set your password here; the link works once, for {hours} hour{'s' * (hours != 1)}:\n"
        "\n"
        f"{address}\n"
        "\n"
        "If you did not ask for this, ignore this mail: your password stays as it is, and\n"
        "nobody else can use the link.\n"
    )


def _live(plain: str, sides: tuple[str, ...], now: datetime) -> list:
    """What a link that can still set a password is, for accounts of these sides."""
    conditions = links.live(PasswordReset, plain, now)
    if "agent" not in sides:
        conditions.append(PasswordReset.user_id.is_not(None))
    if "user" not in sides:
        conditions.append(PasswordReset.agent_id.is_not(None))
    return conditions


def usable(plain: str, *, now: datetime, sides: tuple[str, ...] = EVERYONE) -> PasswordReset | None:
    """The link this token names, if it can still set a password (nothing is changed)."""
    return db.session.scalar(select(PasswordReset).where(*_live(plain, sides, now)))


def redeem(
    plain: str, password: str, *, now: datetime, sides: tuple[str, ...] = EVERYONE
) -> Agent | User:
    """Set the password with a link: once, in time; every sign-in of the account ends.

    `sides` are the accounts this form sets passwords for: the API's route takes either,
    the portal's page users only (as with sign-in forms).
    """
    new_hash = people.new_password_hash(password)  # a short password leaves the link usable
    # Used up by a conditional UPDATE: of two redemptions at once, exactly one matches.
    if not links.use_up(PasswordReset, _live(plain, sides, now), now=now):
        raise Invalid(UNUSABLE, fields={"token": "unknown, used or expired"})
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == links.digest(plain))
    )
    account = reset.owner
    if isinstance(account, Agent) and not account.active:
        raise Invalid(UNUSABLE, fields={"token": "the account is deactivated"})
    account.password_hash = new_hash
    end_credentials(account, now=now)
    if isinstance(account, User):
        # The link came to the address: its owner has shown they control it.
        people.mark_verified(account, now=now)
    return account
