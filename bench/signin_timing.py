"""Sign-in time by kind of address: does the answer's time tell which addresses have accounts?

Sends wrong-password sign-ins (`POST /api/v1/auth/token`, through the app's WSGI stack on
SQLite) for four kinds of address, interleaved round by round so the machine's load falls on
all of them alike, and prints the median of each and its ratio to the known agent's. Before
issue #12 an unknown address answered in about 4 ms against 110 ms for a known one (the
dummy hash never ran); the ratios should now all be close to 1.00.

    .venv/bin/python bench/signin_timing.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "correct horse battery"
CASES = {
    "known agent, wrong password": "sam@agents.example",
    "unknown address": "nobody@agents.example",
    "user without a password": "walk.in@users.example",
    "deactivated agent": "gone@agents.example",
}


def emit(text: str = "") -> None:
    print(text, flush=True)


def seed(app) -> None:
    from ticketapi.auth.passwords import hash_password
    from ticketapi.extensions import db
    from ticketapi.people.models import Agent, User
    from ticketapi.people.services import ensure_system_usergroups

    with app.app_context():
        db.create_all()
        ensure_system_usergroups()
        hashed = hash_password(PASSWORD)
        db.session.add_all(
            [
                Agent(email="sam@agents.example", name="Sam", password_hash=hashed),
                Agent(email="gone@agents.example", name="Gone", password_hash=hashed, active=False),
                User(email="walk.in@users.example", name="Walk In"),  # a portal submission's
            ]
        )
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="sign-ins per kind of address")
    args = parser.parse_args()

    from ticketapi import create_app

    with tempfile.TemporaryDirectory(prefix="signin-bench-") as folder:
        instance = Path(folder)
        app = create_app(
            {
                "INSTANCE_DIR": str(instance),
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'helpdesk.db'}",
                "RATELIMIT_ENABLED": False,
            }
        )
        seed(app)
        client = app.test_client()
        times: dict[str, list[float]] = {case: [] for case in CASES}
        order = list(CASES)
        emit(f"{args.rounds} wrong-password sign-ins for each of {len(CASES)} kinds of address …")
        for round_number in range(args.rounds):
            # A different case goes first each round, so none always follows the same one.
            shift = round_number % len(order)
            for case in order[shift:] + order[:shift]:
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/auth/token",
                    json={"email": CASES[case], "password": "wrong password"},
                )
                times[case].append(time.perf_counter() - started)
                if response.status_code != 401:
                    raise SystemExit(f"✗ {case}: expected 401, got {response.status_code}")
            if (round_number + 1) % 10 == 0:
                emit(f"  {round_number + 1}/{args.rounds} rounds")

    baseline = statistics.median(times[order[0]])
    emit()
    emit(f"{'case':<30} {'median':>10} {'ratio':>7}")
    for case in order:
        median = statistics.median(times[case])
        emit(f"{case:<30} {median * 1000:>7.1f} ms {median / baseline:>6.2f}x")
    spread = max(statistics.median(t) for t in times.values()) / min(
        statistics.median(t) for t in times.values()
    )
    emit(f"\nslowest median / fastest median: {spread:.2f}x (1.00 = indistinguishable)")


if __name__ == "__main__":
    main()
