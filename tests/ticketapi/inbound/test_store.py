"""Every message is stored raw before it is parsed, parsed once, and never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.jobs import drain, outbox_rows
from tests.ticketapi.inbound.mails import mail
from ticketapi.extensions import db
from ticketapi.inbound import filing
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.store import read_raw, store_raw
from ticketapi.tickets import by_email
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow


def tickets() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Ticket))


def test_the_raw_message_is_stored_as_a_file_and_a_row_before_any_parsing(inbox, app):
    data = mail()
    row = store_raw(inbox.account, data, now=utcnow(), source="smtp")
    assert row.state == "received"
    assert read_raw(row) == data
    path = Path(app.config["INSTANCE_DIR"]) / row.raw_path
    assert path.read_bytes() == data and row.raw_size == len(data)
    assert (row.message_id, row.from_address, row.subject) == (
        "<m1@acme.example>", "ann@acme.example", "Backups paused",
    )  # fmt: skip
    assert tickets() == 0
    assert outbox_rows() == 1  # the parse job, committed with the row


def test_the_parse_job_run_twice_files_once(inbox):
    row = store_raw(inbox.account, mail(), now=utcnow(), source="smtp")
    assert filing.file_stored(row.id, now=utcnow()) == "filed"
    assert filing.file_stored(row.id, now=utcnow()) == "filed"
    filing.parse_message(row.id)
    assert tickets() == 1
    db.session.refresh(row)
    assert row.attempts == 1


def test_a_crash_between_storing_and_parsing_is_parsed_once_after_the_restart(
    inbox, app, database_url, queue
):
    """A process stores the message, then dies (SIGKILL) before any worker runs: the row
    and the job are committed, and the next worker files it once."""
    script = (
        "import os, signal, sys\n"
        "from ticketapi import create_app\n"
        "from ticketapi.extensions import db\n"
        "from ticketapi.inbound.models import EmailAccount\n"
        "from ticketapi.inbound.store import store_raw\n"
        "from ticketapi.timeutil import utcnow\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1], 'INSTANCE_DIR': sys.argv[2],"
        " 'SECRET_KEY': 'test-secret-key'})\n"
        "with app.app_context():\n"
        "    account = db.session.get(EmailAccount, int(sys.argv[3]))\n"
        "    row = store_raw(account, sys.stdin.buffer.read(), now=utcnow(), source='smtp')\n"
        "    print(row.id, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    db.session.commit()
    crashed = subprocess.run(
        [sys.executable, "-c", script, database_url, app.config["INSTANCE_DIR"],
         str(inbox.account.id)],
        input=mail(), capture_output=True, timeout=120,
    )  # fmt: skip
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()
    inbound_id = int(crashed.stdout.split()[0])
    assert db.session.get(InboundMessage, inbound_id).state == "received"
    drain(queue)  # the restarted worker
    drain(queue)
    filing.file_stored(inbound_id, now=utcnow())  # and a stray second copy of the job
    db.session.expire_all()
    assert db.session.get(InboundMessage, inbound_id).state == "filed"
    assert tickets() == 1


def test_a_second_copy_of_a_message_is_kept_as_a_duplicate_of_the_first(inbox, desk):
    first = inbox.receive(mail())
    other = EmailAccount(address="sales@tidewater.example", name="Sales")
    db.session.add(other)
    db.session.commit()
    second = inbox.receive(mail(to="sales@tidewater.example"), account=other)
    assert (second.state, second.duplicate_of_id, second.ticket_id) == (
        "duplicate", first.id, first.ticket_id,
    )  # fmt: skip
    assert read_raw(second)  # kept all the same
    assert tickets() == 1


def test_without_a_message_id_the_same_bytes_are_a_duplicate_and_other_bytes_are_not(inbox):
    data = mail(message_id=None)
    first, again = inbox.receive(data), inbox.receive(data)
    other = inbox.receive(mail(message_id=None, text="Something else"))
    assert (first.state, again.state, other.state) == ("filed", "duplicate", "filed")
    assert "content" in again.reason


def test_a_failure_while_filing_is_quarantined_whole_and_can_be_retried(
    inbox, world, desk, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(by_email, "open_by_email", broken)
    row = inbox.receive(mail(headers={"Cc": "bo@acme.example"}))
    assert row.state == "quarantined"
    assert "RuntimeError: the disk is on fire" in row.reason
    assert tickets() == 0
    monkeypatch.undo()
    response = world.post(f"/api/v1/inbound-messages/{row.id}/retry", desk.admin)
    assert response.status_code == 200, response.json
    assert response.json["state"] == "received"
    inbox.sent.extend(inbox.mailbox.deliver())
    db.session.expire_all()
    row = db.session.get(InboundMessage, row.id)
    assert row.state == "filed" and tickets() == 1


def test_a_missing_raw_file_is_quarantined_not_lost(inbox, app):
    row = store_raw(inbox.account, mail(), now=utcnow(), source="smtp")
    path = Path(app.config["INSTANCE_DIR"]) / row.raw_path
    os.rename(path, path.with_suffix(".moved"))
    assert filing.file_stored(row.id, now=utcnow()) == "quarantined"
    db.session.refresh(row)
    assert "raw file" in row.reason
    os.rename(path.with_suffix(".moved"), path)
