"""The glossary plugin: annotate every glossary term in articles, news and pages (SPEC §5).

Settings: GLOSSARY_FILE (the glossary), GLOSSARY_FIRST_ONLY (True: annotate each term at its
first occurrence in a document; False: everywhere). `glossary: false` in a document's front
matter leaves it alone. The pure core is `annotate.annotate(html, terms)`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

from pelican import signals

from helpdesk.publish.pelican_private import replace_source_html, source_html
from helpdesk.publish.run import listed
from helpdesk.publish.terms import TermMatcher

from .annotate import annotate
from .cache import AnnotationCache

logger = logging.getLogger(__name__)
#: Bump when annotate() changes its output, so cached annotations are made again.
ANNOTATION_VERSION = b"2"
DEFINITIONS_FILE = "definitions.json"
DOCUMENT_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations",
    "pages", "hidden_pages", "news", "downloads",
)  # fmt: skip


def documents(generators):
    """Every document the generators will write, once each."""
    seen = set()
    for generator in generators:
        for attribute in DOCUMENT_LISTS:
            for document in getattr(generator, attribute, ()):
                if id(document) not in seen:
                    seen.add(id(document))
                    yield document


def first_only(settings: dict) -> bool:
    value = settings.get("GLOSSARY_FIRST_ONLY", True)
    if not isinstance(value, bool):
        logger.error("GLOSSARY_FIRST_ONLY must be True or False, not %r: using True", value)
        return True
    return value


def annotate_documents(generators) -> None:
    """Annotate every document after all are read; reuse cached annotations where possible."""
    if not generators or not listed(generators[0].settings, __name__):
        return
    started = time.perf_counter()
    settings = generators[0].settings
    path = Path(settings["GLOSSARY_FILE"])
    # The portal plugin has read glossary.yml for the glossary page (and reported its errors).
    terms = generators[0].context.get("glossary_terms")
    if terms is None:
        logger.error("the glossary plugin needs the portal plugin: list 'portal' in PLUGINS too")
        return
    matcher = TermMatcher(terms)
    once = first_only(settings)
    url = f"{settings['SITEURL']}/{settings['GLOSSARY_URL']}"
    fingerprint = hashlib.blake2b(
        b"\0".join(
            [
                ANNOTATION_VERSION,
                path.read_bytes() if path.is_file() else b"",
                repr((once, url)).encode(),
            ]
        )
    ).digest()
    cache = None
    if settings.get("CACHE_CONTENT"):
        cache = AnnotationCache(
            Path(settings["CACHE_PATH"]) / "glossary-annotations.pickle",
            fingerprint,
            load=settings.get("LOAD_CONTENT_CACHE", True),
        )
    annotated = reused = 0
    for document in documents(generators):
        if getattr(document, "glossary", True) is False:
            continue
        original = source_html(document)
        key = cache.key(original) if cache else None
        html = cache.get(key) if cache else None
        if html is None:
            html = annotate(original, matcher, first_only=once, glossary_url=url)
            annotated += 1
            if cache:
                cache.put(key, html)
        else:
            reused += 1
        replace_source_html(document, html)
    if cache:
        cache.save()
    write_definitions(terms, Path(settings["OUTPUT_PATH"]) / settings["GLOSSARY_SAVE_AS"])
    logger.info(
        "glossary: annotated %d documents, %d unchanged from the cache (%.2f s)",
        annotated,
        reused,
        time.perf_counter() - started,
    )


def write_definitions(terms, glossary_page: Path) -> None:
    """definitions.json beside the glossary page: what the tooltips show, sent once."""
    target = glossary_page.parent / DEFINITIONS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    definitions = {term.slug: {"term": term.term, "definition": term.definition} for term in terms}
    target.write_text(json.dumps(definitions, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def register():
    signals.all_generators_finalized.connect(annotate_documents)
