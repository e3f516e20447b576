"""Admins' page for ticket email accounts: `/agent/admin/email` (issue #15, item 1).

A thin view over inbound/accounts.py (which refuses anyone but an admin: 403 on every
route): the form's text is read into the API's own schema, so the page and the API accept
the same things, and each problem is told beside its field. The IMAP password is write-only:
no page ever contains it, and an empty password field keeps the stored one.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from ticketapi import permissions as rules
from ticketapi.agent.shell import page, tell
from ticketapi.core.access import require
from ticketapi.core.ids import MAX_ID
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Forbidden
from ticketapi.extensions import db
from ticketapi.inbound import accounts
from ticketapi.inbound.models import EmailAccount
from ticketapi.inbound.schemas import AGENT_MAIL_AS, EmailAccountIn, EmailAccountPatch
from ticketapi.people.models import Team
from ticketapi.timeutil import utcnow

bp = Blueprint("admin_email", __name__, url_prefix="/admin")

TEXT_FIELDS = (
    "address", "name", "team_id", "agent_mail_as", "imap_host", "imap_port", "imap_username",
    "imap_password", "imap_folder",
)  # fmt: skip
CHECKBOXES = ("auto_acknowledge", "add_cc_recipients", "imap_tls")
SAY = {
    "address": "Give the address as name@example.com.",
    "name": "Give a name: one line, at most 200 characters.",
    "team_id": "Choose a team from the list.",
    "agent_mail_as": "Choose reply or note.",
    "imap_host": "Give the IMAP server's name (at most 253 characters), or leave every IMAP "
    "field empty.",
    "imap_port": "Give the port as a number from 1 to 65535, or leave it empty.",
    "imap_username": "Give the IMAP user name.",
    "imap_password": "Give the IMAP password (at most 1,000 characters).",
    "imap_folder": "Give the folder's name, or leave it empty for INBOX.",
}
AGENT_MAIL_CHOICES = [
    ("reply", "Their reply (mailed on)"),
    ("note", "An internal note"),
]
assert [value for value, _label in AGENT_MAIL_CHOICES] == list(AGENT_MAIL_AS)


@bp.get("/email")
def accounts_page():
    return _list_page(_blank(), {}, None)


@bp.post("/email")
def create():
    typed = _typed()
    values, errors = checked(typed, editing=False)
    if errors:
        return _list_page(typed, errors, None, status=422)
    try:
        account = accounts.create_account(current_user.actor, values, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, Forbidden):
            raise
        return _list_page(typed, _named(error), error.message, status=_status(error))
    commit()
    tell(f"The account {account.address} is added.")
    return redirect(url_for("agent.admin_email.accounts_page"), 303)


@bp.get("/email/<int:account_id>")
def edit(account_id: int):
    account = accounts.get_account(current_user.actor, account_id)
    return _edit_page(account, form_values(account), {}, None)


@bp.post("/email/<int:account_id>")
def save(account_id: int):
    actor = current_user.actor
    account = accounts.get_account(actor, account_id)
    typed = _typed()
    values, errors = checked(typed, editing=True)
    if errors:
        return _edit_page(account, typed, errors, None, status=422)
    try:
        accounts.update_account(actor, account_id, values)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, Forbidden):
            raise
        account = accounts.get_account(actor, account_id)
        return _edit_page(account, typed, _named(error), error.message, status=_status(error))
    commit()
    tell("The account is saved.")
    return redirect(url_for("agent.admin_email.accounts_page"), 303)


def checked(typed: dict[str, str], *, editing: bool) -> tuple[dict, dict[str, str]]:
    """The API's values from the form, and a message for each field that is not right."""
    errors: dict[str, str] = {}
    payload: dict = {
        "address": typed["address"].strip(),
        "name": typed["name"].strip(),
        "agent_mail_as": typed["agent_mail_as"].strip() or "reply",
        **{name: typed[name] == "1" for name in ("auto_acknowledge", "add_cc_recipients")},
    }
    team = typed["team_id"].strip()
    if not team:
        payload["team_id"] = None
    elif team.isascii() and team.isdigit() and 0 < int(team) <= MAX_ID:
        payload["team_id"] = int(team)
        if db.session.get(Team, int(team)) is None:
            errors["team_id"] = SAY["team_id"]
    else:
        errors["team_id"] = SAY["team_id"]
    host = typed["imap_host"].strip()
    if host:
        imap = {
            "host": host,
            "username": typed["imap_username"].strip(),
            "folder": typed["imap_folder"].strip() or "INBOX",
            "tls": typed["imap_tls"] == "1",
        }
        port = typed["imap_port"].strip()
        if port:
            imap["port"] = int(port) if port.isascii() and port.isdigit() else -1
        if typed["imap_password"]:
            imap["password"] = typed["imap_password"]
        payload["imap"] = imap
    elif any(typed[name].strip() for name in ("imap_username", "imap_password", "imap_port")):
        errors["imap_host"] = SAY["imap_host"]
    else:
        payload["imap"] = None
    schema = EmailAccountPatch() if editing else EmailAccountIn()
    try:
        values = schema.load(payload)
    except ValidationError as error:
        values = {}
        for name, message in error.normalized_messages().items():
            if name == "imap" and isinstance(message, dict):
                for inner in message:
                    errors.setdefault(f"imap_{inner}", SAY.get(f"imap_{inner}", str(message)))
            else:
                errors.setdefault(name, SAY.get(name, str(message)))
    return values, errors


def form_values(account: EmailAccount) -> dict[str, str]:
    """An account as its form shows it: never its password."""
    return {
        "address": account.address,
        "name": account.name,
        "team_id": str(account.team_id or ""),
        "agent_mail_as": account.agent_mail_as,
        "auto_acknowledge": "1" if account.auto_acknowledge else "",
        "add_cc_recipients": "1" if account.add_cc_recipients else "",
        "imap_host": account.imap_host or "",
        "imap_port": str(account.imap_port or ""),
        "imap_username": account.imap_username or "",
        "imap_password": "",
        "imap_folder": account.imap_folder or "",
        "imap_tls": "1" if account.imap_tls or not account.has_imap else "",
    }


def _blank() -> dict[str, str]:
    return {
        **dict.fromkeys(TEXT_FIELDS, ""),
        "agent_mail_as": "reply",
        **dict.fromkeys(CHECKBOXES, "1"),
    }


def _typed() -> dict[str, str]:
    typed = {name: request.form.get(name, "") for name in TEXT_FIELDS}
    typed |= {name: "1" if request.form.get(name) else "" for name in CHECKBOXES}
    return typed


def _named(error: DomainError) -> dict[str, str]:
    """The service's message beside each field it names (`imap.password`: imap_password)."""
    return {name.replace(".", "_"): error.message for name in error.fields}


def _status(error: DomainError) -> int:
    return 409 if error.status_code == 409 else 422


def _choices() -> dict:
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return {
        "team_choices": [("", "No team: the triage queue"), *((str(t.id), t.name) for t in teams)],
        "agent_mail_choices": AGENT_MAIL_CHOICES,
        "teams": {team.id: team.name for team in teams},
    }


def _list_page(typed, errors, problem, *, status: int = 200):
    actor = current_user.actor
    listed = db.session.scalars(accounts.accounts_query(actor)).all()
    return page(
        "agent/admin_email.html", status, listed=listed, typed=typed, errors=errors,
        problem=problem, **_choices(),
    )  # fmt: skip


def _edit_page(account, typed, errors, problem, *, status: int = 200):
    require(rules.can_manage_email, current_user.actor, None, accounts.ADMINS_ONLY)
    return page(
        "agent/admin_email_edit.html", status, account=account, typed=typed, errors=errors,
        problem=problem, **_choices(),
    )  # fmt: skip
