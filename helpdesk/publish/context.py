"""The theme's context for pages the ticketapi renders: what `base.html` needs from a build.

The build writes `portal-context.json` into the portal's output folder; the ticketapi reads
it, so its `/portal/` pages have the same site name, menus, footer pages and feed links as
the static pages they sit among, and change with them in the same atomic swap of `output/`.
Everything in it is already printed on every public page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FILE_NAME = "portal-context.json"
#: The settings the theme's templates print (base.html, partials, the portal's pages).
THEME_SETTINGS = (
    "SITENAME",
    "SITESUBTITLE",
    "SITEURL",
    "DEFAULT_LANG",
    "THEME_STATIC_DIR",
    "CATEGORIES_URL",
    "NEWS_INDEX_URL",
    "DOWNLOADS_INDEX_URL",
    "GLOSSARY_URL",
    "TAGS_URL",
    "NEWS_FEED_ATOM",
    "NEWS_FEED_RSS",
    "PORTAL_LINKS",
    "DEFAULT_DATE_FORMAT",
)
#: Jinja options that change how a template renders; callables (filters, tests) cannot travel.
JINJA_OPTIONS = ("trim_blocks", "lstrip_blocks", "keep_trailing_newline", "extensions")


def plugin_names(plugins: Iterable[Any]) -> list[str]:
    """Plugin names as Pelican's `plugin_enabled` test compares them (modules by name)."""
    return [plugin if isinstance(plugin, str) else plugin.__name__ for plugin in plugins or ()]


def portal_context(
    settings: Mapping[str, Any],
    pages: Iterable[Any] = (),
    categories: Iterable[Any] = (),
) -> dict:
    """The JSON-ready context: theme settings, plugins, Jinja options, footer pages, categories."""
    jinja = settings.get("JINJA_ENVIRONMENT") or {}
    return {
        "settings": {name: settings.get(name) for name in THEME_SETTINGS},
        "plugins": plugin_names(settings.get("PLUGINS")),
        "jinja": {name: jinja[name] for name in JINJA_OPTIONS if name in jinja},
        "pages": [{"title": str(page.title), "url": page.url} for page in pages],
        "categories": [
            {
                "slug": category.slug,
                "title": str(getattr(category, "title", None) or category.name),
                "url": category.url,
            }
            for category in categories
        ],
    }


def write(context: dict, output_path: Path | str) -> Path:
    """Write the context into the output folder (replaced whole, never half-written)."""
    target = Path(output_path) / FILE_NAME
    partial = target.with_name(f".{FILE_NAME}.{os.getpid()}")
    partial.write_text(json.dumps(context, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, target)
    return target


def read(output_path: Path | str) -> dict | None:
    """The context a build wrote into `output_path`, or None when there is none."""
    try:
        return json.loads((Path(output_path) / FILE_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
