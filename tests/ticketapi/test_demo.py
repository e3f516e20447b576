"""The demo as `make run` sets it up: the accounts it prints, and the README's API example.

Everything runs for real: `helpdesk demo` and `helpdesk serve` on a fresh SQLite instance,
then the requests a newcomer would send.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpdesk import ENGINE_ROOT
from tests.support.processes import free_port, group_alive, wait_for

# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database

HELPDESK = Path(sys.executable).parent / "helpdesk"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`helpdesk demo` then `helpdesk serve`, as `make run` does; what the demo printed."""
    folder = tmp_path_factory.mktemp("make-run")
    env = {name: value for name, value in os.environ.items() if not name.startswith("HELPDESK_")}
    env["HELPDESK_INSTANCE_DIR"] = str(folder / "instance")
    loaded = subprocess.run(
        [str(HELPDESK), "demo"], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(HELPDESK), "serve", "--port", str(port), "--no-jobs"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: answer("GET", f"{base}/api/v1/openapi.json")[0] == 200)
        yield base, loaded.stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert not group_alive(server.pid)


def answer(method: str, url: str, body=None, token=None) -> tuple[int | None, dict]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return None, {}  # not listening yet


def sign_in(base: str, email: str, password: str) -> dict:
    status, body = answer(
        "POST", f"{base}/api/v1/auth/token", {"email": email, "password": password}
    )
    assert status == 201, (email, body)
    return body


def test_every_account_the_demo_prints_signs_in_as_what_it_says(demo):
    base, printed = demo
    admin = re.search(r"Sign in as (\S+) / (\S+): the admin", printed)
    agent_password = re.search(r"Agents, each with the password (\S+),", printed)
    agents = re.findall(r"^ {4,}(\S+@\S+) +(.+)$", printed, re.MULTILINE)
    user = re.search(r"Portal user (\S+) / (\S+): ", printed)
    assert admin and agent_password and agents and user, printed
    how = printed[user.start() :].split("\n", 1)[0]
    assert "no sign-in page yet" in how and "POST /api/v1/auth/token" in how, "how she is used"

    signed_in = sign_in(base, *admin.groups())
    assert signed_in["actor"]["type"] == "agent" and signed_in["actor"]["is_admin"]
    for email, _who in agents:
        actor = sign_in(base, email, agent_password[1])["actor"]
        assert actor["type"] == "agent" and not actor["is_admin"]
    portal_user = sign_in(base, *user.groups())
    assert portal_user["actor"]["type"] == "user"
    status, tickets = answer("GET", f"{base}/api/v1/tickets", token=portal_user["token"])
    assert status == 200 and tickets["total"] > 0, "the portal user has tickets to look at"

    # Every agent of the demo is printed: none is left for a newcomer to guess.
    status, listed = answer("GET", f"{base}/api/v1/agents?per_page=100", token=signed_in["token"])
    assert status == 200
    everyone = {agent["email"] for agent in listed["items"]}
    assert everyone == {admin[1]} | {email for email, _who in agents}


def test_the_readme_queue_example_returns_the_admins_waiting_tickets(demo):
    base, _printed = demo
    readme = (ENGINE_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("# sign in (agents and portal users alike)", 1)[1]
    credentials = json.loads(re.search(r"-d '(\{.*?\})'", example)[1])
    queue = re.search(r"# your queue.*\ncurl -s '(http://127\.0\.0\.1:5000[^']+)'", example)[1]
    signed_in = sign_in(base, credentials["email"], credentials["password"])

    status, body = answer(
        "GET", queue.replace("http://127.0.0.1:5000", base), token=signed_in["token"]
    )
    assert status == 200
    tickets = body["items"]
    assert tickets, "the example promises the signed-in agent's queue: it must not be empty"
    assert {t["agent_id"] for t in tickets} == {signed_in["actor"]["id"]}, "waiting on you"
    assert {t["status"] for t in tickets} == {"awaiting_agent"}
    created = [t["created_at"] for t in tickets]
    assert created == sorted(created, reverse=True), "newest first"
