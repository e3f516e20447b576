"""The real mail path into the instance folder, and Tidewater's help desk to notify.

Registered as a plugin (tests/conftest.py): the `mailbox` and `desk` fixtures reach every
ticketapi test without being imported.
"""

from __future__ import annotations

import email
import shutil
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.jobs import drain
from tests.support.smtp import MAIL_FROM
from ticketapi.jobs.queue import JobQueue

__all__ = ["MAIL_FROM", "Desk", "Mailbox", "text_of"]


def text_of(message: EmailMessage) -> str:
    """The plain text as written (the wire's CRLF line ends made LF again)."""
    return message.get_content().replace("\r\n", "\n")


@dataclass
class Mailbox:
    """The mail folder of the instance: what the queued jobs wrote, by recipient."""

    queue: JobQueue
    folder: Path
    seen: set[Path] = field(default_factory=set)

    def deliver(self) -> list[EmailMessage]:
        """Run every queued job (the notifications, then their mail); return the new mails."""
        drain(self.queue)
        new = sorted(set(self.folder.glob("*.eml")) - self.seen)
        self.seen.update(new)
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in new]

    def subjects(self) -> dict[str, list[str]]:
        """Run the queue; the new mails' subjects for each recipient."""
        found: dict[str, list[str]] = {}
        for message in self.deliver():
            found.setdefault(str(message["To"]), []).append(str(message["Subject"]))
        return found


@pytest.fixture
def mailbox(app, queue, monkeypatch) -> Mailbox:
    monkeypatch.setitem(app.config, "MAIL_FROM", MAIL_FROM)
    monkeypatch.setitem(app.config, "SMTP_URL", None)
    folder = Path(app.config["INSTANCE_DIR"]) / "mail"
    shutil.rmtree(folder, ignore_errors=True)
    yield Mailbox(queue, folder)
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Desk:
    """Tidewater's support desk: an admin, a team of four and a customer."""

    admin: object
    sam: object
    kim: object
    off: object  # switched every notification off
    gone: object  # deactivated
    support: object
    ann: object

    def emails(self, *accounts) -> set[str]:
        return {account.row.email for account in accounts}


@pytest.fixture
def desk(world, mailbox) -> Desk:
    admin = world.admin("Ada")
    sam = world.agent("Sam", permissions=["tickets.reply", "tickets.assign"])
    kim = world.agent("Kim", permissions=["tickets.reply"])
    off = world.agent("Off", permissions=["tickets.reply"])
    gone = world.agent("Gone", permissions=["tickets.reply"])
    support = world.team("Support", agents=[sam, kim, off, gone, admin])
    everything_off = dict.fromkeys(
        ("new_ticket_for_team", "assigned_to_me", "user_reply", "sla_warning", "sla_failure"),
        False,
    )
    assert (
        world.patch("/api/v1/agents/me/notifications", off, json=everything_off).status_code == 200
    )
    assert (
        world.patch(f"/api/v1/agents/{gone.id}", admin, json={"active": False}).status_code == 200
    )
    ann = world.user("Ann Lee", email="ann@acme.example")
    mailbox.deliver()
    return Desk(admin, sam, kim, off, gone, support, ann)


def open_ticket(world, desk, **values) -> dict:
    body = {"user_id": desk.ann.id, "subject": "Backups paused", "message": "Quota?", **values}
    response = world.post("/api/v1/tickets", desk.admin, json=body)
    assert response.status_code == 201, response.json
    return world.get(f"/api/v1/tickets/{response.json['id']}", desk.admin).json


def change(world, who, ticket: dict, **changes):
    current = world.get(f"/api/v1/tickets/{ticket['id']}", who).json
    response = world.patch(
        f"/api/v1/tickets/{ticket['id']}", who, json={**changes, "version": current["version"]}
    )
    assert response.status_code == 200, response.json
    return response.json


def follow(world, desk, ticket: dict, *agents) -> None:
    for agent in agents:
        response = world.post(
            f"/api/v1/tickets/{ticket['id']}/followers", desk.admin, json={"agent_id": agent.id}
        )
        assert response.status_code == 200, response.json
