"""Who confirms a held submission (issue #12, item 8): the requester signed in, an agent's new
link; and nothing tells which addresses have accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.mailbox import text_of
from tests.support.passwords import hashed
from tests.support.world import Account
from tests.ticketapi.tickets.confirmation.acme import (
    LINK,
    PASSWORD,
    confirm,
    history,
    submit,
    token_in,
    visible_ids,
)
from ticketapi.extensions import db
from ticketapi.tickets import holds
from ticketapi.tickets.models import Ticket

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
