"""Routes for tickets, their messages, followers, CCs, history, merging and attachments."""

from __future__ import annotations

from pathlib import Path

from apiflask import APIBlueprint
from flask import current_app, send_file

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.errors import PreconditionRequired
from ticketapi.extensions import limiter
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.permissions import can_see_notes
from ticketapi.tickets import (
    attachments,
    confirmation,
    conversation,
    history,
    holds,
    merge,
    participants,
    queries,
    schemas,
    services,
)
from ticketapi.timeutil import utcnow

bp = APIBlueprint("tickets", __name__, url_prefix="/api/v1", tag="Tickets")
#: Public submissions share one limit per client, whether through the API or the portal's form.
SUBMIT_SCOPE = "ticket-submission"


def submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def signed_in() -> bool:
    return not current_actor().is_anonymous


@bp.get("/tickets")
@bp.input(schemas.TicketFilter, location="query")
@bp.output(page_of(schemas.TicketOut))
@bp.doc(
    summary="List the tickets you may see, filtered; newest first, or best match first with q",
    **SECURED,
)
def list_tickets(query_data):
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    return queries.tickets_page(current_actor(), query_data, page, per_page)


@bp.post("/tickets")
@limiter.shared_limit(submit_limit, SUBMIT_SCOPE, exempt_when=signed_in)
@bp.input(schemas.TicketIn)
@bp.output(schemas.SubmittedOut, status_code=201)
@bp.doc(
    summary="Open a ticket: public submission without a token (name, email, subject, "
    "message, cc), or for a user as an agent"
)
def open_ticket(json_data):
    ticket = services.open_ticket(current_actor(), json_data, now=utcnow())
    commit()
    return ticket, 201, {"Location": f"/api/v1/tickets/{ticket.id}"}


@bp.get("/tickets/<int:ticket_id>")
@bp.output(schemas.TicketOut)
@bp.doc(summary="Get a ticket; its ETag is the version to send back with changes", **SECURED)
def get_ticket(ticket_id: int):
    ticket = services.get_ticket(current_actor(), ticket_id)
    return ticket, 200, {"ETag": ticket.etag}


@bp.patch("/tickets/<int:ticket_id>")
@bp.input(schemas.IfMatchIn, location="headers", arg_name="preconditions")
@bp.input(schemas.TicketPatch)
@bp.output(schemas.TicketOut)
@bp.doc(
    summary="Change a ticket; send If-Match with its ETag (or version): a stale one gets 409",
    responses={409: "The ticket changed since your version: the error carries its state"},
    **SECURED,
)
def update_ticket(ticket_id: int, preconditions, json_data):
    version = _expected_version(preconditions.get("if_match"), json_data.pop("version", None))
    ticket = services.update_ticket(
        current_actor(), ticket_id, json_data, version=version, now=utcnow()
    )
    commit()
    return ticket, 200, {"ETag": ticket.etag}


def _expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version from If-Match (checked by IfMatchIn to be digits), else from the body."""
    if if_match is not None:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    if body_version is None:
        raise PreconditionRequired(
            "Say which version you are changing: send If-Match with the ticket's ETag, "
            "or version in the body.",
            fields={"version": "required (or If-Match)"},
        )
    return body_version


@bp.delete("/tickets/<int:ticket_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a ticket and everything on it (tickets.delete)", **SECURED)
def delete_ticket(ticket_id: int):
    services.delete_ticket(current_actor(), ticket_id)
    commit()
    return ""


@bp.post("/tickets/<int:ticket_id>/merge")
@bp.input(schemas.MergeIn)
@bp.output(schemas.TicketOut)
@bp.doc(summary="Merge this ticket into another; returns the surviving ticket", **SECURED)
def merge_ticket(ticket_id: int, json_data):
    target = merge.merge_tickets(current_actor(), ticket_id, json_data["into_id"], now=utcnow())
    commit()
    return target


# Confirming a submission made without signing in


@bp.post("/tickets/<int:ticket_id>/confirm")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.input(schemas.ConfirmIn)
@bp.output(schemas.ConfirmedOut)
@bp.doc(
    summary="Confirm a ticket submitted without signing in: its requester signed in, or "
    "anyone with the token of the link mailed to its address"
)
def confirm_ticket(ticket_id: int, json_data):
    now = utcnow()
    if "token" in json_data:
        ticket = confirmation.confirm_with_link(json_data["token"], now=now, ticket_id=ticket_id)
    else:
        ticket = confirmation.confirm_signed_in(current_actor(), ticket_id, now=now)
    commit()
    return ticket


@bp.post("/tickets/<int:ticket_id>/confirmation-link")
@bp.output(schemas.LinkSentOut, status_code=202)
@bp.doc(
    summary="Mail the requester a new link to confirm their submission (tickets.edit)",
    **SECURED,
)
def send_confirmation_link(ticket_id: int):
    ticket = confirmation.send_new_link(current_actor(), ticket_id, now=utcnow())
    commit()
    return {
        "message": f"We have mailed {ticket.user.email} a new link to confirm ticket "
        f"{ticket.ref} ({holds.LINK_TTL.days} days, once)."
    }


# Messages


@bp.get("/tickets/<int:ticket_id>/messages")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.MessageOut))
@bp.doc(summary="The conversation, oldest first (notes for agents only)", **SECURED)
def list_messages(ticket_id: int, query_data):
    return paginate(conversation.messages_query(current_actor(), ticket_id), **query_data)


@bp.post("/tickets/<int:ticket_id>/messages")
@bp.input(schemas.MessageIn)
@bp.output(schemas.MessageOut, status_code=201)
@bp.doc(summary="Reply, or add an internal note (note: true); status rules apply", **SECURED)
def post_message(ticket_id: int, json_data):
    actor, now = current_actor(), utcnow()
    html = json_data.pop("body_html", None)
    message = conversation.post_message(actor, ticket_id, now=now, html=html, **json_data)
    commit()
    return message


# Followers and CCs


@bp.get("/tickets/<int:ticket_id>/followers")
@bp.output(schemas.TicketOut)
@bp.doc(summary="The ticket, with its followers", **SECURED)
def list_followers(ticket_id: int):
    return services.get_ticket(current_actor(), ticket_id)


@bp.post("/tickets/<int:ticket_id>/followers")
@bp.input(schemas.FollowerIn)
@bp.output(schemas.TicketOut)
@bp.doc(summary="Follow a ticket (yourself), or add a follower (tickets.edit)", **SECURED)
def add_follower(ticket_id: int, json_data):
    actor, now = current_actor(), utcnow()
    ticket = participants.add_follower(actor, ticket_id, json_data["agent_id"], now=now)
    commit()
    return ticket


@bp.delete("/tickets/<int:ticket_id>/followers/<int:agent_id>")
@bp.output(schemas.TicketOut)
@bp.doc(summary="Stop following, or remove a follower (tickets.edit)", **SECURED)
def remove_follower(ticket_id: int, agent_id: int):
    actor, now = current_actor(), utcnow()
    ticket = participants.remove_follower(actor, ticket_id, agent_id, now=now)
    commit()
    return ticket


@bp.get("/tickets/<int:ticket_id>/cc")
@bp.output(schemas.TicketOut)
@bp.doc(summary="The ticket, with its CC'd users", **SECURED)
def list_cc(ticket_id: int):
    return services.get_ticket(current_actor(), ticket_id)


@bp.post("/tickets/<int:ticket_id>/cc")
@bp.input(schemas.CcIn)
@bp.output(schemas.TicketOut)
@bp.doc(summary="CC a user by id (agents) or email", **SECURED)
def add_cc(ticket_id: int, json_data):
    actor, now = current_actor(), utcnow()
    ticket = participants.add_cc(actor, ticket_id, json_data, now=now)
    commit()
    return ticket


@bp.delete("/tickets/<int:ticket_id>/cc/<int:user_id>")
@bp.output(schemas.TicketOut)
@bp.doc(summary="Remove a CC'd user", **SECURED)
def remove_cc(ticket_id: int, user_id: int):
    actor, now = current_actor(), utcnow()
    ticket = participants.remove_cc(actor, ticket_id, user_id, now=now)
    commit()
    return ticket


@bp.get("/tickets/<int:ticket_id>/history")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.EventOut))
@bp.doc(summary="Every change to the ticket: who, when, what (agents)", **SECURED)
def list_history(ticket_id: int, query_data):
    ticket = services.get_ticket(current_actor(), ticket_id, can_see_notes)
    return paginate(history.events_query(ticket), **query_data)


# Attachments


@bp.post("/uploads")
@bp.input(schemas.UploadIn, location="files")
@bp.output(schemas.AttachmentOut, status_code=201)
@bp.doc(summary="Upload a file to attach to your next message (attachment_ids)", **SECURED)
def upload(files_data):
    file = files_data["file"]
    attachment = attachments.store_upload(
        current_actor(),
        file.stream,
        filename=file.filename or "attachment",
        content_type=file.mimetype or "",
        root=Path(current_app.config["INSTANCE_DIR"]) / "attachments",
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
        now=utcnow(),
    )
    commit()
    return attachment


@bp.get("/attachments/<int:attachment_id>")
@bp.output(schemas.AttachmentOut)
@bp.doc(summary="An attachment's name, type and size", **SECURED)
def get_attachment(attachment_id: int):
    return attachments.get_attachment(current_actor(), attachment_id)


@bp.get("/attachments/<int:attachment_id>/download")
@bp.doc(
    summary="Download an attachment (always as a file, never shown inline)",
    responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}},
    **SECURED,
)
def download_attachment(attachment_id: int):
    attachment = attachments.get_attachment(current_actor(), attachment_id)
    root = Path(current_app.config["INSTANCE_DIR"]) / "attachments"
    response = send_file(
        attachments.storage_path(root, attachment.sha256),
        # Rows stored under the old blocklist are served by today's list too.
        mimetype=attachments.served_type(attachment.content_type),
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
