"""Acme and its people, and the calls the confirmation tests make (issue #12, item 8)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from tests.support.mailbox import text_of
from tests.support.world import Account
from ticketapi.people.models import Organization

SITE = "https://help.tidewater.example"
LINK = re.compile(r"^(https?://\S+/portal/tickets/confirm\?token=\S+)$", re.MULTILINE)
PASSWORD = "ann's own passphrase"


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
