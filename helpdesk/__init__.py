"""An open-source helpdesk: a Git-published help centre and a ticket API."""

from pathlib import Path

#: The engine's own checkout: pelicanconf.py, theme/ and plugins/ live here.
ENGINE_ROOT = Path(__file__).resolve().parent.parent
