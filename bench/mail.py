"""Mail in: how many messages a second are stored (`store_raw`) and filed (the parse job).

Builds N varied messages (default 5,000): new tickets in plain text, HTML ones with quoted
history and a remote image, ones with attachments and an inline image, replies that thread
onto earlier mail by In-Reply-To, answers by `[#REF]` only, and auto-replies. Stores them
all as the SMTP listener and the IMAP fetcher do (`store_raw`: raw file fsynced, row, job
in the outbox, commit), then files each one as the job `inbound.parse_message` does
(`file_stored`, in this process: the queue's own hand-over is bench/outbox.py's subject).
Prints messages per second for each half and for the whole, and the baseline: the same
number of bare one-row transactions (an organization), the least a message could cost.

The database is a fresh SQLite file, or --database-url (PostgreSQL: its tables are dropped
and made again). Exits 0 whatever the figures: benches report, tests assert.

    .venv/bin/python bench/mail.py [--messages 5000] [--database-url URL] [--threads 4]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ACCOUNT = "help@bench.example"
PDF = b"%PDF-1.4\n" + bytes(random.Random(7).randbytes(20_000))
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2_000)


def emit(text: str = "") -> None:
    print(text, flush=True)


def build(count: int) -> list[bytes]:
    """`count` messages in a fixed mix; replies point at earlier new tickets."""
    rng = random.Random(15)
    messages: list[bytes] = []
    opened: list[tuple[str, str]] = []  # (Message-ID, sender) of new tickets
    for number in range(count):
        sender = f"user{rng.randrange(800)}@customer{rng.randrange(40)}.example"
        message = EmailMessage()
        message["To"] = ACCOUNT
        message["Message-ID"] = f"<bench-{number}@customers.example>"
        message["Date"] = "Thu, 03 Dec 2026 09:30:00 +0000"
        roll = rng.random()
        if opened and roll < 0.25:  # a reply that threads by In-Reply-To
            parent, sender = rng.choice(opened)
            message["Subject"] = "Re: our order"
            message["In-Reply-To"] = message["References"] = parent
            message.set_content(
                f"Thanks, that helped with number {number}.\n\nOn Monday you wrote:\n> hello\n"
            )
        elif opened and roll < 0.32:  # an auto-reply to earlier mail
            parent, sender = rng.choice(opened)
            message["Subject"] = "Out of office"
            message["Auto-Submitted"] = "auto-replied"
            message["In-Reply-To"] = parent
            message.set_content("I am away until Monday.")
        elif roll < 0.55:  # HTML with a quote and a remote image
            message["Subject"] = f"Invoice question {number}"
            message.set_content(f"Where is invoice {number}?")
            message.add_alternative(
                f"<p>Where is <b>invoice {number}</b>?</p><img src='https://t.example/p.gif'>"
                "<div class='gmail_quote'><blockquote>old text</blockquote></div>",
                subtype="html",
            )
        elif roll < 0.67:  # attachments and an inline image
            message["Subject"] = f"Scan {number}"
            message.set_content("See the scan.")
            message.add_alternative("<p>See <img src='cid:logo@x'></p>", subtype="html")
            message.get_body(("html",)).add_related(PNG, "image", "png", cid="<logo@x>")
            message.add_attachment(
                PDF + str(number).encode(), maintype="application", subtype="pdf",
                filename=f"scan-{number}.pdf",
            )  # fmt: skip
        else:  # plain text, a new ticket
            message["Subject"] = f"Printer {number} does not print"
            message.set_content(f"Printer {number} shows error E{number % 97}.\n\n-- \nA user\n")
        message["From"] = sender
        if message["Subject"].startswith(("Printer", "Invoice", "Scan")):
            opened.append((message["Message-ID"], sender))
        messages.append(message.as_bytes())
    return messages


def each(app, function, items: list, threads: int) -> list:
    """`function` over the items, in order, from `threads` threads (each call its own app
    context, as the listener's and the worker's are); in this app context with one."""
    if threads == 1:
        return [function(item) for item in items]

    def in_app(item):
        with app.app_context():
            return function(item)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(in_app, items))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database-url", default=os.environ.get("HELPDESK_DATABASE_URL"))
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="store and file from this many threads at once, each with an app context of "
        "its own (smtpd stores from 4, a worker files with 2)",
    )
    args = parser.parse_args()

    from sqlalchemy import func, select, text

    from ticketapi import create_app
    from ticketapi.cli import upgrade_database
    from ticketapi.extensions import db
    from ticketapi.inbound.filing import file_stored
    from ticketapi.inbound.models import EmailAccount, InboundMessage
    from ticketapi.inbound.store import store_raw
    from ticketapi.people.models import Organization
    from ticketapi.timeutil import utcnow

    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    url = args.database_url or f"sqlite:///{folder / 'helpdesk.db'}"
    app = create_app(
        {"INSTANCE_DIR": str(folder), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    )
    messages = build(args.messages)
    size = sum(map(len, messages)) / len(messages)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade_database()
        db.session.add(EmailAccount(address=ACCOUNT, name="Bench Help", created_at=utcnow()))
        db.session.commit()
        account = db.session.scalar(select(EmailAccount))
        emit(
            f"{len(messages):,} messages (average {size / 1024:.1f} KB) on {db.engine.name}, "
            f"{args.threads} thread(s)"
        )
        emit(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        started = time.perf_counter()
        for number in range(len(messages)):
            db.session.add(Organization(name=f"Bench {number}"))
            db.session.commit()
        baseline = time.perf_counter() - started

        account_id = account.id
        db.session.commit()

        def store(raw: bytes) -> int:
            account = db.session.get(EmailAccount, account_id)
            return store_raw(account, raw, now=utcnow(), source="smtp").id

        def file(inbound_id: int) -> None:
            file_stored(inbound_id, now=utcnow())

        started, cpu = time.perf_counter(), time.process_time()
        ids = each(app, store, messages, args.threads)
        storing, storing_cpu = time.perf_counter() - started, time.process_time() - cpu

        started, cpu = time.perf_counter(), time.process_time()
        each(app, file, ids, args.threads)
        filing, filing_cpu = time.perf_counter() - started, time.process_time() - cpu

        states = dict(
            db.session.execute(
                select(InboundMessage.state, func.count()).group_by(InboundMessage.state)
            ).all()
        )
        db.session.commit()
    count = len(messages)
    emit(f"states: {', '.join(f'{n} {state}' for state, n in sorted(states.items()))}")
    # A second figure per CPU second of this process: on a shared machine the wall clock
    # also counts the time other processes had the cores (and the disk's fsyncs).
    emit(f"{'':33}{'wall':>8}  {'per CPU s':>9}")
    emit(f"baseline, a one-row transaction: {count / baseline:8,.0f} /s")
    emit(
        f"store_raw (file, row, job):      {count / storing:8,.0f} /s {count / storing_cpu:8,.0f} /s"
    )
    emit(
        f"filing (the parse job):          {count / filing:8,.0f} /s {count / filing_cpu:8,.0f} /s"
    )
    total, total_cpu = storing + filing, storing_cpu + filing_cpu
    emit(
        f"stored and filed:                {count / total:8,.0f} /s {count / total_cpu:8,.0f} /s"
        f"  ({total / baseline:.1f}x the baseline's time)"
    )
    emit(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
