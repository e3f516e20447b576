"""Packaging: a wheel carries the engine's Pelican settings, theme and plugins.

pyproject.toml holds the project's metadata. This adds one step to the build: the top-level
pelicanconf.py, theme/ and plugins/ (where writers and plain `pelican` expect them in a
checkout, SPEC §2) are copied into the wheel as `helpdesk/engine/`, where an installed
`helpdesk` finds them (helpdesk.ENGINE_ROOT). The repository keeps one copy of each file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: What the engine needs at run time, outside the Python packages (docs/deployment.md).
ENGINE_FILES = ("pelicanconf.py", "theme", "plugins")
ENGINE_PACKAGE_DIR = Path("helpdesk") / "engine"


class BuildWithEngine(build_py):
    """build_py, then the engine's files into the package (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install runs from the checkout, which has them already
        target = Path(self.build_lib) / ENGINE_PACKAGE_DIR
        shutil.rmtree(target, ignore_errors=True)  # nothing left over from an earlier build
        target.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in ENGINE_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=ignore)
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithEngine})
