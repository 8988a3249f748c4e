"""Whatever file people import, every importer answers with articles or with a message
that names the file and the reason, and never with a crash.

Generated inputs (hypothesis, derandomised so a run repeats), 10,000 per importer:
real files of each format truncated and mutated (bytes flipped, deleted, inserted,
repeated), documents assembled from each format's own pieces in every order, and raw
bytes. A parser library choking on a malformed file is turned into a message by
``parse_bytes``; these tests also check that the message never hides a bug of our own
(a ``TypeError``, ``KeyError``, ``IndexError``, ``AttributeError`` … under it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import IngestError
from reader.core.ingest import parse_bytes
from tests.core.ingest.test_feed import ATOM, RSS1, RSS2
from tests.core.ingest.test_html import PAGE
from tests.core.ingest.test_markdown import WITH_FRONT_MATTER
from tests.core.ingest.test_text import WIRE_STORY

#: Examples per importer; ``FUZZ_EXAMPLES`` raises it for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))

SEEDS = sorted((Path(__file__).parents[3] / "seeds").glob("*.txt"))
JSONL = "\n".join(
    json.dumps(record, ensure_ascii=False)
    for record in [
        {
            "title": "Xi and Putin vow to enhance ties",
            "body": "Chinese President Xi Jinping and Vladimir Putin vowed to improve ties.",
            "date": "2018-09-14T21:09",
            "source": "CGTN",
            "tags": ["diplomacy"],
            "url": "https://example.org/a",
        },
        {"title": "Путин и Си", "text": "Путин и Си Цзиньпин провели переговоры.", "lang": "ru"},
    ]
).encode()

#: Errors that mean our code is wrong, whatever the input.
BUGS = (
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    NameError,
    ZeroDivisionError,
    UnboundLocalError,
)


def _bytes(sample: str | bytes) -> bytes:
    return sample.encode("utf-8") if isinstance(sample, str) else sample


@st.composite
def mutated(draw: st.DrawFn, samples: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "repeat"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "truncate":
            del data[at:]
        else:
            piece = bytes(data[at : at + draw(st.integers(1, 200))])
            data[at:at] = piece * draw(st.integers(1, 20))
    return bytes(data)


def assembled(
    pieces: list[str], words: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[bytes]:
    parts = st.sampled_from(pieces) | (words or st.text(max_size=12))
    return st.lists(parts, max_size=40).map(lambda xs: "".join(xs).encode("utf-8"))


FEED_PIECES = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="windows-1251"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<description>",
    "</description>",
    "<content:encoded><![CDATA[<p>",
    "</p>]]></content:encoded>",
    "<pubDate>",
    "Fri, 14 Sep 2018 21:09:00 +0800",
    "</pubDate>",
    "<link>https://example.org/a</link>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<entry>",
    "</entry>",
    '<content type="html">',
    "</content>",
    "<updated>2019-01-02T08:00:00Z</updated>",
    "&lt;b&gt;",
    "&amp;",
    "&#8212;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "Putin and Xi met in Vladivostok.",
]
HTML_PIECES = [
    "<!DOCTYPE html>",
    "<html>",
    "</html>",
    '<meta charset="gb2312">',
    '<meta property="article:published_time" content="2018-09-14">',
    '<meta name="author" content="Jane Doe">',
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": ',
    '"2019-01-02"}',
    "</script>",
    "<script>alert(1)</script>",
    "<title>",
    "</title>",
    "<article>",
    "</article>",
    "<h1>",
    "</h1>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<nav>",
    "</nav>",
    '<img src="http://example.org/x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">',
    "</a>",
    "<iframe src=//example.org>",
    "<table><tr><td>",
    "&nbsp;",
    "&#x0;",
    "Chinese President Xi Jinping and his Russian counterpart Vladimir Putin vowed ties. ",
]
MARKDOWN_PIECES = [
    "---\n",
    "title: ",
    "date: ",
    "2018-09-14\n",
    "tags: [a, b]\n",
    "source: {nested: [1, 2]}\n",
    ": :\n",
    "# ",
    "## ",
    "\n\n",
    "> ",
    "* ",
    "```\n",
    "[link](http://example.org)",
    "![img](x.png)",
    "**",
    "Putin and Xi vowed to deepen ties.",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "body", "text", "date", "source", "tags", "url", "lang", "x"])
            | st.text(max_size=5),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)
JSONL_FILES = st.lists(
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True)), min_size=1, max_size=8
).map(lambda lines: "\n".join(lines).encode("utf-8"))


def check(data: bytes, name: str) -> None:
    try:
        parsed = parse_bytes(data, name)
    except IngestError as exc:
        assert str(exc).startswith(f"{name}: ") and exc.reason.strip()
        cause = exc.__cause__
        assert not isinstance(cause, BUGS), f"a bug behind {exc}: {cause!r}"
        return
    assert parsed.path == name
    assert parsed.articles
    for article in parsed.articles:
        assert article.title.strip()
        assert article.text.strip()


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(mutated([RSS2, _bytes(ATOM), RSS1]) | assembled(FEED_PIECES))
def test_feeds(data: bytes) -> None:
    check(data, "fuzzed.xml")


@FUZZ
@given(mutated([_bytes(PAGE)]) | assembled(HTML_PIECES))
def test_html_pages(data: bytes) -> None:
    check(data, "fuzzed.html")


@FUZZ
@given(mutated([_bytes(WITH_FRONT_MATTER)]) | assembled(MARKDOWN_PIECES))
def test_markdown(data: bytes) -> None:
    check(data, "fuzzed.md")


@FUZZ
@given(mutated([JSONL]) | JSONL_FILES)
def test_json_lines(data: bytes) -> None:
    check(data, "fuzzed.jsonl")


@FUZZ
@given(mutated([_bytes(WIRE_STORY), *(p.read_bytes() for p in SEEDS)]) | st.binary(max_size=2000))
def test_plain_text_and_raw_bytes(data: bytes) -> None:
    check(data, "fuzzed.txt")
