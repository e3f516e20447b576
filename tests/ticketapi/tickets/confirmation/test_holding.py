"""A submission without signing in is held until its address confirms it (issue #12, item 8).

Anyone can type a verified user's address into the public form. The ticket used to be filed
as that user, in their organization, where colleagues with tickets.view_organization read it
as theirs. Now it is held: only agents (who see it marked) and the requester see it until a
link mailed to the address, or the requester signed in, confirms it. Mail goes through the
real path (jobs run here, .eml files in the instance folder).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.support.mailbox import MAIL_FROM, text_of
from tests.ticketapi.tickets.confirmation.acme import (
    LINK,
    SITE,
    confirm,
    history,
    submit,
    token_in,
    visible_ids,
)
from ticketapi.auth.links import digest
from ticketapi.errors import Invalid
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.people.services import anonymous_actor
from ticketapi.tickets import confirmation, holds, services
from ticketapi.tickets.models import TicketConfirmation
from ticketapi.timeutil import utcnow

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
