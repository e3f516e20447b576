"""The search_index plugin: a whoosh index of every article, news post, download and page.

Settings:

* SEARCH_INDEX_DIR: the index folder (default: `search-index` beside the output folder,
  never inside it: restricted articles are in the index, and the output is public).
  HELPDESK_SEARCH_INDEX wins over it, as it does for the ticketapi that reads the index
  (helpdesk/shared_settings.py).
* SEARCH_INDEX_FULL: True indexes everything again; by default only changed documents are.
* SEARCH_INDEX_STAGE: set by `helpdesk build`, which publishes the new index only when the
  whole build succeeds; plain `pelican` publishes it at the end of its run.

The work is done by `helpdesk.search`; this module only hands it the documents.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from helpdesk.search.indexer import Document, start_indexing
from helpdesk.shared_settings import search_index_dir

logger = logging.getLogger(__name__)
#: Where each generator keeps its documents, and their section when the reader set none.
DOCUMENT_LISTS = {"articles": "article", "news": "news", "downloads": "download", "pages": "page"}
#: The index update started when the documents were read, finished when Pelican is done.
_job: dict = {}


def index_dir(settings: dict) -> Path:
    """HELPDESK_SEARCH_INDEX, else SEARCH_INDEX_DIR, else beside the output: as the ticketapi."""
    return search_index_dir(settings["OUTPUT_PATH"], configured=settings.get("SEARCH_INDEX_DIR"))


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
        body=content._content or "",  # before link rewriting: only the text is indexed
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
    """Start indexing once every document is read: a large batch is written as pages are."""
    _job.clear()
    if not generators:
        return
    settings = generators[0].settings
    folder = index_dir(settings)
    try:
        _job["job"] = start_indexing(
            folder,
            collect(generators),
            full=full_rebuild(settings),
            build_id=settings.get("SEARCH_INDEX_STAGE"),
        )
    except Exception as exc:
        logger.error("search index in %s not updated: %s: %s", folder, type(exc).__name__, exc)
    _job["publish"] = settings.get("SEARCH_INDEX_STAGE") is None


def finish_index(pelican) -> None:
    """Once every page is written, wait for the index and publish it (plain `pelican`)."""
    job = _job.pop("job", None)
    if job is None:
        return
    try:
        result = job.finish(publish=_job.pop("publish", True))
    except Exception as exc:
        logger.error(
            "search index in %s not updated: %s: %s", job.store.root, type(exc).__name__, exc
        )
        return
    logger.info("search index: %s", result.describe())


def register():
    signals.all_generators_finalized.connect(start_index)
    signals.finalized.connect(finish_index)
