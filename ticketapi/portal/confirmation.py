"""The page a confirmation link opens: "did you send this ticket?", and its button.

Opening the link confirms nothing: mail scanners and link previews open links too. The
token moves into the session cookie and the browser is sent on to the same page without it
(no token in the address bar, the history or a Referer), which shows the ticket; only the
button's form post, with its CSRF token, confirms it (tickets/confirmation.py).
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for

from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError
from ticketapi.extensions import db, limiter
from ticketapi.portal import security
from ticketapi.portal.theme import render
from ticketapi.tickets import confirmation, holds
from ticketapi.tickets.models import TicketConfirmation
from ticketapi.timeutil import utcnow

bp = Blueprint("portal_confirmation", __name__, url_prefix="/portal")
bp.after_request(security.page_headers)

TOKEN = "ticket_confirmation_token"  # the link's token, in the session until it is used
CONFIRMED = "confirmed_ticket"
NO_STORE = {"Cache-Control": "no-store"}
FORM_EXPIRED = (
    "We could not accept this: the page was open too long, or the form was not sent from "
    "this site. The ticket is not confirmed yet: press the button again."
)


@bp.get("/tickets/confirm")
def confirm_page():
    if token := request.args.get("token"):
        session[TOKEN] = token[:200]
        return redirect(url_for(".confirm_page"), 303)
    link = _pending()
    if link is None:
        return _unusable()
    return _page(link)


@bp.post("/tickets/confirm")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def confirm():
    link = _pending()
    if link is None:
        return _unusable()
    if not security.form_is_genuine():
        return _page(link, problem=FORM_EXPIRED, status=400)
    # The ticket the page showed: another link opened since in this browser (now the one in
    # the session) must not confirm a ticket its page never showed.
    shown = request.form.get("ticket", "")
    if not shown.isascii() or not shown.isdigit() or int(shown) != link.ticket_id:
        return _unusable()
    try:
        ticket = confirmation.confirm_with_link(
            session[TOKEN], now=utcnow(), ticket_id=link.ticket_id
        )
        commit()
    except DomainError:
        db.session.rollback()
        return _unusable()
    session.pop(TOKEN, None)
    session[CONFIRMED] = ticket.ref
    return redirect(url_for(".confirmed"), 303)


@bp.get("/tickets/confirmed")
def confirmed():
    ref = session.get(CONFIRMED)
    if ref is None:
        return redirect(url_for(".confirm_page"), 303)
    return render("portal/ticket_confirm.html", state="done", ref=ref), 200, NO_STORE


def _pending() -> TicketConfirmation | None:
    token = session.get(TOKEN)
    link = confirmation.usable(token, now=utcnow()) if token else None
    if link is not None and link.ticket.user.email != link.email:
        return None  # mailed to an address the requester no longer has
    return link


def _unusable():
    session.pop(TOKEN, None)
    page = render("portal/ticket_confirm.html", state="unusable", days=holds.LINK_TTL.days)
    return page, 410, NO_STORE


def _page(link: TicketConfirmation, *, problem: str | None = None, status: int = 200):
    ticket = link.ticket
    message = confirmation.first_message(ticket)
    page = render(
        "portal/ticket_confirm.html",
        state="form",
        ticket=ticket,
        email=link.email,
        submitted=ticket.created_at.strftime("%-d %B %Y, %H:%M UTC"),
        message=message.body if message is not None else "",
        problem=problem,
    )
    return page, status, NO_STORE
