"""Every confirmation test runs with a public address, and most with Acme's people."""

from __future__ import annotations

import pytest

from tests.support.passwords import hashed
from tests.ticketapi.tickets.confirmation.acme import PASSWORD, SITE, Acme


@pytest.fixture(autouse=True)
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


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
