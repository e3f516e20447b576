"""The mail-in commands of the `helpdesk` group: ingest, smtpd, fetch-mail (docs/email.md)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ticketapi.cli import database_reached, make_app, upgrade_database


def log_to_terminal(name: str) -> None:
    """The module's INFO lines on stderr, with the time (a service's log)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("[%(asctime)s] [%(levelname)s] %(message)s", "%Y-%m-%d %H:%M:%S %z")
    )
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@click.command()
@click.option("--account", "address", help="The ticket email account's address.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def ingest(address: str | None, files: tuple[Path, ...]) -> None:
    """File raw messages (.eml) as if they had arrived by email."""
    from ticketapi.inbound.ingest import UnknownAccount, ingest_files

    app = make_app()
    total = len(files)
    done = 0

    def progress(path: Path, state: str, reason: str) -> None:
        nonlocal done
        done += 1
        click.echo(f"  [{done}/{total}] {path}: {state}" + (f": {reason}" if reason else ""))

    with database_reached(app):
        try:
            summary = ingest_files(files, address=address, progress=progress)
        except UnknownAccount as exc:
            click.secho(f"✗ {exc}", fg="red", bold=True)
            raise SystemExit(2) from None
    counts = ", ".join(f"{n} {state}" for state, n in sorted(summary.states.items()))
    click.secho(f"✓ Stored {summary.stored} of {total} message(s): {counts or 'none'}.", fg="green")
    if summary.unreadable:
        click.secho(f"✗ {len(summary.unreadable)} file(s) could not be read.", fg="red")
        raise SystemExit(1)


@click.command()
@click.option("--host", help="The address to listen on.  [default: HELPDESK_SMTPD_HOST, 127.0.0.1]")
@click.option("--port", type=int, help="The port.  [default: HELPDESK_SMTPD_PORT, 2525]")
def smtpd(host: str | None, port: int | None) -> None:
    """Receive mail for the ticket email accounts over SMTP (SIGTERM stops it)."""
    import asyncio

    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from ticketapi.extensions import db
    from ticketapi.inbound import smtpd as listener
    from ticketapi.inbound.models import EmailAccount
    from ticketapi.inbound.store import failure_text

    app = make_app()
    host = host or app.config["SMTPD_HOST"]
    port = port if port is not None else app.config["SMTPD_PORT"]
    log_to_terminal(listener.__name__)
    with app.app_context():
        try:
            if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
                upgrade_database()  # the embedded default sets itself up
            addresses = list(db.session.scalars(select(EmailAccount.address)))
        except SQLAlchemyError as exc:
            addresses = None
            click.secho(
                f"! Cannot read the ticket email accounts: {failure_text(exc)}; "
                "every message is answered 451 (try again later) until the database answers.",
                fg="yellow",
            )
    if addresses == []:
        click.secho("! No ticket email account yet: every recipient is refused.", fg="yellow")
    limit_mb = app.config["MAX_MAIL_BYTES"] / 1024 / 1024

    def started(bound: int) -> None:
        names = ", ".join(addresses) if addresses else "the ticket email accounts"
        click.echo(
            f"Listening on {host}:{bound} for {names} (largest message {limit_mb:g} MB; "
            "SIGTERM or Ctrl+C stops it)",
        )
        click.echo("Stored mail is filed by the job workers (helpdesk serve or helpdesk worker).")

    try:
        asyncio.run(listener.serve(app, host=host, port=port, started=started))
    except OSError as exc:
        click.secho(f"✗ Cannot listen on {host}:{port}: {exc.strerror or exc}", fg="red")
        raise SystemExit(1) from None
    click.echo("Stopped.")


@click.command("fetch-mail")
def fetch_mail() -> None:
    """Poll the IMAP mailbox of every ticket email account that has one, once."""
    from ticketapi.inbound.imap import fetch_all

    app = make_app()
    log_to_terminal("ticketapi.inbound.imap")
    with database_reached(app):
        summary = fetch_all()
    if not summary.accounts:
        click.echo("No ticket email account has IMAP settings: nothing to fetch.")
        return
    for polled in summary.accounts:
        click.secho(f"  {polled.line()}", fg="red" if polled.error else None)
    if summary.failed:
        click.secho(f"✗ {summary.line()}.", fg="red", bold=True)
        raise SystemExit(1)
    click.secho(f"✓ {summary.line()}.", fg="green")


COMMANDS = (ingest, smtpd, fetch_mail)
