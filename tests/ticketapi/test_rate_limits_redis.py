"""With HELPDESK_REDIS_URL, every process counts against the same limits.

Runs when HELPDESK_TEST_REDIS_URL names a Redis server (make test sets it when one
answers on 127.0.0.1:6379); the limits themselves are tested in memory elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

REDIS_URL = os.environ.get("HELPDESK_TEST_REDIS_URL")
# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database

# One "process" of a scale-out deployment: its own app, submitting tickets anonymously.
SUBMIT = """
import json, sys
from ticketapi import create_app
from ticketapi.extensions import db
from ticketapi.people.services import ensure_system_usergroups

app = create_app({"SECRET_KEY": "x", "SUBMIT_RATE_LIMIT": sys.argv[1]})
with app.app_context():
    db.create_all()
    ensure_system_usergroups()
    db.session.commit()
client = app.test_client()
codes = [
    client.post("/api/v1/tickets", json={"name": "Ann", "email": "ann@users.example",
                                         "subject": "S", "message": "M"}).status_code
    for _ in range(int(sys.argv[2]))
]
print(json.dumps(codes))
"""


@pytest.mark.skipif(not REDIS_URL, reason="set HELPDESK_TEST_REDIS_URL to a Redis server")
def test_two_processes_share_the_submission_limit(tmp_path):
    # A fresh key space per run: the limit names its own counter with a random limit string.
    limit = f"3 per {60 + uuid.uuid4().int % 1000} second"
    env = {
        **os.environ,
        "HELPDESK_REDIS_URL": REDIS_URL,
        "HELPDESK_INSTANCE_DIR": str(tmp_path),
        "HELPDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
    }

    def process(count: int) -> list[int]:
        result = subprocess.run(
            [sys.executable, "-c", SUBMIT, limit, str(count)],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert process(2) == [201, 201]
    assert process(2) == [201, 429]
