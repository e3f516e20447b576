"""The glossary plugin: annotate every glossary term in articles, news and pages (SPEC §5).

Settings: GLOSSARY_FILE (the glossary), GLOSSARY_FIRST_ONLY (True: annotate each term at its
first occurrence in a document; False: everywhere). `glossary: false` in a document's front
matter leaves it alone. The pure core is `annotate.annotate(html, terms)`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from functools import partial
from pathlib import Path

from pelican import signals

from helpdesk.publish.pelican_private import (
    link_pattern,
    replace_source_html,
    set_link_pattern,
    source_html,
)
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


#: Where Pelican's link pattern (Content._get_intrasite_link_regex) starts a tag, and what
#: is put there: a start tag shaped like an annotation, whose values hold none of `"'{|=<>`,
#: cannot hold a link Pelican rewrites (its only `=` are those of data-glossary and of an href
#: that does not start with `{` or `|`), so the pattern may pass over it at once. Written for
#: the pattern's verbose mode (spaces escaped).
LINK_TAG_START = "(?P<markup><"
NOT_AN_ANNOTATION = r"""(?!a\ data-glossary="[^"'{|=<>]*"\ href="[^"'{|=<>]*">)"""


def quick_link_pattern(document) -> partial | None:
    """Pelican's link pattern for `document`, told to pass over annotations; None if its
    pattern is not the one this was written for (then Pelican's own is used, only slower).

    Pelican rewrites the links of every document it writes with one regular expression over
    every tag. On an annotation's start tag it backtracks through the whole tag trying each
    attribute name before it fails: about 16,600 instructions an annotation, a third of what
    the plugin costs a build (docs/performance.md). It finds exactly the same links.
    """
    pattern = link_pattern(document)
    if pattern.pattern.count(LINK_TAG_START) != 1 or not pattern.flags & re.VERBOSE:
        return None
    quick = pattern.pattern.replace(LINK_TAG_START, LINK_TAG_START + NOT_AN_ANNOTATION)
    # re.compile keeps what it compiled; a partial, unlike a closure, survives pickling.
    return partial(re.compile, quick, pattern.flags)


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
    links = None
    for document in documents(generators):
        if getattr(document, "glossary", True) is False:
            continue
        if links is None:
            links = quick_link_pattern(document) or False
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
        if links and html is not original:
            set_link_pattern(document, links)
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
