"""`helpdesk ingest` and `helpdesk demo`'s account, as real commands."""

from __future__ import annotations

import pytest

from tests.support.processes import fresh_instance_env, helpdesk
from tests.ticketapi.inbound.mails import mail

# Its processes run on an instance of their own: the same whatever engine the suite runs on.
pytestmark = pytest.mark.own_database


@pytest.fixture
def instance(tmp_path):
    return tmp_path, fresh_instance_env(tmp_path)


def test_ingest_files_messages_into_the_demos_account_with_progress_and_a_summary(instance):
    folder, env = instance
    assert helpdesk(env, "demo").returncode == 0
    files = []
    for number, data in enumerate(
        [
            mail(to="help@tidewater.example", message_id="<i1@acme.example>"),
            mail(to="help@tidewater.example", message_id="<i1@acme.example>"),
            b"not a mail at all",
        ]
    ):
        files.append(folder / f"{number}.eml")
        files[-1].write_bytes(data)
    result = helpdesk(env, "ingest", *map(str, files), str(folder / "missing.eml"))
    assert result.returncode == 1, result.stderr
    assert f"[1/4] {files[0]}: filed: A new ticket" in result.stdout
    assert f"[2/4] {files[1]}: duplicate" in result.stdout
    assert f"[3/4] {files[2]}: quarantined" in result.stdout
    assert "[4/4]" in result.stdout and "missing.eml: unreadable" in result.stdout
    assert "Stored 3 of 4 message(s): 1 duplicate, 1 filed, 1 quarantined." in result.stdout
    assert "1 file(s) could not be read." in result.stdout


def test_ingest_refuses_an_unknown_account(instance):
    folder, env = instance
    path = folder / "a.eml"
    path.write_bytes(mail())
    assert helpdesk(env, "db", "upgrade").returncode == 0
    result = helpdesk(env, "ingest", "--account", "nobody@example.com", str(path))
    assert result.returncode == 2
    assert "There is no ticket email account nobody@example.com." in result.stdout
