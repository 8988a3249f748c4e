"""The index schema: which fields exist, how each is analysed, what is stored.

The index stores only what it needs to answer a search and to check itself against the
library (article id and content hash); article text lives in SQLite and is read back for
snippets (see snippets.py: finding the matched words again is cheaper than storing their
character offsets in every posting).
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from reader.core.search.analysis import name_analyzer, text_analyzer

#: Bumped whenever fields or analysis change; an index made with another version is
#: rebuilt from the library on open.
SCHEMA_VERSION = 6

#: Words users may put before a colon, mapped to index fields.
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "body": "body",
    "text": "body",
    "source": "source",
    "outlet": "source",
    "dateline": "dateline",
    "author": "author",
    "by": "author",
    "tag": "tags",
    "tags": "tags",
    "lang": "language",
    "language": "language",
    "date": "date",
    "note": "note",
    "notes": "note",
    "highlight": "highlight",
    "highlights": "highlight",
    "quote": "highlight",
    "color": "color",
    "colour": "color",
    # Who is named in the article (coverage analysis): every spelling of a name of the
    # name table, and the people the statement extractor found speaking.
    "person": "person",
    "people": "person",
    "place": "place",
    "places": "place",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    # Who speaks in it: ``speaker:putin``.
    "speaker": "speaker",
    "said": "speaker",
}

#: Fields searched by words without a field name, and their weights.
DEFAULT_FIELDS: dict[str, float] = {"title": 2.0, "body": 1.0, "note": 1.5}


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        hash=ID(stored=True),
        title=TEXT(analyzer=text_analyzer(), field_boost=2.0, phrase=True),
        body=TEXT(analyzer=text_analyzer(), phrase=True),
        source=TEXT(analyzer=name_analyzer(), phrase=True),
        dateline=TEXT(analyzer=name_analyzer(), phrase=False),
        author=TEXT(analyzer=name_analyzer(), phrase=True),
        # Article tags and the tags of its highlights.
        tags=KEYWORD(lowercase=True, commas=True, scorable=True),
        # The user's own words: notes (stored, for snippets), highlighted passages, colours.
        note=TEXT(analyzer=text_analyzer(), phrase=True, stored=True),
        highlight=TEXT(analyzer=text_analyzer(), phrase=True),
        color=KEYWORD(lowercase=True, commas=True),
        # The article's language as a primary subtag (en, ru, zh): ``lang:ru``.
        language=KEYWORD(lowercase=True),
        date=DATETIME(sortable=True),
        # The publication year, month and day as words ("2019 201909 20190914"): a
        # query for a year, month or day is one term instead of a numeric range.
        ymd=KEYWORD(),
        # People, places and organisations the article names, and who speaks in it:
        # each as the name table's key and its Latin spellings (other scripts are
        # rewritten to the key in queries: aliases.py).
        person=TEXT(analyzer=name_analyzer(), phrase=True),
        place=TEXT(analyzer=name_analyzer(), phrase=True),
        org=TEXT(analyzer=name_analyzer(), phrase=True),
        speaker=TEXT(analyzer=name_analyzer(), phrase=True),
    )
