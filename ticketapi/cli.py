"""ticketapi commands of the `helpdesk` group: serve, worker, db, create-admin, demo, sla,
tickets (mail in: mail_cli.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask

MIGRATIONS = Path(__file__).parent / "migrations"


def make_app(**config) -> Flask:
    from ticketapi import create_app
    from ticketapi.core.errors import ConfigError

    try:
        return create_app(config or None)
    except ConfigError as exc:
        click.secho(f"✗ {exc}", fg="red", bold=True)
        raise SystemExit(2) from None


# The PostgreSQL advisory lock `helpdesk db upgrade` holds: the letters of "hdup".
MIGRATION_LOCK = 0x68647570


def upgrade_database() -> None:
    """Run every migration up to head, then make sure the built-in usergroups exist."""
    import flask_migrate

    from ticketapi.core.transactions import commit
    from ticketapi.people.services import ensure_system_usergroups
    from ticketapi.tickets.search import fill_if_empty

    with one_upgrade_at_a_time():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        ensure_system_usergroups()
        commit()
        fill_if_empty()  # the upgrade that adds the ticket search index indexes what exists
        commit()


@contextmanager
def one_upgrade_at_a_time():
    """On PostgreSQL, one upgrade at a time: machines that start together wait their turn.

    Two at once would both create the first tables, and one would fail; the one that waits
    finds the schema at head and has nothing to do.
    """
    from sqlalchemy import text

    from ticketapi.extensions import db

    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.engine.connect() as connection:
        # A session lock, on a connection of its own: the migrations commit on theirs.
        if not connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK}
        ):
            click.echo("Waiting for another `helpdesk db upgrade` on this database to finish …")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})


@contextmanager
def database_reached(app: Flask):
    """Run with an app context; a database that cannot be reached is one clear line."""
    from sqlalchemy.exc import OperationalError

    with app.app_context():
        try:
            yield
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            click.secho(f"✗ Cannot use {describe_database(app)}: {reason}", fg="red", bold=True)
            click.echo("Check HELPDESK_DATABASE_URL and that the database server is running.")
            raise SystemExit(1) from None


def database_is_current() -> bool:
    """Whether the database's Alembic revision is the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ticketapi.extensions import db, migrate

    head = ScriptDirectory.from_config(migrate.get_config(str(MIGRATIONS))).get_current_head()
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def describe_database(app: Flask) -> str:
    from sqlalchemy.engine import make_url

    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


@click.group("db")
def db_group() -> None:
    """Database schema: migrations to head, and a drift check."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    app = make_app()
    with database_reached(app):
        click.echo(f"Migrating {describe_database(app)} …")
        upgrade_database()
    click.secho("✓ The database is at the current schema.", fg="green")


@db_group.command("check")
def db_check() -> None:
    """Fail if the models have changes no migration covers."""
    import flask_migrate

    app = make_app()
    with app.app_context():
        try:
            flask_migrate.check(directory=str(MIGRATIONS))
        except SystemExit as exc:
            if exc.code:
                click.secho("✗ The models differ from the migrations: add one.", fg="red")
                raise
    click.secho("✓ The migrations match the models.", fg="green")


@click.command("create-admin")
@click.option("--email", required=True, help="The admin's sign-in address.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default="Administrator", show_default=True)
def create_admin(email: str, password: str, name: str) -> None:
    """Create the first admin agent (or reset that agent's password)."""
    from ticketapi import admin
    from ticketapi.errors import DomainError

    app = make_app()
    with database_reached(app):
        upgrade_database()
        try:
            agent, created = admin.create_admin(email=email, password=password, name=name)
        except DomainError as exc:
            click.secho(f"✗ {exc.message}", fg="red", bold=True)
            click.echo("Run `helpdesk create-admin --email E --password P` again with a fix.")
            raise SystemExit(1) from None
        verb = "Created" if created else "Updated"
        click.secho(f"✓ {verb} admin {agent.email} (agent {agent.id}).", fg="green")


@click.command()
def demo() -> None:
    """Load the demo help desk: people, teams, tickets, snippets, tasks, suggestions."""
    from ticketapi import demo as demo_data

    app = make_app()
    with database_reached(app):
        upgrade_database()
        counts = demo_data.load(progress=lambda text: click.echo(f"  {text}"))
    added = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing new"
    click.secho(f"✓ Demo data loaded ({added}).", fg="green")
    for line in demo_data.sign_ins():
        click.echo(f"  {line}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Processes.")
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=int,
    help="Threads a process (1: sync workers, fastest behind a proxy; more: gthread).",
)
@click.option("--no-jobs", is_flag=True, help="Run no job worker (run `helpdesk worker`s instead).")
def serve(host: str, port: int, workers: int, threads: int, no_jobs: bool) -> None:
    """Serve the built portal and the API from one process (the embedded default)."""
    from ticketapi.server import run

    app = make_app(SERVE_PORTAL=True)
    with database_reached(app):
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            upgrade_database()  # the embedded default sets itself up
        elif not database_is_current():
            # Several processes starting at once must not race to migrate a shared database.
            click.secho(
                f"✗ {describe_database(app)} is not at the current schema: "
                "run `helpdesk db upgrade` once, then start the servers.",
                fg="red",
                bold=True,
            )
            raise SystemExit(1)
    for warning in missing_build(app):
        click.secho(f"! {warning}", fg="yellow")
    click.echo(f"Serving http://{host}:{port}/ (API at /api/v1/, Ctrl+C stops it)")
    # The jobs run in a child process of their own: a thread would not survive gunicorn's
    # forks, and a worker that crashes must not take the web server with it; one that dies
    # is started again.
    jobs = None if no_jobs else supervise_worker()
    try:
        code = run(app, host=host, port=port, workers=workers, threads=threads)
    finally:
        if jobs is not None:
            jobs.stop(timeout=60)  # SIGTERM: running jobs finish first
    sys.exit(code)


def missing_build(app: Flask) -> list[str]:
    """What `helpdesk serve` will not find where it looks: the built portal, its search index."""
    from helpdesk.search.store import IndexStore

    missing = []
    portal = Path(app.config["PORTAL_DIR"])
    if not (portal / "index.html").exists():
        missing.append(f"No built portal in {portal}/: run `helpdesk build` to serve it too.")
    index = Path(app.config["SEARCH_INDEX"])
    if IndexStore(index).current() is None:
        missing.append(
            f"No search index in {index}/: search finds nothing until `helpdesk build` writes "
            "one there; run it with the same HELPDESK_SEARCH_INDEX and HELPDESK_PORTAL_DIR "
            "as this server."
        )
    return missing


def supervise_worker():
    import logging

    from ticketapi.jobs.supervisor import WorkerSupervisor

    log = logging.getLogger("ticketapi.jobs.supervisor")
    handler = logging.StreamHandler()
    # gunicorn's own format, so the lines read as one log.
    handler.setFormatter(
        logging.Formatter(
            "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s", "%Y-%m-%d %H:%M:%S %z"
        )
    )
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # not twice where `db upgrade` set up logging (alembic.ini)
    supervisor = WorkerSupervisor(start_worker_process)
    supervisor.start()
    return supervisor


def start_worker_process() -> subprocess.Popen:
    command = "from helpdesk.cli import main; main(prog_name='helpdesk')"
    # Its own session: Ctrl+C in the terminal reaches the web server only, and serve stops
    # the worker itself (gracefully) rather than the supervisor seeing it die and restarting it.
    return subprocess.Popen([sys.executable, "-c", command, "worker"], start_new_session=True)


@click.command()
@click.option("--threads", default=2, show_default=True, type=int, help="Jobs run at once.")
@click.option(
    "--import",
    "modules",
    multiple=True,
    metavar="MODULE",
    help="Also import the jobs this module declares (plugins, tests); repeatable.",
)
def worker(threads: int, modules: tuple[str, ...]) -> None:
    """Run background jobs; start more of them to scale out."""
    from ticketapi.jobs.worker import run_worker

    for module in modules:
        importlib.import_module(module)
    app = make_app()
    where = "Redis (HELPDESK_REDIS_URL)" if app.config["REDIS_URL"] else "jobs.db"
    click.echo(f"Worker running jobs from {where} with {threads} threads (Ctrl+C stops it)")
    click.echo(f"Outbound mail {mail_destination(app)}")
    run_worker(app, threads)
    click.echo("Worker stopped.")


def mail_destination(app: Flask) -> str:
    from ticketapi.mail.transport import SmtpServer

    if url := app.config["SMTP_URL"]:
        return f"goes through {SmtpServer.from_url(url)}"
    mail = Path(app.config["INSTANCE_DIR"]) / "mail"
    return f"is written to {mail}/ as .eml files (set HELPDESK_SMTP_URL to send it)"


@click.group("sla")
def sla_group() -> None:
    """SLA clocks: recompute them all, or run the periodic check now."""


@sla_group.command("recompute")
def sla_recompute() -> None:
    """Recompute every open ticket's SLA clocks from its history (after an upgrade)."""
    from ticketapi.slas.recompute import recompute_all
    from ticketapi.timeutil import utcnow

    app = make_app()
    with database_reached(app):

        def progress(done: int, total: int) -> None:
            click.echo(f"  {done:,} of {total:,} open tickets", err=True)

        summary = recompute_all(now=utcnow(), progress=progress)
    click.secho(
        f"✓ Recomputed {summary.clocks:,} SLA clocks on {summary.tickets:,} open tickets "
        f"in {summary.seconds:.1f} s.",
        fg="green",
    )


@sla_group.command("check")
def sla_check() -> None:
    """Run the periodic SLA check once: warnings, failures and their actions."""
    from ticketapi.slas.check import run_check
    from ticketapi.timeutil import utcnow

    app = make_app()
    with database_reached(app):
        checked = run_check(now=utcnow())
    click.secho(f"✓ Checked {checked:,} SLA clocks that reached a warning or due time.", fg="green")


@click.group("tickets")
def tickets_group() -> None:
    """Tickets: rebuild the agents' search index."""


@tickets_group.command("reindex")
def tickets_reindex() -> None:
    """Rebuild the ticket search index from every ticket and message."""
    from ticketapi.tickets.search import rebuild

    app = make_app()
    with database_reached(app):

        def progress(done: int, total: int) -> None:
            click.echo(f"  {done:,} of {total:,} tickets", err=True)

        summary = rebuild(progress=progress)
    click.secho(
        f"✓ Indexed {summary.tickets:,} tickets with {summary.messages:,} messages "
        f"in {summary.seconds:.1f} s; entries of deleted tickets removed: {summary.removed:,}.",
        fg="green",
    )


COMMANDS = (db_group, create_admin, demo, serve, worker, sla_group, tickets_group)
