"""`helpdesk check`: every problem in the content, without building the portal."""

from __future__ import annotations

import math
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from helpdesk.publish import glossary as glossary_file
from helpdesk.publish.frontmatter import ARTICLE, DOWNLOAD, NEWS, PAGE
from helpdesk.publish.links import Link, read, split_intrasite
from helpdesk.publish.problems import Report, display_path
from helpdesk.publish.rendering import site_markdown
from helpdesk.publish.sources import Inventory, Source, discover
from helpdesk.publish.terms import TermMatcher

DYNAMIC_PREFIXES = ("/portal/", "/api/", "/agent/")


@dataclass(frozen=True)
class Summary:
    """What a check read, for the one-line summary of `check` and `build`."""

    articles: int
    restricted: int
    categories: int
    news: int
    downloads: int
    pages: int
    terms: int


@dataclass
class CheckResult:
    report: Report
    inventory: Inventory
    glossary: glossary_file.Glossary
    #: The ids of each rendered document (headings, `{#id}`, footnotes), by path in content/.
    ids: dict[str, set[str]] = field(default_factory=dict)
    #: The document each published URL belongs to.
    owners: dict[str, Source] = field(default_factory=dict)

    def public(self, section: str) -> list[Source]:
        return [s for s in self.inventory.sources if s.section == section and is_public(s)]

    def summary(self) -> Summary:
        articles = self.public(ARTICLE)
        return Summary(
            articles=len(articles),
            restricted=sum(
                1 for s in self.inventory.sources if s.section == ARTICLE and s.restricted
            ),
            categories=len({s.category for s in articles}),
            news=len(self.public(NEWS)),
            downloads=len(self.public(DOWNLOAD)),
            pages=len(self.public(PAGE)),
            terms=len(self.glossary.terms),
        )


def is_public(source: Source) -> bool:
    return source.readable and source.published and not source.restricted


def check(settings: dict, on_document: Callable[[], None] | None = None) -> CheckResult:
    """Validate content and glossary exactly as a build would read them."""
    report = Report()
    content = Path(settings["PATH"])
    glossary_path = Path(settings.get("GLOSSARY_FILE") or "glossary.yml")
    inventory = discover(content, settings, report)
    glossary = glossary_file.load(glossary_path, report, settings["SLUG_REGEX_SUBSTITUTIONS"])
    result = CheckResult(report, inventory, glossary)
    _check_categories(inventory, report)
    _check_downloads(inventory, report)
    urls = _published_urls(result)
    matcher = TermMatcher(glossary.terms)
    links, used_terms = _render_documents(result, matcher, on_document)
    _check_links(result, urls, links)
    _check_glossary_use(result, matcher, used_terms)
    return result


def _render_documents(
    result: CheckResult, matcher: TermMatcher, on_document: Callable[[], None] | None
) -> tuple[dict[str, list[Link]], set[str]]:
    """Render every document as the build does: its links, its ids and the terms it uses."""
    md = site_markdown(result.inventory.settings, for_check=True)
    links: dict[str, list[Link]] = {}
    used: set[str] = set()
    for source in result.inventory.sources:
        if source.readable:
            rendered = read(source.body, source.body_line, md)
            links[source.rel] = rendered.links
            result.ids[source.rel] = rendered.ids
            used.update(m.term.slug for m in matcher.candidates(rendered.prose))
        if on_document is not None:
            on_document()
    return links, used


def _check_categories(inventory: Inventory, report: Report) -> None:
    for source in inventory.sources:
        named = source.meta.get("category")
        if source.section != ARTICLE or named is None or source.category is None:
            continue
        info = inventory.categories.get(source.category)
        accepted = {source.category.casefold()} | ({info.title.casefold()} if info else set())
        if named.casefold() not in accepted:
            report.error(
                source.path,
                source.line("category"),
                f"unknown category '{named}': this article is in the folder '{source.category}'; "
                "the folder decides the category, so remove 'category:' or move the file",
            )


def _check_downloads(inventory: Inventory, report: Report) -> None:
    files_dir = inventory.content / inventory.settings.get("DOWNLOAD_FILES_PATH", "downloads/files")
    for source in inventory.sources:
        name = source.meta.get("file")
        if source.section != DOWNLOAD or name is None:
            continue
        target = (files_dir / name).resolve()
        if not target.is_relative_to(files_dir.resolve()):
            report.error(
                source.path,
                source.line("file"),
                f"'file' must name a file inside {files_dir.name}/, not '{name}'",
            )
        elif not target.is_file():
            report.error(
                source.path,
                source.line("file"),
                f"download file '{name}' not found: add it to "
                f"{files_dir.relative_to(inventory.content.parent)}/ or fix the name",
            )


def _site_urls(result: CheckResult) -> set[str]:
    """URLs every build writes whatever the documents: indexes, feeds, static files."""
    s = result.inventory.settings
    urls = {"/", "/sitemap.xml", "/" + s["TAGS_URL"], "/" + s["CATEGORIES_URL"]}
    for key in (
        "NEWS_INDEX_URL",
        "DOWNLOADS_INDEX_URL",
        "GLOSSARY_URL",
        "NEWS_FEED_ATOM",
        "NEWS_FEED_RSS",
    ):
        if s.get(key):
            urls.add("/" + s[key])
    if s.get("NEWS_INDEX_URL"):
        pages = math.ceil(len(result.public(NEWS)) / max(s.get("NEWS_PER_PAGE", 10), 1))
        urls |= {f"/{s['NEWS_INDEX_URL']}page/{n}/" for n in range(2, pages + 1)}
    for directory in s["STATIC_PATHS"]:
        prefix = directory.rstrip("/") + "/"
        urls |= {"/" + rel for rel in result.inventory.files if rel.startswith(prefix)}
    theme_static = Path(s["THEME"]) / "static"
    if theme_static.is_dir():
        base = "/" + s["THEME_STATIC_DIR"].strip("/") + "/"
        urls |= {base + p.relative_to(theme_static).as_posix() for p in theme_static.rglob("*")}
    return urls


def _published_urls(result: CheckResult) -> set[str]:
    """Every URL the build will write; two documents claiming one URL is an error."""
    inventory, report = result.inventory, result.report
    urls = _site_urls(result)
    owners: dict[str, Source] = {}
    kb_slugs: dict[str, Source] = {}
    for source in inventory.sources:
        if not is_public(source):
            continue
        if source.section == ARTICLE and source.category:
            earlier = kb_slugs.setdefault(source.slug, source)
            if earlier is not source:
                report.error(
                    source.path,
                    1,
                    f"duplicate slug '{source.slug}': {display_path(earlier.path)} already uses it; "
                    "article slugs (file names) must be unique across categories",
                )
                continue
            urls.add(inventory.category_url(source.category))
            urls |= {inventory.tag_url(tag) for tag in source.meta.get("tags", [])}
        url = inventory.url_of(source)
        if url in owners or url in urls:
            other = owners[url].rel if url in owners else "the portal itself"
            report.error(
                source.path, 1, f"publishes to {url}, which {other} already uses: rename the file"
            )
            continue
        owners[url] = source
    result.owners = owners
    return urls | set(owners)


def _resolve_intrasite(
    result: CheckResult, source: Source, what: str, value: str, urls: set[str], written: str
) -> str | None:
    """Return the problem with a `{what}value` link (as the writer wrote it), or None."""
    inventory = result.inventory
    path = urlsplit(value).path
    if what in ("filename", "static", "attach"):
        base = "" if path.startswith("/") else posixpath.dirname(source.rel)
        rel = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if rel == ".." or rel.startswith("../"):
            return (
                f"links to {written}, which is outside content/: the portal publishes only "
                "what is in content/, so link to its web address instead"
            )
        if rel not in inventory.files and unquote(rel) in inventory.files:
            rel = unquote(rel)  # `my%20notes.md`, as Pelican tries it too
        target = inventory.by_rel.get(rel)
        if target is not None and what == "filename":
            if target.readable and not is_public(target) and not target.restricted:
                return (
                    f"links to {rel}, which is not published (status: {target.meta.get('status')})"
                )
            return _fragment_problem(result, target, urlsplit(value).fragment, written, source)
        published = "/" + rel in urls
        if rel in inventory.files and published:
            return None
        if rel in inventory.files:
            return (
                f"links to {rel}, which exists but is not published: put it under content/images/"
            )
        return f"links to {written}, but content/{rel} does not exist"
    if what == "tag":
        return (
            None
            if inventory.tag_url(path) in urls
            else f"links to tag '{path}', which no article has"
        )
    if what == "category":
        known = path in inventory.categories and inventory.category_url(path) in urls
        return None if known else f"links to category '{path}', which has no published article"
    if what == "index":
        return None
    return f"unknown link type {{{what}}}: use {{filename}}, {{static}}, {{tag}} or {{category}}"


def _fragment_problem(
    result: CheckResult, target: Source, fragment: str, written: str, source: Source
) -> str | None:
    """Return the problem with a link's #fragment in a document, or None when it names an id.

    A document's ids are those its Markdown renders: headings, `{#id}`, footnotes. `#top`
    always works: browsers scroll to the top of the page for it.
    """
    fragment = unquote(fragment)
    ids = result.ids.get(target.rel)
    if not fragment or fragment == "top" or ids is None or fragment in ids:
        return None
    where = "this page" if target is source else f"content/{target.rel}"
    close = get_close_matches(fragment, sorted(ids), n=1)
    hint = f" (did you mean '#{close[0]}'?)" if close else ""
    return f"links to {written}, but {where} has no heading or anchor '#{fragment}'{hint}"


def _resolve_url(result: CheckResult, source: Source, target: str, urls: set[str]) -> str | None:
    """Return the problem with a site-absolute or relative link, or None when it resolves."""
    parts = urlsplit(urljoin(result.inventory.url_of(source), target))
    path = parts.path
    if path.startswith(DYNAMIC_PREFIXES):
        return None
    candidates = {path, path + "/", path.removesuffix("index.html")}
    found = candidates & urls
    if not found:
        return f"links to {path}, which nothing in the portal publishes"
    glossary_url = "/" + result.inventory.settings.get("GLOSSARY_URL", "glossary/")
    if parts.fragment and glossary_url in found and parts.fragment not in result.glossary.by_slug():
        return f"links to {glossary_url}#{parts.fragment}, but no glossary term has that anchor"
    document = next((result.owners[url] for url in sorted(found) if url in result.owners), None)
    if document is not None:
        return _fragment_problem(result, document, parts.fragment, target, source)
    return None


def _check_glossary_use(result: CheckResult, matcher: TermMatcher, used: set[str]) -> None:
    """Terms that would match the same words are errors; terms no document uses, warnings."""
    glossary, report = result.glossary, result.report
    for collision in matcher.collisions:
        report.error(
            glossary.path,
            collision.second.line,
            f"'{collision.key}' would match both '{collision.first.term}' (line "
            f"{collision.first.line}) and '{collision.second.term}': remove or change one of them",
        )
    for term in glossary.terms:
        if term.slug not in used:
            report.warning(glossary.path, term.line, f"'{term.term}' is not used by any document")


def _check_links(result: CheckResult, urls: set[str], links: dict[str, list[Link]]) -> None:
    for source in result.inventory.sources:
        for link in links.get(source.rel, ()):
            problem = _link_problem(result, source, link.target, urls)
            if problem:
                result.report.error(source.path, link.line, problem)


def _link_problem(result: CheckResult, source: Source, target: str, urls: set[str]) -> str | None:
    intrasite = split_intrasite(target)
    if intrasite:
        return _resolve_intrasite(result, source, *intrasite, urls, written=target)
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    if scheme == "javascript":
        return "javascript: links are not allowed in content"
    if scheme or target.startswith("//"):
        return None
    if target.startswith("#"):
        return _fragment_problem(result, source, parts.fragment, target, source)
    if parts.path.endswith(".md"):
        if parts.path.startswith("/"):
            return _absolute_markdown_link(source, target)
        # As GitHub, GitLab and MkDocs read it; the portal's reader makes it a {filename} link.
        return _resolve_intrasite(result, source, "filename", target, urls, written=target)
    return _resolve_url(result, source, target, urls)


def _absolute_markdown_link(source: Source, target: str) -> str:
    parts = urlsplit(target)
    relative = posixpath.relpath(parts.path.lstrip("/"), posixpath.dirname(source.rel) or ".")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return (
        f"links to the file '{target}' from the top of content/, which forges read from the "
        f"top of the repository: write it relative to this file, '{relative}{fragment}'"
    )
