"""``Library.entities``: facets at import, ``person:``/``place:``/``org:``/``speaker:``
queries, the article-list filter, and keeping them right when names change."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from reader.core.errors import CoverageReaderError
from reader.core.library import Library
from reader.core.models import ArticleFilter


def article(day: str, title: str, body: str) -> str:
    return f"{title}\n\ndate {day}\n\n{body}\n"


def seed_ids(lib: Library) -> dict[str, int]:
    """The seeds' ids by year: 2018 (Vladivostok, September), 2019 (January)."""
    return {a.date.isoformat()[:4]: a.id for a in lib.list_articles() if a.date}


def facet(lib: Library, **kwargs: object) -> dict[str, int]:
    return {f"{e.kind}:{e.key}": e.articles for e in lib.entities(**kwargs)}  # type: ignore[arg-type]


def test_seed_facets(library: Library) -> None:
    found = facet(library)
    assert found["person:putin"] == 2
    assert found["person:xi"] == 2
    assert found["place:china"] == 2
    assert found["place:russia"] == 2
    # Russia's ambassador is named in one seed (and speaks there).
    assert found["person:denisov"] == 1
    assert found["place:vladivostok"] == 1
    # By kind, with the name a user reads.
    people = {e.key: e.name for e in library.entities("person")}
    assert people["putin"] == "Vladimir Putin" and people["xi"] == "Xi Jinping"
    assert {e.kind for e in library.entities("organisation")} == {"organisation"}
    with pytest.raises(CoverageReaderError, match="not a kind"):
        library.entities("thing")


def test_queries_by_entity_and_speaker(library: Library) -> None:
    ids = seed_ids(library)
    assert sorted(library.matching_ids("person:putin")) == sorted(ids.values())
    assert library.matching_ids("place:vladivostok") == [ids["2018"]]
    assert library.matching_ids("speaker:denisov") == [ids["2019"]]
    assert library.matching_ids('speaker:"andrei denisov"') == [ids["2019"]]
    # Any spelling of the name table: the group holds Путин.
    assert sorted(library.matching_ids("speaker:путин")) == sorted(ids.values())
    assert library.matching_ids('speaker:"foreign ministry"') == [ids["2019"]]
    # Combined with the rest of the query language.
    assert library.matching_ids("place:vladivostok AND date:2019") == []
    assert library.matching_ids("speaker:putin NOT place:vladivostok") == [ids["2019"]]
    # Someone named who says nothing is a person, not a speaker.
    assert library.matching_ids("org:sco") == [ids["2018"]]
    assert library.matching_ids("speaker:sco") == []


def test_filter_and_counts_follow_the_list(library: Library) -> None:
    ids = seed_ids(library)
    shown = library.list_articles(where=ArticleFilter(mentions=("place", "vladivostok")))
    assert [a.id for a in shown] == [ids["2018"]]
    assert library.count_articles(ArticleFilter(mentions=("person", "nobody"))) == 0
    # Counted over a filter, or over a search.
    in_2019 = facet(library, where=ArticleFilter(date_from=date(2019, 1, 1)))
    assert "place:vladivostok" not in in_2019 and in_2019["person:putin"] == 1
    searched = facet(library, query="Vladivostok")
    assert searched["place:vladivostok"] == 1 and searched["person:putin"] == 1
    assert "person:denisov" not in searched


def test_one_article(library: Library) -> None:
    ids = seed_ids(library)
    named = {e.key: e.articles for e in library.article_entities(ids["2019"])}
    assert named["xi"] >= 5 and named["putin"] >= 4 and named["denisov"] == 1
    with pytest.raises(CoverageReaderError):
        library.article_entities(9999)


def test_new_names_are_found_in_the_library(library: Library, tmp_path: Path) -> None:
    (tmp_path / "ussr.txt").write_text(
        article("1991-12-26", "The end of the Soviet Union",
                "The Soviet Union ceased to exist. Mikhail Gorbachev resigned."),
        encoding="utf-8",
    )  # fmt: skip
    library.import_paths([tmp_path / "ussr.txt"])
    [new_id] = [a.id for a in library.list_articles() if a.date and a.date.isoformat() < "2000"]
    assert "place:ussr" not in facet(library)
    library.add_alias("ussr", "Soviet Union", kind="place")
    assert facet(library)["place:ussr"] == 1
    assert library.matching_ids("place:ussr") == [new_id]
    library.add_alias("ussr", "USSR")
    assert library.matching_ids("place:ussr") == [new_id]
    library.remove_alias("ussr", "Soviet Union")
    assert "place:ussr" not in facet(library)
    assert library.matching_ids("place:ussr") == []
    # The seeds were not disturbed.
    assert facet(library)["person:putin"] == 2


def test_new_version_of_an_article(empty_library: Library, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(article("2019-06-05", "Talks", "Putin met Xi in Moscow."), "utf-8")
    empty_library.import_paths([path])
    assert set(facet(empty_library)) == {"person:putin", "person:xi", "place:moscow"}
    path.write_text(article("2019-06-05", "Talks", "Putin met Modi in Beijing."), "utf-8")
    report = empty_library.import_paths([path])
    assert report.updated == 1
    assert set(facet(empty_library)) == {"person:putin", "person:modi", "place:beijing"}
    assert empty_library.matching_ids("place:moscow") == []
    assert len(empty_library.matching_ids("place:beijing")) == 1


def test_older_library_is_read_again_on_open(library_path: Path) -> None:
    """A library from before entities (or a new name table shipped with the app): the
    index rebuild on open finds them."""
    with Library.open(library_path) as lib:
        before = facet(lib)
    db = sqlite3.connect(library_path / "library.sqlite")
    with db:
        db.execute("DELETE FROM article_entities")
        db.execute("DELETE FROM entity_runs")
    db.close()
    with Library.open(library_path) as lib:
        assert any("people, places" in n for n in lib.notices)
        assert facet(lib) == before
        assert len(lib.matching_ids("person:putin")) == 2
