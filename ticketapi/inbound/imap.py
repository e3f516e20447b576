"""`helpdesk fetch-mail` and its periodic job: new mail from the accounts' IMAP mailboxes.

For each account with IMAP settings: sign in, select the folder, and take every message
newer than the last UID stored (the first time, and whenever the folder's UIDVALIDITY
changes, when the old UIDs mean nothing: every unseen message). Each is read without
marking it (`BODY.PEEK[]`), stored (`store_raw`, which commits, with the account's last UID
in the same transaction), and only then flagged \\Seen. A crash in between leaves the
message stored and remembered but unseen on the server: never lost, never taken twice.

A message over HELPDESK_MAX_MAIL_MB is left on the server unseen, and said so. One account
failing (a wrong password, a server down) is reported and the others are still polled. Two
polls of one account at once (two workers) cannot happen: a lock per account (PostgreSQL's
advisory lock, else a file lock) makes the second skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from huey import crontab
from imapclient import SEEN, IMAPClient
from sqlalchemy import select, text

from ticketapi.core.file_locks import held_or_skipped
from ticketapi.core.transactions import commit
from ticketapi.extensions import db
from ticketapi.inbound.accounts import imap_password
from ticketapi.inbound.models import EmailAccount
from ticketapi.inbound.store import FOLDER, failure_text, instance_dir, store_raw
from ticketapi.jobs.queue import job
from ticketapi.timeutil import utcnow

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
# PostgreSQL's advisory locks of the IMAP polls: (these letters, "hdim", the account id).
LOCK_SPACE = 0x6864696D


class FetchError(Exception):
    """A problem with an account's settings, said in words an admin can act on."""


@dataclass
class Polled:
    """What one account's poll did."""

    address: str
    stored: int = 0
    too_large: list[int] = field(default_factory=list)  # UIDs left on the server
    error: str | None = None
    busy: bool = False

    def line(self) -> str:
        if self.error:
            return f"{self.address}: failed: {self.error}"
        if self.busy:
            return f"{self.address}: skipped: another poll of it is running"
        line = f"{self.address}: {self.stored} new"
        if self.too_large:
            uids = ", ".join(str(uid) for uid in self.too_large)
            line += f"; left on the server, over the size limit: UID {uids}"
        return line


@dataclass
class FetchSummary:
    accounts: list[Polled] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(polled.stored for polled in self.accounts)

    @property
    def failed(self) -> list[Polled]:
        return [polled for polled in self.accounts if polled.error]

    def line(self) -> str:
        line = f"Stored {self.stored} new message(s) from {len(self.accounts)} IMAP account(s)"
        if self.failed:
            line += f"; {len(self.failed)} failed"
        return line


def fetch_all() -> FetchSummary:
    """Poll every account that has IMAP settings, one after the other."""
    ids = list(
        db.session.scalars(
            select(EmailAccount.id)
            .where(EmailAccount.imap_host.is_not(None))
            .order_by(EmailAccount.address)
        )
    )
    commit()  # the finding query's read transaction ends here
    polled = [fetch_account(account_id) for account_id in ids]
    return FetchSummary([one for one in polled if one is not None])


def fetch_account(account_id: int) -> Polled | None:
    """Store what is new in one account's mailbox; whatever fails is said, not raised."""
    account = db.session.get(EmailAccount, account_id)
    if account is None or not account.has_imap:
        return None  # deleted, or its IMAP settings removed, since the list was read
    polled = Polled(account.address)
    try:
        with one_poll_at_a_time(account.id) as ours:
            if not ours:
                polled.busy = True
                return polled
            with signed_in(account) as client:
                _store_new(client, account, polled)
    except Exception as exc:  # one account failing does not stop the others
        db.session.rollback()
        polled.error = _reason(exc)
        log.warning("IMAP %s: %s", account.address, polled.error)
    return polled


def _store_new(client: IMAPClient, account: EmailAccount, polled: Polled) -> None:
    validity = client.select_folder(account.imap_folder)[b"UIDVALIDITY"]
    if account.imap_uid_validity != validity:
        if account.imap_uid_validity is not None:
            log.warning(
                "IMAP %s: the folder's UIDVALIDITY changed (%s to %s): taking its unseen "
                "messages again",
                account.address,
                account.imap_uid_validity,
                validity,
            )
        account.imap_uid_validity, account.imap_last_uid = validity, None
        commit()
    last = account.imap_last_uid
    if last is None:
        uids = client.search(["UNSEEN"])
    else:  # `N:*` names the last message even when its UID is below N: filtered out
        uids = [uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last]
    if not uids:
        return
    limit = current_app.config["MAX_MAIL_BYTES"]
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    for uid in sorted(uids):
        account.imap_last_uid = uid  # committed with the stored message
        if sizes.get(uid, {}).get(b"RFC822.SIZE", 0) > limit:
            polled.too_large.append(uid)
            commit()
            continue
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        store_raw(account, raw, now=utcnow(), source="imap")
        client.add_flags([uid], [SEEN], silent=True)
        polled.stored += 1


@contextmanager
def signed_in(account: EmailAccount) -> Iterator[IMAPClient]:
    password = imap_password(account)
    if password is None:
        raise FetchError(
            "its stored IMAP password cannot be read (HELPDESK_SECRET_KEY changed?): set it "
            "again on the account"
        )
    client = IMAPClient(
        account.imap_host, port=account.imap_port, ssl=account.imap_tls, timeout=TIMEOUT_SECONDS
    )
    try:
        client.login(account.imap_username, password)
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # a connection already gone has nothing to log out of
            client.shutdown()


@contextmanager
def one_poll_at_a_time(account_id: int) -> Iterator[bool]:
    """Whether this process polls the account now (False: another one is polling it)."""
    if db.engine.dialect.name == "postgresql":
        # A session lock on a connection of its own: store_raw commits on the session's.
        with db.engine.connect() as connection:
            key = {"space": LOCK_SPACE, "id": account_id}
            ours = connection.scalar(text("SELECT pg_try_advisory_lock(:space, :id)"), key)
            try:
                yield bool(ours)
            finally:
                if ours:
                    connection.execute(text("SELECT pg_advisory_unlock(:space, :id)"), key)
                connection.commit()
        return
    folder = instance_dir() / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with held_or_skipped(folder / f"imap-{account_id}.lock") as ours:
        yield ours


def _reason(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, FetchError) else failure_text(exc)


@job("inbound.fetch_mail", retries=0, periodic=crontab(minute="*"))
def fetch_mail(now: str | None = None) -> int:
    """The periodic poll: every HELPDESK_FETCH_MAIL_MINUTES minutes (0: never)."""
    minutes = current_app.config["FETCH_MAIL_MINUTES"]
    moment = datetime.fromisoformat(now) if now else utcnow()
    if not minutes or (moment.hour * 60 + moment.minute) % minutes:
        return 0
    summary = fetch_all()
    if summary.accounts:
        log.info("%s (%s)", summary.line(), "; ".join(p.line() for p in summary.accounts))
    return summary.stored
