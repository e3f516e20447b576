"""The search_index plugin: a whoosh index of every article, news post, download and page.

Settings:

* SEARCH_INDEX_DIR: the index folder (default: `search-index` beside the output folder,
  never inside it: restricted articles are in the index, and the output is public).
  HELPDESK_SEARCH_INDEX wins over it, as it does for the ticketapi that reads the index
  (helpdesk/shared_settings.py).
* SEARCH_INDEX_FULL: True indexes everything again; by default only changed documents are.

The plugin hands the documents to the run Pelican is doing (helpdesk/publish/run.py), which
writes the index with `helpdesk.search`: under `helpdesk build` the new generation is
published only when the whole build succeeds; plain `pelican` publishes it at the end of its
run.
"""

from __future__ import annotations

import logging

from pelican import signals

from helpdesk.publish import run as portal_run
from helpdesk.publish.pelican_private import source_html
from helpdesk.search.indexer import Document

logger = logging.getLogger(__name__)
#: Where each generator keeps its documents, and their section when the reader set none.
DOCUMENT_LISTS = {"articles": "article", "news": "news", "downloads": "download", "pages": "page"}


def to_document(content, section: str) -> Document:
    """The searchable parts of a Pelican article, news post, download or page."""
    section = getattr(content, "section", section)
    # News posts are Pelican articles too, with a category of Pelican's own.
    category = getattr(content, "category", None) if section == "article" else None
    date = getattr(content, "date", None)
    return Document(
        url="/" + content.url.lstrip("/"),
        title=str(content.title),
        section=section,
        body=source_html(content),  # before link rewriting: only the text is indexed
        summary=content.metadata.get("summary", "") or "",
        tags=tuple(str(tag) for tag in getattr(content, "tags", None) or ()),
        category=category.slug if category else "",
        date=date.isoformat() if date else "",
        usergroups=tuple(getattr(content, "usergroups", None) or ()),
    )


def collect(generators) -> list[Document]:
    """Every published document, restricted articles included (with their usergroups)."""
    documents: dict[str, Document] = {}
    # The portal plugin keeps restricted articles out of the generator's list, in the context.
    lists = [("articles", generators[0].context.get("restricted_articles", ()))]
    for generator in generators:
        lists += [(name, getattr(generator, name, None) or ()) for name in DOCUMENT_LISTS]
    for name, contents in lists:
        for content in contents:
            document = to_document(content, DOCUMENT_LISTS[name])
            documents[document.url] = document
    return list(documents.values())


def full_rebuild(settings: dict) -> bool:
    full = settings.get("SEARCH_INDEX_FULL", False)
    if not isinstance(full, bool):
        logger.error("SEARCH_INDEX_FULL must be True or False, not %r: using False", full)
        return False
    return full


def start_index(generators) -> None:
    """Hand every document to the run once all are read: a large batch is written as pages are."""
    if not generators or not portal_run.listed(generators[0].settings, __name__):
        return
    settings = generators[0].settings
    run = portal_run.current(settings)
    try:
        run.start_index(collect(generators), full=full_rebuild(settings))
    except Exception as exc:
        logger.error(
            "search index in %s not updated: %s: %s", run.index_root, type(exc).__name__, exc
        )


def finish_index(pelican) -> None:
    """Once every page is written, wait for the index (plain `pelican` publishes it then)."""
    if not portal_run.listed(pelican.settings, __name__):
        return
    run = portal_run.current(pelican.settings)
    try:
        result = run.finish_index()
    except Exception as exc:
        logger.error(
            "search index in %s not updated: %s: %s", run.index_root, type(exc).__name__, exc
        )
        return
    if result is not None:
        logger.info("search index: %s", result.describe())


def register():
    signals.all_generators_finalized.connect(start_index)
    signals.finalized.connect(finish_index)
