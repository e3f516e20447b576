"""Render the portal's pages with the theme, as the static build renders its own.

The templates in `ticketapi/portal/templates/portal/` extend the theme's `base.html`. The
context base.html expects from Pelican (site name, menus, footer pages, feed links, which
plugins are on) comes from the `portal-context.json` the build wrote into the portal's
output folder (`helpdesk.publish.context`); before a first build, from `pelicanconf.py`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_wtf.csrf import generate_csrf
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from pelican.plugins._utils import plugin_enabled

from helpdesk import ENGINE_ROOT
from helpdesk.publish import context as portal_context
from helpdesk.publish import settings as portal_settings

logger = logging.getLogger(__name__)

#: The families' templates first (under `portal/` and `agent/`, so none shadows a theme
#: template), then the theme.
PORTAL_TEMPLATES = Path(__file__).parent / "templates"
AGENT_TEMPLATES = Path(__file__).parent.parent / "agent" / "templates"
THEME_TEMPLATES = ENGINE_ROOT / "theme" / "templates"


@dataclass
class Theme:
    """A Jinja environment and the build's context, for one version of the context file."""

    environment: Environment
    context: dict[str, Any]
    stamp: tuple[int, int] | None

    def render(self, template: str, **values: Any) -> str:
        return self.environment.get_template(template).render({**self.context, **values})


def current_theme() -> Theme:
    """This app's theme, made again when a new build replaces the context file."""
    path = Path(current_app.config["PORTAL_DIR"]) / portal_context.FILE_NAME
    stamp = _stamp(path)
    theme = current_app.extensions.get("portal_theme")
    if theme is None or theme.stamp != stamp:
        theme = current_app.extensions["portal_theme"] = load_theme(path.parent, stamp)
    return theme


def render(template: str, **values: Any) -> str:
    """Render one of the portal's templates with the theme's context."""
    return current_theme().render(template, **values)


def load_theme(portal_dir: Path, stamp: tuple[int, int] | None) -> Theme:
    built = portal_context.read(portal_dir)
    if built is None:
        logger.warning(
            "%s has no %s (is the portal built?): the portal pages use pelicanconf.py's "
            "settings, without the footer's pages",
            portal_dir,
            portal_context.FILE_NAME,
        )
        built = portal_context.portal_context(portal_settings.load())
    environment = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(folder) for folder in (PORTAL_TEMPLATES, AGENT_TEMPLATES)]
            + [FileSystemLoader(THEME_TEMPLATES)]
        ),
        **built["jinja"],
        # Whatever the build's settings say, these pages print untrusted text: escape it.
        autoescape=True,
    )
    # Pelican's own test, so `"glossary" is plugin_enabled` answers here as in the build.
    environment.tests["plugin_enabled"] = partial(plugin_enabled, plugin_list=built["plugins"])
    environment.globals.update(url_for=url_for, csrf_token=generate_csrf)
    values = {
        **built["settings"],
        "pages": built["pages"],
        "category_titles": {c["slug"]: c["title"] for c in built["categories"]},
    }
    return Theme(environment=environment, context=values, stamp=stamp)


def _stamp(path: Path) -> tuple[int, int] | None:
    """What changes when a build swaps in a new output folder: the file's inode and mtime."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_mtime_ns)
