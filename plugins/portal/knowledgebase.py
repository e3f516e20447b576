"""The knowledgebase: category order and titles, restricted articles, related and latest articles."""

from __future__ import annotations

import logging
from collections import Counter

logger = logging.getLogger(__name__)
#: How many of a tag's newest articles are considered as related: keeps large tags cheap.
CANDIDATES_PER_TAG = 50
LATEST = 6


def updated(article):
    return getattr(article, "modified", None) or article.date


def keep_restricted_out(generator) -> None:
    """Leave usergroup-restricted articles out of the public portal: no page, list or link."""
    restricted = [a for a in generator.articles if getattr(a, "usergroups", None)]
    if restricted:
        generator.articles = [a for a in generator.articles if not getattr(a, "usergroups", None)]
        logger.info("%d restricted article(s) kept out of the public portal", len(restricted))
    generator.context["restricted_articles"] = restricted


def related_articles(articles, limit: int) -> dict:
    """For each article, the articles sharing most tags with it, then the most recently updated."""
    by_tag: dict = {}
    for article in sorted(articles, key=updated, reverse=True):
        for tag in getattr(article, "tags", []):
            by_tag.setdefault(tag, []).append(article)
    related = {}
    for article in articles:
        shared: Counter = Counter()
        for tag in getattr(article, "tags", []):
            for other in by_tag[tag][:CANDIDATES_PER_TAG]:
                if other is not article:
                    shared[other] += 1
        ranked = sorted(shared, key=lambda other: (-shared[other], -updated(other).timestamp()))
        related[article] = ranked[:limit]
    return related


def organise(generator) -> None:
    """Order categories as writers asked and give the templates what the home page shows."""
    generator.categories.sort(key=lambda pair: (getattr(pair[0], "order", 1000), str(pair[0])))
    generator.context["categories"] = generator.categories
    related = related_articles(generator.articles, generator.settings.get("RELATED_ARTICLES", 5))
    for article, others in related.items():
        article.related = others
    generator.context["latest_articles"] = sorted(generator.articles, key=updated, reverse=True)[
        :LATEST
    ]
