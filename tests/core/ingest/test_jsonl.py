"""JSON Lines (and JSON arrays) of articles."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes
from reader.core.models import ArticleDate


def lines(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


FULL = {
    "title": "Russia and China sign gas deal",
    "body": "Russia and China signed a gas deal.\n\nThe contract runs for thirty years.",
    "date": "2014-05-21T09:30:00+04:00",
    "source": "World Wire",
    "url": "https://wire.example.com/gas",
    "author": "Jane Doe",
    "lang": "en",
    "tags": ["energy", "russia"],
    "id": "wire-1234",
    "dateline": "MOSCOW",
}


def test_every_field() -> None:
    parsed = parse_bytes(lines(FULL), "corpus.jsonl")
    assert parsed.format == "jsonl"
    [article] = parsed.articles
    assert article.title == "Russia and China sign gas deal"
    assert article.paragraphs == (
        "Russia and China signed a gas deal.",
        "The contract runs for thirty years.",
    )
    tz = timezone(timedelta(hours=4))
    assert article.date == ArticleDate(datetime(2014, 5, 21, 9, 30, tzinfo=tz))
    assert article.source == "World Wire"
    assert article.url == "https://wire.example.com/gas"
    assert article.author == "Jane Doe"
    assert article.language == "en"
    assert article.tags == ("energy", "russia")
    assert article.external_id == "wire-1234"
    assert article.dateline == "MOSCOW"


def test_bad_lines_are_problems_naming_the_line() -> None:
    data = lines(
        FULL,
        {"title": "Second", "text": ["First paragraph.", "Second paragraph."], "id": 7},
        "",
        "{not json",
        {"title": "No body"},
        '["a", "list"]',
        {"content": "Untitled story. With two sentences.", "date": "2019-01-02"},
    )
    parsed = parse_bytes(data, "corpus.jsonl")
    assert [a.title for a in parsed.articles] == [
        "Russia and China sign gas deal",
        "Second",
        "Untitled story",
    ]
    second, third = parsed.articles[1:]
    assert second.paragraphs == ("First paragraph.", "Second paragraph.")
    assert second.external_id == "7"
    assert third.title_derived
    assert third.date == ArticleDate(date(2019, 1, 2))
    assert parsed.problems == (
        "line 4: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 5: no body text",
        "line 6: not a JSON object (a list)",
    )


def test_all_lines_bad_is_an_error() -> None:
    with pytest.raises(IngestError) as caught:
        parse_bytes(lines({"title": "a"}, {"title": "b"}), "bad.jsonl")
    assert "line 1: no body text" in caught.value.reason


def test_a_json_array_of_articles() -> None:
    data = json.dumps([FULL, {"body": "Another one."}], indent=2).encode()
    parsed = parse_bytes(data, "export.json")
    assert parsed.format == "jsonl"
    assert [a.title for a in parsed.articles] == ["Russia and China sign gas deal", "Another one"]


def test_missing_metadata_stays_none() -> None:
    [article] = parse_bytes(lines({"title": "T", "body": "B."}), "x.jsonl").articles
    assert (article.date, article.source, article.url, article.language) == (None, None, None, None)
    assert article.tags == ()


def test_unsafe_or_odd_values_are_dropped() -> None:
    record = {
        "title": "T",
        "body": "B.",
        "url": "javascript:alert(1)",
        "date": "sometime soon",
        "tags": "a, b, a",
        "source": {"nested": "object"},
    }
    [article] = parse_bytes(lines(record), "x.jsonl").articles
    assert article.url is None
    assert article.date is None
    assert article.tags == ("a", "b")
    assert article.source is None
