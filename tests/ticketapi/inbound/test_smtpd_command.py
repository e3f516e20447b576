"""`helpdesk smtpd` as a command: a database it cannot reach, and SIGTERM."""

from __future__ import annotations

import signal
import smtplib
import subprocess

import pytest

from tests.support.processes import HELPDESK, free_port, fresh_instance_env, wait_for
from tests.ticketapi.inbound.mails import ACCOUNT, mail

# Its process runs on an instance of its own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database


def test_without_its_database_it_answers_451_and_sigterm_stops_it(tmp_path):
    env = fresh_instance_env(tmp_path)
    # A PostgreSQL server that is not there (a port nothing listens on).
    env["HELPDESK_DATABASE_URL"] = f"postgresql+psycopg://helpdesk@127.0.0.1:{free_port()}/gone"
    port = free_port()
    process = subprocess.Popen(
        [str(HELPDESK), "smtpd", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Listening on"):
                break
        output = "".join(lines)
        assert "! Cannot read the ticket email accounts: OperationalError" in output
        assert f"Listening on 127.0.0.1:{port} for the ticket email accounts" in output
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            client.ehlo()
            client.mail("ann@acme.example")
            code, answer = client.rcpt(ACCOUNT)
            assert (code, answer) == (
                451,
                b"4.3.0 The help desk cannot take mail just now: try again later",
            )
            client.rset()
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("ann@acme.example", [ACCOUNT], mail())
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert f"451 at RCPT <{ACCOUNT}> from 127.0.0.1:" in rest
    assert "Stopping: no new connections" in rest
    assert rest.rstrip().endswith("Stopped.")
    assert wait_for(lambda: _refused(port), seconds=5)  # no longer listening


def _refused(port: int) -> bool:
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=5).close()
    except OSError:
        return True
    return False
