"""The Library facade end to end: seeds, imports, versions, search, crash-safe sync, check."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import ImportProgress, Library, default_library_path
from reader.core.models import ArticleDate, ParsedFile, StoredArticle
from reader.core.search import SearchIndex
from reader.core.store import Store

from ..conftest import SEEDS

SEED_000 = "000_bd3a1e522d0c0aaa.txt"
SEED_001 = "001_ae1c278737ac3d91.txt"

WIRE_STORY = """\
Russia and China sign gas deal

MOSCOW (Reuters) - Russia and China signed a long-awaited gas supply deal on Wednesday,
ending a decade of talks over the price of Siberian gas.

The contract runs for thirty years, officials said.
"""


def seed_article(library: Library, name: str) -> StoredArticle:
    """The stored article imported from the bundled seed file ``name``."""
    ids = [a.id for a in library.list_articles()]
    matches = [a for a in library.get_articles(ids) if a.origin and a.origin.endswith(name)]
    assert len(matches) == 1, f"{name}: {len(matches)} articles"
    return matches[0]


# -- the seeds ---------------------------------------------------------------------


def test_a_new_library_imports_the_bundled_seeds(library: Library) -> None:
    assert library.article_count() == 2
    seed = seed_article(library, SEED_000)
    assert seed.date == ArticleDate.parse_iso("2019-01-02")
    assert seed.date.isoformat() == "2019-01-02"
    assert seed.dateline == "BEIJING"
    assert seed.source == "China Daily/Asia News Network"
    assert len(seed.paragraphs) == 10
    assert seed.paragraphs[0].startswith("Chinese President Xi Jinping")
    assert not any("CHINA DAILY" in p for p in seed.paragraphs)
    assert seed.title.startswith("Chinese President Xi Jinping")
    assert seed.external_id == "bd3a1e522d0c0aaa"

    seed = seed_article(library, SEED_001)
    assert seed.title == "Xi and Putin vow to enhance ties between China and Russia"
    assert seed.date is not None and seed.date.isoformat() == "2018-09-14T21:09"
    assert seed.source is None
    assert len(seed.paragraphs) == 20
    assert "\u00a0" not in seed.title + seed.text


def test_seeds_are_imported_once_and_deleting_one_sticks(library_path: Path) -> None:
    with Library.open(library_path) as library:
        first = library.list_articles()[0].id
        library.delete_article(first, keep_highlights=False)
    with Library.open(library_path) as library:
        assert library.article_count() == 1
        assert first not in {a.id for a in library.list_articles()}


def test_the_seeds_are_searchable(library: Library) -> None:
    page = library.search("Vladivostok")
    assert [library.get_article(h.article_id).title for h in page.hits] == [
        "Xi and Putin vow to enhance ties between China and Russia"
    ]
    assert "<mark>Vladivostok</mark>" in page.hits[0].snippet


# -- imports -----------------------------------------------------------------------


def test_import_log_records_path_size_and_sha256(library: Library, tmp_path: Path) -> None:
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    report = library.import_paths([story])
    assert (report.imported, report.failed) == (1, [])
    [row] = [r for r in library.import_log() if r["path"] == str(story)]
    assert row["size"] == story.stat().st_size
    assert row["sha256"] == hashlib.sha256(story.read_bytes()).hexdigest()
    assert row["outcome"] == "imported"
    assert row["format"] == "text"


def test_reimporting_identical_content_is_a_no_op(library: Library) -> None:
    before = [(a.id, a.title) for a in library.list_articles()]
    report = library.import_paths(sorted(SEEDS.glob("*.txt")))
    assert (report.imported, report.updated, report.duplicates) == (0, 0, 2)
    assert [(a.id, a.title) for a in library.list_articles()] == before


def test_a_changed_file_becomes_a_new_version(library: Library, tmp_path: Path) -> None:
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    [article_id] = library.import_paths([story]).article_ids
    story.write_text(WIRE_STORY.replace("thirty years", "thirty-five years"), encoding="utf-8")
    report = library.import_paths([story])
    assert (report.imported, report.updated) == (0, 1)
    article = library.get_article(article_id)
    assert article.version == 2
    assert "thirty-five years" in article.text
    assert len(library.versions(article_id)) == 2
    assert [h.article_id for h in library.search('"thirty-five years"').hits] == [article_id]


def test_bad_files_are_reported_and_change_nothing(library: Library, tmp_path: Path) -> None:
    before = {a.id: a for a in library.get_articles([a.id for a in library.list_articles()])}
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(WIRE_STORY, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    report = library.import_paths([folder])
    assert report.imported == 1
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"empty.txt", "picture.txt"}
    assert all(reason for reason in failed.values())
    after = {a.id: a for a in library.get_articles(list(before))}
    assert after == before
    outcomes = {Path(str(r["path"])).name: r["outcome"] for r in library.import_log()}
    assert outcomes["empty.txt"] == outcomes["picture.txt"] == "failed"


def test_an_importer_crash_is_contained_to_its_file(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core import ingest

    real = ingest.parse_bytes

    def flaky(data: bytes, path: str) -> ParsedFile:
        if path.endswith("bad.txt"):
            raise ZeroDivisionError("importer bug")
        return real(data, path)

    monkeypatch.setattr(ingest, "parse_bytes", flaky)
    (tmp_path / "a_bad.txt").write_text("Some text here.\n", encoding="utf-8")
    (tmp_path / "b_good.txt").write_text(WIRE_STORY, encoding="utf-8")
    report = library.import_paths([tmp_path])
    assert report.imported == 1
    [failure] = report.failed
    assert failure.path.endswith("a_bad.txt")
    assert "ZeroDivisionError" in failure.reason


def test_progress_is_reported_and_import_can_be_cancelled(
    empty_library: Library, tmp_path: Path
) -> None:
    for i in range(5):
        (tmp_path / f"story{i}.txt").write_text(
            WIRE_STORY.replace("Wednesday", f"day {i}"), encoding="utf-8"
        )
    seen: list[tuple[int, int]] = []

    def progress(p: ImportProgress) -> None:
        seen.append((p.files_done, p.files_total))

    report = empty_library.import_paths(
        [tmp_path], progress=progress, cancelled=lambda: len(seen) > 2
    )
    assert report.cancelled
    assert seen[0] == (0, 5)
    assert seen[1:] == [(1, 5), (2, 5)]
    assert empty_library.article_count() == 2
    assert empty_library.check().ok


# -- search through the facade -----------------------------------------------------


def test_deleted_articles_leave_the_index(library: Library) -> None:
    [hit] = library.search("Vladivostok").hits
    library.delete_article(hit.article_id, keep_highlights=False)
    assert library.search("Vladivostok").hits == ()
    assert library.check().ok


def test_more_like_this(library: Library, tmp_path: Path) -> None:
    (tmp_path / "gas.txt").write_text(WIRE_STORY, encoding="utf-8")
    library.import_paths([tmp_path])
    seed = seed_article(library, SEED_001)
    similar = library.more_like_this(seed.id, limit=5)
    assert similar, "the other seed shares many terms"
    assert similar[0][0] == seed_article(library, SEED_000).id


# -- crash-safe index sync ---------------------------------------------------------

KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
import {module} as target
from reader.core.library import Library

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

setattr(target.{cls}, "{method}", die)
library = Library.open(Path(sys.argv[1]), import_seeds=False)
library.import_paths([Path(sys.argv[2])])
print("not killed")
"""


def run_and_kill(library_path: Path, story: Path, module: str, cls: str, method: str) -> None:
    script = KILL_SCRIPT.format(module=module, cls=cls, method=method)
    proc = subprocess.run(
        [sys.executable, "-c", script, str(library_path), str(story)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, (proc.returncode, proc.stdout, proc.stderr)


def test_killed_between_store_commit_and_index_commit(library_path: Path, tmp_path: Path) -> None:
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    Library.open(library_path, import_seeds=False).close()
    run_and_kill(library_path, story, "reader.core.search", "SearchIndex", "apply")

    # The article reached SQLite together with its queue row; the index never saw it.
    store = Store(library_path / "library.sqlite")
    assert store.article_count() == 1
    assert store.pending_count() == 1
    store.close()
    with SearchIndex.open(library_path / "index", create=False) as index:
        assert index.doc_count() == 0

    with Library.open(library_path, import_seeds=False) as library:
        [hit] = library.search("Siberian gas").hits
        assert library.get_article(hit.article_id).title == "Russia and China sign gas deal"
        assert library.check().ok


def test_killed_after_index_commit_before_queue_cleared(library_path: Path, tmp_path: Path) -> None:
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    Library.open(library_path, import_seeds=False).close()
    run_and_kill(library_path, story, "reader.core.store.db", "Store", "clear_pending")
    with Library.open(library_path, import_seeds=False) as library:
        assert library.article_count() == 1
        assert len(library.search("Siberian gas").hits) == 1
        assert library.check().ok


# -- check and repair ----------------------------------------------------------------


def test_check_finds_a_stale_index_and_repair_fixes_it(
    library: Library, library_path: Path
) -> None:
    assert library.check().ok
    ids = [a.id for a in library.list_articles()]
    # Damage the derived index behind the library's back.
    with SearchIndex.open(library_path / "index") as index:
        index.apply([], [ids[0]])
    library._index.close()  # drop the cached searcher
    library._index_or_none = SearchIndex.open(library_path / "index")
    report = library.check()
    assert not report.ok
    assert any("missing" in p for p in report.problems)
    repaired = library.check(repair=True)
    assert repaired.repaired
    assert library.check().ok
    assert library.search("Vladivostok").hits


def test_a_deleted_index_is_rebuilt_on_open(library_path: Path) -> None:
    Library.open(library_path).close()
    shutil.rmtree(library_path / "index")
    with Library.open(library_path) as library:
        assert any("rebuilt" in n for n in library.notices)
        assert library.search("Vladivostok").hits
        assert library.check().ok


def test_a_corrupt_index_is_rebuilt_on_open(library_path: Path) -> None:
    Library.open(library_path).close()
    for file in (library_path / "index").rglob("*"):
        if file.is_file():
            file.write_bytes(b"\0garbage")
    with Library.open(library_path) as library:
        assert any("rebuilt" in n for n in library.notices)
        assert len(library.search("Putin").hits) == 2
        assert library.check().ok


# -- the folder ----------------------------------------------------------------------


def test_library_folder_is_private(library_path: Path) -> None:
    Library.open(library_path).close()
    assert stat.S_IMODE(library_path.stat().st_mode) == 0o700
    assert (library_path / "library.sqlite").exists()
    assert (library_path / "index").is_dir()


def test_default_library_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COVERAGE_READER_LIBRARY", str(tmp_path / "portable"))
    assert default_library_path() == tmp_path / "portable"
    with Library.open() as library:
        assert library.path == (tmp_path / "portable").resolve()
    monkeypatch.delenv("COVERAGE_READER_LIBRARY")
    assert str(default_library_path()).startswith(os.environ["XDG_DATA_HOME"])


# -- the article list: filters, counts, metadata ---------------------------------------


def test_filters_and_counts_run_in_sqlite(library: Library) -> None:
    from datetime import date

    from reader.core.models import ArticleFilter

    newer = seed_article(library, SEED_000)
    older = seed_article(library, SEED_001)
    library.set_tags(older.id, ["summit"])
    library.set_read(newer.id, True)
    library.highlight_quote(older.id, "Vladivostok")

    def ids(**kwargs: object) -> list[int]:
        flt = ArticleFilter(**kwargs)  # type: ignore[arg-type]
        rows = library.list_articles(where=flt)
        assert library.count_articles(flt) == len(rows)
        return [r.id for r in rows]

    assert ids() == [newer.id, older.id]
    assert ids(source="China Daily/Asia News Network") == [newer.id]
    assert ids(tag="SUMMIT") == [older.id]
    assert ids(read=False) == [older.id]
    assert ids(has_highlights=True) == [older.id]
    assert ids(has_highlights=False) == [newer.id]
    assert ids(date_from=date(2019, 1, 2)) == [newer.id]
    assert ids(date_to=date(2018, 9, 14)) == [older.id]
    assert ids(date_from=date(2018, 9, 15), date_to=date(2019, 1, 1)) == []
    [row] = library.list_articles(where=ArticleFilter(tag="summit"))
    assert row.highlights == 1 and row.tags == ("summit",)
    by_highlights = library.list_articles(sort="highlights", descending=True)
    assert by_highlights[0].id == older.id
    assert library.sources() == [("China Daily/Asia News Network", 1)]
    assert library.tags() == [("summit", 1)]
    assert [s.id for s in library.summaries([older.id, 999, newer.id])] == [older.id, newer.id]


def test_metadata_can_be_corrected_and_is_searchable(library: Library) -> None:
    from reader.core.errors import LibraryError

    seed = seed_article(library, SEED_001)
    library.update_metadata(
        seed.id,
        title="Leaders meet in the Far East",
        date=ArticleDate.parse_iso("2018-09-11"),
        source="CGTN",
        url="https://news.example/xi-putin",
    )
    changed = library.get_article(seed.id)
    assert (changed.title, changed.source, changed.url) == (
        "Leaders meet in the Far East",
        "CGTN",
        "https://news.example/xi-putin",
    )
    assert changed.date == ArticleDate.parse_iso("2018-09-11")
    assert changed.text == seed.text and changed.version == seed.version
    assert [h.article_id for h in library.search("title:far east").hits] == [seed.id]
    assert [h.article_id for h in library.search("source:cgtn").hits] == [seed.id]
    assert [h.article_id for h in library.search("date:2018-09-11").hits] == [seed.id]
    other = seed_article(library, SEED_000)
    with pytest.raises(LibraryError, match="already has the URL"):
        library.update_metadata(other.id, url="https://news.example/xi-putin")
    with pytest.raises(LibraryError, match="title cannot be empty"):
        library.update_metadata(other.id, title="  ")
    library.update_metadata(seed.id, source="", url="", clear_date=True)
    cleared = library.get_article(seed.id)
    assert (cleared.source, cleared.url, cleared.date) == (None, None, None)
    assert library.check().ok


def test_search_hits_can_be_filtered_like_the_list(library: Library) -> None:
    from reader.core.models import ArticleFilter

    newer = seed_article(library, SEED_000)
    older = seed_article(library, SEED_001)
    library.set_read(older.id, True)
    ids = [h.article_id for h in library.search("putin", sort="date").hits]
    assert ids == [newer.id, older.id]
    assert library.filter_ids(ids, ArticleFilter(read=True)) == [older.id]
    assert library.filter_ids(ids[::-1], ArticleFilter()) == [older.id, newer.id]
    assert library.filter_ids([], ArticleFilter(read=True)) == []


def test_edits_never_wait_for_an_import_that_is_syncing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    seed = seed_article(library, SEED_001)
    # An import's index commit is slow (held here until released): an edit made
    # meanwhile returns at once, and the import's sync takes its change too.
    in_commit = threading.Event()
    release = threading.Event()
    real_apply = SearchIndex.apply

    def slow_apply(self: SearchIndex, upserts: object, deletes: object) -> None:
        if threading.current_thread().name == "import":
            in_commit.set()
            release.wait(10)
        real_apply(self, upserts, deletes)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "apply", slow_apply)
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    worker = threading.Thread(target=library.import_paths, args=([story],), name="import")
    worker.start()
    assert in_commit.wait(10)
    highlight = library.highlight_quote(seed.id, "Vladivostok", note="made while importing")
    assert library.highlight(highlight.id).note == "made while importing"
    assert worker.is_alive()  # the edit did not wait for the import
    release.set()
    worker.join(10)
    assert [h.article_id for h in library.search("note:importing").hits] == [seed.id]
    assert library.search("Siberian").total == 1
    assert library.check().ok


def test_a_damaged_index_can_be_rebuilt_later_while_the_library_works(
    library_path: Path,
) -> None:
    with Library.open(library_path) as library:
        seed = seed_article(library, SEED_001)
    shutil.rmtree(library_path / "index")
    with Library.open(library_path, rebuild_later=True) as library:
        assert library.needs_rebuild == "it was missing"
        assert any("being rebuilt" in n for n in library.notices)
        # The database works at once; searches say they are incomplete.
        assert library.article_count() == 2
        page = library.search("Vladivostok")
        assert page.partial and any("being rebuilt" in n for n in page.notices)
        highlight = library.highlight_quote(seed.id, "Vladivostok", note="during rebuild")
        seen: list[int] = []
        assert library.rebuild_index(progress=seen.append) == 2
        assert library.needs_rebuild is None and seen[-1] == 2
        assert [h.article_id for h in library.search("note:rebuild").hits] == [seed.id]
        assert not library.search("Vladivostok").partial
        assert library.highlight(highlight.id).note == "during rebuild"
        assert library.check().ok


# -- numbers are never used twice ---------------------------------------------------


def test_article_and_highlight_numbers_are_never_reused(library: Library, tmp_path: Path) -> None:
    story = tmp_path / "gas.txt"
    story.write_text(WIRE_STORY, encoding="utf-8")
    [newest] = library.import_paths([story]).article_ids
    assert newest == max(a.id for a in library.list_articles())
    highlight = library.highlight_quote(newest, "Siberian gas", note="price")
    library.delete_article(newest, keep_highlights=False)

    other = tmp_path / "other.txt"
    other.write_text(WIRE_STORY.replace("gas", "oil"), encoding="utf-8")
    [after] = library.import_paths([other]).article_ids
    assert after > newest  # the deleted article's number was not handed on
    second = library.highlight_quote(after, "Siberian oil")
    assert second.id > highlight.id
    assert library.get_article(after).title == "Russia and China sign oil deal"

    # Undo gives the deleted article back under its old number, with its highlight.
    library.delete_article(after, keep_highlights=False)
    assert library.undo() is not None
    assert library.get_article(after).title == "Russia and China sign oil deal"
    assert [h.id for h in library.highlights(after)] == [second.id]
    assert library.check().ok
