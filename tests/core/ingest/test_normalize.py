"""Paragraph normalisation, derived titles, dates and small value cleaners."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from reader.core.ingest.normalize import (
    clean_language,
    clean_tags,
    clean_url,
    derive_title,
    normalize_paragraph,
    normalize_paragraphs,
    parse_date,
)
from reader.core.ingest.text import title_case
from reader.core.models import ArticleDate


def test_normalize_paragraph() -> None:
    assert normalize_paragraph("  a\u00a0b\u2009c\u3000d  ") == "a b c d"
    assert normalize_paragraph("zero\u200bwidth\u2060join\ufeff") == "zerowidthjoin"
    assert normalize_paragraph("soft\u00adhyphen") == "softhyphen"
    assert normalize_paragraph("line\r\nbreak\ttab\x0cform") == "line break tab form"
    assert normalize_paragraph("bell\x07 and C1\x85 controls") == "bell and C1 controls"
    # NFC: "e" + combining acute becomes "é".
    assert normalize_paragraph("caf\u0065\u0301") == "caf\u00e9"
    # ZWJ is kept (emoji sequences, Persian and Indic text).
    assert normalize_paragraph("👩\u200d💻") == "👩\u200d💻"


def test_normalize_paragraphs_drops_empty_ones() -> None:
    assert normalize_paragraphs(["", " \u00a0 ", "kept", "\u200b"]) == ["kept"]


def test_derive_title_short_sentence() -> None:
    assert derive_title(["The council met on Monday. It adjourned."]) == (
        "The council met on Monday"
    )
    assert derive_title(["", "  Second paragraph wins.  "]) == "Second paragraph wins"
    assert derive_title(["Is this the end? Maybe."]) == "Is this the end?"


def test_derive_title_skips_abbreviations() -> None:
    assert derive_title(["Mr. Xi met U.S. envoys in Beijing. Then more."]) == (
        "Mr. Xi met U.S. envoys in Beijing"
    )


def test_derive_title_cuts_at_a_word_boundary() -> None:
    title = derive_title(
        [
            "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed "
            "to use the 70th anniversary as an opportunity."
        ]
    )
    assert title == "Chinese President Xi Jinping and Russian President Vladimir Putin have agreed…"
    assert len(title) <= 80


def test_derive_title_of_chinese_text() -> None:
    assert derive_title(["习近平同普京互致新年贺电。两国元首表示"]) == "习近平同普京互致新年贺电"
    long = "中" * 200
    assert derive_title([long]) == "中" * 79 + "…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-01-02", ArticleDate(date(2019, 1, 2))),
        ("January 2, 2019", ArticleDate(date(2019, 1, 2))),
        ("21:09, 14-Sep-2018", ArticleDate(datetime(2018, 9, 14, 21, 9))),
        ("2019-01-02T10:30:00Z", ArticleDate(datetime(2019, 1, 2, 10, 30, tzinfo=UTC))),
        (
            "Tue, 10 Jun 2003 04:00:00 +0200",
            ArticleDate(datetime(2003, 6, 10, 4, 0, tzinfo=timezone(timedelta(hours=2)))),
        ),
        (
            "10 Jun 2003 04:00 EST",
            ArticleDate(datetime(2003, 6, 10, 4, 0, tzinfo=timezone(timedelta(hours=-5)))),
        ),
        ("2019-01-02 10:30 XYZT", ArticleDate(datetime(2019, 1, 2, 10, 30))),
    ],
)
def test_parse_date(text: str, expected: ArticleDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "March 2020", "2 March", "14:30", "hello", "2019", "next Tuesday", "3000-01-01"]
)
def test_parse_date_never_invents(text: str) -> None:
    assert parse_date(text) is None


def test_title_case_of_credit_lines() -> None:
    assert title_case("CHINA DAILY/ASIA NEWS NETWORK") == "China Daily/Asia News Network"
    assert title_case("VOICE OF AMERICA") == "Voice of America"
    assert title_case("BBC NEWS") == "BBC News"
    assert title_case("THE STRAITS TIMES") == "The Straits Times"


def test_clean_values() -> None:
    assert clean_url("https://example.com/a b") is None
    assert clean_url(" https://example.com/a ") == "https://example.com/a"
    assert clean_url("javascript:alert(1)") is None
    assert clean_url("file:///etc/passwd") is None
    assert clean_url("/relative") is None
    assert clean_language("en_US") == "en-US"
    assert clean_language("ZH-cn") == "zh-cn"
    assert clean_language("not a language") is None
    assert clean_tags(["a", " b ", "a", 3, None, ["nested"]]) == ("a", "b", "3")
    assert clean_tags("x, y,,z") == ("x", "y", "z")
    assert clean_tags({"a": 1}) == ()
