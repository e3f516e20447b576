"""`helpdesk serve` runs two worker processes: a limit holds across both, without Redis.

Before the counters moved to a file shared by the workers, each worker counted in its own
memory and "5 a minute" let about 10 through.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.processes import HELPDESK, Output, free_port, get, wait_for

# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database

LIMIT = 5
REQUESTS = 16
CONNECTIONS = 4


@pytest.fixture
def server(tmp_path):
    env = {
        **os.environ,
        "HELPDESK_INSTANCE_DIR": str(tmp_path / "instance"),
        "HELPDESK_SECRET_KEY": "test",
        "HELPDESK_PORTAL_DIR": str(tmp_path / "portal"),
        "HELPDESK_LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
    }
    for name in ("HELPDESK_DATABASE_URL", "HELPDESK_REDIS_URL"):
        env.pop(name, None)
    port = free_port()
    process = subprocess.Popen(
        [str(HELPDESK), "serve", "--port", str(port), "--workers", "2", "--no-jobs"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(process)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: get(f"{base}/api/v1/openapi.json")[0] == 200 or None), (
            "the server never answered"
        )
        assert wait_for(lambda: logged(output).count("Booting worker") >= 2 or None)
        yield base, output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        output.thread.join(timeout=30)


def logged(output: Output) -> str:
    return "".join(output.lines)


def sign_in(url: str) -> tuple[int, dict[str, str], dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"email": "nobody@users.example", "password": "wrong"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_a_limit_holds_across_the_workers_of_helpdesk_serve(server):
    base, output = server
    # Several connections at once: while one worker is busy, the other takes the next.
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        answers = list(pool.map(sign_in, [f"{base}/api/v1/auth/token"] * REQUESTS))
    codes = sorted(status for status, _headers, _body in answers)
    assert codes == [401] * LIMIT + [429] * (REQUESTS - LIMIT)
    for status, headers, body in answers:
        if status == 429:
            assert 1 <= int(headers["Retry-After"]) <= 60
            assert body["error"]["code"] == "rate_limited"
            assert "the limit here is 5 a minute" in body["error"]["message"]
            assert re.search(r"Try again in \d+ seconds\.", body["error"]["message"])
    # Both workers answered sign-ins: the access log names the process of each answer.
    answered_by = set(re.findall(r"<(\d+)> .*POST /api/v1/auth/token", logged(output)))
    assert len(answered_by) == 2, logged(output)
