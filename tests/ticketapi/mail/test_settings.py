"""HELPDESK_SMTP_URL and HELPDESK_MAIL_FROM: what they accept, and a clear stop for the rest."""

from __future__ import annotations

import os

import pytest

from tests.support.processes import helpdesk
from ticketapi.config import ConfigError, from_environ
from ticketapi.mail.transport import SmtpServer

FROM = {"HELPDESK_MAIL_FROM": "Tidewater Support <support@tidewater.example>"}


def settings(tmp_path, **environ) -> dict:
    return from_environ(environ, overrides={"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpServer("starttls", "mail.example.com", 25)),
        ("smtp://mail.example.com:587", SmtpServer("starttls", "mail.example.com", 587)),
        ("smtps://mail.example.com", SmtpServer("tls", "mail.example.com", 465)),
        ("smtp+insecure://127.0.0.1:2525", SmtpServer("none", "127.0.0.1", 2525)),
        (
            "smtps://desk%40tidewater.example:p%40ss%3Aw%2Frd@mail.example.com/",
            SmtpServer("tls", "mail.example.com", 465, "desk@tidewater.example", "p@ss:w/rd"),
        ),
    ],
)
def test_smtp_urls(url, expected):
    assert SmtpServer.from_url(url) == expected


def test_the_password_is_never_shown():
    server = SmtpServer.from_url("smtp://desk:secret@mail.example.com")
    assert "secret" not in repr(server) + str(server)
    with pytest.raises(ConfigError) as refused:
        SmtpServer.from_url("smtp://desk:secret@mail.example.com:port")
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.com", "does not start with smtp://, smtps:// or smtp+insecure://"),
        ("mail.example.com:25", "does not start with smtp://"),
        ("smtp://mail.example.com:twenty-five", "has a port that is not a number"),
        ("smtp://", "names no server"),
        ("smtp://mail.example.com/inbox?tls=1", "has a path or options"),
    ],
)
def test_a_bad_smtp_url_stops_the_app_saying_what_to_set(tmp_path, url, message):
    with pytest.raises(ConfigError, match="HELPDESK_SMTP_URL") as refused:
        settings(tmp_path, HELPDESK_SMTP_URL=url, **FROM)
    assert message in str(refused.value)


def test_an_smtp_server_needs_a_sender_address(tmp_path):
    with pytest.raises(ConfigError, match="HELPDESK_MAIL_FROM is not: set it"):
        settings(tmp_path, HELPDESK_SMTP_URL="smtp://mail.example.com")
    config = settings(tmp_path, HELPDESK_SMTP_URL="smtp://mail.example.com", **FROM)
    assert config["MAIL_FROM"] == FROM["HELPDESK_MAIL_FROM"]


def test_the_embedded_default_writes_mail_from_localhost(tmp_path):
    config = settings(tmp_path)
    assert config["SMTP_URL"] is None
    assert config["MAIL_FROM"] == "Helpdesk <helpdesk@localhost>"


@pytest.mark.parametrize("value", ["helpdesk", "a@example.com, b@example.com", "x@y\r\nBcc: z@w"])
def test_a_bad_sender_address_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="HELPDESK_MAIL_FROM"):
        settings(tmp_path, HELPDESK_MAIL_FROM=value)


@pytest.mark.own_database
def test_a_command_with_a_bad_smtp_url_stops_with_one_clear_line(tmp_path):
    env = {
        **os.environ,
        "HELPDESK_INSTANCE_DIR": str(tmp_path / "instance"),
        "HELPDESK_SMTP_URL": "smtp+ssl://mail.example.com",
        **FROM,
    }
    env.pop("HELPDESK_DATABASE_URL", None)
    result = helpdesk(env, "db", "upgrade")
    assert result.returncode == 2
    assert "✗ HELPDESK_SMTP_URL='smtp+ssl://mail.example.com' does not start with" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
