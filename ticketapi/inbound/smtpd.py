"""`helpdesk smtpd`: mail for the ticket email accounts over SMTP, stored before it says 250.

A mail server (Postfix, a relay, a forwarding rule) delivers here. Recipients are checked
at RCPT against the accounts (others get 550 before any data is sent); a message over the
size limit gets 552 (announced with SIZE, so a sender knows before it sends); a message is
answered 250 only once `store_raw` has returned, so it is durable. Anything that goes wrong
while checking or storing (a database that cannot be reached, a full disk) is a 451: the
sender keeps the message and tries again later, which is what a temporary failure means.

The database work runs in a few threads, each in an app context of its own, so one slow
commit holds up no other connection. SIGTERM (or Ctrl+C) stops listening, lets the messages
being stored finish, and closes the remaining connections with 421; their senders retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from aiosmtpd.smtp import SMTP
from flask import Flask

from ticketapi.extensions import db
from ticketapi.inbound.accounts import account_by_address
from ticketapi.inbound.store import failure_text, store_raw
from ticketapi.timeutil import utcnow

log = logging.getLogger(__name__)

ACCEPTED_RECIPIENT = "250 2.1.5 OK"
UNKNOWN_RECIPIENT = "550 5.1.1 <{address}>: no ticket email account here has this address"
TEMPORARY_FAILURE = "451 4.3.0 The help desk cannot take mail just now: try again later"
STORED = "250 2.0.0 Stored as inbound message {ids}"
SHUTTING_DOWN = b"421 4.3.2 The help desk is shutting down: try again later\r\n"
# How long a shutdown waits for the messages being stored.
GRACE_SECONDS = 30
STORING_THREADS = 4
# RFC 5321 lines stop at 1,000 bytes; some senders write longer ones (HTML on one line),
# and refusing them would bounce their mail. The size limit still bounds the whole message.
LINE_LIMIT = 1024 * 1024


class Receiver:
    """aiosmtpd's handler: recipients checked against the accounts, messages stored."""

    def __init__(self, app: Flask, executor: ThreadPoolExecutor) -> None:
        self.app = app
        self.executor = executor
        self.storing = 0

    async def in_app(self, function: Callable[..., Any], *args) -> Any:
        """Run `function` in a thread of the pool, inside an app context of its own."""
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, partial(self._with_app, function, *args)
        )

    def _with_app(self, function: Callable[..., Any], *args) -> Any:
        with self.app.app_context():
            try:
                return function(*args)
            finally:
                db.session.rollback()  # nothing half-done is left for the pool's next user

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options):
        try:
            known = await self.in_app(_is_account, address)
        except Exception as exc:
            log.error("451 at RCPT <%s> from %s: %s", address, _peer(session), failure_text(exc))
            return TEMPORARY_FAILURE
        if not known:
            log.info(
                "550 at RCPT <%s> from %s: not a ticket email account", address, _peer(session)
            )
            return UNKNOWN_RECIPIENT.format(address=address)
        envelope.rcpt_tos.append(address)
        return ACCEPTED_RECIPIENT

    async def handle_DATA(self, server, session, envelope):
        raw = with_return_path(envelope.mail_from, envelope.original_content)
        self.storing += 1
        try:
            ids = await self.in_app(store_for_recipients, list(envelope.rcpt_tos), raw)
        except Exception as exc:
            log.error(
                "451 after DATA from %s (<%s>, %d bytes): %s",
                _peer(session),
                envelope.mail_from,
                len(raw),
                failure_text(exc),
            )
            return TEMPORARY_FAILURE
        finally:
            self.storing -= 1
        joined = ", ".join(str(id) for id in ids)
        log.info(
            "Stored mail from <%s> to %s (%d bytes) as inbound message %s",
            envelope.mail_from,
            ", ".join(envelope.rcpt_tos),
            len(raw),
            joined,
        )
        return STORED.format(ids=joined)


def _is_account(address: str) -> bool:
    return account_by_address(address) is not None


def store_for_recipients(recipients: list[str], raw: bytes) -> list[int]:
    """Store the message once for each account among the recipients (in their order).

    The first copy is filed; the others are kept as its duplicates (the same Message-ID,
    or the same bytes), so a mail to two of our addresses is one ticket, and each account's
    list shows that it arrived. An account deleted since RCPT takes nothing away: with none
    left the message is stored once, for no account.
    """
    accounts = []
    for address in recipients:
        account = account_by_address(address)
        if account is not None and account not in accounts:
            accounts.append(account)
    now = utcnow()
    return [store_raw(account, raw, now=now, source="smtp").id for account in accounts or [None]]


def with_return_path(mail_from: str | None, raw: bytes) -> bytes:
    """The message as delivered: the envelope sender on top (RFC 5321 §4.4, final delivery).

    It is how a bounce says it is one (`Return-Path: <>`, inbound/loops.py).
    """
    return b"Return-Path: <" + (mail_from or "").encode("utf-8", "replace") + b">\r\n" + raw


def _peer(session) -> str:
    peer = session.peer
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)


class Connection(SMTP):
    """One client: remembered while it is connected, so a shutdown can close it."""

    line_length_limit = LINE_LIMIT

    def __init__(self, handler: Receiver, open_connections: set, **options) -> None:
        super().__init__(handler, **options)
        self.open_connections = open_connections

    def connection_made(self, transport) -> None:
        self.open_connections.add(self)
        super().connection_made(transport)

    def connection_lost(self, error) -> None:
        self.open_connections.discard(self)
        super().connection_lost(error)


async def serve(
    app: Flask,
    *,
    host: str,
    port: int,
    started: Callable[[int], None] = lambda _port: None,
    stop: asyncio.Event | None = None,
) -> None:
    """Listen until SIGTERM or SIGINT (or `stop` is set); `started` gets the port bound."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    executor = ThreadPoolExecutor(STORING_THREADS, thread_name_prefix="smtpd-store")
    receiver = Receiver(app, executor)
    open_connections: set[Connection] = set()
    options = {
        "data_size_limit": app.config["MAX_MAIL_BYTES"],
        "hostname": host if host not in ("0.0.0.0", "::", "") else None,
        "ident": "helpdesk smtpd",
    }
    server = await loop.create_server(
        lambda: Connection(receiver, open_connections, **options), host=host, port=port
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Not in the main thread (tests run it in one of their own): `stop` only.
        with contextlib.suppress(RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    started(server.sockets[0].getsockname()[1])
    try:
        await stop.wait()
    finally:
        log.info("Stopping: no new connections; waiting for messages being stored")
        server.close()
        await _wait_for_stores(receiver)
        for connection in list(open_connections):
            if connection.transport is not None:
                connection.transport.write(SHUTTING_DOWN)
                connection.transport.close()
        await server.wait_closed()
        executor.shutdown(wait=True)
        log.info("Stopped")


async def _wait_for_stores(receiver: Receiver) -> None:
    deadline = asyncio.get_running_loop().time() + GRACE_SECONDS
    while receiver.storing and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
