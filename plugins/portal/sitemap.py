"""sitemap.xml: every public page of the portal, with absolute URLs and last-modified dates."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def entries(context: dict, settings: dict):
    """Yield (url, lastmod) for every public page, in the order a crawler should see them."""
    yield "", None
    for key in (
        "CATEGORIES_URL",
        "NEWS_INDEX_URL",
        "DOWNLOADS_INDEX_URL",
        "GLOSSARY_URL",
        "TAGS_URL",
    ):
        if settings.get(key):
            yield settings[key], None
    for category, _ in context.get("categories", []):
        yield category.url, None
    for tag, _ in context.get("tags", []):
        yield tag.url, None
    for key in ("articles", "news", "downloads", "pages"):
        for item in context.get(key, []):
            yield item.url, getattr(item, "modified", None) or getattr(item, "date", None)


def write(context: dict, settings: dict, output_path: str) -> None:
    base = settings["SITE_URL"].rstrip("/") + "/"
    lines = [HEADER]
    for url, lastmod in entries(context, settings):
        lines.append(f"  <url><loc>{escape(base + url)}</loc>")
        if lastmod is not None:
            lines.append(f"<lastmod>{lastmod.date().isoformat()}</lastmod>")
        lines.append("</url>\n")
    lines.append("</urlset>\n")
    Path(output_path, "sitemap.xml").write_text("".join(lines), encoding="utf-8")
