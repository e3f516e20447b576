"""No test imports from a conftest or from another test module.

pytest loads conftest.py files and test modules itself: imported a second time they may run
twice, under two names, and a fixture imported into another folder hides where it comes
from. What several folders share lives in tests/support/ (fixtures there are plugins named
in tests/conftest.py); what one folder shares, in its conftest.py (fixtures) or in a helper
module beside its tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_modules(path: Path) -> list[str]:
    """The last part of every module `path` imports (`conftest`, `test_cli`, `jobs`...)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            names.append((node.module or "").rsplit(".", 1)[-1])
            if not node.module:  # from . import conftest
                names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend(alias.name.rsplit(".", 1)[-1] for alias in node.names)
    return names


def test_no_test_imports_a_conftest_or_a_test_module():
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in imported_modules(path)
        if name == "conftest" or name.startswith("test_")
    ]
    assert offenders == []


def test_the_check_sees_such_an_import(tmp_path):
    module = tmp_path / "test_example.py"
    module.write_text(
        "from tests.ticketapi.conftest import ANONYMOUS\nfrom .test_cli import helpdesk\n"
    )
    assert imported_modules(module) == ["conftest", "test_cli"]
