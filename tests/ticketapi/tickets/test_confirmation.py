"""A submission without signing in is held until its address confirms it (issue #12, item 8).

Anyone can type a verified user's address into the public form. The ticket used to be filed
as that user, in their organization, where colleagues with tickets.view_organization read it
as theirs. Now it is held: only agents (who see it marked) and the requester see it until a
link mailed to the address, or the requester signed in, confirms it. Mail goes through the
real path (jobs run here, .eml files in the instance folder).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text

from tests.support.mailbox import MAIL_FROM, text_of
from tests.support.world import Account
from ticketapi.auth.links import digest
from ticketapi.auth.passwords import hash_password
from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.people.models import Organization, User
from ticketapi.people.services import anonymous_actor
from ticketapi.tickets import confirmation, holds, services
from ticketapi.tickets.models import Ticket, TicketConfirmation
from ticketapi.timeutil import utcnow

SITE = "https://help.tidewater.example"
LINK = re.compile(r"^(https?://\S+/portal/tickets/confirm\?token=\S+)$", re.MULTILINE)
PASSWORD = "ann's own passphrase"


@cache
def hashed(password: str) -> str:
    return hash_password(password)


@pytest.fixture(autouse=True)
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


@dataclass
class Acme:
    """Acme claims acme.example; Ann is a verified member, Cy a colleague who may see every
    Acme ticket, Bo a colleague who may not; agents see every ticket or edit them too."""

    org: Organization
    ann: Account
    bo: Account
    cy: Account
    viewer: Account
    editor: Account


@pytest.fixture
def acme(world) -> Acme:
    org = world.organization("Acme", domains=["acme.example"])
    coordinators = world.usergroup("Coordinators", ["tickets.view_organization"])
    ann = world.user("Ann Lee", email="ann@acme.example", organization=org)
    ann.row.password_hash = hashed(PASSWORD)
    return Acme(
        org=org,
        ann=ann,
        bo=world.user("Bo", email="bo@acme.example", organization=org),
        cy=world.user("Cy", email="cy@acme.example", organization=org, usergroups=[coordinators]),
        viewer=world.agent("Viewer", permissions=["tickets.view_all"]),
        editor=world.agent("Editor", permissions=["tickets.view_all", "tickets.edit"]),
    )


def submit(world, email="ann@acme.example", subject="Please send the payroll file", **more):
    """A public submission: no token, any address."""
    body = {"name": "Ann Lee", "email": email, "subject": subject, "message": "To me.", **more}
    response = world.post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.json
    return response


def token_in(mail) -> str:
    (address,) = LINK.findall(text_of(mail))
    (token,) = parse_qs(urlsplit(address).query)["token"]
    return token


def confirm(world, ticket_id: int, token: str | None = None, who=None):
    body = {} if token is None else {"token": token}
    return world.post(f"/api/v1/tickets/{ticket_id}/confirm", *([who] if who else []), json=body)


def visible_ids(world, who) -> set[int]:
    return {t["id"] for t in world.get("/api/v1/tickets", who).json["items"]}


def history(world, ticket_id: int, who) -> list[dict]:
    return world.get(f"/api/v1/tickets/{ticket_id}/history", who).json["items"]


# The attack ----------------------------------------------------------------------------


def test_a_submission_under_a_colleagues_address_is_not_shown_to_the_organization(world, acme):
    ticket_id = submit(world).json["id"]
    # Cy may see every Acme ticket, and Ann is in Acme: before the fix Cy read this as Ann's.
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.cy).status_code == 404
    assert world.get(f"/api/v1/tickets/{ticket_id}/messages", acme.cy).status_code == 404
    assert ticket_id not in visible_ids(world, acme.cy)
    found = world.get("/api/v1/tickets", acme.cy, query_string={"q": "payroll"}).json
    assert found["items"] == []
    # A ticket Ann sends signed in is Acme's as always.
    signed = world.post("/api/v1/tickets", acme.ann, json={"subject": "Real", "message": "M"})
    assert signed.json["id"] in visible_ids(world, acme.cy)


def test_agents_see_it_marked_in_the_ticket_and_its_history(world, acme):
    ticket_id = submit(world).json["id"]
    shown = world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json
    assert shown["confirmed"] is False
    assert shown["user_id"] == acme.ann.id and shown["organization_id"] == acme.org.id
    events = history(world, ticket_id, acme.viewer)
    assert [e["kind"] for e in events] == ["opened", "confirmation_sent"]
    assert events[0]["data"]["confirmed"] is False
    assert events[0]["actor"]["type"] == "anonymous"
    assert events[1]["data"]["to"] == "ann@acme.example"
    # Agents list what waits for confirmation, and only that, with confirmed=false.
    signed = world.post("/api/v1/tickets", acme.ann, json={"subject": "Real", "message": "M"})
    assert signed.json["status"] == "awaiting_agent"
    unconfirmed = world.get("/api/v1/tickets?confirmed=false", acme.viewer).json["items"]
    assert [t["id"] for t in unconfirmed] == [ticket_id]
    confirmed = world.get("/api/v1/tickets?confirmed=true", acme.viewer).json["items"]
    assert [t["id"] for t in confirmed] == [signed.json["id"]]
    assert world.get(f"/api/v1/tickets/{signed.json['id']}", acme.viewer).json["confirmed"]


def test_people_it_copies_do_not_see_it_either(world, acme):
    ticket_id = submit(world, cc=["bo@acme.example"]).json["id"]
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json["cc"] == [acme.bo.id]
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.bo).status_code == 404
    assert ticket_id not in visible_ids(world, acme.bo)


def test_the_requester_sees_it_marked_and_nobody_else_in_the_portal_does(world, acme):
    ticket_id = submit(world).json["id"]
    mine = world.get(f"/api/v1/tickets/{ticket_id}", acme.ann)
    assert mine.status_code == 200 and mine.json["confirmed"] is False
    assert ticket_id in visible_ids(world, acme.ann)
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.bo).status_code == 404


def test_the_answer_is_the_same_as_before_and_says_nothing_of_the_address(world, acme):
    response = submit(world)
    assert set(response.json) == {"id", "ref", "status"}


def test_submissions_signed_in_or_by_agents_are_confirmed_and_mail_nobody(world, acme, mailbox):
    by_ann = world.post("/api/v1/tickets", acme.ann, json={"subject": "Mine", "message": "M"})
    by_agent = world.post(
        "/api/v1/tickets",
        acme.editor,
        json={"user_id": acme.ann.id, "subject": "Phoned in", "message": "M"},
    )
    for response in (by_ann, by_agent):
        ticket_id = response.json["id"]
        assert world.get(f"/api/v1/tickets/{ticket_id}", acme.cy).json["confirmed"] is True
    assert mailbox.deliver() == []
    assert db.session.scalar(select(TicketConfirmation.id)) is None


# The link ------------------------------------------------------------------------------


def test_the_link_is_mailed_to_the_address_and_stored_only_hashed(world, acme, mailbox):
    submitted = submit(world).json
    (mail,) = mailbox.deliver()
    assert (mail["To"], mail["From"]) == ("ann@acme.example", MAIL_FROM)
    assert mail["Subject"] == (
        f"[#{submitted['ref']}] Please confirm your ticket: Please send the payroll file"
    )
    assert mail["Auto-Submitted"] == "auto-generated"
    body = text_of(mail)
    (address,) = LINK.findall(body)
    assert address.startswith(f"{SITE}/portal/tickets/confirm?token=")
    assert "If you did not send it, ignore this mail" in body
    assert "To me." not in body  # what was typed stays out of the mail but the subject
    token = token_in(mail)
    assert len(token) >= 43  # 256 random bits
    dumped = " ".join(map(str, db.session.execute(text("SELECT * FROM ticket_confirmations"))))
    assert token not in dumped and digest(token) in dumped


def test_the_link_confirms_once_and_the_organization_then_sees_it(world, acme, mailbox):
    ticket_id = submit(world).json["id"]
    token = token_in(*mailbox.deliver())
    done = confirm(world, ticket_id, token)
    assert done.status_code == 200, done.json
    assert done.json == {"id": ticket_id, "ref": done.json["ref"], "confirmed": True}
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.cy).json["confirmed"] is True
    assert ticket_id in visible_ids(world, acme.cy)
    confirmed = history(world, ticket_id, acme.viewer)[-1]
    assert confirmed["kind"] == "confirmed" and confirmed["data"] == {"by": "link"}
    assert confirmed["actor"] == {"type": "user", "id": acme.ann.id, "name": "Ann Lee"}
    again = confirm(world, ticket_id, token)
    assert again.status_code == 422
    assert set(again.json["error"]["fields"]) == {"token"}


def test_an_expired_link_confirms_nothing(world, acme, mailbox):
    eight_days_ago = utcnow() - holds.LINK_TTL - timedelta(days=1)
    values = {"name": "Ann", "email": "ann@acme.example", "subject": "Old", "message": "M"}
    ticket = services.open_ticket(anonymous_actor(), values, now=eight_days_ago)
    db.session.commit()
    token = token_in(*mailbox.deliver())
    refused = confirm(world, ticket.id, token)
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"token"}
    assert world.get(f"/api/v1/tickets/{ticket.id}", acme.cy).status_code == 404


def test_a_link_confirms_only_its_own_ticket(world, acme, mailbox):
    first = submit(world, subject="First").json["id"]
    second = submit(world, subject="Second").json["id"]
    tokens = {mail["Subject"].rpartition(": ")[2]: token_in(mail) for mail in mailbox.deliver()}
    refused = confirm(world, second, tokens["First"])
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"token"}
    assert not world.get(f"/api/v1/tickets/{second}", acme.viewer).json["confirmed"]
    assert not world.get(f"/api/v1/tickets/{first}", acme.viewer).json["confirmed"]
    # A refused try does not use the link up: its own ticket still takes it.
    assert confirm(world, first, tokens["First"]).status_code == 200
    assert confirm(world, second, tokens["Second"]).status_code == 200


def test_two_confirmations_at_once_confirm_once(app, world, acme, mailbox):
    """The link is used up by a conditional UPDATE: of two uses at once, exactly one wins."""
    ticket_id = submit(world).json["id"]
    token = token_in(*mailbox.deliver())
    outcomes: list[str] = []

    def confirm_in_its_own_session() -> None:
        with app.app_context():
            try:
                confirmation.confirm_with_link(token, now=utcnow(), ticket_id=ticket_id)
                db.session.commit()
                outcomes.append("confirmed")
            except Invalid:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=confirm_in_its_own_session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["confirmed", "refused"]
    kinds = [e["kind"] for e in history(world, ticket_id, acme.viewer)]
    assert kinds.count("confirmed") == 1


@pytest.mark.parametrize("token", ["", "x" * 201, "not-a-token"])
def test_a_bad_token_is_refused_naming_the_field(world, acme, token):
    ticket_id = submit(world).json["id"]
    refused = confirm(world, ticket_id, token)
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"token"}
    assert not world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json["confirmed"]


def test_a_link_mailed_to_a_former_address_confirms_nothing(world, acme, mailbox):
    crm = world.agent("Carla", permissions=["crm.edit"])
    ticket_id = submit(world).json["id"]
    token = token_in(*mailbox.deliver())
    moved = world.patch(f"/api/v1/users/{acme.ann.id}", crm, json={"email": "ann@new.example"})
    assert moved.status_code == 200, moved.json
    assert confirm(world, ticket_id, token).status_code == 422
    assert not world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json["confirmed"]
    # Nor does it verify the new address the link never reached.
    assert db.session.get(User, acme.ann.id).email_verified_at is None


def test_a_new_address_gets_a_user_outside_the_organization_until_the_link_verifies_it(
    world, acme, mailbox
):
    ticket_id = submit(world, email="dee@acme.example").json["id"]
    dee = db.session.scalar(select(User).where(User.email == "dee@acme.example"))
    assert (dee.verified, dee.organization_id) == (False, None)
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json["organization_id"] is None
    assert confirm(world, ticket_id, token_in(*mailbox.deliver())).status_code == 200
    # The link reached the address: Dee is verified, joins Acme, and so does her ticket.
    db.session.refresh(dee)
    assert dee.verified and dee.organization_id == acme.org.id
    shown = world.get(f"/api/v1/tickets/{ticket_id}", acme.cy).json
    assert (shown["confirmed"], shown["organization_id"]) == (True, acme.org.id)
    confirmed = history(world, ticket_id, acme.viewer)[-1]
    assert confirmed["data"] == {
        "by": "link",
        "organization_id": {"old": None, "new": acme.org.id},
    }


# Signing in ----------------------------------------------------------------------------


def test_signing_in_alone_confirms_nothing(world, acme):
    ticket_id = submit(world).json["id"]
    signed_in = world.post(
        "/api/v1/auth/token", json={"email": "ann@acme.example", "password": PASSWORD}
    )
    assert signed_in.status_code == 201
    # Ann signed in for something else: the stranger's ticket stays out of Acme's view.
    assert world.get(f"/api/v1/tickets/{ticket_id}", acme.cy).status_code == 404


def test_the_requester_signed_in_confirms_it(world, acme, mailbox):
    ticket_id = submit(world).json["id"]
    token = token_in(*mailbox.deliver())
    signed_in = world.post(
        "/api/v1/auth/token", json={"email": "ann@acme.example", "password": PASSWORD}
    ).json["token"]
    ann = Account(acme.ann.row, signed_in)
    done = confirm(world, ticket_id, who=ann)
    assert done.status_code == 200 and done.json["confirmed"] is True
    assert ticket_id in visible_ids(world, acme.cy)
    assert history(world, ticket_id, acme.viewer)[-1]["data"] == {"by": "sign_in"}
    # Confirming ended the mailed link; confirming again signed in changes nothing.
    assert confirm(world, ticket_id, token).status_code == 422
    assert confirm(world, ticket_id, who=ann).status_code == 200
    assert [e["kind"] for e in history(world, ticket_id, acme.viewer)].count("confirmed") == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("bo", 404), ("cy", 404), ("viewer", 403), ("editor", 403)],
)
def test_only_the_requester_confirms_without_the_link(world, acme, who, code):
    ticket_id = submit(world).json["id"]
    actor = None if who == "anonymous" else getattr(acme, who)
    refused = confirm(world, ticket_id, who=actor)
    assert refused.status_code == code, refused.json
    assert not world.get(f"/api/v1/tickets/{ticket_id}", acme.viewer).json["confirmed"]


# Agents --------------------------------------------------------------------------------


def test_an_agent_mails_a_new_link_and_the_old_one_ends(world, acme, mailbox):
    ticket_id = submit(world).json["id"]
    old = token_in(*mailbox.deliver())
    assert (
        world.post(f"/api/v1/tickets/{ticket_id}/confirmation-link", acme.viewer).status_code == 403
    )
    sent = world.post(f"/api/v1/tickets/{ticket_id}/confirmation-link", acme.editor)
    assert sent.status_code == 202, sent.json
    assert "ann@acme.example" in sent.json["message"]
    (mail,) = mailbox.deliver()
    assert "Our support team sent you a new link" in text_of(mail)
    assert confirm(world, ticket_id, old).status_code == 422
    assert confirm(world, ticket_id, token_in(mail)).status_code == 200
    again = world.post(f"/api/v1/tickets/{ticket_id}/confirmation-link", acme.editor)
    assert again.status_code == 409


def test_one_address_gets_a_few_links_an_hour_whoever_submits(world, acme, mailbox):
    ids = [
        submit(world, subject=f"Spam {n}").json["id"] for n in range(holds.LINKS_PER_ADDRESS + 2)
    ]
    assert len(mailbox.deliver()) == holds.LINKS_PER_ADDRESS
    last = history(world, ids[-1], acme.viewer)
    assert [e["kind"] for e in last] == ["opened", "confirmation_not_sent"]
    assert last[1]["data"]["reason"] == "address_limit"
    # Held all the same; an agent may still send one when the owner asks.
    assert world.get(f"/api/v1/tickets/{ids[-1]}", acme.cy).status_code == 404
    sent = world.post(f"/api/v1/tickets/{ids[-1]}/confirmation-link", acme.editor)
    assert sent.status_code == 202
    assert len(mailbox.deliver()) == 1
    # Other addresses are not held back by this one.
    submit(world, email="bo@acme.example")
    assert [m["To"] for m in mailbox.deliver()] == ["bo@acme.example"]


def test_an_unconfirmed_ticket_is_not_merged_into_a_confirmed_one(world, acme):
    admin = world.admin()
    held = submit(world).json["id"]
    real = world.post("/api/v1/tickets", acme.ann, json={"subject": "Mine", "message": "M"})
    real = real.json["id"]
    refused = world.post(f"/api/v1/tickets/{held}/merge", admin, json={"into_id": real})
    assert refused.status_code == 409
    assert "not confirmed" in refused.json["error"]["message"]
    assert world.get(f"/api/v1/tickets/{held}", admin).json["merged_into_id"] is None
    # The other way keeps the survivor held: its messages stay out of Acme's view.
    merged = world.post(f"/api/v1/tickets/{real}/merge", admin, json={"into_id": held})
    assert merged.status_code == 200 and merged.json["confirmed"] is False
    assert world.get(f"/api/v1/tickets/{held}", acme.cy).status_code == 404


def test_the_teams_notification_says_the_ticket_is_unconfirmed(world, acme, mailbox):
    admin = world.admin()
    sam = world.agent("Sam", permissions=["tickets.reply"])
    support = world.team("Support", agents=[sam])
    routed = world.patch("/api/v1/settings", admin, json={"default_team_id": support.id})
    assert routed.status_code == 200
    submit(world)
    by_address = {str(m["To"]): text_of(m) for m in mailbox.deliver()}
    assert "Confirmed: not yet: sent without signing in" in by_address["sam@agents.example"]
    world.post("/api/v1/tickets", acme.ann, json={"subject": "Signed", "message": "M"})
    by_address = {str(m["To"]): text_of(m) for m in mailbox.deliver()}
    assert "Confirmed:" not in by_address["sam@agents.example"]


# Nothing tells which addresses have accounts -----------------------------------------


def test_every_address_gets_the_same_answer_and_the_same_mail(world, acme, mailbox):
    unverified = world.user("Eve", email="eve@acme.example", verified=False)
    unverified.row.password_hash = hashed(PASSWORD)
    db.session.commit()
    addresses = ["ann@acme.example", "eve@acme.example", "nobody@acme.example"]
    answers = [submit(world, email=address) for address in addresses]
    assert {(a.status_code, tuple(sorted(a.json)), a.json["status"]) for a in answers} == {
        (201, ("id", "ref", "status"), "awaiting_agent")
    }
    mails = {str(mail["To"]): mail for mail in mailbox.deliver()}
    assert sorted(mails) == sorted(addresses)

    def without_ref_and_link(mail, answer):
        words = f"{mail['Subject']}\n{text_of(mail)}".replace(answer.json["ref"], "REF")
        return LINK.sub("LINK", words)

    assert (
        len({without_ref_and_link(mails[a], r) for a, r in zip(addresses, answers, strict=True)})
        == 1
    )
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert [t.confirmed for t in tickets] == [False, False, False]
