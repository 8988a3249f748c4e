"""Whatever file is given to ``Library.import_annotations``, it answers with a report or
with a ``LibraryError`` whose message names the file and the reason, never another
exception; a refused file changes no highlight, and what an accepted file adds can be
read back, exported and deleted.

Generated inputs (hypothesis, derandomised so a run repeats), 10,000 in all
(``FUZZ_EXAMPLES`` raises it): real W3C exports of the library (a collection, a page, a
list, one annotation) with bytes flipped, deleted, inserted, repeated or cut; the same
exports with values swapped for arbitrary JSON (numbers, infinity, lists, objects,
lone surrogates …) or keys removed; arbitrary JSON; raw bytes. One library serves every
example: what an import added is deleted again, so each example starts from the same
highlights.

Hand-made bad annotation files: ``tests/core/ingest/test_bad_input.py``.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.annotations.model import COLORS, Highlight
from reader.core.errors import LibraryError
from reader.core.library import Library
from tests.core.ingest.test_fuzz import mutated

#: Generated files; ``FUZZ_EXAMPLES`` raises it for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))


@dataclass
class Fixture:
    library: Library
    path: Path
    #: The W3C exports the mutations start from, as text.
    exports: list[str]
    #: The library's highlights, as every example must find and leave them.
    highlights: list[Highlight]


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    root = tmp_path_factory.mktemp("annotation-fuzz")
    library = Library.open(root / "library")
    by_title = {a.title: a.id for a in library.list_articles()}
    older = by_title["Xi and Putin vow to enhance ties between China and Russia"]
    newer = next(i for i in by_title.values() if i != older)
    made = [
        library.highlight_quote(older, "Vladivostok", color="green", note="venue", tags=["a"]),
        library.highlight_quote(older, "President Xi", occurrence=2, color="purple"),
        library.highlight_quote(newer, "Belt and Road", note="**initiative**", tags=["b", "c"]),
    ]
    full = json.loads(library.export_highlights("json"))
    items = full["first"]["items"]
    exports = [
        json.dumps(full, ensure_ascii=False, indent=2),
        json.dumps({"type": "AnnotationPage", "items": items}),
        json.dumps(items),
        library.export_highlights("json", highlight_ids=[made[0].id]),
        json.dumps(items[2]),
    ]
    yield Fixture(library, root / "annotations.json", exports, library.highlights())
    assert library.check().ok
    library.close()


# -- generated files ----------------------------------------------------------------------

KEYS = [
    "type", "id", "first", "items", "target", "source", "selector", "exact", "prefix",
    "suffix", "start", "end", "body", "purpose", "value", "styleClass", "created",
    "modified", "cr:article", "title", "outlet", "date", "url", "sha256", "motivation",
]  # fmt: skip
WORDS = [
    "Annotation", "AnnotationCollection", "AnnotationPage", "TextQuoteSelector",
    "TextPositionSelector", "commenting", "tagging", "SpecificResource", "green", "Xi",
    "Vladivostok", "2019-01-02T08:00:00+00:00", "urn:sha256:", "\ud800", "\udc00x", "",
    "0" * 64,
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(WORDS)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=12,
)


def _places(value: Any) -> list[tuple[Any, Any]]:
    """(container, key or index) of every value inside a parsed JSON document."""
    out: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            out.append((value, key))
            out.extend(_places(inner))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out.append((value, index))
            out.extend(_places(inner))
    return out


def _annotations(document: Any) -> list[dict[str, Any]]:
    """The annotations of a parsed export (collection, page, list or one annotation)."""
    if isinstance(document, list):
        found: list[Any] = document
    elif document.get("type") == "AnnotationCollection":
        found = document["first"]["items"]
    elif document.get("type") == "AnnotationPage":
        found = document["items"]
    else:
        found = [document]
    return [item for item in found if isinstance(item, dict)]


ELSEWHERE = "0" * 64  # the content hash of an article the library does not hold


@st.composite
def edited(draw: st.DrawFn, exports: list[str]) -> bytes:
    """A real export with a few values replaced by arbitrary JSON, or removed. Most get
    new ids, and many point at an article the library lacks, so that they are stored
    (as highlights or orphans) rather than recognised as duplicates."""
    document = copy.deepcopy(json.loads(draw(st.sampled_from(exports))))
    fate = draw(st.sampled_from(["same ids", "new ids", "new ids, absent article"]))
    if fate != "same ids":
        for item in _annotations(document):
            item["id"] = f"urn:uuid:fuzz-{draw(st.integers(0, 2**32))}"
            if fate == "new ids, absent article":
                item["target"]["source"] = f"urn:sha256:{ELSEWHERE}"
                item["cr:article"] = {**item["cr:article"], "sha256": ELSEWHERE}
    for _ in range(draw(st.integers(1, 4))):
        places = _places(document)
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if draw(st.booleans()) and isinstance(container, dict):
            del container[key]
        else:
            container[key] = draw(JSON_VALUES)
    ascii_only = draw(st.booleans())  # \ud800 escapes, or the characters themselves
    return json.dumps(document, ensure_ascii=ascii_only, allow_nan=True).encode(
        "utf-8", errors="surrogatepass"
    )


def generated(exports: list[str]) -> st.SearchStrategy[bytes]:
    samples = [e.encode() for e in exports]
    return st.one_of(
        mutated(samples),
        edited(exports),
        JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True).encode()),
        st.binary(max_size=2000),
    )


# -- the property ----------------------------------------------------------------------------


def check(fuzz: Fixture, data: bytes) -> None:
    library, path, before = fuzz.library, fuzz.path, fuzz.highlights
    path.write_bytes(data)
    try:
        report = library.import_annotations(path)
    except LibraryError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and message[len(f"{path}: ") :].strip()
        assert "Traceback" not in message
        assert library.highlights() == before, f"a refused file changed highlights: {message}"
        return
    after = library.highlights()  # every stored value can be read back
    old = {h.id for h in before}
    assert [h for h in after if h.id in old] == before, "an import changed a highlight"
    added = [h for h in after if h.id not in old]
    assert len(added) == report.imported + len(report.orphans), report
    for h in added:
        assert h.color in COLORS and h.exact and h.created_at and h.modified_at
        (h.exact + h.prefix + h.suffix + h.note + "".join(h.tags)).encode("utf-8")
    if added:
        for fmt in ("json", "markdown", "csv", "html"):
            assert library.export_highlights(fmt, highlight_ids=[h.id for h in added])
        library.delete_highlights([h.id for h in added])
        assert library.highlights() == before


def test_the_exports_import_as_duplicates(fuzz: Fixture) -> None:
    """The starting point: every export is read back, and recognised as already here."""
    for export in fuzz.exports:
        fuzz.path.write_text(export, encoding="utf-8")
        report = fuzz.library.import_annotations(fuzz.path)
        assert report.imported == 0 and report.orphans == [] and report.duplicates >= 1
    assert fuzz.library.highlights() == fuzz.highlights


def test_annotation_files(fuzz: Fixture) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(generated(fuzz.exports))
    def run(data: bytes) -> None:
        check(fuzz, data)

    run()
