"""Where a built message goes: an SMTP server (HELPDESK_SMTP_URL), or else a folder of .eml files."""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ticketapi.core.errors import ConfigError, PermanentError

logger = logging.getLogger(__name__)

# How long one network step (connect, greeting, each command) may take before the job fails
# and is retried later.
SMTP_TIMEOUT_SECONDS = 30
# scheme: (TLS mode, default port)
SCHEMES = {
    "smtp": ("starttls", 25),  # STARTTLS when offered; required before a password is sent
    "smtps": ("tls", 465),  # TLS from the first byte
    "smtp+insecure": ("none", 25),  # never TLS, even for a password: loopback relays only
}
EXAMPLE_URL = "smtp://user:password@mail.example.com:587"


class MailError(Exception):
    """Sending failed in a way a later try may not (the job is retried)."""


@dataclass(frozen=True)
class SmtpServer:
    """HELPDESK_SMTP_URL, parsed."""

    tls: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse `smtp://`, `smtps://` or `smtp+insecure://[user:password@]host[:port]`."""
        name = "HELPDESK_SMTP_URL"
        parts = urlsplit(url)
        shown = _hide_password(url)
        if parts.scheme not in SCHEMES:
            raise ConfigError(
                f"{name}={shown!r} does not start with smtp://, smtps:// or smtp+insecure://: "
                f"set it like {EXAMPLE_URL}"
            )
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(
                f"{name}={shown!r} has a port that is not a number: set it like {EXAMPLE_URL}"
            ) from None
        if not parts.hostname:
            raise ConfigError(f"{name}={shown!r} names no server: set it like {EXAMPLE_URL}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ConfigError(
                f"{name}={shown!r} has a path or options, which mean nothing here: "
                f"set it like {EXAMPLE_URL}"
            )
        tls, default_port = SCHEMES[parts.scheme]
        return cls(
            tls=tls,
            host=parts.hostname,
            port=port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def _hide_password(url: str) -> str:
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


class SmtpTransport:
    """Deliver through an SMTP server; failures a later try may fix raise for a retry."""

    def __init__(self, server: SmtpServer, *, helo: str) -> None:
        self.server = server
        self.helo = helo

    def send(self, message: EmailMessage, *, sender: str, recipients: list[str]) -> None:
        data = message.as_bytes()
        client = self._connect()
        try:
            self._secure(client)
            refused = client.sendmail(sender, recipients, data)
        except smtplib.SMTPRecipientsRefused as exc:
            # Nobody was sent anything: a later try cannot send twice.
            if all(code >= 500 for code, _reply in exc.recipients.values()):
                raise PermanentError(
                    f"{self.server} refused every recipient: {_replies(exc.recipients)}"
                ) from exc
            raise MailError(
                f"{self.server} refused every recipient for now: {_replies(exc.recipients)}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentError(
                    f"{self.server} refused the message for good: "
                    f"{exc.smtp_code} {_text(exc.smtp_error)}"
                ) from exc
            raise
        finally:
            _close(client)
        if refused:
            # The others have it: trying again would send them a second copy.
            logger.warning(
                "%s: %s refused some recipients, sent to the rest: %s",
                message["Message-ID"],
                self.server,
                _replies(refused),
            )
        logger.info(
            "Sent %s to %d recipient(s) through %s",
            message["Message-ID"],
            len(recipients) - len(refused),
            self.server,
        )

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.tls == "tls":
            return smtplib.SMTP_SSL(
                server.host,
                server.port,
                local_hostname=self.helo,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(
            server.host, server.port, local_hostname=self.helo, timeout=SMTP_TIMEOUT_SECONDS
        )

    def _secure(self, client: smtplib.SMTP) -> None:
        """STARTTLS when the URL asks for it and the server offers it; then sign in."""
        server = self.server
        client.ehlo()
        if server.tls == "starttls":
            if client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            elif server.username:
                raise MailError(
                    f"{server} does not offer STARTTLS: the password is not sent in the clear "
                    "(use smtps://, or smtp+insecure:// for a relay on this machine)"
                )
        if server.username:
            client.login(server.username, server.password or "")


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _replies(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in refused.items())


class FolderTransport:
    """Write each message to `<folder>/<UTC time>-<Message-ID token>.eml` (no SMTP server)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, message: EmailMessage) -> Path:
        # Named by its Date and Message-ID, both fixed when it was queued: a retry rewrites
        # the same file.
        when = parsedate_to_datetime(message["Date"]).astimezone(UTC)
        token = str(message["Message-ID"]).strip("<>").partition("@")[0]
        token = re.sub(r"[^A-Za-z0-9._-]", "_", token)
        return self.folder / f"{when:%Y%m%dT%H%M%SZ}-{token}.eml"

    def send(self, message: EmailMessage, *, sender: str, recipients: list[str]) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path_for(message)
        # A temporary file renamed into place: a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(message.as_bytes())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        logger.info("Wrote %s for %s to %s", message["Message-ID"], ", ".join(recipients), path)


def transport_for(config: Mapping, *, helo: str) -> SmtpTransport | FolderTransport:
    """SMTP when HELPDESK_SMTP_URL is set, else `<instance>/mail/`."""
    if url := config.get("SMTP_URL"):
        return SmtpTransport(SmtpServer.from_url(url), helo=helo)
    return FolderTransport(Path(config["INSTANCE_DIR"]) / "mail")
