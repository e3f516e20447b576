"""A Markdown reader for YAML front matter, with the section and category taken from the path."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pelican.readers import BaseReader
from pelican.urlwrappers import Category, Tag

from helpdesk.publish import frontmatter
from helpdesk.publish import run as portal_run
from helpdesk.publish.frontmatter import ARTICLE
from helpdesk.publish.problems import ContentError, Report
from helpdesk.publish.rendering import site_markdown
from helpdesk.publish.sources import (
    CategoryInfo,
    read_category,
    section_of,
    section_paths,
    slug_of,
)


class FrontMatterReader(BaseReader):
    """Read `---`-delimited YAML front matter and a Markdown body, as `helpdesk check` does."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def __init__(self, settings):
        super().__init__(settings)
        # One Markdown instance per reader, reset per document: building the extensions
        # for every file costs more than converting most articles. Relative links to
        # Markdown files come out as {filename} links, which Pelican resolves.
        self._md = site_markdown(settings)
        self._content = Path(settings["PATH"])
        self._paths = section_paths(settings)
        self._files_dir = settings.get("DOWNLOAD_FILES_PATH", "downloads/files")
        self._categories: dict[str, CategoryInfo] = {}

    def _category(self, folder: Path) -> Category:
        info = self._categories.get(folder.name)
        if info is None:
            info = self._categories[folder.name] = read_category(folder, Report())
        category = Category(folder.name, self.settings)
        category.title, category.description, category.order = (
            info.title,
            info.description,
            info.order,
        )
        return category

    def _render(self, text: str) -> str:
        return self._md.reset().convert(text)

    def _fail(self, path: str, line: int | None, message: str):
        # Straight into the build's report; under plain `pelican`, into Pelican's log.
        portal_run.current(self.settings).problem(path, line, message)
        raise ContentError(line, message)

    def _parse(self, source_path: str, section: str) -> tuple[str, dict]:
        try:
            fields, body, _ = frontmatter.parse(Path(source_path).read_text(encoding="utf-8"))
        except ContentError as exc:
            self._fail(source_path, exc.line, exc.message)
        result = frontmatter.validate(section, fields)
        if result.errors:
            self._fail(source_path, *result.errors[0])
        return body, result.meta

    def read(self, source_path: str):
        path = Path(source_path)
        rel = path.relative_to(self._content)
        section = section_of(rel.as_posix(), self._paths, self._files_dir) or frontmatter.PAGE
        body, meta = self._parse(source_path, section)
        metadata: dict = {"section": section}
        for key, value in meta.items():
            if key == "tags":
                metadata["tags"] = [Tag(tag, self.settings) for tag in value]
            elif key == "summary":
                metadata["summary"] = self._render(value).removeprefix("<p>").removesuffix("</p>")
            elif key != "category":
                metadata[key] = value
        if section == ARTICLE and len(rel.parts) > 2:
            metadata["category"] = self._category(self._content / rel.parts[0] / rel.parts[1])
            if meta.get("usergroups"):
                # Served by the ticketapi to the usergroups named, never by the public portal.
                metadata["url"] = self.settings["RESTRICTED_ARTICLE_URL"].format(
                    category=metadata["category"].slug, slug=slug_of(path.stem, self.settings)
                )
        content = self._render(body)
        tokens = [t for t in getattr(self._md, "toc_tokens", []) if t["level"] <= 3]
        if len(tokens) > 1 or any(t["children"] for t in tokens):
            metadata["toc"] = tokens
        return content, metadata
