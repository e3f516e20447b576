"""/api/v1/email-accounts and /api/v1/inbound-messages: admins only; no password returned."""

from __future__ import annotations

from tests.ticketapi.inbound.mails import mail
from ticketapi.extensions import db
from ticketapi.inbound.accounts import imap_password
from ticketapi.inbound.models import EmailAccount

IMAP = {"host": "imap.tidewater.example", "username": "help", "password": "s3cret-imap!"}


def test_an_admin_adds_an_account_whose_password_is_stored_encrypted_and_never_returned(
    world, desk
):
    body = {"address": "Sales@Tidewater.example", "name": "Sales", "team_id": desk.support.id,
            "imap": IMAP}  # fmt: skip
    response = world.post("/api/v1/email-accounts", desk.admin, json=body)
    assert response.status_code == 201, response.json
    account = response.json
    assert account["address"] == "sales@tidewater.example"
    assert (account["auto_acknowledge"], account["add_cc_recipients"]) == (True, True)
    assert account["imap"] == {
        "host": "imap.tidewater.example", "port": 993, "username": "help", "folder": "INBOX",
        "tls": True, "has_password": True, "last_uid": None,
    }  # fmt: skip
    assert "s3cret-imap!" not in response.get_data(as_text=True)
    row = db.session.get(EmailAccount, account["id"])
    assert "s3cret-imap!" not in row.imap_password_encrypted
    assert imap_password(row) == "s3cret-imap!"
    listed = world.get("/api/v1/email-accounts", desk.admin)
    assert "s3cret" not in listed.get_data(as_text=True)
    assert [a["address"] for a in listed.json["items"]] == ["sales@tidewater.example"]


def test_changing_imap_without_a_password_keeps_it_and_null_removes_imap(world, desk):
    created = world.post(
        "/api/v1/email-accounts", desk.admin, json={"address": "a@t.example", "name": "A",
                                                   "imap": IMAP},
    ).json  # fmt: skip
    path = f"/api/v1/email-accounts/{created['id']}"
    changed = world.patch(path, desk.admin, json={"imap": {**IMAP, "password": None} | {}})
    assert changed.status_code == 422  # a null password is no password
    kept = {k: v for k, v in IMAP.items() if k != "password"} | {"port": 1993, "tls": False}
    changed = world.patch(path, desk.admin, json={"imap": kept, "auto_acknowledge": False})
    assert changed.status_code == 200, changed.json
    assert changed.json["imap"]["port"] == 1993 and changed.json["auto_acknowledge"] is False
    assert imap_password(db.session.get(EmailAccount, created["id"])) == "s3cret-imap!"
    removed = world.patch(path, desk.admin, json={"imap": None})
    assert removed.json["imap"] is None


def test_bad_account_input_is_refused_with_the_field(world, desk):
    world.post("/api/v1/email-accounts", desk.admin, json={"address": "x@t.example", "name": "X"})
    cases = [
        ({"address": "not an address", "name": "X"}, 422, "address"),
        ({"address": "x@t.example", "name": "Again"}, 409, "address"),
        ({"address": "y@t.example", "name": "Y", "team_id": 999}, 404, None),
        ({"address": "z@t.example", "name": "Z", "imap": {"host": "h", "username": "u"}}, 422,
         "imap.password"),
        ({"address": "w@t.example", "name": "W\nX"}, 422, "name"),
    ]  # fmt: skip
    for body, status, field in cases:
        response = world.post("/api/v1/email-accounts", desk.admin, json=body)
        assert response.status_code == status, (body, response.json)
        if field:
            assert field in str(response.json["error"].get("fields", {})), response.json


def test_only_admins_manage_accounts_and_see_inbound_mail(world, desk, inbox):
    row = inbox.receive(mail())
    for path in (
        "/api/v1/email-accounts",
        f"/api/v1/email-accounts/{inbox.account.id}",
        "/api/v1/inbound-messages",
        f"/api/v1/inbound-messages/{row.id}",
        f"/api/v1/inbound-messages/{row.id}/raw",
    ):
        assert world.get(path, desk.sam).status_code == 403, path
        assert world.get(path, desk.ann).status_code == 403, path
        assert world.get(path).status_code == 401, path
        assert world.get(path, desk.admin).status_code == 200, path
    assert world.post(f"/api/v1/inbound-messages/{row.id}/retry", desk.sam).status_code == 403
    assert world.delete(f"/api/v1/email-accounts/{inbox.account.id}", desk.sam).status_code == 403


def test_inbound_messages_are_listed_by_state_and_account_with_their_raw(world, desk, inbox):
    filed = inbox.receive(mail())
    quarantined = inbox.receive(b"Subject: no sender\r\n\r\nhello")
    listed = world.get("/api/v1/inbound-messages?state=quarantined", desk.admin).json
    assert [item["id"] for item in listed["items"]] == [quarantined.id]
    item = listed["items"][0]
    assert item["reason"].startswith("No sender to file it for")
    both = world.get(
        f"/api/v1/inbound-messages?state=filed,quarantined&account={inbox.account.id}", desk.admin
    ).json
    assert {i["id"] for i in both["items"]} == {filed.id, quarantined.id}
    one = world.get(f"/api/v1/inbound-messages/{filed.id}", desk.admin).json
    assert (one["from"], one["subject"], one["state"], one["ticket_id"]) == (
        "ann@acme.example", "Backups paused", "filed", filed.ticket_id,
    )  # fmt: skip
    raw = world.get(one["raw_url"], desk.admin)
    assert raw.mimetype == "message/rfc822"
    assert raw.data == mail()
    assert world.get("/api/v1/inbound-messages?state=lost", desk.admin).status_code == 422


def test_only_a_quarantined_message_is_retried(world, desk, inbox):
    filed = inbox.receive(mail())
    response = world.post(f"/api/v1/inbound-messages/{filed.id}/retry", desk.admin)
    assert response.status_code == 409


def test_deleting_an_account_keeps_its_messages(world, desk, inbox):
    row = inbox.receive(mail())
    assert world.delete(f"/api/v1/email-accounts/{inbox.account.id}", desk.admin).status_code == 204
    kept = world.get(f"/api/v1/inbound-messages/{row.id}", desk.admin).json
    assert (kept["account"], kept["state"]) == (None, "filed")


def test_agents_who_see_the_ticket_read_the_untrimmed_original(world, desk, inbox):
    row = inbox.receive(mail(text="Fixed?\n\nOn Mon, Sam wrote:\n> try again"))
    path = f"/api/v1/inbound-messages/{row.id}/original"
    original = world.get(path, desk.sam)
    assert original.status_code == 200, original.json
    assert original.json["text"] == "Fixed?\n\nOn Mon, Sam wrote:\n> try again"
    assert world.get(path, desk.ann).status_code == 404  # requesters see the ticket only
