"""Shared fixtures: small hand-written sites, the engine's settings, and the demo build."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings
from helpdesk.publish.build import build

MINIMAL_SITE = {
    "content/articles/billing/_category.yml": """
        title: Billing
        description: Plans and invoices.
        order: 1
    """,
    "content/articles/billing/refunds.md": """
        ---
        title: Ask for a refund
        date: 2026-03-01
        tags: [billing, refunds]
        summary: How refunds work.
        ---

        ## When you can ask

        Within 30 days under our SLA, see [invoices]({filename}invoices.md).
    """,
    "content/articles/billing/invoices.md": """
        ---
        title: Download invoices
        date: 2026-03-02
        tags: [billing]
        ---

        Invoices are in the [glossary](/glossary/#invoice).
    """,
    "content/news/launch.md": """
        ---
        title: We launched
        date: "2026-02-01 09:00"
        summary: The help centre is open.
        ---

        Read the [refund article]({filename}/articles/billing/refunds.md).
    """,
    "content/downloads/tool.md": """
        ---
        title: The tool
        version: "1.0"
        file: tool.sh
        ---

        Run it.
    """,
    "content/downloads/files/tool.sh": "echo hello\n",
    "content/pages/about.md": """
        ---
        title: About
        ---

        About us.
    """,
    "glossary.yml": """
        - term: Invoice
          definition: A bill for a subscription period.
        - term: SLA
          definition: Service level agreement.
          aliases: [service level agreement]
    """,
}


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write a site's files; a None value removes that file."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A small valid site in a temporary folder, which is also the working directory."""
    write_files(tmp_path, MINIMAL_SITE)
    monkeypatch.chdir(tmp_path)

    def change(files: dict[str, str | bytes | None]) -> Path:
        write_files(tmp_path, files)
        return tmp_path

    change.root = tmp_path
    return change


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def settings_for():
    """Engine settings pointed at a site's content, glossary and output."""

    def load(root: Path, output: str = "output", **extra) -> dict:
        return portal_settings.load(
            ENGINE_ROOT / "pelicanconf.py",
            content=root / "content",
            glossary=root / "glossary.yml",
            output=root / output,
            **extra,
        )

    return load


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The demo content built once per test session."""
    output = tmp_path_factory.mktemp("demo") / "output"
    config = portal_settings.load(
        ENGINE_ROOT / "pelicanconf.py",
        content=ENGINE_ROOT / "content",
        glossary=ENGINE_ROOT / "glossary.yml",
        output=output,
    )
    result = build(config)
    problems = "\n".join(p.format() for p in result.report.problems)
    assert result.ok, f"the demo content must build cleanly:\n{problems}"
    return output
