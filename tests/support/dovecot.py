"""A real IMAP server on loopback: Debian's dovecot-imapd, a throwaway instance per test.

Its own configuration file, mail folder, password file and log in a folder of its own;
plain-text sign-in without TLS on 127.0.0.1 and a free port. Started as root (CI), its mail
processes run as `nobody` and its sign-in as Debian's `dovecot` user (it never runs them as
root), who cannot enter pytest's tmp_path (mode 700): so the folder is a temporary one of
mode 711 in the system's temporary folder, removed after the test. Started by anyone else,
it all runs as that user. Registered as a plugin (tests/conftest.py): the `dovecot` fixture.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from tests.support.processes import free_port, wait_for

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "help@tidewater.example", "imap-secret 1"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:{root}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    port: int
    root: Path
    username: str = USER
    password: str = PASSWORD

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            for raw in messages:
                client.append(folder, raw)

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """Every message's flags, by UID."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            return {uid: data[b"FLAGS"] for uid, data in client.fetch(uids, ["FLAGS"]).items()}

    def settings(self, **changes) -> dict:
        """An email account's `imap` settings for this server."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "folder": "INBOX",
            "tls": False,
        } | changes


def _users() -> tuple[pwd.struct_passwd, str, str]:
    """The mail user, and dovecot's login and internal users."""
    if os.getuid() == 0:
        return pwd.getpwnam("nobody"), "dovenull", "dovecot"
    me = pwd.getpwuid(os.getuid())
    return me, me.pw_name, me.pw_name


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.fail("dovecot is not installed: run `make system-deps` (dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    root.chmod(0o711)
    try:
        yield from _running(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _running(root: Path) -> Iterator[Dovecot]:
    mail_user, login_user, internal_user = _users()
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir()
    for name in ("mail", "home"):
        os.chown(root / name, mail_user.pw_uid, mail_user.pw_gid)
    (root / "run").chmod(0o755)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Dovecot(port, root)
    try:
        if not wait_for(lambda: process.poll() is not None or _answers(server)):
            pytest.fail("dovecot did not answer on its port")
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot stopped: {process.stdout.read().decode()}{log}")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        process.stdout.close()


def _answers(server: Dovecot) -> bool:
    client = None
    try:
        client = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
        client.login(server.username, server.password)
        client.logout()
    except (OSError, IMAPClientError):
        if client is not None:
            client.shutdown()
        return False
    return True
