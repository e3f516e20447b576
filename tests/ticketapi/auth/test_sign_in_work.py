"""Sign-in does the same work whatever the address: one argon2 verification, every time.

Timing is not asserted here (the project measures it: bench/signin_timing.py). What makes
the time differ is whether the slow hash runs, so each case counts the verifications argon2
performs, through a spy on the one hasher every check goes through.
"""

from __future__ import annotations

import pytest
from argon2.exceptions import InvalidHashError, VerificationError

from tests.support.passwords import hashed
from ticketapi.auth import passwords, services
from ticketapi.errors import Unauthorized
from ticketapi.extensions import db

PASSWORD = "correct horse battery"


class CountingHasher:
    """argon2's own hasher, noting every verification it performs (a spy, not a fake)."""

    def __init__(self, real) -> None:
        self.real = real
        self.verified: list[str] = []

    def verify(self, stored_hash, password):
        try:
            matched = self.real.verify(stored_hash, password)
        except InvalidHashError:
            raise  # refused before hashing anything: no work done, none to count
        except VerificationError:
            self.verified.append(stored_hash)
            raise
        self.verified.append(stored_hash)
        return matched

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every argon2 verification from here on, by the hash it checked against."""
    spy = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", spy)
    return spy.verified


@pytest.fixture
def people(world):
    """An agent and a user with passwords, a user without one, a deactivated agent."""
    sam = world.agent("Sam")
    sam.row.password_hash = hashed(PASSWORD)
    ann = world.user("Ann")
    ann.row.password_hash = hashed(PASSWORD)
    world.user("Walk In")  # opened a ticket from the portal: no password
    gone = world.agent("Gone")
    gone.row.password_hash = hashed(PASSWORD)
    gone.row.active = False
    both = world.agent("Both", email="both@example.com")
    both.row.password_hash = hashed(PASSWORD)
    world.user("Both", email="both@example.com").row.password_hash = hashed(
        "the user's own password"
    )
    broken = world.user("Broken")
    broken.row.password_hash = "not an argon2 hash"
    db.session.commit()


CASES = {
    "agent, right password": ("sam@agents.example", PASSWORD, 201),
    "agent, wrong password": ("sam@agents.example", "wrong password", 401),
    "user, right password": ("ann@users.example", PASSWORD, 201),
    "user, wrong password": ("ann@users.example", "wrong password", 401),
    "unknown address": ("nobody@agents.example", PASSWORD, 401),
    "user without a password": ("walk.in@users.example", PASSWORD, 401),
    "deactivated agent, right password": ("gone@agents.example", PASSWORD, 401),
    "deactivated agent, wrong password": ("gone@agents.example", "wrong password", 401),
    "agent and user share the address": ("both@example.com", "the user's own password", 401),
    "a stored hash argon2 cannot read": ("broken@users.example", PASSWORD, 401),
}


@pytest.mark.parametrize("case", CASES)
def test_every_sign_in_runs_exactly_one_verification(world, people, verifications, case):
    email, password, status = CASES[case]
    response = world.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == status, response.json
    assert len(verifications) == 1
    if status == 401:
        # One answer for every way of being wrong: nothing tells the cases apart.
        assert response.json["error"]["message"] == (
            "The email or password is wrong: check both and try again."
        )


@pytest.mark.parametrize(
    ("sides", "email", "signs_in"),
    [
        (("agent",), "sam@agents.example", True),
        (("user",), "sam@agents.example", False),  # an agent's password never opens the portal
        (("user",), "ann@users.example", True),
        (("agent",), "ann@users.example", False),  # nor a user's the agent pages
        (("user",), "both@example.com", False),  # the user there has another password
        (("agent",), "gone@agents.example", False),
        (("user",), "walk.in@users.example", False),
        (("agent", "user"), "nobody@users.example", False),
    ],
)
def test_each_sign_in_form_gets_the_same_work(people, verifications, sides, email, signs_in):
    """The one service any sign-in form calls: the API's, the portal's, the agent pages'."""
    try:
        account = services.authenticate(email, PASSWORD, sides=sides)
    except Unauthorized:
        account = None
    assert (account is not None) == signs_in
    assert len(verifications) == 1
