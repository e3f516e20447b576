"""The settings both halves read, each defined once (SPEC §3).

`helpdesk build`, plain `pelican` (through pelicanconf.py) and the ticketapi (through
ticketapi/config.py) all ask this module, so a HELPDESK_ variable means the same thing to
each of them. Precedence, everywhere: the command line's flag (`--output`, Pelican's `-o`),
then the HELPDESK_ variable, then the default (pelicanconf.py's, which comes from here).
A relative path is taken from the folder the command runs in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from helpdesk.search.store import default_index_dir

PORTAL_DIR = "HELPDESK_PORTAL_DIR"
SEARCH_INDEX = "HELPDESK_SEARCH_INDEX"
SITE_URL = "HELPDESK_SITE_URL"
#: The built portal's folder when neither a flag nor HELPDESK_PORTAL_DIR names one.
DEFAULT_PORTAL_DIR = "output"


class ConfigError(ValueError):
    """A HELPDESK_* variable holds a value the helpdesk cannot use."""


def portal_dir(
    flag: Path | str | None = None,
    environ: Mapping[str, str] = os.environ,
    default: Path | str = DEFAULT_PORTAL_DIR,
) -> Path:
    """The built portal's folder: the flag, else HELPDESK_PORTAL_DIR, else `default`."""
    return Path(flag or environ.get(PORTAL_DIR) or default).resolve()


def search_index_dir(
    portal: Path | str,
    environ: Mapping[str, str] = os.environ,
    configured: Path | str | None = None,
) -> Path:
    """The search index: HELPDESK_SEARCH_INDEX, else `configured`, else beside the portal.

    `configured` is the search_index plugin's SEARCH_INDEX_DIR, which only the build sees;
    a deployment names the index with the variable, which the ticketapi reads too.
    """
    named = environ.get(SEARCH_INDEX) or configured
    return Path(named).resolve() if named else default_index_dir(Path(portal))


def site_url(environ: Mapping[str, str] = os.environ, default: str | None = None) -> str | None:
    """The portal's public address, without a trailing slash: HELPDESK_SITE_URL, else `default`.

    The portal is served at the root of its domain (its links are site-absolute), so the
    address is a scheme and a host, nothing more.
    """
    value = environ.get(SITE_URL)
    if not value:
        return default
    if not _is_root_address(value):
        raise ConfigError(
            f"{SITE_URL}={value!r} is not the address of a portal served at the root of its "
            "domain: set it to the scheme and host, e.g. https://help.example.com"
        )
    return value.rstrip("/")


def _is_root_address(value: str) -> bool:
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not parts.username
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )
