"""Pelican settings for the portal: which pelicanconf.py, and the command line's overrides."""

from __future__ import annotations

from pathlib import Path

from pelican.settings import read_settings

from helpdesk import ENGINE_ROOT

SETTINGS_FILE = "pelicanconf.py"


class SetupError(Exception):
    """The command cannot start: a folder or file it needs is missing."""


def settings_file(explicit: Path | None = None) -> Path:
    """The settings to build with: the one asked for, ./pelicanconf.py, or the engine's own."""
    if explicit is not None:
        return explicit
    local = Path.cwd() / SETTINGS_FILE
    return local if local.is_file() else ENGINE_ROOT / SETTINGS_FILE


def load(
    settings_path: Path | None = None,
    content: Path | None = None,
    glossary: Path | None = None,
    output: Path | None = None,
    **extra,
) -> dict:
    """Read pelicanconf.py with the command line's paths (absolute, as Pelican requires)."""
    override = dict(extra)
    if content is not None and not content.is_dir():
        raise SetupError(f"{content}: content folder not found: pass --content DIR")
    if content is not None:
        override["PATH"] = str(content.resolve())
    if glossary is not None:
        override["GLOSSARY_FILE"] = str(glossary.resolve())
    if output is not None:
        override["OUTPUT_PATH"] = str(output.resolve())
    return read_settings(str(settings_file(settings_path)), override=override)
