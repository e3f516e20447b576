"""`helpdesk fetch-mail` against a real IMAP server on loopback (dovecot, tests/support)."""

from __future__ import annotations

from imapclient import IMAPClient

from tests.ticketapi.inbound.mails import ACCOUNT, mail
from ticketapi.extensions import db
from ticketapi.inbound.imap import fetch_all, fetch_mail
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.jobs.queue import JOB_MODULES, JOBS

SEEN = b"\\Seen"


def connect(world, desk, inbox, settings: dict) -> None:
    response = world.patch(
        f"/api/v1/email-accounts/{inbox.account.id}", desk.admin, json={"imap": settings}
    )
    assert response.status_code == 200, response.json
    db.session.expire_all()


def stored() -> list[InboundMessage]:
    query = db.select(InboundMessage).order_by(InboundMessage.id)
    rows = list(db.session.scalars(query.execution_options(populate_existing=True)))
    db.session.commit()
    return rows


def test_new_mail_is_stored_marked_seen_and_taken_once(world, desk, inbox, dovecot):
    connect(world, desk, inbox, dovecot.settings())
    dovecot.append(
        mail(subject="Printer on fire", message_id="<p1@acme.example>"),
        mail(subject="VPN down", message_id="<p2@acme.example>"),
    )
    summary = fetch_all()
    assert summary.line() == "Stored 2 new message(s) from 1 IMAP account(s)"
    assert [(r.subject, r.source, r.account_id) for r in stored()] == [
        ("Printer on fire", "imap", inbox.account.id),
        ("VPN down", "imap", inbox.account.id),
    ]
    assert all(SEEN in flags for flags in dovecot.flags().values())
    inbox.mailbox.deliver()  # the parse jobs file them
    assert [row.state for row in stored()] == ["filed", "filed"]

    assert fetch_all().stored == 0  # nothing new: nothing taken again
    dovecot.append(mail(subject="Re: VPN down", message_id="<p3@acme.example>"))
    again = fetch_all()
    assert again.accounts[0].line() == f"{ACCOUNT}: 1 new"
    assert [row.subject for row in stored()][-1] == "Re: VPN down"
    assert len(stored()) == 3


def test_the_first_poll_takes_the_unseen_mail_and_a_new_uidvalidity_starts_over(
    world, desk, inbox, dovecot
):
    with dovecot.client() as client:
        client.create_folder("Support")
        client.append(
            "Support", mail(subject="Read already", message_id="<r1@acme.example>"), [SEEN]
        )
        client.append("Support", mail(subject="Unread", message_id="<u1@acme.example>"))
    connect(world, desk, inbox, dovecot.settings(folder="Support"))
    assert fetch_all().stored == 1
    assert [row.subject for row in stored()] == ["Unread"]
    # The folder is made again (a restore, a migration): its UIDs start over, and mean
    # nothing remembered; the unseen mail is taken, one copy of a stored one a duplicate.
    with dovecot.client() as client:
        client.delete_folder("Support")
        client.create_folder("Support")
        client.append("Support", mail(subject="Unread", message_id="<u1@acme.example>"))
        client.append("Support", mail(subject="Brand new", message_id="<n1@acme.example>"))
    before = db.session.get(EmailAccount, inbox.account.id).imap_uid_validity
    assert fetch_all().stored == 2
    rows = stored()
    assert [(row.subject, row.state) for row in rows[1:]] == [
        ("Unread", "duplicate"),
        ("Brand new", "received"),
    ]
    assert db.session.get(EmailAccount, inbox.account.id).imap_uid_validity != before


def test_one_failing_account_does_not_stop_the_others(world, desk, inbox, dovecot):
    connect(world, desk, inbox, dovecot.settings())
    wrong = world.post(
        "/api/v1/email-accounts",
        desk.admin,
        json={
            "address": "sales@tidewater.example",
            "name": "Sales",
            "imap": dovecot.settings(password="not the password"),
        },
    )
    assert wrong.status_code == 201, wrong.json
    dovecot.append(mail())
    summary = fetch_all()
    lines = [polled.line() for polled in summary.accounts]
    assert lines[0] == f"{ACCOUNT}: 1 new"
    assert lines[1].startswith("sales@tidewater.example: failed: LoginError")
    assert summary.line() == "Stored 1 new message(s) from 2 IMAP account(s); 1 failed"


def test_mail_over_the_size_limit_is_left_unseen_on_the_server_and_said(
    app, world, desk, inbox, dovecot, monkeypatch
):
    connect(world, desk, inbox, dovecot.settings())
    monkeypatch.setitem(app.config, "MAX_MAIL_BYTES", 50_000)
    dovecot.append(
        mail(message_id="<big@acme.example>", files=[("a.pdf", "application/pdf", b"%" * 60_000)]),
        mail(message_id="<small@acme.example>"),
    )
    polled = fetch_all().accounts[0]
    assert polled.line() == f"{ACCOUNT}: 1 new; left on the server, over the size limit: UID 1"
    assert [row.message_id for row in stored()] == ["<small@acme.example>"]
    assert SEEN not in dovecot.flags()[1]
    assert fetch_all().stored == 0  # and not tried again at every poll


def test_the_periodic_job_polls_every_so_many_minutes(
    app, world, desk, inbox, dovecot, monkeypatch
):
    # Every worker loads it (it is read from the package) and queues it each minute.
    assert "ticketapi.inbound.imap" in JOB_MODULES
    assert JOBS["inbound.fetch_mail"].periodic is not None
    connect(world, desk, inbox, dovecot.settings())
    dovecot.append(mail())
    monkeypatch.setitem(app.config, "FETCH_MAIL_MINUTES", 5)
    assert fetch_mail(now="2026-12-03T09:31:00") == 0  # not a fifth minute
    assert stored() == []
    assert fetch_mail(now="2026-12-03T09:35:00") == 1
    monkeypatch.setitem(app.config, "FETCH_MAIL_MINUTES", 0)  # off: cron runs fetch-mail
    dovecot.append(mail(message_id="<later@acme.example>"))
    assert fetch_mail(now="2026-12-03T09:40:00") == 0
    with IMAPClient("127.0.0.1", port=dovecot.port, ssl=False) as client:
        client.login(dovecot.username, dovecot.password)
        client.select_folder("INBOX", readonly=True)
        assert len(client.search(["UNSEEN"])) == 1
