"""A new ticket reaches someone: public submissions (the API, the portal's form) land in the
default team, a mail reaches each of its agents, and the SLAs that apply by team run on them.

Jobs run as the notification tests run them (the queue drained here); mail goes to .eml
files in the instance's mail/ folder, or through a real SMTP server on loopback.
"""

from __future__ import annotations

import pytest

from tests.support.jobs import drain
from tests.support.mailbox import text_of
from tests.support.smtp import running_smtp_server
from tests.ticketapi.portal.pages import TYPED, send, token

PUBLIC = {
    "name": "Bo Berg",
    "email": "bo@berg.example",
    "subject": "Restore failed",
    "message": "The restore stops with TW-5003.",
}


def route_to(world, desk, team) -> None:
    response = world.patch("/api/v1/settings", desk.admin, json={"default_team_id": team.id})
    assert response.status_code == 200, response.json


def told(desk) -> set[str]:
    """Support's agents who want the news: not Off (switched it off), not Gone (inactive)."""
    return desk.emails(desk.sam, desk.kim, desk.admin)


def confirmation_subject(ref: str, subject: str) -> str:
    """The mail every submission made without signing in sends its address (tickets/holds.py)."""
    return f"[#{ref}] Please confirm your ticket: {subject}"


def test_a_public_api_submission_lands_in_the_default_team_and_its_agents_hear_of_it(
    world, desk, mailbox
):
    route_to(world, desk, desk.support)
    response = world.post("/api/v1/tickets", json=PUBLIC)
    assert response.status_code == 201
    assert set(response.json) == {"id", "ref", "status"}  # the public learns nothing more
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", desk.admin).json
    assert ticket["team_id"] == desk.support.id
    assert ticket["agent_id"] is None
    opened = world.get(f"/api/v1/tickets/{ticket['id']}/history", desk.admin).json["items"][0]
    assert (opened["kind"], opened["data"]["team_id"]) == ("opened", desk.support.id)

    delivered = mailbox.deliver()
    (confirming,) = [m for m in delivered if m["To"] == PUBLIC["email"]]
    assert confirming["Subject"] == confirmation_subject(ticket["ref"], "Restore failed")
    mails = [m for m in delivered if m["To"] != PUBLIC["email"]]
    subject = f"[#{ticket['ref']}] New ticket for Support: Restore failed"
    assert sorted(str(m["To"]) for m in mails) == sorted(told(desk))
    assert {str(m["Subject"]) for m in mails} == {subject}
    story = text_of(mails[0]).split("\n\n")[0]
    assert story == (
        f"Bo Berg submitted ticket {ticket['ref']} (portal). New tickets from the portal and "
        "the API go to Support."
    )
    assert "Assigned:  Support" in text_of(mails[0])


def test_a_portal_form_submission_reaches_the_team_through_smtp(
    app,
    world,
    desk,
    mailbox,
    monkeypatch,
):
    route_to(world, desk, desk.support)
    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url())
        response = send(world, token(world))
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/portal/tickets/submitted")
        drain(mailbox.queue)
    ticket = world.get("/api/v1/tickets", desk.admin).json["items"][0]
    assert (ticket["subject"], ticket["team_id"]) == (TYPED["subject"], desk.support.id)
    to_agents = [mail for mail in server.received if mail.rcpt_tos != [TYPED["email"]]]
    assert sorted(r for mail in to_agents for r in mail.rcpt_tos) == sorted(told(desk))
    subjects = {str(mail.message["Subject"]) for mail in to_agents}
    assert subjects == {f"[#{ticket['ref']}] New ticket for Support: {TYPED['subject']}"}
    assert "Ann Lee submitted ticket" in text_of(to_agents[0].message)
    # And the address typed in the form is asked to confirm the ticket.
    (confirming,) = [mail for mail in server.received if mail.rcpt_tos == [TYPED["email"]]]
    assert confirming.message["Subject"] == confirmation_subject(ticket["ref"], TYPED["subject"])


def test_without_a_default_team_a_submission_still_tells_nobody(world, desk, mailbox):
    response = world.post("/api/v1/tickets", json=PUBLIC)
    assert response.status_code == 201
    assert mailbox.queue.huey.pending_count() == 0
    # No agent hears of it: the one mail is the link that confirms it, to the address typed.
    (mail,) = mailbox.deliver()
    assert mail["To"] == PUBLIC["email"]
    assert mail["Subject"] == confirmation_subject(response.json["ref"], "Restore failed")


def test_agents_opening_tickets_choose_the_team_themselves(world, desk, mailbox):
    route_to(world, desk, desk.support)
    body = {"user_id": desk.ann.id, "subject": "Phoned in", "message": "Call back."}
    response = world.post("/api/v1/tickets", desk.admin, json=body)
    assert response.status_code == 201
    ticket = world.get(f"/api/v1/tickets/{response.json['id']}", desk.admin).json
    assert ticket["team_id"] is None


@pytest.fixture
def slas(world, desk):
    """An SLA for Support's tickets, and one for another team's."""
    other = world.team("Billing")
    made = {}
    for name, team in (("Support first reply", desk.support), ("Billing first reply", other)):
        body = {
            "name": name,
            "type": "first_response",
            "target_minutes": 60,
            "applies_to": {"team_ids": [team.id]},
        }
        response = world.post("/api/v1/slas", desk.admin, json=body)
        assert response.status_code == 201, response.json
        made[name] = response.json["id"]
    return made


def test_the_slas_of_the_default_team_run_on_submissions(world, desk, mailbox, slas):
    before = world.post("/api/v1/tickets", json=PUBLIC).json["id"]
    route_to(world, desk, desk.support)
    after = world.post("/api/v1/tickets", json=PUBLIC).json["id"]
    form = send(world, token(world))
    assert form.status_code == 303

    def clocks(ticket_id: int) -> list[int]:
        return [
            c["sla_id"] for c in world.get(f"/api/v1/tickets/{ticket_id}", desk.admin).json["sla"]
        ]

    assert clocks(before) == []  # the triage queue: no team, so no team's SLA
    assert clocks(after) == [slas["Support first reply"]]
    newest = world.get("/api/v1/tickets", desk.admin).json["items"][0]
    assert newest["subject"] == TYPED["subject"]
    assert [c["sla_id"] for c in newest["sla"]] == [slas["Support first reply"]]
    assert newest["sla"][0]["state"] == "ok" and newest["sla"][0]["due_at"]
