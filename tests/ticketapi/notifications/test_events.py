"""Each event reaches the agents it concerns who want it: once, never the one who did it."""

from __future__ import annotations

from tests.support.jobs import outbox_rows
from tests.support.mailbox import change, follow, open_ticket, text_of
from ticketapi.extensions import db

# A new ticket for a team


def test_a_ticket_opened_for_a_team_tells_its_members(world, desk, mailbox):
    ticket = open_ticket(world, desk, team_id=desk.support.id)
    subject = f"[#{ticket['ref']}] New ticket for Support: Backups paused"
    # Not Ada, who opened it; not Off, who wants none; not Gone, who left.
    assert mailbox.subjects() == {
        desk.sam.row.email: [subject],
        desk.kim.row.email: [subject],
    }


def test_a_ticket_moved_to_a_team_tells_its_members(world, desk, mailbox):
    ticket = open_ticket(world, desk)
    assert mailbox.subjects() == {}  # the triage queue: no team, nobody told
    change(world, desk.sam, ticket, team_id=desk.support.id)
    # Sam moved it: he knows. Ada's wish is to hear of her team's new tickets.
    subject = f"[#{ticket['ref']}] Moved to Support: Backups paused"
    assert mailbox.subjects() == {
        desk.kim.row.email: [subject],
        desk.admin.row.email: [subject],
    }


def test_a_public_submission_without_a_team_tells_nobody(world, desk, mailbox):
    response = world.post(
        "/api/v1/tickets",
        json={"name": "Bo", "email": "bo@b.example", "subject": "S", "message": "M"},
    )
    assert response.status_code == 201
    assert outbox_rows() == 1  # written with the ticket: the link that confirms it, no more
    # No agent hears of it; the address gets its confirmation link (tickets/holds.py).
    ref = response.json["ref"]
    assert mailbox.subjects() == {"bo@b.example": [f"[#{ref}] Please confirm your ticket: S"]}


def test_team_members_may_switch_it_off(world, desk, mailbox):
    world.patch("/api/v1/agents/me/notifications", desk.kim, json={"new_ticket_for_team": False})
    ticket = open_ticket(world, desk, team_id=desk.support.id)
    assert set(mailbox.subjects()) == desk.emails(desk.sam)
    assert ticket["team_id"] == desk.support.id


# Assignment


def test_an_assignment_tells_the_new_assignee(world, desk, mailbox):
    ticket = open_ticket(world, desk)
    change(world, desk.admin, ticket, agent_id=desk.sam.id)
    (mail,) = mailbox.deliver()
    assert mail["To"] == desk.sam.row.email
    assert mail["Subject"] == f"[#{ticket['ref']}] Assigned to you: Backups paused"
    text = text_of(mail)
    assert f"Ada assigned ticket {ticket['ref']} to you." in text
    assert "You get this because the ticket was assigned to you." in text
    assert "PATCH /api/v1/agents/me/notifications" in text


def test_taking_a_ticket_yourself_tells_nobody(world, desk, mailbox):
    ticket = open_ticket(world, desk)
    change(world, desk.admin, ticket, agent_id=desk.admin.id)
    assert mailbox.subjects() == {}


def test_unassigning_tells_nobody(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id)
    mailbox.deliver()
    change(world, desk.admin, ticket, agent_id=None)
    assert mailbox.subjects() == {}


def test_an_assignee_who_switched_it_off_is_not_told(world, desk, mailbox):
    world.patch("/api/v1/agents/me/notifications", desk.sam, json={"assigned_to_me": False})
    ticket = open_ticket(world, desk)
    change(world, desk.admin, ticket, agent_id=desk.sam.id)
    assert mailbox.subjects() == {}


def test_a_ticket_opened_for_an_agent_and_team_tells_each_agent_once(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id, team_id=desk.support.id)
    ref = ticket["ref"]
    assert mailbox.subjects() == {
        desk.sam.row.email: [f"[#{ref}] Assigned to you: Backups paused"],
        desk.kim.row.email: [f"[#{ref}] New ticket for Support: Backups paused"],
    }


def test_an_assignee_who_wants_only_team_news_gets_that(world, desk, mailbox):
    world.patch("/api/v1/agents/me/notifications", desk.sam, json={"assigned_to_me": False})
    ticket = open_ticket(world, desk, agent_id=desk.sam.id, team_id=desk.support.id)
    subject = f"[#{ticket['ref']}] New ticket for Support: Backups paused"
    assert mailbox.subjects()[desk.sam.row.email] == [subject]


# A user's reply


def test_a_user_reply_tells_the_assignee_and_followers_once_each(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id)
    follow(world, desk, ticket, desk.sam, desk.kim, desk.off)
    mailbox.deliver()
    posted = world.post(
        f"/api/v1/tickets/{ticket['id']}/messages", desk.ann, json={"body": "Still paused."}
    )
    assert posted.status_code == 201, posted.json
    subject = f"[#{ticket['ref']}] Ann Lee replied: Backups paused"
    assert mailbox.subjects() == {desk.sam.row.email: [subject], desk.kim.row.email: [subject]}


def test_the_reply_is_quoted_as_plain_text(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id)
    mailbox.deliver()
    world.post(
        f"/api/v1/tickets/{ticket['id']}/messages",
        desk.ann,
        json={
            "body": "Line one\n\nLine <b>two</b>",
            "body_html": "<p>Line one</p><script>alert(1)</script>",
        },
    )
    (mail,) = mailbox.deliver()
    assert mail.get_content_type() == "text/plain"
    text = text_of(mail)
    assert "> Line one\n>\n> Line <b>two</b>\n" in text
    assert "<script>" not in text
    assert "You get this because the ticket is assigned to you." in text


def test_a_ccd_users_reply_tells_them_too(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id, cc=["bo@acme.example"])
    bo = world.user("Bo", email="bo2@acme.example")
    cc = world.post(f"/api/v1/tickets/{ticket['id']}/cc", desk.admin, json={"email": bo.row.email})
    assert cc.status_code == 200, cc.json
    mailbox.deliver()
    posted = world.post(f"/api/v1/tickets/{ticket['id']}/messages", bo, json={"body": "Me too"})
    assert posted.status_code == 201, posted.json
    assert mailbox.subjects() == {
        desk.sam.row.email: [f"[#{ticket['ref']}] Bo replied: Backups paused"]
    }


def test_agents_replies_and_notes_tell_no_agent(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id)
    follow(world, desk, ticket, desk.kim)
    mailbox.deliver()
    url = f"/api/v1/tickets/{ticket['id']}/messages"
    assert world.post(url, desk.kim, json={"body": "psst", "note": True}).status_code == 201
    assert outbox_rows() == 0
    assert world.post(url, desk.kim, json={"body": "On it"}).status_code == 201
    # Only the requester hears of the reply (mailed to users: inbound/replies.py).
    assert mailbox.subjects() == {desk.ann.row.email: [f"Re: [#{ticket['ref']}] Backups paused"]}


def test_a_follower_who_can_no_longer_see_the_ticket_is_not_told(world, desk, mailbox):
    ticket = open_ticket(world, desk, agent_id=desk.sam.id)
    follow(world, desk, ticket, desk.kim)
    mailbox.deliver()
    world.post(f"/api/v1/tickets/{ticket['id']}/messages", desk.ann, json={"body": "Hello?"})
    # Before the job runs, Kim stops following.
    world.delete(f"/api/v1/tickets/{ticket['id']}/followers/{desk.kim.id}", desk.admin)
    assert set(mailbox.subjects()) == desk.emails(desk.sam)


# Transactions


def test_a_change_that_fails_tells_nobody(world, desk, mailbox):
    ticket = open_ticket(world, desk)
    # The assignment applies, then the unknown follower refuses the whole change.
    response = world.patch(
        f"/api/v1/tickets/{ticket['id']}",
        desk.admin,
        json={"agent_id": desk.sam.id, "followers": [999999], "version": ticket["version"]},
    )
    assert response.status_code == 422
    assert outbox_rows() == 0
    assert mailbox.subjects() == {}


def test_a_rolled_back_transaction_queues_nothing(world, desk, mailbox):
    from ticketapi.people.services import agent_actor
    from ticketapi.tickets import services

    ticket = open_ticket(world, desk)
    db.session.commit()
    actor = agent_actor(desk.admin.row)
    services.update_ticket(
        actor, ticket["id"], {"agent_id": desk.sam.id}, version=ticket["version"], now=world.now
    )
    assert outbox_rows() == 0  # not before the commit
    db.session.rollback()
    assert outbox_rows() == 0
    assert mailbox.subjects() == {}
