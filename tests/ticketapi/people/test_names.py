"""Names that reach the helpdesk from elsewhere than the API are stored on one line."""

from __future__ import annotations

import pytest

from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.timeutil import utcnow


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Ann\r\nBcc: victim@example.com", "Ann Bcc: victim@example.com"),
        ("\x1b[31mAnn\x1b[0m Lee", "[31mAnn [0m Lee"),
        ("Ann\u202e eeL", "Ann eeL"),
        ("Ann\tLee", "Ann\tLee"),  # a tab is kept: it breaks no header and no line
        ("\r\n", "ann@users.example"),  # nothing left: the address stands in
    ],
)
def test_a_user_registered_by_the_system_gets_a_one_line_name(given, stored):
    user = people.register_user(email="ann@users.example", name=given, now=utcnow())
    db.session.commit()
    assert user.name == stored
