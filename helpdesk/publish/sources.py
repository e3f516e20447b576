"""Find the content sources and what each publishes, without building anything."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path
from typing import Any

from pelican.urlwrappers import Category, Tag
from pelican.utils import slugify

from helpdesk.publish import frontmatter
from helpdesk.publish.frontmatter import ARTICLE, DOWNLOAD, NEWS, PAGE
from helpdesk.publish.problems import ContentError, Report
from helpdesk.publish.yamlfile import compose, mapping_fields

CATEGORY_FILE = "_category.yml"
CATEGORY_KEYS = {"title", "description", "order"}


@dataclass
class Source:
    """One Markdown document: where it is, what it is and what it says about itself."""

    path: Path
    rel: str
    section: str
    slug: str
    category: str | None = None
    body: str = ""
    body_line: int = 1
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    readable: bool = True

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def restricted(self) -> bool:
        return bool(self.meta.get("usergroups"))

    @property
    def published(self) -> bool:
        return self.meta.get("status", "published") == "published"


@dataclass
class CategoryInfo:
    """A knowledgebase category: its folder, and the title and order writers gave it."""

    name: str
    title: str
    description: str = ""
    order: int = 1000


def section_paths(settings: dict) -> dict[str, list[str]]:
    return {
        ARTICLE: settings["ARTICLE_PATHS"],
        NEWS: settings.get("NEWS_PATHS", ["news"]),
        DOWNLOAD: settings.get("DOWNLOAD_PATHS", ["downloads"]),
        PAGE: settings["PAGE_PATHS"],
    }


def default_category_title(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").capitalize()


def read_category(folder: Path, report: Report) -> CategoryInfo:
    """Read a category folder's _category.yml; a folder without one still is a category."""
    info = CategoryInfo(folder.name, default_category_title(folder.name))
    path = folder / CATEGORY_FILE
    if not path.is_file():
        return info
    try:
        node, loader = compose(path.read_text(encoding="utf-8"))
        try:
            fields = {} if node is None else mapping_fields(loader, node, 1, CATEGORY_FILE)
        finally:
            loader.dispose()
    except ContentError as exc:
        report.error(path, exc.line, exc.message)
        return info
    for key, fld in fields.items():
        if key not in CATEGORY_KEYS:
            report.warning(
                path, fld.line, f"unknown key '{key}' (known: description, order, title)"
            )
        elif key == "order" and (isinstance(fld.value, bool) or not isinstance(fld.value, int)):
            report.error(path, fld.line, "'order' must be a whole number such as 3")
        elif key != "order" and (not isinstance(fld.value, str) or not fld.value.strip()):
            report.error(path, fld.line, f"'{key}' must be non-empty text")
        else:
            setattr(info, key, fld.value.strip() if isinstance(fld.value, str) else fld.value)
    return info


def read_source(source: Source, report: Report) -> None:
    """Parse a source's front matter in place, reporting every problem at its line."""
    try:
        text = source.path.read_text(encoding="utf-8")
        fields, source.body, source.body_line = frontmatter.parse(text)
    except UnicodeDecodeError as exc:
        report.error(source.path, None, f"not UTF-8 text ({exc.reason}): save it as UTF-8")
        source.readable = False
        return
    except ContentError as exc:
        report.error(source.path, exc.line, exc.message)
        source.readable = False
        return
    result = frontmatter.validate(source.section, fields)
    source.meta, source.lines = result.meta, result.lines
    for line, message in result.errors:
        report.error(source.path, line, message)
    for line, message in result.warnings:
        report.warning(source.path, line, message)


@dataclass
class Inventory:
    """Everything under content/: documents, categories and plain files."""

    content: Path
    settings: dict
    sources: list[Source] = field(default_factory=list)
    categories: dict[str, CategoryInfo] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    _taxonomies: dict = field(default_factory=dict, repr=False)

    @cached_property
    def by_rel(self) -> dict[str, Source]:
        """Sources by their path relative to content/ (build it after discovery)."""
        return {source.rel: source for source in self.sources}

    def url_of(self, source: Source) -> str:
        """The site-absolute URL a source publishes to, from the same settings Pelican uses."""
        s = self.settings
        pattern = {
            ARTICLE: s.get("RESTRICTED_ARTICLE_URL") if source.restricted else s["ARTICLE_URL"],
            NEWS: s.get("NEWS_URL", "news/{slug}/"),
            DOWNLOAD: s.get("DOWNLOAD_URL", "downloads/{slug}/"),
            PAGE: s["PAGE_URL"],
        }[source.section]
        category = self._taxonomy(Category, source.category).slug if source.category else ""
        return "/" + pattern.format(
            slug=source.slug,
            category=category,
            date=source.meta.get("date"),
            lang=s["DEFAULT_LANG"],
        )

    def category_url(self, name: str) -> str:
        return "/" + self._taxonomy(Category, name).url

    def tag_url(self, name: str) -> str:
        return "/" + self._taxonomy(Tag, name).url

    def _taxonomy(self, kind: type, name: str):
        # Tags repeat across thousands of articles; slugifying each once keeps check fast.
        key = (kind, name)
        if key not in self._taxonomies:
            self._taxonomies[key] = kind(name, self.settings)
        return self._taxonomies[key]


def slug_of(stem: str, settings: dict) -> str:
    """A document's slug from its file name, exactly as Pelican makes it."""
    return slugify(
        stem,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def section_of(rel: str, paths: dict[str, list[str]], files_dir: str) -> str | None:
    """Which section a content-relative path belongs to, or None for a plain file."""
    if rel.startswith(files_dir + "/"):
        return None
    for section, roots in paths.items():
        for root in roots:
            if root and (rel == root or rel.startswith(root.rstrip("/") + "/")):
                return section
    return None


def walk(content: Path, ignored: list[str]) -> Iterator[str]:
    """Every file under content/ as a sorted, slash-separated relative path."""
    for directory, folders, names in os.walk(content):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        base = os.path.relpath(directory, content).replace(os.sep, "/")
        prefix = "" if base == "." else base + "/"
        for name in sorted(names):
            if not any(fnmatch(name, pattern) for pattern in ignored):
                yield prefix + name


def discover(
    content: Path, settings: dict, report: Report, on_document: Callable[[], None] | None = None
) -> Inventory:
    """Walk content/ once, classifying each file and reading every document's front matter."""
    inventory = Inventory(content, settings)
    paths = section_paths(settings)
    files_dir = settings.get("DOWNLOAD_FILES_PATH", "downloads/files")
    for root in paths[ARTICLE]:
        folder = content / root
        if folder.is_dir():
            for category in sorted(
                p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
            ):
                inventory.categories[category.name] = read_category(category, report)
    for rel in walk(content, settings.get("IGNORE_FILES", [])):
        inventory.files.add(rel)
        section = section_of(rel, paths, files_dir)
        if section is None or not rel.endswith(".md"):
            continue
        path = content / rel
        source = Source(path, rel, section, slug_of(path.stem, settings))
        if section == ARTICLE:
            root = next(r for r in paths[ARTICLE] if rel.startswith(r.rstrip("/") + "/"))
            inside = rel[len(root.rstrip("/")) + 1 :].split("/")
            if len(inside) < 2:
                report.error(
                    path,
                    1,
                    f"articles live in a category folder: move it to {root}/<category>/{path.name}",
                )
            else:
                source.category = inside[0]
        read_source(source, report)
        inventory.sources.append(source)
        if on_document is not None:
            on_document()
    return inventory
