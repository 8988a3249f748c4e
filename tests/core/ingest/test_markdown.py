"""Markdown with and without YAML front matter."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes
from reader.core.models import ArticleDate

WITH_FRONT_MATTER = """\
---
title: "Central bank holds rates"
date: 2019-01-02 10:30:00
source: Example Financial
author: Jane Doe
url: https://finance.example.com/rates
tags: [economy, "interest rates"]
lang: en
id: fin-0042
---

# Central bank holds rates

The central bank left its **benchmark rate** unchanged on Wednesday, as
[analysts](https://example.com/poll) had expected.

- Inflation stayed at 2.1 percent.
- Growth slowed in the fourth quarter.

> "We remain vigilant," the governor said.

```
rate = 4.25
```
"""


def test_front_matter_and_body() -> None:
    parsed = parse_bytes(WITH_FRONT_MATTER.encode(), "rates.md")
    assert parsed.format == "markdown"
    assert parsed.problems == ()
    [article] = parsed.articles
    assert article.title == "Central bank holds rates"
    assert not article.title_derived
    assert article.date == ArticleDate(datetime(2019, 1, 2, 10, 30))
    assert article.source == "Example Financial"
    assert article.author == "Jane Doe"
    assert article.url == "https://finance.example.com/rates"
    assert article.tags == ("economy", "interest rates")
    assert article.language == "en"
    assert article.external_id == "fin-0042"
    assert article.paragraphs == (
        "The central bank left its benchmark rate unchanged on Wednesday, as analysts had "
        "expected.",
        "Inflation stayed at 2.1 percent.",
        "Growth slowed in the fourth quarter.",
        '"We remain vigilant," the governor said.',
        "rate = 4.25",
    )


def test_without_front_matter_the_heading_is_the_title() -> None:
    text = "# Floods close schools\n\nHeavy rain closed schools.\n\n## Outlook\n\nMore rain.\n"
    [article] = parse_bytes(text.encode(), "floods.txt").articles
    assert article.title == "Floods close schools"
    assert not article.title_derived
    assert article.paragraphs == ("Heavy rain closed schools.", "Outlook", "More rain.")
    assert article.date is None
    assert article.source is None


def test_without_a_heading_the_title_is_derived() -> None:
    text = "Heavy rain *closed* schools on Monday. Officials said more rain was due.\n\nEnd.\n"
    [article] = parse_bytes(text.encode(), "floods.md").articles
    assert article.title == "Heavy rain closed schools on Monday"
    assert article.title_derived


def test_tags_as_a_comma_string_and_a_plain_date() -> None:
    text = "---\ntitle: T\ndate: 2020-03-03\ntags: politics, europe\n---\nBody.\n"
    [article] = parse_bytes(text.encode(), "t.md").articles
    assert article.tags == ("politics", "europe")
    assert article.date == ArticleDate(date(2020, 3, 3))


def test_bad_yaml_is_a_problem_not_a_crash() -> None:
    text = "---\ntitle: [unclosed\n---\n\nThe body still imports.\n"
    parsed = parse_bytes(text.encode(), "bad.md")
    [article] = parsed.articles
    assert article.paragraphs == ("The body still imports.",)
    assert len(parsed.problems) == 1
    assert "front matter" in parsed.problems[0]
    assert "YAML" in parsed.problems[0]


def test_yaml_is_loaded_safely() -> None:
    text = "---\ntitle: !!python/object/apply:os.system ['echo hacked']\n---\n\nBody.\n"
    parsed = parse_bytes(text.encode(), "evil.md")
    assert parsed.articles[0].title == "Body"
    assert parsed.problems and "front matter" in parsed.problems[0]


def test_front_matter_alone_is_no_article() -> None:
    with pytest.raises(IngestError, match="no article text found"):
        parse_bytes(b"---\ntitle: Nothing here\n---\n", "empty.md")


def test_raw_html_in_markdown_is_not_executed_or_kept() -> None:
    text = "# T\n\nBefore.\n\n<script>alert('x')</script>\n\nAfter <b>bold</b>.\n"
    [article] = parse_bytes(text.encode(), "t.md").articles
    assert article.paragraphs == ("Before.", "After bold.")
