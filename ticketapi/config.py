"""Configuration from `HELPDESK_*` environment variables, with working embedded defaults."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpdesk import shared_settings
from ticketapi import rate_limits
from ticketapi.core.errors import ConfigError
from ticketapi.mail.addresses import sender_address
from ticketapi.mail.transport import SmtpServer

DEFAULT_SUBMIT_LIMIT = "20 per minute;200 per day"
DEFAULT_LOGIN_LIMIT = "10 per minute"
# Second-step codes per agent: with three codes good at a time, at most 720 guesses a day.
DEFAULT_TOTP_LIMIT = "5 per minute;30 per hour"
DEFAULT_PASSWORD_RESET_LIMIT = "5 per minute;50 per day"
DEFAULT_PASSWORD_RESET_ADDRESS_LIMIT = "3 per hour"
DEFAULT_MAIL_FROM = "Helpdesk <helpdesk@localhost>"
# A person typing into the deflection box sends a query every few keystrokes.
DEFAULT_SEARCH_LIMIT = "120 per minute;5000 per day"
DEFAULT_DEFLECTION_LIMIT = "30 per minute;500 per day"
# What one portal user may do (tickets/quotas.py); agents are exempt.
DEFAULT_UPLOADS_PER_HOUR = 30
DEFAULT_UPLOAD_MB_PER_DAY = 200
DEFAULT_TICKETS_PER_HOUR = 10
DEFAULT_CC_PER_TICKET = 20
# The agents' sidebar and lists count up to this many tickets, then show "500+".
DEFAULT_AGENT_COUNT_CAP = 500
# Mail in (`helpdesk smtpd`, `helpdesk fetch-mail`): the largest message taken, as big mail
# servers take (Gmail sends up to 25 MB of attachments, which base64 makes about 34 MB).
DEFAULT_MAX_MAIL_MB = 35
DEFAULT_SMTPD_PORT = 2525
DEFAULT_FETCH_MAIL_MINUTES = 2


def instance_dir(environ: Mapping[str, str]) -> Path:
    """Return the folder for the database, attachments and the generated secret key."""
    return Path(environ.get("HELPDESK_INSTANCE_DIR", "instance")).resolve()


def secret_key(environ: Mapping[str, str], instance: Path) -> str:
    """Return HELPDESK_SECRET_KEY, or a random key kept in the instance folder."""
    if key := environ.get("HELPDESK_SECRET_KEY"):
        return key
    # Embedded default: one random key per instance, so sessions survive restarts.
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def time_zone(environ: Mapping[str, str]) -> str:
    """HELPDESK_TIMEZONE, an IANA name such as Europe/Berlin (UTC when unset)."""
    name = environ.get("HELPDESK_TIMEZONE", "UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"HELPDESK_TIMEZONE={name!r} is not a time zone: set an IANA name such as Europe/Berlin"
        ) from None
    return name


def positive_int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    value = environ.get(name, str(default)).strip()
    if not value.isascii() or not value.isdigit() or int(value) < minimum:
        raise ConfigError(f"{name}={value!r} is not a whole number of {minimum} or more: set one")
    return int(value)


SYNCHRONOUS_MODES = ("NORMAL", "FULL", "EXTRA")


def choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = environ.get(name, choices[0]).upper()
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(choices)}: set one of those")
    return value


def smtp_url(environ: Mapping[str, str]) -> str | None:
    """HELPDESK_SMTP_URL, checked now so a bad one stops the command, not the first mail."""
    if url := environ.get("HELPDESK_SMTP_URL"):
        SmtpServer.from_url(url)  # ConfigError naming the variable
    return url or None


def mail_from(environ: Mapping[str, str], smtp: str | None) -> str:
    """HELPDESK_MAIL_FROM; required with an SMTP server, where @localhost would be refused."""
    value = environ.get("HELPDESK_MAIL_FROM")
    if not value:
        if smtp:
            raise ConfigError(
                "HELPDESK_SMTP_URL is set but HELPDESK_MAIL_FROM is not: set it to the address "
                "mail comes from, e.g. 'Tidewater Support <support@tidewater.example>'"
            )
        return DEFAULT_MAIL_FROM
    try:
        return str(sender_address(value))
    except ValueError as exc:
        raise ConfigError(f"HELPDESK_MAIL_FROM: {exc}") from None


# werkzeug matches no IPv6 address here: a server on [::1] is reached by name (localhost).
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def allowed_hosts(environ: Mapping[str, str], site_url: str | None) -> list[str] | None:
    """HELPDESK_ALLOWED_HOSTS, the host names a request may name in its Host header.

    Default: the host of HELPDESK_SITE_URL, else this machine's own names (the embedded
    server listens on 127.0.0.1). `*` trusts any Host (a proxy in front checks it).
    """
    value = environ.get("HELPDESK_ALLOWED_HOSTS", "").strip()
    if value == "*":
        return None
    hosts = [host.strip().lower() for host in value.split(",") if host.strip()]
    for host in hosts:
        if not re.fullmatch(r"\.?[a-z0-9-]+(\.[a-z0-9-]+)*", host):
            raise ConfigError(
                f"HELPDESK_ALLOWED_HOSTS has {host!r}, which is not a host name: list names "
                "without ports, such as help.example.com, .example.com (and its "
                "subdomains), or * for any"
            )
    if not hosts and site_url and (site_host := urlsplit(site_url).hostname):
        hosts = [site_host]
    return hosts or list(LOCAL_HOSTS)


def from_environ(environ: Mapping[str, str] = os.environ, overrides: Mapping | None = None) -> dict:
    """Build the Flask configuration from the environment, then `overrides` on top."""
    overrides = dict(overrides or {})
    instance = (
        Path(overrides["INSTANCE_DIR"]) if "INSTANCE_DIR" in overrides else instance_dir(environ)
    )
    redis_url = environ.get("HELPDESK_REDIS_URL") or None
    max_mb = float(environ.get("HELPDESK_MAX_ATTACHMENT_MB", "20"))
    smtp = smtp_url(environ)
    # The settings the build reads too come from one place (helpdesk/shared_settings.py).
    portal_dir = shared_settings.portal_dir(overrides.get("PORTAL_DIR"), environ)
    site_url = shared_settings.site_url(environ)
    return {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": overrides.get("SECRET_KEY") or secret_key(environ, instance),
        "SQLALCHEMY_DATABASE_URI": environ.get(
            "HELPDESK_DATABASE_URL", f"sqlite:///{instance / 'helpdesk.db'}"
        ),
        "SQLITE_SYNCHRONOUS": choice(environ, "HELPDESK_SQLITE_SYNCHRONOUS", SYNCHRONOUS_MODES),
        "REDIS_URL": redis_url,
        # Shared by every process: Redis, else a counter file in the instance folder.
        "RATELIMIT_STORAGE_URI": rate_limits.storage_for(redis_url, instance),
        # Redis down: each process counts in its own memory until Redis answers again, rather
        # than every rate-limited route (sign-in, submission, search) answering 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": bool(redis_url),
        "RATELIMIT_ENABLED": environ.get("HELPDESK_RATELIMIT", "on") != "off",
        "SUBMIT_RATE_LIMIT": environ.get("HELPDESK_SUBMIT_RATE_LIMIT", DEFAULT_SUBMIT_LIMIT),
        "LOGIN_RATE_LIMIT": environ.get("HELPDESK_LOGIN_RATE_LIMIT", DEFAULT_LOGIN_LIMIT),
        "TOTP_RATE_LIMIT": environ.get("HELPDESK_TOTP_RATE_LIMIT", DEFAULT_TOTP_LIMIT),
        # Asking for password reset links: per client, and per address asked for.
        "PASSWORD_RESET_RATE_LIMIT": environ.get(
            "HELPDESK_PASSWORD_RESET_RATE_LIMIT", DEFAULT_PASSWORD_RESET_LIMIT
        ),
        "PASSWORD_RESET_ADDRESS_LIMIT": environ.get(
            "HELPDESK_PASSWORD_RESET_ADDRESS_LIMIT", DEFAULT_PASSWORD_RESET_ADDRESS_LIMIT
        ),
        "TOKEN_TTL_DAYS": int(environ.get("HELPDESK_TOKEN_TTL_DAYS", "30")),
        # How many proxies in front add X-Forwarded-For: rate limits count the real client.
        "TRUSTED_PROXIES": int(environ.get("HELPDESK_TRUSTED_PROXIES", "0")),
        "MAX_ATTACHMENT_BYTES": int(max_mb * 1024 * 1024),
        "UPLOADS_PER_HOUR": positive_int(
            environ, "HELPDESK_UPLOADS_PER_HOUR", DEFAULT_UPLOADS_PER_HOUR
        ),
        "UPLOAD_BYTES_PER_DAY": positive_int(
            environ, "HELPDESK_UPLOAD_MB_PER_DAY", DEFAULT_UPLOAD_MB_PER_DAY
        )
        * 1024
        * 1024,
        "TICKETS_PER_HOUR": positive_int(
            environ, "HELPDESK_TICKETS_PER_HOUR", DEFAULT_TICKETS_PER_HOUR
        ),
        "CC_PER_TICKET": positive_int(environ, "HELPDESK_CC_PER_TICKET", DEFAULT_CC_PER_TICKET),
        "AGENT_COUNT_CAP": positive_int(
            environ, "HELPDESK_AGENT_COUNT_CAP", DEFAULT_AGENT_COUNT_CAP
        ),
        # The request limit leaves room for the multipart envelope around one file.
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024) + 64 * 1024,
        "PORTAL_DIR": str(portal_dir),
        "SEARCH_INDEX": str(shared_settings.search_index_dir(portal_dir, environ)),
        "SEARCH_RATE_LIMIT": environ.get("HELPDESK_SEARCH_RATE_LIMIT", DEFAULT_SEARCH_LIMIT),
        "DEFLECTION_RATE_LIMIT": environ.get(
            "HELPDESK_DEFLECTION_RATE_LIMIT", DEFAULT_DEFLECTION_LIMIT
        ),
        # The portal's public address, for absolute links; none: the address asked for,
        # whose Host is one of TRUSTED_HOSTS (any other gets a 400).
        "SITE_URL": site_url,
        "TRUSTED_HOSTS": allowed_hosts(environ, site_url),
        # The portal's form posts check their CSRF token explicitly (ticketapi/portal). The
        # token is good for the browser's session, however long a person takes to write.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The default working hours (Monday to Friday, 09:00-17:00) are in this time zone.
        "TIMEZONE": time_zone(environ),
        # No SMTP server: outbound mail is written to <instance>/mail/ as .eml files.
        "SMTP_URL": smtp,
        "MAIL_FROM": mail_from(environ, smtp),
        # Mail in: the SMTP listener's address and the largest message it or IMAP takes.
        "SMTPD_HOST": environ.get("HELPDESK_SMTPD_HOST", "127.0.0.1"),
        "SMTPD_PORT": positive_int(environ, "HELPDESK_SMTPD_PORT", DEFAULT_SMTPD_PORT),
        "MAX_MAIL_BYTES": positive_int(environ, "HELPDESK_MAX_MAIL_MB", DEFAULT_MAX_MAIL_MB)
        * 1024
        * 1024,
        # How often the workers poll the IMAP mailboxes; 0: never (cron runs fetch-mail).
        "FETCH_MAIL_MINUTES": positive_int(
            environ, "HELPDESK_FETCH_MAIL_MINUTES", DEFAULT_FETCH_MAIL_MINUTES, minimum=0
        ),
    } | overrides
