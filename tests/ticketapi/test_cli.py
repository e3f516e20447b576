"""The ticketapi commands (db, create-admin, demo, tickets reindex, serve) as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import (
    HELPDESK,
    free_port,
    fresh_instance_env,
    get,
    group_alive,
    helpdesk,
    post_json,
    wait_for,
)

# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database


@pytest.fixture
def instance(tmp_path, monkeypatch):
    return tmp_path, fresh_instance_env(tmp_path)


def test_db_upgrade_creates_the_database_once(instance):
    folder, env = instance
    first, second = helpdesk(env, "db", "upgrade"), helpdesk(env, "db", "upgrade")
    assert first.returncode == second.returncode == 0, first.stderr
    assert "✓ The database is at the current schema." in second.stdout
    assert (folder / "instance" / "helpdesk.db").exists()
    assert helpdesk(env, "db", "check").returncode == 0


def test_create_admin_then_sign_in(instance):
    _folder, env = instance
    created = helpdesk(
        env, "create-admin", "--email", "Boss@Example.com", "--password", "long enough pw"
    )
    assert created.returncode == 0, created.stderr
    assert "Created admin boss@example.com" in created.stdout
    again = helpdesk(
        env, "create-admin", "--email", "boss@example.com", "--password", "another long pw"
    )
    assert "Updated admin boss@example.com" in again.stdout


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("boss@example.com", "short", "at least 10 characters"),
        ("not-an-address", "long enough pw", "is not an email address"),
    ],
)
def test_create_admin_refuses_bad_input(instance, email, password, message):
    _folder, env = instance
    result = helpdesk(env, "create-admin", "--email", email, "--password", password)
    assert result.returncode == 1
    assert message in result.stdout


def test_a_bad_setting_is_named(instance):
    _folder, env = instance
    result = helpdesk({**env, "HELPDESK_SQLITE_SYNCHRONOUS": "sometimes"}, "db", "upgrade")
    assert result.returncode == 2
    assert "HELPDESK_SQLITE_SYNCHRONOUS" in result.stdout


def test_demo_is_idempotent_and_prints_the_login(instance):
    _folder, env = instance
    first = helpdesk(env, "demo")
    assert first.returncode == 0, first.stderr
    assert "8 tickets" in first.stdout
    assert "Sign in as admin@tidewater.example / tidewater-demo" in first.stdout
    second = helpdesk(env, "demo")
    assert "Demo data loaded (nothing new)" in second.stdout


def test_tickets_reindex_rebuilds_the_search_index(instance):
    folder, env = instance
    assert helpdesk(env, "demo").returncode == 0
    database = folder / "instance" / "helpdesk.db"

    def query(sql: str) -> list[tuple]:
        connection = sqlite3.connect(database)
        try:
            with connection:
                return connection.execute(sql).fetchall()
        finally:
            connection.close()

    quota = "SELECT rowid FROM ticket_search WHERE ticket_search MATCH 'quota'"
    assert len(query(quota)) == 1  # the demo's tickets were indexed as they were opened
    query("DELETE FROM ticket_search")
    query("INSERT INTO ticket_search (rowid, subject) VALUES (999, 'stray')")
    result = helpdesk(env, "tickets", "reindex")
    assert result.returncode == 0, result.stderr
    assert "8 of 8 tickets" in result.stderr
    assert "✓ Indexed 8 tickets with" in result.stdout
    assert "entries of deleted tickets removed: 1." in result.stdout
    assert query("SELECT count(*) FROM ticket_search") == [(8,)]
    assert len(query(quota)) == 1


def test_serve_answers_portal_and_api(instance):
    folder, env = instance
    portal = folder / "portal"
    (portal / "kb").mkdir(parents=True)
    (portal / "index.html").write_text("<h1>Tidewater help</h1>")
    (portal / "kb" / "index.html").write_text("<h1>Knowledgebase</h1>")
    (portal / "404.html").write_text("<h1>Not here</h1>")
    assert helpdesk(env, "demo").returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(HELPDESK), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: get(f"{base}/")[0] == 200 or None), "the server never answered"
        assert get(f"{base}/")[1] == b"<h1>Tidewater help</h1>"
        assert get(f"{base}/kb/")[1] == b"<h1>Knowledgebase</h1>"
        assert get(f"{base}/kb/../../secret_key")[0] == 404
        assert get(f"{base}/nowhere/") == (404, b"<h1>Not here</h1>")
        status, token = post_json(
            f"{base}/api/v1/auth/token",
            {"email": "admin@tidewater.example", "password": "tidewater-demo"},
        )
        assert status == 201
        status, body = get(f"{base}/api/v1/tickets?per_page=50", token["token"])
        assert status == 200 and json.loads(body)["total"] == 8
        assert json.loads(get(f"{base}/api/v1/openapi.json")[1])["info"]["title"] == "Helpdesk API"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        server.stdout.close()
    assert not group_alive(server.pid)


def open_files(pid: int) -> set[str]:
    """What the process has open, as paths (sockets and pipes as their kind)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue  # closed meanwhile
    return found


def children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [
        int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()
    ]


def test_serve_forks_its_workers_holding_no_database_connection(instance):
    # serve migrates SQLite (and checks a shared database's schema) before gunicorn forks:
    # a connection left open then would be one connection shared by every web worker.
    folder, env = instance
    env = {**env, "HOME": str(folder / "home"), "XDG_RUNTIME_DIR": ""}
    port = free_port()
    server = subprocess.Popen(
        [str(HELPDESK), "serve", "--no-jobs", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        api = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        assert wait_for(lambda: get(api)[0] == 200 or None), "the server never answered"
        assert wait_for(lambda: len(children(server.pid)) == 2), "gunicorn forked no workers"
        database = str(folder / "instance" / "helpdesk.db")
        master_holds = [path for path in open_files(server.pid) if path.startswith(database)]
        assert master_holds == [], "the master keeps a database connection open to fork"
        # gunicorn's control socket, one path per user, is off: nothing in the home folder.
        assert not (folder / "home" / ".gunicorn").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert not group_alive(server.pid)


def test_an_unreachable_database_is_one_clear_line(instance):
    _folder, env = instance
    env = {**env, "HELPDESK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = helpdesk(env, "serve", "--port", str(free_port()))
    assert result.returncode == 1
    assert "✗ Cannot use postgresql+psycopg://nobody@127.0.0.1:1/none" in result.stdout
    assert "Check HELPDESK_DATABASE_URL" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
