"""Admins' page for the stored inbound mail: `/agent/admin/inbound` (issue #15, item 3).

Thin views over inbound/services.py and inbound/review.py, which refuse anyone but an
admin (403 on every route). A message's page shows its headers decoded to one line, the
reason, the sanitized body (remote images not loaded until asked), a link to its ticket and
the raw download; a quarantined one can be retried (by the job) or filed by hand (at once).
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, request, url_for
from flask_login import current_user

from ticketapi.agent.shell import page, tell
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError, Forbidden
from ticketapi.extensions import db
from ticketapi.inbound import accounts, review, services, store
from ticketapi.pagination import paginate
from ticketapi.timeutil import utcnow

bp = Blueprint("admin_inbound", __name__, url_prefix="/admin")

PER_PAGE = 50
STATE_CHOICES = [("", "Any state"), *((state, state.capitalize()) for state in store.STATES)]


@bp.get("/inbound")
def messages():
    actor = current_user.actor
    state = request.args.get("state", "")
    state = state if state in store.STATES else ""
    account = _number(request.args.get("account", ""))
    query = services.inbound_query(actor, states=[state] if state else None, account_id=account)
    listed = paginate(query, _number(request.args.get("page", "")) or 1, PER_PAGE)
    choices = [("", "Any account")] + [
        (str(a.id), a.address) for a in db.session.scalars(accounts.accounts_query(actor))
    ]
    return page(
        "agent/admin_inbound.html", listed=listed, state=state, account=str(account or ""),
        state_choices=STATE_CHOICES, account_choices=choices,
    )  # fmt: skip


@bp.get("/inbound/<int:inbound_id>")
def message(inbound_id: int):
    return _message_page(inbound_id, {}, None)


@bp.get("/inbound/<int:inbound_id>/raw")
def raw(inbound_id: int):
    row, data = services.raw_message(current_user.actor, inbound_id)
    response = Response(data, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="inbound-{row.id}.eml"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.post("/inbound/<int:inbound_id>/retry")
def retry(inbound_id: int):
    services.retry(current_user.actor, inbound_id, now=utcnow())
    commit()
    tell("The message is queued to be filed again: its state changes within a minute.")
    return redirect(url_for("agent.admin_inbound.message", inbound_id=inbound_id), 303)


@bp.post("/inbound/<int:inbound_id>/file")
def file_by_hand(inbound_id: int):
    new = request.form.get("as") == "new"
    ref = None if new else request.form.get("ticket", "")
    if ref is not None and not ref.strip():
        return _message_page(
            inbound_id,
            {"ticket": "Give the reference of the ticket, such as K7QF-M2XP."},
            None,
            422,
        )
    try:
        row = review.file_by_hand(current_user.actor, inbound_id, ticket_ref=ref, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, Forbidden):
            raise
        named = {"ticket": error.message} if "ticket" in error.fields else {}
        return _message_page(inbound_id, named, None if named else error.message, 422)
    tell(f"{row.state.capitalize()}: {row.reason}")
    return redirect(url_for("agent.admin_inbound.message", inbound_id=inbound_id), 303)


def _message_page(inbound_id: int, errors: dict[str, str], problem: str | None, status=200):
    row, shown = review.shown(current_user.actor, inbound_id)
    g.remote_images = True  # the body's remote images, when the admin asks (agent/shell.py)
    return page(
        "agent/admin_inbound_message.html", status, row=row, shown=shown, errors=errors,
        problem=problem, typed_ticket=request.form.get("ticket", ""),
    )  # fmt: skip


def _number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= 10**9 else None
