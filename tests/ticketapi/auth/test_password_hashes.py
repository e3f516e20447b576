"""Stored passwords: argon2id at RFC 9106's parameters, and older hashes replaced at sign-in.

The in-process suite hashes with argon2's profile for tests (tests/support/passwords.py);
these tests switch production's parameters back on where they matter.
"""

from __future__ import annotations

import pytest
from argon2 import profiles

from ticketapi.auth import passwords
from ticketapi.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def production_parameters():
    passwords.use_parameters(passwords.PARAMETERS)
    yield
    passwords.use_parameters(profiles.CHEAPEST)


def test_production_stores_argon2id_with_64_mib_and_three_passes(production_parameters):
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD.upper())
    assert not passwords.needs_rehash(stored)


def test_a_hash_made_with_other_parameters_is_replaced_at_sign_in(world):
    # Made with the test profile; production's parameters are the ones in force now.
    ann = world.user("Ann", email="ann@users.example")
    ann.row.password_hash = passwords.hash_password(PASSWORD)
    db.session.commit()
    passwords.use_parameters(passwords.PARAMETERS)
    try:
        answer = world.post(
            "/api/v1/auth/token", json={"email": "ann@users.example", "password": PASSWORD}
        )
    finally:
        passwords.use_parameters(profiles.CHEAPEST)
    assert answer.status_code == 201, answer.json
    db.session.refresh(ann.row)
    assert ann.row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(ann.row.password_hash, PASSWORD)
