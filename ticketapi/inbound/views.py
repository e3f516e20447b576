"""Routes for ticket email accounts and the inbound messages they stored (admins)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.inbound import accounts, schemas, services
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.timeutil import utcnow

bp = APIBlueprint("inbound", __name__, url_prefix="/api/v1", tag="Email")


@bp.get("/email-accounts")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.EmailAccountOut))
@bp.doc(summary="List the ticket email accounts (admins)", **SECURED)
def list_accounts(query_data):
    return paginate(accounts.accounts_query(current_actor()), **query_data)


@bp.post("/email-accounts")
@bp.input(schemas.EmailAccountIn)
@bp.output(schemas.EmailAccountOut, status_code=201)
@bp.doc(
    summary="Add a ticket email account (admins; its IMAP password is never returned)", **SECURED
)
def create_account(json_data):
    return commit(accounts.create_account(current_actor(), json_data, now=utcnow()))


@bp.get("/email-accounts/<int:account_id>")
@bp.output(schemas.EmailAccountOut)
@bp.doc(summary="A ticket email account (admins)", **SECURED)
def get_account(account_id: int):
    return accounts.get_account(current_actor(), account_id)


@bp.patch("/email-accounts/<int:account_id>")
@bp.input(schemas.EmailAccountPatch)
@bp.output(schemas.EmailAccountOut)
@bp.doc(summary="Change a ticket email account (admins; `imap: null` removes IMAP)", **SECURED)
def update_account(account_id: int, json_data):
    return commit(accounts.update_account(current_actor(), account_id, json_data))


@bp.delete("/email-accounts/<int:account_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Remove a ticket email account; its stored messages stay (admins)", **SECURED)
def delete_account(account_id: int):
    accounts.delete_account(current_actor(), account_id)
    commit()
    return ""


@bp.get("/inbound-messages")
@bp.input(schemas.InboundFilter, location="query")
@bp.output(page_of(schemas.InboundOut))
@bp.doc(summary="Every stored inbound message, newest first (admins)", **SECURED)
def list_inbound(query_data):
    query = services.inbound_query(
        current_actor(), states=query_data.pop("state", None),
        account_id=query_data.pop("account", None),
    )  # fmt: skip
    return paginate(query, **query_data)


@bp.get("/inbound-messages/<int:inbound_id>")
@bp.output(schemas.InboundOut)
@bp.doc(summary="One stored inbound message and what became of it (admins)", **SECURED)
def get_inbound(inbound_id: int):
    return services.get_inbound(current_actor(), inbound_id)


@bp.get("/inbound-messages/<int:inbound_id>/raw")
@bp.doc(
    summary="The message exactly as it arrived (admins)",
    responses={200: {"description": "The raw message", "content": {"message/rfc822": {}}}},
    **SECURED,
)
def raw_inbound(inbound_id: int):
    row, raw = services.raw_message(current_actor(), inbound_id)
    response = Response(raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="inbound-{row.id}.eml"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/inbound-messages/<int:inbound_id>/original")
@bp.output(schemas.OriginalOut)
@bp.doc(summary="A filed mail's whole text and HTML, before trimming (agents)", **SECURED)
def original_inbound(inbound_id: int):
    return services.original(current_actor(), inbound_id)


@bp.post("/inbound-messages/<int:inbound_id>/retry")
@bp.output(schemas.InboundOut)
@bp.doc(summary="File a quarantined message again (admins)", **SECURED)
def retry_inbound(inbound_id: int):
    return commit(services.retry(current_actor(), inbound_id, now=utcnow()))
