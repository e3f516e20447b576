"""Read a built portal like a crawler: pages, their links and the assets they load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

DYNAMIC_PREFIXES = ("/portal/", "/api/", "/agent/")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def url_to_file(root: Path, path: str) -> Path:
    target = root / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


@dataclass
class Page:
    url: str
    soup: BeautifulSoup

    def links(self) -> list[str]:
        return [urljoin(self.url, a["href"]) for a in self.soup.find_all("a", href=True)]

    def assets(self) -> list[str]:
        found = [
            tag.get("src") for tag in self.soup.find_all(["img", "script", "source", "iframe"])
        ]
        found += [
            link.get("href")
            for link in self.soup.find_all("link")
            if "alternate" not in (link.get("rel") or [])
        ]
        return [urljoin(self.url, src) for src in found if src]

    @cached_property
    def ids(self) -> set[str]:
        return {tag["id"] for tag in self.soup.find_all(id=True)}


@dataclass
class Site:
    root: Path
    pages: dict[str, Page] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Site:
        site = cls(root)
        for path in root.rglob("*.html"):
            rel = path.relative_to(root).as_posix()
            url = "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
            site.pages[url] = Page(
                url, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            )
        return site

    def css_urls(self) -> list[tuple[str, str]]:
        found = []
        for css in self.root.rglob("*.css"):
            url = "/" + css.relative_to(self.root).as_posix()
            for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
                target = match.group(1) or match.group(2)
                if not target.startswith("data:"):
                    found.append((url, urljoin(url, target)))
        return found

    def resolve(self, url: str) -> str | None:
        """Why an internal URL is broken, or None when it is fine."""
        parts = urlsplit(url)
        if parts.path.startswith(DYNAMIC_PREFIXES):
            return None
        target = url_to_file(self.root, parts.path)
        if not target.is_file():
            return f"{parts.path} does not exist"
        page = self.pages.get(parts.path)
        if parts.fragment and page is not None and parts.fragment not in page.ids:
            return f"{parts.path} has no element with id #{parts.fragment}"
        return None

    def reachable_from(self, start: str) -> set[str]:
        seen, queue = {start}, [start]
        while queue:
            page = self.pages.get(queue.pop())
            if page is None:
                continue
            for link in page.links():
                parts = urlsplit(link)
                if parts.scheme or parts.path in seen or parts.path not in self.pages:
                    continue
                seen.add(parts.path)
                queue.append(parts.path)
        return seen


def is_external(url: str) -> bool:
    return bool(
        urlsplit(url).scheme and urlsplit(url).scheme in ("http", "https")
    ) or url.startswith("//")
