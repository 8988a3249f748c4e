"""The same story across outlets: MinHash signatures, banded buckets, the two relations,
and the side-by-side comparison, on articles written for these tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reader.core.analysis import stories
from reader.core.library import Library

WIRE = (
    "MOSCOW, Nov 4 (Reuters) - Russia and China signed a thirty-year agreement on Tuesday "
    "for Gazprom to supply natural gas to CNPC through a second pipeline across Mongolia, "
    "the Kremlin said after talks between the two leaders. The deal, worth an estimated "
    "four hundred billion dollars, was negotiated for more than a decade. Deliveries are "
    "due to begin in 2030 and to reach fifty billion cubic metres a year. Energy analysts "
    "said the price was likely lower than what Gazprom had sought from Beijing. The "
    "agreement follows a sharp fall in Russian gas sales to Europe."
)
#: The same wire story as another outlet ran it: a new first sentence, a line cut.
WIRE_EDITED = (
    "Russia and China have agreed a huge new gas deal. Russia and China signed a "
    "thirty-year agreement on Tuesday for Gazprom to supply natural gas to CNPC through "
    "a second pipeline across Mongolia, the Kremlin said after talks between the two "
    "leaders. The deal, worth an estimated four hundred billion dollars, was negotiated "
    "for more than a decade. Deliveries are due to begin in 2030 and to reach fifty "
    "billion cubic metres a year. The agreement follows a sharp fall in Russian gas "
    "sales to Europe."
)
#: Another outlet's own write-up of the same event.
OWN_WRITEUP = (
    "BEIJING (Xinhua) - Chinese and Russian energy companies on Tuesday concluded a "
    "thirty-year gas supply agreement. Under the agreement Gazprom will deliver natural "
    "gas to CNPC via a second pipeline running across Mongolia, starting in 2030. "
    "Officials said the pipeline would carry fifty billion cubic metres annually. "
    "Negotiations on the pipeline had lasted more than a decade, and the agreement "
    "marks a milestone in energy cooperation, officials in Beijing said."
)
#: The same topic, another event: must not group.
OTHER_EVENT = (
    "MOSCOW (AP) - Russian oil exports to India rose to a record in September, shipping "
    "data showed on Friday, as refiners in Gujarat bought discounted Urals crude. Traders "
    "said the volumes could ease next month as freight costs climb. The Indian government "
    "has defended the purchases, saying it buys wherever prices suit its consumers, "
    "while European officials have urged New Delhi to reduce them."
)

TODAY = date(2024, 11, 5)


def sig(text: str) -> stories.Signatures:
    return stories.signatures(text)


def test_copies_and_events_and_unrelated() -> None:
    wire, edited, own, other = (sig(t) for t in (WIRE, WIRE_EDITED, OWN_WRITEUP, OTHER_EVENT))
    found = stories.related(wire, edited, TODAY, TODAY)
    assert found is not None and found[0] == stories.COPY
    found = stories.related(wire, own, TODAY, date(2024, 11, 6))
    assert found is not None and found[0] == stories.EVENT
    assert stories.related(own, other, TODAY, TODAY) is None
    assert stories.related(wire, other, TODAY, TODAY) is None
    # An event is days, not months: the same words a month later are another story.
    assert stories.related(wire, own, TODAY, date(2024, 12, 5)) is None
    # Undated articles are related only as copies.
    assert stories.related(wire, own, None, TODAY) is None
    assert stories.related(wire, edited, None, None) is not None


def test_signatures_are_stable_and_estimate_jaccard() -> None:
    assert sig(WIRE) == sig(WIRE)  # no randomised hash: stored signatures stay valid
    assert stories.similarity(sig(WIRE).copy, sig(WIRE).copy) == 1.0
    assert stories.similarity(sig(WIRE).copy, sig(OTHER_EVENT).copy) < 0.1
    words = WIRE.lower().split()
    assert sig(" ".join(words[:10])).empty  # too short to tell apart
    # Buckets: identical signatures share all, unrelated ones (nearly) none.
    a = set(stories.bands(sig(WIRE).copy, stories.COPY))
    assert a == set(stories.bands(sig(WIRE).copy, stories.COPY)) and len(a) == 16
    assert len(a & set(stories.bands(sig(OTHER_EVENT).copy, stories.COPY))) <= 1


def test_compare_marks_shared_and_different_sentences() -> None:
    left, right = stories.compare(WIRE, WIRE_EDITED)
    shared = [WIRE[p.start : p.end] for p in left if p.shared]
    only = [WIRE[p.start : p.end] for p in left if not p.shared]
    assert any(s.startswith("The deal, worth") for s in shared)
    assert only == ["Energy analysts said the price was likely lower than what Gazprom "
                    "had sought from Beijing."]  # fmt: skip
    assert [WIRE_EDITED[p.start : p.end] for p in right if not p.shared] == [
        "Russia and China have agreed a huge new gas deal."
    ]
    # The first sentences differ by their dateline only: nearly the same is shared.
    assert left[0].shared and right[1].shared


@pytest.fixture
def lib(empty_library: Library, tmp_path: Path) -> Library:
    rows = [
        ("wire", "2024-11-05", "Russia, China sign gas deal", "Reuters", WIRE),
        ("edited", "2024-11-05", "Huge gas deal", "Daily Post", WIRE_EDITED),
        ("own", "2024-11-06", "Gas pact concluded", "Xinhua", OWN_WRITEUP),
        ("other", "2024-11-05", "Oil exports to India", "AP", OTHER_EVENT),
    ]
    path = tmp_path / "gas.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": i, "date": d, "title": t, "source": src, "body": body})
            for i, d, t, src, body in rows
        ),
        encoding="utf-8",
    )
    report = empty_library.import_paths([path])
    assert report.imported == 4
    return empty_library


def ids_by_source(lib: Library) -> dict[str, int]:
    return {str(a.source): a.id for a in lib.list_articles()}


def test_the_library_groups_at_import(lib: Library) -> None:
    ids = ids_by_source(lib)
    [group] = lib.stories()
    assert set(group.article_ids) == {ids["Reuters"], ids["Daily Post"], ids["Xinhua"]}
    assert set(group.relations) == {"copy", "event"}
    assert lib.story_of(ids["AP"]) is None
    assert lib.story_of(ids["Xinhua"]) == group
    # Deleting the wire copy leaves the rest as they are related among themselves.
    lib.delete_article(ids["Reuters"], keep_highlights=False)
    remaining = lib.stories()
    assert all(ids["Reuters"] not in s.article_ids for s in remaining)


def test_the_seeds_are_two_stories(library: Library) -> None:
    assert library.stories() == []


def test_older_libraries_get_signatures(lib: Library, tmp_path: Path) -> None:
    """A library from before stories: the index rebuild on open signs its articles."""
    import sqlite3

    before = lib.stories()
    path = lib.path
    lib.close()
    db = sqlite3.connect(path / "library.sqlite")
    with db:
        db.execute("DELETE FROM story_signatures")
        db.execute("DELETE FROM story_buckets")
        db.execute("DELETE FROM story_links")
    db.close()
    with Library.open(path) as again:
        assert any("same stories" in n for n in again.notices)
        assert again.stories() == before
