"""Damage to the search index (issue 7): one file of it deleted, truncated or garbled, its
vocabulary lost, a stale Whoosh write lock. The index is derived data: every kind of
damage is found (on opening, by ``check``, or by the search that reads it), the index is
rebuilt from the store with a notice, searches find exactly what the store holds, and
the user's data — articles, highlights, notes — is never touched.

Each test damages a copy of one library built for the module: the seeds, a dozen
articles with made-up words (each in one article, one in all of them) and highlights
with notes and tags.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.errors import CoverageReaderError
from reader.core.library import Library

#: A made-up word in each extra article (in no other), one in all of them, and the words
#: of the notes: the searches that must agree with the store.
OWN_WORDS = (
    "alderwick",
    "brontavel",
    "corrimund",
    "dellaphyre",
    "estwaring",
    "fennimoral",
    "gorlastine",
    "hollowmere",
    "ishkandor",
    "jorvantis",
    "kelsimbra",
    "lumbrettan",
)
SHARED_WORD = "marrowfen"
NOTE_WORDS = ("zephyrnote", "quillamott")
#: Tables that hold what the user has: none may change when the index is damaged.
USER_TABLES = (
    "articles",
    "article_versions",
    "sources",
    "tags",
    "article_tags",
    "highlights",
    "highlight_tags",
)

Damage = Callable[[Path], None]


# -- the library ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library every test damages a copy of (closed)."""
    root = tmp_path_factory.mktemp("damage")
    files = root / "files"
    files.mkdir()
    for number, word in enumerate(OWN_WORDS):
        paragraphs = [
            f"The council of Ostrava met on day {number} to discuss the {word} report.",
            f"Delegates said the {SHARED_WORD} question was settled after a long debate "
            "about roads, schools and the river.",
            "Nobody else was quoted. " * (5 + number),
        ]
        text = f"Council meeting number {number}\n\n" + "\n\n".join(paragraphs) + "\n"
        (files / f"{number:02}.txt").write_text(text, encoding="utf-8")
    path = root / "library"
    with Library.open(path) as library:
        report = library.import_paths([files])
        assert report.imported == len(OWN_WORDS) and not report.failed
        first, second = _own_article(library, OWN_WORDS[0]), _own_article(library, OWN_WORDS[1])
        library.highlight_quote(first, "council", note=f"see the {NOTE_WORDS[0]}", tags=["a"])
        library.highlight_quote(second, "Delegates", note=NOTE_WORDS[1], color="blue")
        library.highlight_quote(second, "river")
        assert library.check().ok
    return path


@pytest.fixture
def lib(built: Path, tmp_path: Path) -> Path:
    """A copy of the built library, to damage."""
    path = tmp_path / "library"
    shutil.copytree(built, path)
    return path


def _own_article(library: Library, word: str) -> int:
    ids = [a.id for a in library.list_articles()]
    found = [a.id for a in library.get_articles(ids) if word in a.text]
    assert len(found) == 1, word
    return found[0]


def user_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the user's tables, read straight from the database file."""
    uri = f"{(path / 'library.sqlite').as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in USER_TABLES}


def assert_search_agrees_with_the_store(library: Library) -> None:
    """Each made-up word, each note word and a prefix find exactly the articles the store
    says hold them (text and notes are read from the store, not from the index)."""
    ids = [a.id for a in library.list_articles()]
    texts = {a.id: a.text.lower() for a in library.get_articles(ids)}
    notes: dict[int, str] = {}
    for h in library.highlights():
        if h.article_id is not None:
            notes[h.article_id] = notes.get(h.article_id, "") + " " + h.note.lower()
    for word in (*OWN_WORDS, SHARED_WORD, *NOTE_WORDS):
        expected = {i for i, text in texts.items() if re.search(rf"\b{word}\b", text)}
        expected |= {i for i, note in notes.items() if word in note}
        assert expected, f"{word} is in no article: the check would prove nothing"
        page = library.search(word, limit=1000)
        assert {h.article_id for h in page.hits} == expected, word
        assert page.total == len(expected) and not page.partial, word
    # A prefix is expanded through the vocabulary (a lost vocabulary finds nothing).
    page = library.search(SHARED_WORD[:6] + "*", limit=1000)
    expected = {i for i, text in texts.items() if SHARED_WORD in text}
    assert {h.article_id for h in page.hits} == expected
    assert len(page.hits) == len(expected) >= len(OWN_WORDS)


def main_segment(path: Path) -> Path:
    """The index's biggest segment file (the one holding most articles)."""
    segments = sorted((path / "index").glob("*.seg"), key=lambda p: p.stat().st_size)
    assert len(segments) >= 2, "the library should have several segments"
    return segments[-1]


def toc(path: Path) -> Path:
    (found,) = (path / "index").glob("_MAIN_*.toc")
    return found


def truncate(file: Path, size: int) -> None:
    assert file.stat().st_size > size
    with file.open("r+b") as f:
        f.truncate(size)


def delete_segment(path: Path) -> None:
    main_segment(path).unlink()


def halve_segment(path: Path) -> None:
    segment = main_segment(path)
    truncate(segment, segment.stat().st_size // 2)


def empty_segment(path: Path) -> None:
    truncate(main_segment(path), 0)


def shorten_segment_by_one_byte(path: Path) -> None:
    segment = main_segment(path)
    truncate(segment, segment.stat().st_size - 1)


def halve_toc(path: Path) -> None:
    truncate(toc(path), toc(path).stat().st_size // 2)


def empty_toc(path: Path) -> None:
    truncate(toc(path), 0)


def empty_vocabulary(path: Path) -> None:
    # SQLite takes an empty file for an empty database: without a check, the index
    # opened with no vocabulary, and prefixes, fuzzy words and suggestions found nothing.
    truncate(path / "index" / "vocabulary.sqlite", 0)


def halve_vocabulary(path: Path) -> None:
    vocabulary = path / "index" / "vocabulary.sqlite"
    truncate(vocabulary, vocabulary.stat().st_size // 2)


def garble_vocabulary(path: Path) -> None:
    vocabulary = path / "index" / "vocabulary.sqlite"
    vocabulary.write_bytes(b"not a database " * 1000)


DAMAGE: dict[str, Damage] = {
    "one segment deleted": delete_segment,
    "one segment truncated to half": halve_segment,
    "one segment truncated to 0 bytes": empty_segment,
    "one segment one byte short": shorten_segment_by_one_byte,
    "the table of contents truncated to half": halve_toc,
    "the table of contents truncated to 0 bytes": empty_toc,
    "the vocabulary emptied": empty_vocabulary,
    "the vocabulary truncated to half": halve_vocabulary,
    "the vocabulary garbled": garble_vocabulary,
}


# -- damage found when the library opens ------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_is_found_on_open_and_the_index_rebuilt(lib: Path, damage: Damage) -> None:
    before = user_rows(lib)
    damage(lib)
    with Library.open(lib) as library:
        assert any("rebuilt" in n for n in library.notices), library.notices
        assert library.needs_rebuild is None
        assert_search_agrees_with_the_store(library)
        assert library.check().ok
    assert user_rows(lib) == before


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_found_on_open_can_be_rebuilt_later(lib: Path, damage: Damage) -> None:
    before = user_rows(lib)
    damage(lib)
    with Library.open(lib, rebuild_later=True) as library:
        assert library.needs_rebuild, "the reason for the rebuild"
        assert any("being rebuilt" in n for n in library.notices)
        # Until it is rebuilt, searches say they are incomplete, and check says why.
        assert library.search(SHARED_WORD).partial
        assert not library.check().ok
        report = library.check(repair=True)
        assert report.repaired and library.needs_rebuild is None
        assert_search_agrees_with_the_store(library)
        assert library.check().ok
    assert user_rows(lib) == before


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (empty_vocabulary, "vocabulary is empty or damaged"),
        (halve_vocabulary, "vocabulary"),
        (garble_vocabulary, "vocabulary cannot be read"),
        (halve_segment, "the index is damaged"),
        (delete_segment, "No such file"),
    ],
)
def test_the_damage_is_named(lib: Path, damage: Damage, named: str) -> None:
    damage(lib)
    with Library.open(lib, rebuild_later=True) as library:
        assert named in (library.needs_rebuild or ""), library.needs_rebuild


# -- damage while the library is open -------------------------------------------------


def _replace_with_truncated_copy(file: Path) -> None:
    """Truncate ``file`` as a new file put in its place (this process maps the old one:
    truncating that under it would crash it with SIGBUS, which is not what is tested)."""
    data = file.read_bytes()
    fresh = file.with_name(file.name + ".tmp")
    fresh.write_bytes(data[: len(data) // 2])
    fresh.replace(file)


@pytest.mark.parametrize("what", ["segment deleted", "segment truncated", "vocabulary emptied"])
def test_check_finds_damage_made_while_open_and_repair_fixes_it(lib: Path, what: str) -> None:
    before = user_rows(lib)
    with Library.open(lib) as library:
        assert library.check().ok
        if what == "segment deleted":
            main_segment(lib).unlink()
        elif what == "segment truncated":
            _replace_with_truncated_copy(main_segment(lib))
        else:
            fresh = lib / "index" / "vocabulary.tmp"
            fresh.write_bytes(b"")
            fresh.replace(lib / "index" / "vocabulary.sqlite")
        report = library.check()
        assert not report.ok
        assert any(p.startswith("index:") for p in report.problems), report.problems
        repaired = library.check(repair=True)
        assert repaired.repaired
        assert library.check().ok
        assert_search_agrees_with_the_store(library)
    assert user_rows(lib) == before
    with Library.open(lib) as library:  # and the next open finds nothing to rebuild
        assert library.notices == []
        assert library.check().ok


# -- damage only a search finds ---------------------------------------------------------


def garble_postings(path: Path) -> None:
    """Overwrite the postings (which articles hold which word) of every segment with
    garbage, leaving the files' sizes, their directories, the word lists and the stored
    fields as they were: opening the index cannot tell, only a search that reads them
    can."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    for segment in (path / "index").glob("*.seg"):
        with segment.open("rb") as f:
            storage = CompoundStorage(StructFile(f), use_mmap=False)
            try:
                (postings,) = [n for n in storage.list() if n.endswith(".pst")]
                offset, length = storage.range(postings)
            finally:
                storage.close()
        data = bytearray(segment.read_bytes())
        data[offset : offset + length] = bytes((i * 7 + 13) % 256 for i in range(length))
        segment.write_bytes(bytes(data))


def test_damage_a_search_finds_is_rebuilt_and_the_search_answered(lib: Path) -> None:
    before = user_rows(lib)
    garble_postings(lib)
    with Library.open(lib) as library:
        assert library.notices == []  # opening could not tell
        page = library.search(SHARED_WORD, limit=1000)
        assert len(page.hits) == len(OWN_WORDS)
        assert any("damaged and has been rebuilt" in n for n in page.notices), page.notices
        assert_search_agrees_with_the_store(library)
        assert library.check().ok
    assert user_rows(lib) == before


def test_damage_a_search_finds_is_rebuilt_by_the_window_and_the_next_open(lib: Path) -> None:
    before = user_rows(lib)
    garble_postings(lib)
    with Library.open(lib, rebuild_later=True) as library:
        assert library.needs_rebuild is None
        with pytest.raises(CoverageReaderError, match=r"damaged.*being rebuilt"):
            library.search(SHARED_WORD, limit=1000)
        # The window rebuilds when needs_rebuild says so (as after opening).
        assert library.needs_rebuild is not None
        assert "damaged" in library.needs_rebuild
    # Closed before it was rebuilt: the damage was marked, the next open rebuilds.
    with Library.open(lib) as library:
        assert any("rebuilt" in n for n in library.notices), library.notices
        assert_search_agrees_with_the_store(library)
        assert library.check().ok
    assert user_rows(lib) == before


def test_a_read_only_library_says_a_search_found_damage(lib: Path) -> None:
    garble_postings(lib)
    library = Library.open_read_only(lib)
    try:
        with pytest.raises(CoverageReaderError, match="damaged"):
            library.search(SHARED_WORD, limit=1000)
    finally:
        library.close()
    with Library.open(lib) as library:  # nothing was marked (read-only), but it works
        page = library.search(SHARED_WORD, limit=1000)
        assert len(page.hits) == len(OWN_WORDS)


def _queue_without_indexing(path: Path, article_id: int) -> None:
    """What a process killed between the store's commit and the index's leaves: the
    change queued for the index, not applied."""
    with contextlib.closing(sqlite3.connect(path / "library.sqlite")) as db:
        db.execute("UPDATE articles SET title = 'A retitled story' WHERE id = ?", (article_id,))
        db.execute("INSERT INTO index_queue(article_id, op) VALUES (?, 'upsert')", (article_id,))
        db.commit()


def test_damage_found_by_the_queue_on_open_is_rebuilt(lib: Path) -> None:
    """Opening finishes the queued changes: writing them reads the damaged postings."""
    with Library.open(lib) as library:
        target = _own_article(library, OWN_WORDS[2])
    _queue_without_indexing(lib, target)
    before = user_rows(lib)
    garble_postings(lib)
    with Library.open(lib) as library:
        assert any("damaged and has been rebuilt" in n for n in library.notices)
        assert [h.article_id for h in library.search("retitled").hits] == [target]
        assert_search_agrees_with_the_store(library)
        assert library.check().ok
    assert user_rows(lib) == before


@pytest.mark.parametrize("later", [False, True], ids=["at once", "by the window"])
def test_damage_found_by_an_edit_keeps_the_edit_and_rebuilds(lib: Path, later: bool) -> None:
    garble_postings(lib)
    with Library.open(lib, rebuild_later=later) as library:
        target = _own_article(library, OWN_WORDS[3])
        # The edit is saved whatever the index: it is the user's.
        highlight = library.highlight_quote(target, "council", note="tempestrial")
        assert library.highlight(highlight.id).note == "tempestrial"
        if later:
            assert library.needs_rebuild is not None and "damaged" in library.needs_rebuild
            assert library.search("tempestrial").partial  # and the window rebuilds it
            library.rebuild_index()
        else:
            assert any("damaged and has been rebuilt" in n for n in library.notices)
        assert library.needs_rebuild is None
        assert [h.article_id for h in library.search("tempestrial").hits] == [target]
        assert_search_agrees_with_the_store(library)
        assert library.check().ok


# -- a stale Whoosh write lock ----------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"12345\n"], ids=["empty", "with a process id"])
def test_a_stale_whoosh_write_lock_does_not_stop_writing(
    lib: Path, tmp_path: Path, content: bytes
) -> None:
    lock = lib / "index" / "MAIN_WRITELOCK"
    lock.unlink(missing_ok=True)
    lock.write_bytes(content)  # left by a process that died; nobody holds it
    os.utime(lock, (0, 0))
    before = user_rows(lib)
    extra = tmp_path / "extra.txt"
    extra.write_text(f"A late story\n\nThe {SHARED_WORD} was found again.\n", encoding="utf-8")
    with Library.open(lib) as library:
        assert not any("rebuilt" in n for n in library.notices)
        report = library.import_paths([extra])
        assert report.imported == 1 and not report.failed
        (late,) = report.article_ids
        highlight = library.highlight_quote(late, "found", note="quillamott again")
        assert_search_agrees_with_the_store(library)
        assert late in {h.article_id for h in library.search(NOTE_WORDS[1]).hits}
        assert library.check().ok
    with Library.open(lib) as library:
        assert library.highlight(highlight.id).note == "quillamott again"
        assert library.check().ok
    after = user_rows(lib)
    for table, rows in before.items():  # what was there is unchanged
        assert set(rows) <= set(after[table]), table
