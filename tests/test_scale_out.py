"""Scale-out, run as a whole (SPEC §1; docs/deployment.md, "Scale-out").

Everything is a real process on loopback: two `helpdesk serve --no-jobs` and `helpdesk
worker`s, started with the command lines of the systemd units in docs/deployment.md and the
settings of its environment file, on a PostgreSQL schema and a redis-server of the test's
own (append-only file on, as the docs ask), an SMTP server, and nginx running the docs'
configuration. One story, in the order a deployment lives it, because the SLA clocks
started at the beginning must reach their target (an SLA's shortest is a minute) while the
rest happens; then two workers started together check them.

Runs when HELPDESK_TEST_POSTGRES_URL names a PostgreSQL server (`make test` sets it when one
answers); it creates a database of its own there (see tests/support/deployment.py).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import urlencode

import pytest

from tests.support.deployment import (
    HELPDESK,
    call,
    mail_sink,
    scratch_schema,
)
from tests.support.scale_out import (
    ADMIN,
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    HOST,
    Api,
    Desk,
    Nginx,
    created,
    doc_block,
    documented_settings,
    open_ticket,
    sign_in,
    token_of,
    unit_command,
)
from tests.support.scale_out_jobs import (
    SLA_LABEL,
    check_a_killed_worker_loses_nothing_queued,
    check_a_redis_restart_loses_no_job,
    check_jobs_run_once_with_two_workers,
    check_two_workers_act_once_on_each_sla_clock,
)

POSTGRES_URL = os.environ.get("HELPDESK_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="set HELPDESK_TEST_POSTGRES_URL to a PostgreSQL server where the test may create "
    "a database (make test does when one answers at its PG_TEST_URL)",
)


# Enough clocks that the two workers' checks, started together, are at work at once.
SLA_TICKETS = 16


@pytest.fixture
def desk(tmp_path):
    with scratch_schema(POSTGRES_URL) as database_url, mail_sink() as (sink, smtp_port):
        desk = Desk(tmp_path, database_url, sink, smtp_port)
        try:
            desk.redis.start()
            yield desk
        finally:
            desk.processes.stop_all()
            print(desk.processes.tails())  # shown when the test fails


def test_scale_out_runs_as_a_whole(desk):
    # Two machines boot at once: both migration units run `helpdesk db upgrade` (and an
    # admin is made meanwhile, which waits for them).
    upgrades = [desk.run(unit_command("helpdesk-migrate.service")) for _ in range(2)]
    make_admin = desk.run(
        [str(HELPDESK), "create-admin", "--email", ADMIN, "--password", ADMIN_PASSWORD]
    )
    assert all("The database is at the current schema" in desk.finish(u) for u in upgrades)
    desk.start_web()
    desk.finish(make_admin)
    desk.wait_for_web()
    one, two = desk.web_ports
    admin = token_of(sign_in(one, ADMIN, ADMIN_PASSWORD))
    via = [Api(one, admin), Api(two, admin)]

    def agent(name: str) -> dict:
        body = {"email": f"{name}@example.com", "name": name.title(), "password": AGENT_PASSWORD}
        return created(via[0].post("/agents", body))

    # SLA clocks start now, before any worker runs: they reach their target while the rest
    # happens, and two workers started together then check them.
    kim = agent("kim")
    created(
        via[1].post(
            "/slas",
            {
                "name": "Quick reply",
                "type": "first_response",
                "target_minutes": 1,
                "applies_to": {"labels": ["vip"]},
                "on_failure": {"add_label": SLA_LABEL, "notify": ["agent"]},
            },
        )
    )
    with ThreadPoolExecutor(4) as pool:
        sla_tickets = list(
            pool.map(
                lambda n: open_ticket(
                    via[n % 2],
                    {
                        "email": "ann@acme.example",
                        "name": "Ann",
                        "subject": f"Backups paused {n}",
                        "agent_id": kim["id"],
                        "labels": ["vip"],
                    },
                ),
                range(SLA_TICKETS),
            )
        )
    due = max(datetime.fromisoformat(t["sla"][0]["due_at"]) for t in sla_tickets)
    # The web processes never talk to the queue: the jobs wait in the outbox (a row for
    # each ticket's notification, one for the new SLA's recompute).
    assert desk.outbox_rows() == SLA_TICKETS + 1

    agents = {name: agent(name) for name in ("sam", *(f"lee{n}" for n in range(6)))}
    check_one_desk_through_either_server(desk, admin)
    check_the_sign_in_limit_is_shared(desk)
    check_nginx_runs_the_documented_configuration(desk, admin)
    check_jobs_run_once_with_two_workers(desk, via, agents, sla_tickets)
    check_a_killed_worker_loses_nothing_queued(desk, via, agents)
    late = check_a_redis_restart_loses_no_job(desk, via, agents)
    check_two_workers_act_once_on_each_sla_clock(desk, via, sla_tickets, due, late)


def check_one_desk_through_either_server(desk: Desk, admin: str) -> None:
    one, two = desk.web_ports
    # A ticket opened through one server is read through the other.
    ticket = open_ticket(
        Api(one, admin), {"email": "bo@acme.example", "name": "Bo", "subject": "VPN down"}
    )
    read = Api(two, admin).get(f"/tickets/{ticket['id']}")
    assert read.status == 200, read.text
    assert (read.json["ref"], read.json["subject"]) == (ticket["ref"], "VPN down")

    # A token issued by one server works on the other.
    sam = token_of(sign_in(two, "sam@example.com", AGENT_PASSWORD))
    assert Api(one, sam).get("/agents/me/notifications").status == 200

    # A file uploaded through one server is sent with a note through the other, and
    # downloaded through the first.
    content = os.urandom(200_000)
    attachment = created(upload(one, admin, content))
    note = {"body": "The log", "note": True, "attachment_ids": [attachment["id"]]}
    created(Api(two, admin).post(f"/tickets/{ticket['id']}/messages", note))
    download = call(
        one, "GET", f"/api/v1/attachments/{attachment['id']}/download", token=admin, host=HOST
    )
    assert (download.status, download.body == content) == (200, True)

    # The portal's form, fetched from one server, is accepted by the other: its session
    # cookie and CSRF token are signed with the shared HELPDESK_SECRET_KEY.
    form = call(one, "GET", "/portal/tickets/new", host=HOST)
    assert form.status == 200, form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    cookie = form.headers["Set-Cookie"].split(";", 1)[0]
    fields = {"csrf_token": csrf, "name": "Cy", "email": "cy@acme.example",
              "subject": "Printer jam", "message": "Again."}  # fmt: skip
    posted = call(
        two,
        "POST",
        "/portal/tickets/new",
        body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        host=HOST,
    )
    assert posted.status == 303, posted.text
    assert posted.headers["Location"].endswith("/portal/tickets/submitted")


def upload(port: int, token: str, content: bytes, **options):
    boundary = secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="log.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    options.setdefault("host", HOST)
    return call(port, "POST", "/api/v1/uploads", body=body, token=token, headers=headers, **options)


def check_the_sign_in_limit_is_shared(desk: Desk) -> None:
    one, two = desk.web_ports
    # HELPDESK_LOGIN_RATE_LIMIT="5 per minute", counted in Redis per client address: five
    # sign-ins from one client, spread over both servers, then neither takes a sixth.
    codes = [
        sign_in(port, ADMIN, ADMIN_PASSWORD, source="127.0.0.2").status
        for port in (one, two, one, two, one, two, one)
    ]
    assert codes == [201, 201, 201, 201, 201, 429, 429]
    # Another client still signs in: the limit is per client, not for everyone.
    assert sign_in(two, ADMIN, ADMIN_PASSWORD, source="127.0.0.3").status == 201


def check_nginx_runs_the_documented_configuration(desk: Desk, admin: str) -> None:
    nginx = Nginx(desk)
    nginx.start()
    https, page = nginx.https_port, nginx.tls

    # The static portal, with its security headers once each, and the portal's 404 page.
    kb = call(https, "GET", "/kb/", host=HOST, tls=page)
    assert (kb.status, kb.text) == (200, "<h1>Knowledgebase</h1>")
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                   "Referrer-Policy"):  # fmt: skip
        assert len(kb.header_values(header)) == 1, header
    missing = call(https, "GET", "/nowhere/", host=HOST, tls=page)
    assert (missing.status, missing.text) == (404, "<h1>Not here</h1>")
    assert missing.header_values("X-Frame-Options") == ["DENY"]
    plain = call(nginx.http_port, "GET", "/kb/", host=HOST)
    assert (plain.status, plain.headers["Location"]) == (301, f"https://{HOST}/kb/")

    # The three prefixes reach the helpdesk, its own headers once each, over both servers.
    for number in range(6):
        ticket = call(https, "GET", "/api/v1/tickets?per_page=1", token=admin, host=HOST,
                      tls=page, headers={"User-Agent": f"balanced-{number}"})  # fmt: skip
        assert ticket.status == 200, ticket.text
    for log in ("web1", "web2"):
        assert "balanced-" in (desk.tmp / "logs" / f"{log}.log").read_text(), log
    form = call(https, "GET", "/portal/tickets/new", host=HOST, tls=page)
    assert form.status == 200 and "csrf_token" in form.text
    assert form.header_values("X-Frame-Options") == ["DENY"]
    agent_page = call(https, "GET", "/agent/login", host=HOST, tls=page)
    assert agent_page.status == 200 and "<h1>Sign in</h1>" in agent_page.text
    assert agent_page.header_values("X-Frame-Options") == ["DENY"]
    # Served over HTTPS (nginx says so in X-Forwarded-Proto): the session cookie is Secure.
    (cookie,) = agent_page.header_values("Set-Cookie")
    assert "; Secure" in cookie and "HttpOnly" in cookie

    # Rate limits count the client nginx names in X-Forwarded-For, not nginx.
    codes = [
        sign_in(https, ADMIN, ADMIN_PASSWORD, source="127.0.0.4", tls=page).status for _ in range(6)
    ]
    assert codes == [201, 201, 201, 201, 201, 429]
    assert sign_in(https, ADMIN, ADMIN_PASSWORD, source="127.0.0.5", tls=page).status == 201

    # An attachment of several megabytes goes through (nginx's default would refuse it).
    content = os.urandom(3_000_000)
    attachment = created(upload(https, admin, content, tls=page))
    download = call(desk.web_ports[1], "GET", f"/api/v1/attachments/{attachment['id']}/download",
                    token=admin, host=HOST)  # fmt: skip
    assert download.body == content
    nginx.stop()


def test_the_documented_units_pass_systemd_analyze(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package has it)")
    units = {
        name: doc_block("ini", f"/etc/systemd/system/{name}")
        for name in ("helpdesk-migrate.service", "helpdesk-web@.service",
                     "helpdesk-worker@.service", "helpdesk-smtpd.service", "helpdesk.target")
    }  # fmt: skip
    for name, text in units.items():
        # This environment's helpdesk, and a user and folder that exist here.
        text = text.replace("/srv/helpdesk/venv/bin/helpdesk", str(HELPDESK))
        text = text.replace("User=helpdesk", "User=root").replace("Group=helpdesk", "Group=root")
        text = text.replace("/srv/helpdesk", str(tmp_path))
        text = text.replace("/etc/helpdesk/helpdesk.env", str(tmp_path / "helpdesk.env"))
        (tmp_path / name).write_text(text)
        if "@" in name:
            shutil.copy(tmp_path / name, tmp_path / name.replace("@", "@8001"))
    (tmp_path / "helpdesk.env").write_text("".join(f"{k}={v}\n" for k, v in
                                                   documented_settings().items()))  # fmt: skip
    checked = subprocess.run(
        [analyze, "verify", "--man=no",
         *(str(tmp_path / n) for n in ("helpdesk-migrate.service", "helpdesk-web@8001.service",
                                       "helpdesk-worker@8001.service",
                                       "helpdesk-smtpd.service", "helpdesk.target"))],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    problems = [line for line in checked.stderr.splitlines() if "helpdesk" in line]
    assert problems == []
