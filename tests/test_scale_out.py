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
import ssl
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
import trustme

from tests.support.deployment import (
    HELPDESK,
    MailSink,
    Processes,
    RedisServer,
    answers,
    call,
    free_port,
    mail_sink,
    query,
    scratch_schema,
    wait_until,
)

DEPLOYMENT_DOC = Path(__file__).parents[1] / "docs" / "deployment.md"
POSTGRES_URL = os.environ.get("HELPDESK_TEST_POSTGRES_URL")
NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="set HELPDESK_TEST_POSTGRES_URL to a PostgreSQL server where the test may create "
    "a database (make test does when one answers at its PG_TEST_URL)",
)

HOST = "help.example.com"  # the docs' HELPDESK_SITE_URL and server_name
ADMIN, ADMIN_PASSWORD = "ada@example.com", "example-admin"
AGENT_PASSWORD = "example-agent"
# Enough clocks that the two workers' checks, started together, are at work at once.
SLA_TICKETS = 16
SLA_LABEL = "sla-missed"


# What docs/deployment.md says


def doc_block(language: str, marker: str) -> str:
    """The docs' fenced block of `language` whose text holds `marker`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", DEPLOYMENT_DOC.read_text(), re.S)
    found = [block for block in blocks if marker in block]
    assert len(found) == 1, f"docs/deployment.md has {len(found)} {language} blocks with {marker}"
    return found[0]


def documented_settings() -> dict[str, str]:
    block = doc_block("sh", "/etc/helpdesk/helpdesk.env")
    return dict(
        line.split("=", 1) for line in block.splitlines() if re.match(r"HELPDESK_\w+=", line)
    )


def unit_command(unit: str, instance: str = "") -> list[str]:
    """A unit's ExecStart, with this environment's `helpdesk` and the instance for %i."""
    block = doc_block("ini", f"/etc/systemd/system/{unit}")
    (line,) = re.findall(r"^ExecStart=(.*)$", block, re.M)
    program, *args = line.replace("%i", instance).split()
    assert program == "/srv/helpdesk/venv/bin/helpdesk", program
    return [str(HELPDESK), *args]


class Desk:
    """The deployment under test: its settings, its processes, its mail."""

    def __init__(self, tmp: Path, database_url: str, sink: MailSink, smtp_port: int) -> None:
        self.tmp = tmp
        self.processes = Processes(tmp / "logs")
        self.database_url = database_url
        self.sink = sink
        self.redis = RedisServer(tmp / "redis", self.processes)
        self.web_ports = [free_port(), free_port()]
        self.workers = []
        values = {
            "HELPDESK_DATABASE_URL": database_url,
            "HELPDESK_REDIS_URL": self.redis.url,
            "HELPDESK_SECRET_KEY": secrets.token_urlsafe(48),
            # One instance folder for every process, as on a shared volume: attachments.
            "HELPDESK_INSTANCE_DIR": str(tmp / "instance"),
            "HELPDESK_PORTAL_DIR": str(tmp / "output"),
            "HELPDESK_SEARCH_INDEX": str(tmp / "search-index"),
            "HELPDESK_SITE_URL": f"https://{HOST}",
            "HELPDESK_TRUSTED_PROXIES": "1",
            "HELPDESK_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp_port}",
            "HELPDESK_MAIL_FROM": documented_settings()["HELPDESK_MAIL_FROM"],
        }
        # Every setting the docs' environment file names, and no other, is set here.
        assert set(values) == set(documented_settings())
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")},
            **values,
            "HELPDESK_LOGIN_RATE_LIMIT": "5 per minute",  # reached by the test
            "HOME": str(tmp / "home"),  # nothing a process leaves in a home folder is shared
            "XDG_RUNTIME_DIR": "",
        }

    def run(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def finish(self, process: subprocess.Popen) -> str:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, f"{process.args}: {output}"
        return output

    def start_web(self) -> None:
        for number, port in enumerate(self.web_ports, 1):
            self.processes.start(
                f"web{number}", unit_command("helpdesk-web@.service", str(port)), self.env
            )

    def wait_for_web(self) -> None:
        for port in self.web_ports:
            assert wait_until(lambda port=port: answers(port), 60), self.processes.tails()

    def start_workers(self, *names: str) -> list:
        started = [
            self.processes.start(
                f"worker{name}", unit_command("helpdesk-worker@.service", name), self.env
            )
            for name in names
        ]
        self.workers.extend(started)
        return started

    def wait_started(self, *workers) -> None:
        for worker in workers:
            assert wait_until(lambda w=worker: "Huey consumer started" in w.output, 60), (
                self.processes.tails()
            )

    def outbox_rows(self) -> int:
        return query(self.database_url, "SELECT count(*) FROM job_outbox")[0][0]


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


class Api:
    """JSON calls to one web process with a token."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.token = token

    def get(self, path: str):
        return call(self.port, "GET", f"/api/v1{path}", token=self.token, host=HOST)

    def post(self, path: str, body: dict):
        return call(
            self.port, "POST", f"/api/v1{path}", json_body=body, token=self.token, host=HOST
        )


def sign_in(port: int, email: str, password: str, source: str = "127.0.0.1", **options):
    """The answer to a sign-in through this port, sent from the loopback address `source`."""
    body = {"email": email, "password": password}
    return call(
        port, "POST", "/api/v1/auth/token", json_body=body, source=source, host=HOST, **options
    )


def token_of(answer) -> str:
    assert answer.status == 201, answer.text
    return answer.json["token"]


def created(answer) -> dict:
    assert answer.status == 201, answer.text
    return answer.json


def open_ticket(api: Api, fields: dict) -> dict:
    """Open a ticket through this server; the ticket as agents read it (with its clocks)."""
    opened = created(api.post("/tickets", {"message": "Please help.", **fields}))
    ticket = api.get(f"/tickets/{opened['id']}")
    assert ticket.status == 200, ticket.text
    return ticket.json


def assigned_mail(ticket: dict) -> str:
    return f"[#{ticket['ref']}] Assigned to you: {ticket['subject']}"


def mail_counts(sink: MailSink, subjects) -> dict[str, int]:
    delivered = Counter(sink.subjects())
    return {subject: delivered[subject] for subject in subjects}


def all_mailed(sink: MailSink, subjects) -> bool:
    return set(subjects) <= set(sink.subjects())


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


class Nginx:
    """nginx with the docs' server blocks: only ports, paths and certificates replaced."""

    def __init__(self, desk: Desk) -> None:
        if NGINX is None:
            pytest.fail("nginx is not installed: `make system-deps` installs Debian's")
        self.desk = desk
        self.folder = desk.tmp / "nginx"
        self.https_port, self.http_port = free_port(), free_port()
        authority = trustme.CA()
        self.tls = ssl.create_default_context()
        authority.configure_trust(self.tls)
        self.certificate = authority.issue_cert(HOST, "127.0.0.1")
        self.process = None

    def configuration(self) -> str:
        block = doc_block("nginx", "upstream helpdesk")
        folder, (one, two) = self.folder, self.desk.web_ports
        for documented, ours in [
            ("server 127.0.0.1:8001;", f"server 127.0.0.1:{one};"),
            ("server 127.0.0.1:8002;", f"server 127.0.0.1:{two};"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;"),
            ("/etc/letsencrypt/live/help.example.com/fullchain.pem", str(folder / "cert.pem")),
            ("/etc/letsencrypt/live/help.example.com/privkey.pem", str(folder / "key.pem")),
            ("root /srv/helpdesk/output;", f"root {self.desk.env['HELPDESK_PORTAL_DIR']};"),
        ]:
            assert block.count(documented) == 1, f"the docs' nginx block lost {documented!r}"
            block = block.replace(documented, ours)
        temporary = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Workers run as root only when the test does: they read the test's own folders.
        user = "user root;" if os.geteuid() == 0 else ""
        return f"""{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} notice;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder / "access.log"};
{temporary}
{block}
}}
"""

    def start(self) -> None:
        self.folder.mkdir()
        self.certificate.private_key_pem.write_to_path(str(self.folder / "key.pem"))
        self.certificate.cert_chain_pems[0].write_to_path(str(self.folder / "cert.pem"))
        portal = Path(self.desk.env["HELPDESK_PORTAL_DIR"])
        (portal / "kb").mkdir(parents=True, exist_ok=True)
        (portal / "kb" / "index.html").write_text("<h1>Knowledgebase</h1>")
        (portal / "404.html").write_text("<h1>Not here</h1>")
        conf = self.folder / "nginx.conf"
        conf.write_text(self.configuration())
        command = [NGINX, "-e", str(self.folder / "error.log"), "-p", str(self.folder), "-c",
                   str(conf)]  # fmt: skip
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        assert "syntax is ok" in checked.stderr and "[warn]" not in checked.stderr, checked.stderr
        self.process = self.desk.processes.start("nginx", [*command, "-g", "daemon off;"], {})
        assert wait_until(lambda: answers(self.http_port), 30), self.desk.processes.tails()

    def stop(self) -> None:
        assert self.desk.processes.stop(self.process) == 0


def check_jobs_run_once_with_two_workers(desk: Desk, via, agents, sla_tickets) -> None:
    first, second = desk.start_workers("1", "2")
    desk.wait_started(first, second)
    # Jobs queued by either server while no worker ran, and jobs queued now, run once each:
    # one "Assigned to you" mail per ticket.
    opened = [
        open_ticket(
            via[n % 2],
            {
                "email": "dee@acme.example",
                "name": "Dee",
                "subject": f"Laptop {n}",
                "agent_id": agents["sam"]["id"],
            },
        )
        for n in range(6)
    ]
    expected = [assigned_mail(t) for t in sla_tickets + opened]
    assert wait_until(lambda: all_mailed(desk.sink, expected), 60), desk.processes.tails()

    # PostgreSQL closes every connection (a restart, a fail-over): the next requests and
    # jobs get new ones, and nothing fails or waits for a retry.
    query(
        desk.database_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    after = [
        open_ticket(
            via[n % 2],
            {
                "email": "dee@acme.example",
                "name": "Dee",
                "subject": f"Dock {n}",
                "agent_id": agents["sam"]["id"],
            },
        )
        for n in range(4)
    ]
    expected += [assigned_mail(t) for t in after]
    assert wait_until(lambda: all_mailed(desk.sink, expected), 20), desk.processes.tails()
    time.sleep(2)  # two relay passes and polls: time enough for a second copy to arrive
    assert mail_counts(desk.sink, expected) == dict.fromkeys(expected, 1)
    assert desk.outbox_rows() == 0
    for worker in (first, second):
        assert "notifications.routed" in worker.output, "a worker ran nothing"
        assert desk.processes.stop(worker) == 0  # gracefully: running jobs finish first


def check_a_killed_worker_loses_nothing_queued(desk: Desk, via, agents) -> None:
    # With no worker running, six tickets are each assigned to one of six agents: six
    # notification jobs wait in the outbox, each of which queues one mail.
    def tickets(subject: str, count: int) -> list[dict]:
        return [
            open_ticket(
                via[n % 2],
                {
                    "email": "eve@acme.example",
                    "name": "Eve",
                    "subject": f"{subject} {n}",
                    "agent_id": agents[f"lee{n}"]["id"],
                },
            )
            for n in range(count)
        ]

    first_wave = tickets("Printer", 6)
    assert desk.outbox_rows() == 6

    # A worker starts; the mail server takes each message but holds its answer, so the
    # worker's two threads are in the middle of sending when it is killed.
    desk.sink.holding = True
    (doomed,) = desk.start_workers("3")
    assert wait_until(lambda: len(desk.sink.held) == 2, 60), desk.processes.tails()
    in_flight = {delivery.subject for delivery in desk.sink.held}
    desk.processes.kill(doomed)
    assert wait_until(lambda: not desk.sink.held, 10)
    desk.sink.holding = False

    second_wave = tickets("Scanner", 2)  # their jobs wait in the outbox
    assert desk.outbox_rows() >= 2

    (successor,) = desk.start_workers("4")
    everything = {assigned_mail(t) for t in first_wave + second_wave}
    expected = everything - in_flight
    assert wait_until(lambda: all_mailed(desk.sink, expected), 60), (
        f"lost: {expected - set(desk.sink.subjects())}\n{desk.processes.tails()}"
    )
    time.sleep(2)
    # Every job that was queued or in the outbox ran once. The two that were running when
    # their worker was killed are gone, as docs/ticketapi.md says ("At most once while
    # running"): not sent, not retried, not kept as failed.
    assert mail_counts(desk.sink, everything) == {
        subject: 0 if subject in in_flight else 1 for subject in everything
    }
    failed = Api(desk.web_ports[0], token_of(sign_in(desk.web_ports[0], ADMIN, ADMIN_PASSWORD)))
    assert failed.get("/jobs/failed").json["items"] == []
    assert desk.outbox_rows() == 0
    assert desk.processes.stop(successor) == 0


def check_a_redis_restart_loses_no_job(desk: Desk, via, agents) -> list[str]:
    """Redis stops: the web processes go on; the jobs asked for meanwhile wait, then run."""
    desk.processes.stop(desk.redis.process)
    # Sign-in is rate-limited: its counters move to each process's memory meanwhile.
    for port in desk.web_ports:
        assert sign_in(port, "sam@example.com", AGENT_PASSWORD, source="127.0.0.6").status == 201
    waiting = open_ticket(
        via[1],
        {"email": "flo@acme.example", "name": "Flo", "subject": "Wifi",
         "agent_id": agents["sam"]["id"]},
    )  # fmt: skip
    desk.redis.start()
    return [assigned_mail(waiting)]


def check_two_workers_act_once_on_each_sla_clock(desk, via, sla_tickets, due, late) -> None:
    # Every worker so far has stopped before the clocks reached their target, so the first
    # check to find them due is one of the two started together now (each worker's
    # scheduler queues `slas.check` as it starts, then once a minute).
    assert all(not worker.running() for worker in desk.workers)
    assert datetime.now(UTC) < due, "the checks before took longer than the SLA's target"
    wait_until(lambda: datetime.now(UTC) > due, 90)
    pair = desk.start_workers("5", "6")
    expected = [f"[#{t['ref']}] SLA missed: Quick reply: {t['subject']}" for t in sla_tickets]
    assert wait_until(lambda: all_mailed(desk.sink, expected + late), 60), desk.processes.tails()
    time.sleep(2)
    assert Counter(s for s in desk.sink.subjects() if "SLA missed" in s) == Counter(expected)
    assert mail_counts(desk.sink, late) == dict.fromkeys(late, 1)  # waited out Redis's restart

    def acted_on(ticket: dict) -> tuple:
        read = via[1].get(f"/tickets/{ticket['id']}").json
        history = via[0].get(f"/tickets/{ticket['id']}/history?per_page=100").json["items"]
        sla_events = [event["data"]["state"] for event in history if event["kind"] == "sla"]
        return read["labels"].count(SLA_LABEL), read["sla"][0]["state"], tuple(sla_events)

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(acted_on, sla_tickets)) == {(1, "failed", ("failed",))}
    # Both workers checked the clocks: each scheduler queued the check, and both ran.
    checks = sum(w.output.count("Executing ticketapi.slas.check.slas.check") for w in pair)
    assert checks >= 2, desk.processes.tails()
    for worker in pair:
        assert desk.processes.stop(worker) == 0


def test_the_documented_units_pass_systemd_analyze(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package has it)")
    units = {
        name: doc_block("ini", f"/etc/systemd/system/{name}")
        for name in ("helpdesk-migrate.service", "helpdesk-web@.service",
                     "helpdesk-worker@.service", "helpdesk.target")
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
                                       "helpdesk-worker@8001.service", "helpdesk.target"))],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    problems = [line for line in checked.stderr.splitlines() if "helpdesk" in line]
    assert problems == []
