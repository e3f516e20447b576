"""The `helpdesk` command line: one click group for the whole product."""

from __future__ import annotations

from pathlib import Path

import click

from helpdesk import shared_settings
from helpdesk.publish import settings as portal_settings
from helpdesk.publish.build import build as build_portal
from helpdesk.publish.check import Summary
from helpdesk.publish.check import check as check_content
from helpdesk.publish.problems import Report, display_path
from helpdesk.publish.progress import Steps
from helpdesk.shared_settings import ConfigError

content_option = click.option(
    "--content",
    type=click.Path(path_type=Path),
    default="content",
    show_default=True,
    help="Folder of articles, news, downloads and pages.",
)
glossary_option = click.option(
    "--glossary",
    type=click.Path(path_type=Path),
    default="glossary.yml",
    show_default=True,
    help="The glossary file.",
)
settings_option = click.option(
    "--settings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Pelican settings file [default: ./pelicanconf.py, else the engine's own].",
)


@click.group()
@click.version_option(package_name="helpdesk")
def main() -> None:
    """Helpdesk: the help-centre portal and the ticket API."""


def load_settings(settings: Path | None, **paths) -> dict:
    try:
        return portal_settings.load(settings, **paths)
    except portal_settings.SetupError as exc:
        click.secho(f"✗ {exc}", fg="red", bold=True)
        raise SystemExit(1) from None
    except ConfigError as exc:  # a HELPDESK_ variable, read by pelicanconf.py
        click.secho(f"✗ {exc}", fg="red", bold=True)
        raise SystemExit(2) from None


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def print_problems(report: Report) -> None:
    for problem in report.sorted():
        click.echo(problem.format())


def describe(summary: Summary) -> str:
    articles = plural(summary.articles, "article")
    if summary.restricted:
        articles += f" (+{summary.restricted} restricted)"
    parts = [
        f"{articles} in {plural(summary.categories, 'category', 'categories')}",
        plural(summary.news, "news post"),
        plural(summary.downloads, "download"),
        plural(summary.pages, "page"),
        plural(summary.terms, "glossary term"),
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def problem_counts(report: Report) -> str:
    text = plural(len(report.errors), "error")
    return text + (f", {plural(len(report.warnings), 'warning')}" if report.warnings else "")


@main.command()
@content_option
@glossary_option
@settings_option
def check(content: Path, glossary: Path, settings: Path | None) -> None:
    """Validate content for a pull request, without building; exit 1 on any error."""
    config = load_settings(settings, content=content, glossary=glossary)
    steps = Steps()
    with steps.running():
        checked = check_content(config, on_document=steps.step("Checking content"))
    report = checked.report
    print_problems(report)
    if report.errors:
        click.secho(
            f"✗ {problem_counts(report)} in {describe(checked.summary())}.", fg="red", bold=True
        )
        click.echo("Fix each problem at the file and line shown, then run `helpdesk check` again.")
        raise SystemExit(1)
    warnings = f" ({plural(len(report.warnings), 'warning')})" if report.warnings else ""
    click.secho(f"✓ Checked {describe(checked.summary())}: no errors{warnings}.", fg="green")


@main.command()
@content_option
@glossary_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the portal; replaced only by a complete, clean build "
    "[default: HELPDESK_PORTAL_DIR, else output/].",
)
@settings_option
@click.option(
    "--full-index",
    is_flag=True,
    help="Index every document for search again, not only those that changed.",
)
def build(
    content: Path, glossary: Path, output: Path | None, settings: Path | None, full_index: bool
) -> None:
    """Build the portal; refuse to publish it if any content is broken."""
    extra = {"SEARCH_INDEX_FULL": True} if full_index else {}
    # Where `helpdesk serve` looks for the portal, unless the command line says otherwise.
    output = shared_settings.portal_dir(output)
    config = load_settings(settings, content=content, glossary=glossary, output=output, **extra)
    result = build_portal(config, Steps())
    print_problems(result.report)
    where = display_path(result.output) + "/"
    if not result.ok:
        click.secho(
            f"✗ Build failed with {problem_counts(result.report)}: {where} was left as it was.",
            fg="red",
            bold=True,
        )
        click.echo("Fix each problem at the file and line shown, then run `helpdesk build` again.")
        raise SystemExit(1)
    click.secho(
        f"✓ Built {describe(result.summary)} into {where} "
        f"({plural(result.written, 'file')}, {result.seconds:.1f} s).",
        fg="green",
    )


def _add_ticketapi_commands() -> None:
    from ticketapi.cli import COMMANDS
    from ticketapi.mail_cli import COMMANDS as MAIL_COMMANDS

    for command in (*COMMANDS, *MAIL_COMMANDS):
        main.add_command(command)


_add_ticketapi_commands()
