"""The site's Markdown, set up once for the portal's reader and for `helpdesk check`.

Both render with the extensions and settings of pelicanconf.py's MARKDOWN, so the check
finds links exactly where a reader sees them. Both also accept links to other Markdown
files by their relative path (`../user-guide/configuration.md#nav`), as GitHub, GitLab and
MkDocs resolve them: the reader hands such a link to Pelican as a `{filename}` link, which
Pelican replaces with the target document's URL and keeps the fragment.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

#: A start tag, its quoted attribute values allowed to hold `>`. In Markdown's output the text
#: of code is escaped (`&lt;`), so this never matches inside code.
START_TAG = re.compile(r"<[a-zA-Z][\w:.-]*(?:[^>\"']+|\"[^\"]*\"|'[^']*')*>")
HREF = re.compile(r"""(\shref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
#: Highlighting options that give lines of code ids a link could name.
LINE_ID_OPTIONS = ("anchor_linenums", "line_anchors", "line_spans")


def is_markdown_file_link(target: str) -> bool:
    """A relative link to a Markdown file (`../guide/setup.md#step-2`), not `{filename}` or a URL."""
    if target.startswith(("{", "|", "/")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and parts.path.endswith(".md")


def filename_links(html: str) -> str:
    """Give each relative link to a Markdown file the `{filename}` Pelican resolves."""

    def href(match: re.Match) -> str:
        prefix, quote, target = match.groups()
        if not is_markdown_file_link(target):
            return match.group(0)
        return f"{prefix}{quote}{{filename}}{target}{quote}"

    def tag(match: re.Match) -> str:
        text = match.group(0)
        return HREF.sub(href, text) if ".md" in text else text

    return START_TAG.sub(tag, html) if ".md" in html else html


class FilenameLinks(Postprocessor):
    def run(self, text: str) -> str:
        return filename_links(text)


class MarkdownFileLinks(Extension):
    """Relative links to Markdown files become Pelican `{filename}` links."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Last, once raw HTML is back in place: `<a href="setup.md">` counts as well.
        md.postprocessors.register(FilenameLinks(md), "markdown_file_links", 1)


def site_markdown(settings: dict, *, for_check: bool = False) -> Markdown:
    """A Markdown converter with the site's MARKDOWN settings (without `meta`: front matter is YAML).

    For the check, code is not coloured: Pygments only styles the text inside code blocks,
    which holds no links, and costs a quarter of the rendering time. Unless the site asks
    for line anchors, which give code lines ids a link may name.
    """
    config = copy.deepcopy({k: v for k, v in settings["MARKDOWN"].items() if k != "extensions"})
    extensions = [e for e in settings["MARKDOWN"]["extensions"] if e != "markdown.extensions.meta"]
    if for_check and "pymdownx.highlight" in extensions:
        configs = config.setdefault("extension_configs", {})
        highlight = configs.setdefault("pymdownx.highlight", {})
        if not any(highlight.get(option) for option in LINE_ID_OPTIONS):
            highlight["use_pygments"] = False
    return Markdown(extensions=[*extensions, MarkdownFileLinks()], **config)
