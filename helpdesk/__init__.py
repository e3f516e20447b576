"""An open-source helpdesk: a Git-published help centre and a ticket API."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Where the engine's pelicanconf.py, theme/ and plugins/ live: helpdesk/engine/ in an
#: installed wheel (setup.py puts them there), else the checkout this package runs from.
ENGINE_ROOT = (
    _PACKAGE / "engine" if (_PACKAGE / "engine" / "pelicanconf.py").is_file() else _PACKAGE.parent
)
