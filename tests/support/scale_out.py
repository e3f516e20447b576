"""The scale-out test's deployment (tests/test_scale_out.py): what docs/deployment.md says,
one desk of real processes, JSON calls to it, and nginx with the docs' configuration."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import ssl
import subprocess
from collections import Counter
from pathlib import Path

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
    query,
    wait_until,
)

DEPLOYMENT_DOC = Path(__file__).parents[2] / "docs" / "deployment.md"
NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")

HOST = "help.example.com"  # the docs' HELPDESK_SITE_URL and server_name
ADMIN, ADMIN_PASSWORD = "ada@example.com", "example-admin"
AGENT_PASSWORD = "example-agent"


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
