"""Shared fixtures: small hand-written sites, the engine's settings, and the demo build.

Fixtures shared by several folders live in tests/support/ and are registered here as
plugins: no test module imports a fixture (or anything else) from a conftest or a test module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings
from helpdesk.publish.build import build
from tests.support.sites import MINIMAL_SITE, write_files

# In the order they import one another (a plugin is imported before it is registered).
pytest_plugins = [
    "tests.support.browser",
    "tests.support.jobs",
    "tests.support.smtp",
    "tests.support.mailbox",
    "tests.support.portal",
    "tests.support.passwords",
    "tests.support.dovecot",
]


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
