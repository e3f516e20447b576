"""Ticket email accounts: admins manage them; filing asks which is whose and what is ours.

The IMAP password is stored encrypted under a key derived from SECRET_KEY (core/secrets.py,
as agents' TOTP secrets are) and never leaves the API; `imap_password` reads it back for
the mail fetcher only.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from ticketapi import permissions
from ticketapi.core.access import require
from ticketapi.core.rows import get_or_404
from ticketapi.core.secrets import decrypt, encrypt
from ticketapi.errors import Conflict, Invalid
from ticketapi.extensions import db
from ticketapi.inbound.decoding import one_line
from ticketapi.inbound.models import EmailAccount
from ticketapi.mail.addresses import plain_address, sender_address
from ticketapi.people.models import Team
from ticketapi.permissions import Actor

PASSWORD_PURPOSE = b"helpdesk email account imap password"
ADMINS_ONLY = "Only admins manage ticket email accounts."
IMAP_DEFAULTS = {"folder": "INBOX", "tls": True}


def accounts_query(actor: Actor) -> Select:
    require(permissions.can_manage_email, actor, None, ADMINS_ONLY)
    return select(EmailAccount).order_by(EmailAccount.address)


def get_account(actor: Actor, account_id: int) -> EmailAccount:
    require(permissions.can_manage_email, actor, None, ADMINS_ONLY)
    return get_or_404(EmailAccount, account_id, "email account")


def create_account(actor: Actor, values: dict[str, Any], *, now: datetime) -> EmailAccount:
    require(permissions.can_manage_email, actor, None, ADMINS_ONLY)
    account = EmailAccount(created_at=now, name=values["name"])
    defaults = {"auto_acknowledge": True, "add_cc_recipients": True, "agent_mail_as": "reply"}
    _apply(account, {**defaults, **values})
    return _saved(account)


def update_account(actor: Actor, account_id: int, changes: dict[str, Any]) -> EmailAccount:
    account = get_account(actor, account_id)
    _apply(account, changes)
    return _saved(account)


def delete_account(actor: Actor, account_id: int) -> None:
    """Its stored messages stay (with no account): nothing that arrived is ever dropped."""
    db.session.delete(get_account(actor, account_id))


def _apply(account: EmailAccount, values: dict[str, Any]) -> None:
    if "address" in values:
        try:
            account.address = plain_address(values["address"], "address").lower()
        except ValueError as exc:
            raise Invalid(str(exc), fields={"address": "not an email address"}) from None
    for name in ("name", "auto_acknowledge", "add_cc_recipients", "agent_mail_as"):
        if name in values:
            setattr(account, name, values[name])
    if "team_id" in values:
        team_id = values["team_id"]
        if team_id is not None:
            get_or_404(Team, team_id, "team")
        account.team_id = team_id
    if "imap" in values:
        _apply_imap(account, values["imap"])


def _apply_imap(account: EmailAccount, imap: dict[str, Any] | None) -> None:
    """Settings replace the old ones; the password may be left out to keep the stored one."""
    if imap is None:
        account.imap_host = account.imap_port = account.imap_username = None
        account.imap_password_encrypted = account.imap_folder = account.imap_tls = None
        account.imap_last_uid = account.imap_uid_validity = None
        return
    settings = {**IMAP_DEFAULTS, **imap}
    if "password" not in settings and account.imap_password_encrypted is None:
        raise Invalid("IMAP needs a password.", fields={"imap.password": "required"})
    if settings["host"] != account.imap_host or settings["username"] != account.imap_username:
        account.imap_last_uid = account.imap_uid_validity = None  # another mailbox
    account.imap_host = settings["host"]
    account.imap_port = settings.get("port") or (993 if settings["tls"] else 143)
    account.imap_username = settings["username"]
    account.imap_folder = settings["folder"]
    account.imap_tls = settings["tls"]
    if "password" in settings:
        account.imap_password_encrypted = encrypt(settings["password"], PASSWORD_PURPOSE)


def _saved(account: EmailAccount) -> EmailAccount:
    try:
        with db.session.begin_nested():
            db.session.add(account)
    except IntegrityError:
        raise Conflict(
            f"Another ticket email account has the address {account.address}.",
            fields={"address": "already in use"},
        ) from None
    return account


def imap_password(account: EmailAccount) -> str | None:
    """The IMAP password, for the fetcher; None without one or under another SECRET_KEY."""
    if account.imap_password_encrypted is None:
        return None
    return decrypt(account.imap_password_encrypted, PASSWORD_PURPOSE)


def account_by_address(address: str) -> EmailAccount | None:
    return db.session.scalar(
        select(EmailAccount).where(EmailAccount.address == address.strip().lower())
    )


def account_for(recipients: list[str]) -> EmailAccount | None:
    """The account the first of these addresses names, else the first account (by id)."""
    for address in recipients:
        if (account := account_by_address(address)) is not None:
            return account
    return db.session.scalar(select(EmailAccount).order_by(EmailAccount.id).limit(1))


def from_header(account: EmailAccount) -> str:
    """The account as a From line: `"Name" <address>` (the name without quotes or brackets)."""
    name = one_line(account.name).replace('"', "").replace("<", "").replace(">", "")
    return f'"{name}" <{account.address}>' if name else account.address


def our_addresses() -> set[str]:
    """Every address mail of ours comes from: the accounts and MAIL_FROM (never mailed)."""
    addresses = set(db.session.scalars(select(func.lower(EmailAccount.address))))
    addresses.add(_mail_from_address(current_app.config["MAIL_FROM"]))
    return addresses


@lru_cache(maxsize=8)
def _mail_from_address(mail_from: str) -> str:
    return sender_address(mail_from).addr_spec.lower()  # a header parse: once per setting
