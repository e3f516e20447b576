"""The portal's dynamic pages: search results and submit a ticket, in the portal's theme."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from flask_limiter.errors import RateLimitExceeded

from ticketapi import permissions as rules
from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError
from ticketapi.extensions import db, limiter
from ticketapi.people.services import anonymous_actor
from ticketapi.permissions import Actor
from ticketapi.portal import forms, results, security
from ticketapi.portal.errors import error_page
from ticketapi.portal.theme import render
from ticketapi.rate_limits import refusal
from ticketapi.search.services import MAX_QUERY_CHARS, search_articles
from ticketapi.text import one_line
from ticketapi.tickets import services as tickets
from ticketapi.tickets.views import SUBMIT_SCOPE, submit_limit
from ticketapi.timeutil import utcnow

bp = Blueprint("portal", __name__, url_prefix="/portal")
bp.after_request(security.page_headers)
#: How many articles "Before you submit" offers.
DEFLECTIONS = 5


def visitor() -> Actor:
    """Who is asking: anonymous, until the portal's sign-in arrives."""
    return anonymous_actor()


@bp.get("/search")
def search():
    args = results.SearchArgs.read(request.args)
    answer = None
    if args.q.strip():
        answer = search_articles(
            visitor(), args.q, section=args.section, limit=results.PER_PAGE, page=args.page
        )
    return render("portal/search.html", args=args, answer=answer, results=results)


@bp.get("/tickets/new")
def new_ticket():
    # A link may carry anything: the form shows it as one line it would accept.
    subject = one_line(request.args.get("subject", ""))[: forms.MAX_LENGTHS["subject"]]
    closed = not rules.can_submit_ticket(visitor())
    return ticket_form({"subject": subject}, closed=closed)


@bp.post("/tickets/new")
@limiter.shared_limit(submit_limit, SUBMIT_SCOPE)
def submit_ticket():
    typed = forms.typed(request.form)
    if not security.form_is_genuine():
        return ticket_form(typed, problem=security.FORM_EXPIRED, status=400)
    values, errors = forms.check_ticket(request.form)
    if errors:
        return ticket_form(typed, errors=errors, status=422)
    try:
        ticket = tickets.open_ticket(visitor(), values, now=utcnow())
        commit()
    except DomainError as error:
        db.session.rollback()
        return ticket_form(
            typed, errors=error.fields, problem=error.message, status=error.status_code
        )
    session["submitted_ticket"] = ticket.ref
    return redirect(url_for("portal.ticket_submitted"), 303)


@bp.get("/tickets/submitted")
def ticket_submitted():
    ref = session.get("submitted_ticket")
    if ref is None:
        return redirect(url_for("portal.new_ticket"), 303)
    return render("portal/ticket_submitted.html", ref=ref), 200, {"Cache-Control": "no-store"}


def ticket_form(typed, *, errors=None, problem=None, closed=False, status=200):
    """The form, with what was typed, what is wrong, and articles that may already answer it."""
    errors = errors or {}
    subject = typed.get("subject", "").replace("\x00", "")
    suggested = []
    if status != 200 and subject.strip():
        answer = search_articles(
            visitor(), subject[:MAX_QUERY_CHARS], section="article", limit=DEFLECTIONS
        )
        suggested = answer.results
    page = render(
        "portal/ticket_new.html",
        values=typed,
        errors=errors,
        problem=problem or ("Some fields need another look." if errors else None),
        closed=closed,
        suggested=suggested,
        max_lengths=forms.MAX_LENGTHS,
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    """Sent too many tickets: the form again, everything typed still there, and when to
    send it."""
    refused = refusal(error, limiter)
    if request.endpoint == "portal.submit_ticket":
        problem = (
            f"You have sent many tickets in a short time (at most {refused.limit}): "
            f"send this one again {refused.when}. What you typed is still here."
        )
        page, status, headers = ticket_form(forms.typed(request.form), problem=problem, status=429)
        return page, status, {**headers, **refused.headers}
    return error_page(refused)
