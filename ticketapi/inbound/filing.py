"""The job that parses a stored message once and files it: a ticket, a reply, or a reason.

`file_stored` claims the row with a conditional UPDATE (`received` only), so a second run
(a retry, a second copy of the job, the job after a crash and a restart) does nothing. The
filing runs in a savepoint: whatever it raises undoes its half-made ticket and leaves the
message `quarantined` with the reason, committed with the claim. No exception escapes but a
database that cannot be reached, and then the job is retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ticketapi.core.transactions import commit
from ticketapi.errors import DomainError
from ticketapi.extensions import db
from ticketapi.inbound import content as contents
from ticketapi.inbound import replies, store
from ticketapi.inbound.accounts import our_addresses
from ticketapi.inbound.acknowledge import acknowledge
from ticketapi.inbound.loops import AUTO_REPLY, BOUNCE, Kind, bounce_details, classify
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.parsing import ParsedMail, Unreadable, parse
from ticketapi.inbound.threads import Thread, find_thread, is_on_ticket, signed_ticket
from ticketapi.jobs.queue import job
from ticketapi.people.models import Agent
from ticketapi.people.services import agent_actor, find_user, user_actor, user_for_address
from ticketapi.tickets import by_email
from ticketapi.tickets.status import Status
from ticketapi.timeutil import utcnow

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    state: str
    reason: str
    ticket_id: int | None = None
    ticket_message_id: int | None = None


@job(store.PARSE_JOB)
def parse_message(inbound_id: int) -> None:
    """Parse and file one stored inbound message (once, however often it runs)."""
    file_stored(inbound_id, now=utcnow())


def file_stored(
    inbound_id: int, *, now: datetime, by_hand: Thread | None = None, by: str | None = None
) -> str | None:
    """File the message if it is still `received`; its state afterwards (None: no such row).

    `by_hand` is the thread an admin chose (a ticket, or none for a new one) instead of
    what the headers say; `by` names them in the reason.
    """
    claimed = db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id, InboundMessage.state == store.RECEIVED)
        .values(attempts=InboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    row = db.session.get(InboundMessage, inbound_id, populate_existing=True)
    if claimed.rowcount != 1 or row is None:
        commit()
        return row.state if row is not None else None
    try:
        with db.session.begin_nested():
            outcome = _file(row, now=now, by_hand=by_hand)
    except (DomainError, Unreadable) as exc:
        outcome = Outcome(store.QUARANTINED, f"Not filed: {exc}")
    except Exception as exc:
        logger.exception("Inbound message %s could not be filed", inbound_id)
        outcome = Outcome(
            store.QUARANTINED, f"Not filed, an error of ours: {type(exc).__name__}: {exc}"
        )
    if by is not None:
        outcome.reason = f"By hand ({by}): {outcome.reason}"
    if row.state == store.RECEIVED:  # a duplicate found in the filing is decided already
        row.state, row.reason = outcome.state, outcome.reason[:2000]
        row.ticket_id, row.ticket_message_id = outcome.ticket_id, outcome.ticket_message_id
        row.handled_at = now
        if row.ticket_id is not None:
            # Copies stored before this was filed (the same mail to two of our addresses,
            # at once) name its ticket too.
            same = (
                InboundMessage.message_id == row.message_id
                if row.message_id is not None
                else InboundMessage.raw_sha256 == row.raw_sha256
            )  # indexed: copies share one or the other
            db.session.execute(
                update(InboundMessage)
                .where(same, InboundMessage.duplicate_of_id == row.id)
                .values(ticket_id=row.ticket_id)
                .execution_options(synchronize_session=False)
            )
    logger.info("Inbound message %s: %s (%s)", inbound_id, row.state, row.reason)
    commit()
    return row.state


def _file(row: InboundMessage, *, now: datetime, by_hand: Thread | None = None) -> Outcome:
    try:
        raw = store.read_raw(row)
    except OSError as exc:
        return Outcome(store.QUARANTINED, f"Its raw file cannot be read: {exc.strerror or exc}.")
    mail = parse(raw)
    # A copy stored at the same moment as this one (the store's check raced): the first wins.
    if (original := store.first_copy(row.message_id, row.raw_sha256, before=row.id)) is not None:
        store.mark_duplicate(row, original, now=now)
        return Outcome(row.state, row.reason or "")
    row.from_address = mail.sender
    if mail.sender is None:
        return Outcome(store.QUARANTINED, f"No sender to file it for: {mail.sender_problem}.")
    ours = our_addresses()
    if mail.sender in ours:
        return Outcome(
            store.IGNORED, f"Sent from our own address {mail.sender}: a loop, not filed."
        )
    kind = classify(mail, ours)
    row.kind = kind.kind
    if kind.kind == BOUNCE:
        return _bounce(row, mail, kind, now=now)
    user = find_user(mail.sender)
    agent = db.session.scalar(select(Agent).where(Agent.email == mail.sender))
    thread = by_hand if by_hand is not None else find_thread(mail, user, agent)
    if kind.kind == AUTO_REPLY:
        return _auto_reply(row, thread, kind, now=now)
    if thread.ticket is not None:
        return _reply(row, mail, thread, kind, user, agent, ours, now=now)
    return _new_ticket(row, mail, thread, kind, ours, user, now=now)


def _bounce(row: InboundMessage, mail: ParsedMail, kind: Kind, *, now: datetime) -> Outcome:
    found = signed_ticket([*mail.enclosed_ids, *mail.thread_ids])
    if found is None:
        return Outcome(store.IGNORED, f"A bounce ({kind.why}) of mail that is not ours: not filed.")
    ticket, message_id = found
    details = bounce_details(mail)
    by_email.record_by_email(
        ticket, "mail_bounced", now=now, inbound_message_id=row.id, message_id=message_id,
        **details,
    )  # fmt: skip
    recipient = details.get("final_recipient", "a recipient")
    return Outcome(
        store.FILED,
        f"A bounce of our mail about ticket {ticket.ref} ({recipient}): recorded in its history.",
        ticket.id,
    )


def _auto_reply(row: InboundMessage, thread: Thread, kind: Kind, *, now: datetime) -> Outcome:
    if thread.ticket is None:
        return Outcome(
            store.IGNORED, f"An auto-reply ({kind.why}) to no ticket of ours: not filed."
        )
    ticket = thread.ticket
    by_email.record_by_email(
        ticket, "auto_reply_received", now=now, inbound_message_id=row.id, subject=row.subject
    )
    return Outcome(
        store.FILED,
        f"An auto-reply ({kind.why}) on ticket {ticket.ref}: recorded in its history; not a "
        "reply, the status is unchanged and nothing is sent back.",
        ticket.id,
    )


def _reply(row, mail: ParsedMail, thread: Thread, kind: Kind, user, agent, ours, *, now) -> Outcome:
    ticket = by_email.followed(thread.ticket)
    account: EmailAccount | None = row.account
    note = False
    if agent is not None and agent.active:
        author, uploader = agent_actor(agent), ("agent", agent.id)
        note = account is not None and account.agent_mail_as == "note"
    else:
        user = user or user_for_address(mail.sender, name=mail.sender_name, now=now)
        if not is_on_ticket(ticket, user, None):
            # They answered mail of the ticket's (our Message-ID, or one we stored): whoever
            # received it and wrote back is part of the conversation.
            by_email.add_ccs_by_email(ticket, [user], now=now)
        author, uploader = user_actor(user), ("user", user.id)
    if not kind.may_reopen and ticket.status == Status.RESOLVED:
        by_email.record_by_email(ticket, "mail_not_reopening", now=now, inbound_message_id=row.id)
        return Outcome(
            store.FILED,
            f"Mail from a machine ({kind.why}) on resolved ticket {ticket.ref}: recorded in "
            "its history, not reopened.",
            ticket.id,
        )
    attachments, inline, left_out = contents.store_files(mail, uploader, now=now)
    shown = contents.content_of(mail, inline, left_out)
    _keep_original(row, shown)
    message = by_email.reply_by_email(
        author, ticket, body=shown.text, html=shown.html, attachments=attachments, now=now,
        note=note,
    )  # fmt: skip
    if author.is_user:
        _add_recipients(ticket, mail, account, ours, now=now)
    elif not note:
        # Mailed on to the ticket's people the agent's own mail did not reach.
        replies.mail_on(ticket, message, reached=[mail.sender, *mail.to, *mail.cc])
    who = f"agent {agent.name}" if author.is_agent else author.name
    what = "An internal note" if note else "A reply"
    return Outcome(
        store.FILED,
        f"{what} by {who} on ticket {ticket.ref}, threaded by {thread.how}.",
        ticket.id,
        message.id,
    )


def _new_ticket(row, mail: ParsedMail, thread: Thread, kind: Kind, ours, user, *, now) -> Outcome:
    account: EmailAccount | None = row.account
    user = user or user_for_address(mail.sender, name=mail.sender_name, now=now)
    attachments, inline, left_out = contents.store_files(mail, ("user", user.id), now=now)
    shown = contents.content_of(mail, inline, left_out)
    _keep_original(row, shown)
    named = {"names_ticket": thread.refused_ref} if thread.refused_ref else {}
    ticket, message = by_email.open_by_email(
        user_actor(user), user, subject=mail.subject, body=shown.text, html=shown.html,
        team_id=account.team_id if account is not None else None, attachments=attachments,
        now=now, inbound_message_id=row.id, **named,
    )  # fmt: skip
    _add_recipients(ticket, mail, account, ours, now=now)
    reason = [f"A new ticket, {ticket.ref}."]
    if thread.refused_ref:
        reason.append(
            f"It names ticket [#{thread.refused_ref}], but {mail.sender} is not that ticket's "
            "requester, a CC or an agent: so it is a ticket of its own."
        )
    reason.append(acknowledge(row, ticket, mail, account=account, kind=kind, ours=ours, now=now))
    return Outcome(store.FILED, " ".join(reason), ticket.id, message.id)


def _keep_original(row: InboundMessage, shown: contents.Content) -> None:
    row.full_text, row.full_html = shown.full_text, shown.full_html


def _add_recipients(ticket, mail: ParsedMail, account: EmailAccount | None, ours, *, now) -> None:
    """The people the mail also went to become CCs (never us, the sender or agents)."""
    if account is None or not account.add_cc_recipients:
        return
    others = [a for a in [*mail.to, *mail.cc] if a not in ours and a != mail.sender]
    if not others:
        return
    agents = set(db.session.scalars(select(Agent.email).where(Agent.email.in_(others))))
    wanted = [address for address in others if address not in agents]
    users = [user_for_address(address, name=address, now=now) for address in wanted[:50]]
    by_email.add_ccs_by_email(ticket, users, now=now)
