"""Every command and every setting is documented where users look for it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main

README = (ENGINE_ROOT / "README.md").read_text()
TICKETAPI_DOC = (ENGINE_ROOT / "docs" / "ticketapi.md").read_text()


def commands(group: click.Group, prefix: str = "helpdesk") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
    return found


def test_every_command_is_in_the_readme_or_the_ticketapi_doc():
    missing = [c for c in commands(main) if c not in README and c not in TICKETAPI_DOC]
    assert missing == []


def test_every_helpdesk_variable_is_in_the_configuration_table():
    # The ticketapi's own settings, and those the build reads too (helpdesk/shared_settings.py).
    source = "".join(
        Path(ENGINE_ROOT / name).read_text()
        for name in ("ticketapi/config.py", "helpdesk/shared_settings.py")
    )
    variables = set(re.findall(r'"(HELPDESK_[A-Z_]+)"', source))
    assert variables, "config.py reads no HELPDESK_ variables?"
    table = TICKETAPI_DOC.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert sorted(v for v in variables if f"`{v}`" not in table) == []
