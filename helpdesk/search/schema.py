"""What the index holds: one whoosh schema, one English analyzer, and the field weights."""

from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema

#: Bump when the schema, the analyzer or what goes into a field changes: the next build
#: then indexes everything again instead of updating an index of the old shape.
#: 2: the text keeps its blocks (a line each, for snippets), and each segment's postings
#: file lists the words as written (for the word being typed).
SCHEMA_VERSION = 2

#: How much a match in each field counts against one in the body text. Applied when a
#: query is parsed, so changing them needs no new index.
FIELD_BOOSTS = {"title": 4.0, "tags": 2.5, "summary": 1.5, "body": 1.0}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)


def english_analyzer():
    """Words, lower-cased, English stop words dropped, Porter-stemmed (`plans` finds `plan`)."""
    return StemmingAnalyzer()


def make_schema() -> Schema:
    english = english_analyzer()
    return Schema(
        url=ID(stored=True, unique=True),
        section=ID(stored=True),
        category=ID(stored=True),
        title=TEXT(analyzer=english, stored=True),
        tags=TEXT(analyzer=english, stored=True),
        summary=TEXT(analyzer=english, stored=True),
        # Stored for the highlighted snippets; positions kept for "quoted phrases".
        body=TEXT(analyzer=english, stored=True),
        date=STORED(),
        restricted=BOOLEAN(),
        # Lower-cased usergroup names, comma-separated: names may hold spaces.
        usergroups=KEYWORD(stored=True, commas=True, lowercase=True),
        # Every distinct word of the document, unstemmed: the "did you mean" vocabulary.
        spell=KEYWORD(scorable=True),
    )
