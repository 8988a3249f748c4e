"""Annotations through the Library facade: storage that survives crashes, re-anchoring
on new versions of the seed articles, search across notes, undo/redo, export/import."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.models import StoredArticle

from ...conftest import SEEDS

SEED_000 = "000_bd3a1e522d0c0aaa.txt"
SEED_001 = "001_ae1c278737ac3d91.txt"
QUOTE = "Russia's Vladivostok"


@pytest.fixture
def seed_copies(tmp_path: Path) -> Path:
    """The two seed articles copied to a folder the test may edit."""
    folder = tmp_path / "coverage"
    folder.mkdir()
    for name in (SEED_000, SEED_001):
        shutil.copy(SEEDS / name, folder / name)
    return folder


@pytest.fixture
def lib(tmp_path: Path, seed_copies: Path) -> Library:
    library = Library.open(tmp_path / "lib", import_seeds=False)
    report = library.import_paths([seed_copies])
    assert report.imported == 2
    return library


def article(library: Library, name: str) -> StoredArticle:
    for summary in library.list_articles():
        found = library.get_article(summary.id)
        if found.origin and found.origin.endswith(name):
            return found
    raise AssertionError(name)


def reimport_edited(library: Library, folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = library.import_paths([path])
    assert report.updated == 1, report


# -- storing ---------------------------------------------------------------------------


def test_a_highlight_holds_colour_note_tags_and_w3c_selectors(lib: Library) -> None:
    a = article(lib, SEED_001)
    h = lib.highlight_quote(a.id, QUOTE, color="green", note="Where they met", tags=["venue"])
    assert a.text[h.start : h.end] == QUOTE == h.exact
    assert a.text[h.start - 32 : h.start] == h.prefix
    assert a.text[h.end : h.end + 32] == h.suffix
    assert (h.color, h.note, h.tags, h.anchor, h.confidence) == (
        "green",
        "Where they met",
        ("venue",),
        "exact",
        1.0,
    )
    assert h.origin_version_id == h.version_id == a.version_id
    with pytest.raises(LibraryError, match="appears nowhere"):
        lib.highlight_quote(a.id, "not in the text")


def test_a_highlight_survives_sigkill_right_after_it_is_created(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from reader.core.library import Library
        lib = Library.open(Path({str(tmp_path / "lib")!r}))
        a = [x for x in lib.list_articles() if x.title.startswith("Xi and Putin")][0]
        h = lib.highlight_quote(a.id, {QUOTE!r}, note="kill-test sanctions note")
        print(h.id, flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert proc.stdout is not None
    with proc.stdout:
        line = proc.stdout.readline()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert line.strip().isdigit(), line
    with Library.open(tmp_path / "lib") as library:
        h = library.highlight(int(line))
        assert h.exact == QUOTE and h.note == "kill-test sanctions note"
        assert [x.article_id for x in library.search("note:sanctions").hits] == [h.article_id]
        assert library.check().ok


def test_deleting_an_article_keeps_or_deletes_its_highlights(lib: Library) -> None:
    a = article(lib, SEED_001)
    b = article(lib, SEED_000)
    kept = lib.highlight_quote(a.id, QUOTE, note="keep me")
    gone = lib.highlight_quote(b.id, "Belt and Road Forum")
    lib.delete_article(a.id, keep_highlights=True)
    orphan = lib.highlight(kept.id)
    assert orphan.is_orphan and orphan.article_id is None
    assert (orphan.exact, orphan.note) == (QUOTE, "keep me")
    assert orphan.article_title == a.title
    lib.delete_article(b.id, keep_highlights=False)
    assert [h.id for h in lib.highlights()] == [kept.id]
    assert gone.id not in {h.id for h in lib.orphans()}
    assert lib.check().ok


# -- re-anchoring on new versions of the seeds ------------------------------------------


def test_words_inserted_before_the_quote_move_it(lib: Library, seed_copies: Path) -> None:
    a = article(lib, SEED_001)
    h = lib.highlight_quote(a.id, QUOTE)
    reimport_edited(
        lib,
        seed_copies,
        SEED_001,
        "Chinese President Xi Jinping and his Russian counterpart",
        "In a widely watched meeting, Chinese President Xi Jinping and his Russian counterpart",
    )
    moved = lib.highlight(h.id)
    text = lib.get_article(a.id).text
    assert moved.anchor == "moved"
    assert text[moved.start : moved.end] == QUOTE
    assert moved.start == h.start + len("In a widely watched meeting, ")
    assert moved.origin_version_id == h.version_id != moved.version_id


def test_a_lightly_edited_quote_is_found_fuzzily(lib: Library, seed_copies: Path) -> None:
    a = article(lib, SEED_001)
    quote = "The two state leaders made the pledges in a joint press conference"
    h = lib.highlight_quote(a.id, quote)
    reimport_edited(
        lib,
        seed_copies,
        SEED_001,
        "made the pledges in a joint press conference",
        "made their pledges at a joint press conference",
    )
    fuzzy = lib.highlight(h.id)
    text = lib.get_article(a.id).text
    assert fuzzy.anchor == "fuzzy"
    assert 0.75 <= fuzzy.confidence < 1.0
    assert text[fuzzy.start : fuzzy.end] == (
        "The two state leaders made their pledges at a joint press conference"
    )


def test_a_removed_quote_becomes_an_orphan(lib: Library, seed_copies: Path) -> None:
    a = article(lib, SEED_000)
    quote = "the second Belt and Road Forum for International Cooperation"
    h = lib.highlight_quote(a.id, quote, note="forum")
    path = seed_copies / SEED_000
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(p for p in paragraphs if "Belt and Road" not in p), "utf-8")
    assert lib.import_paths([path]).updated == 1
    orphan = lib.highlight(h.id)
    assert orphan.is_orphan and orphan.confidence == 0.0
    assert orphan.exact == quote and orphan.note == "forum"
    assert orphan.id in {o.id for o in lib.orphans()}
    # Never moved onto unrelated text: it keeps its old place only as a record.
    assert quote not in lib.get_article(a.id).text


def test_a_repeated_quote_keeps_the_right_occurrence(lib: Library, seed_copies: Path) -> None:
    a = article(lib, SEED_001)
    occurrences = a.text.count("President Xi")
    assert occurrences >= 3
    second = lib.highlight_quote(a.id, "President Xi", occurrence=2)
    context_before = second.prefix
    # Insert text at the start: every occurrence shifts; the context picks the same one.
    reimport_edited(
        lib,
        seed_copies,
        SEED_001,
        "Chinese President Xi Jinping and his",
        "Chinese President Xi Jinping, on a visit that President Xi had long planned, and his",
    )
    moved = lib.highlight(second.id)
    text = lib.get_article(a.id).text
    assert text[moved.start : moved.end] == "President Xi"
    assert text[moved.start - len(context_before) : moved.start] == context_before
    assert moved.anchor == "moved"


# -- search across annotations -------------------------------------------------------------


def test_notes_highlights_tags_and_colours_are_searchable(lib: Library) -> None:
    a = article(lib, SEED_001)
    b = article(lib, SEED_000)
    lib.highlight_quote(a.id, QUOTE, color="pink", note="Ask about sanctions", tags=["trade"])
    lib.highlight_quote(b.id, "pragmatic cooperation", color="blue")

    def found(query: str) -> list[int]:
        return [h.article_id for h in lib.search(query).hits]

    assert found("note:sanctions") == [a.id]
    assert found('highlight:"pragmatic cooperation"') == [b.id]
    assert found("tag:trade") == [a.id]
    assert found("color:pink") == [a.id]
    assert found("colour:blue") == [b.id]
    # A plain word that only a note contains finds the article, and says where.
    [hit] = lib.search("sanctions").hits
    assert hit.article_id == a.id and hit.matched_in == ("note",)
    assert hit.snippet == "Note: Ask about <mark>sanctions</mark>"


def test_annotation_changes_reach_the_index_at_once_and_undo_too(lib: Library) -> None:
    a = article(lib, SEED_001)
    h = lib.highlight_quote(a.id, QUOTE, note="gas")
    lib.edit_note(h.id, "pipeline politics")
    assert lib.search("note:pipeline").total == 1
    assert lib.search("note:gas").total == 0
    lib.undo()
    assert lib.search("note:gas").total == 1
    lib.delete_highlights([h.id])
    assert lib.search("note:gas").total == 0
    assert lib.check().ok


# -- undo and redo ---------------------------------------------------------------------------


def test_undo_and_redo_every_kind_of_change(lib: Library) -> None:
    a = article(lib, SEED_001)
    h = lib.highlight_quote(a.id, QUOTE)
    lib.recolor_highlight(h.id, "blue")
    lib.edit_note(h.id, "first note")
    lib.set_highlight_tags(h.id, ["energy", "trade"])
    other = lib.highlight_quote(a.id, "Vladimir Putin")
    lib.delete_highlights([h.id, other.id])
    assert lib.highlights(a.id) == []
    assert lib.undo_label == "Delete 2 highlights"

    assert lib.undo() == "Delete 2 highlights"
    restored = lib.highlight(h.id)
    assert (restored.color, restored.note, restored.tags) == (
        "blue",
        "first note",
        ("energy", "trade"),
    )
    assert restored.uid == h.uid and restored.created_at == h.created_at
    assert lib.undo() == "Add highlight"  # the second highlight
    assert [x.id for x in lib.highlights(a.id)] == [h.id]
    assert lib.undo() == "Change tags"
    assert lib.highlight(h.id).tags == ()
    assert lib.undo() == "Edit note"
    assert lib.highlight(h.id).note == ""
    assert lib.undo() == "Change colour"
    assert lib.highlight(h.id).color == "yellow"
    assert lib.undo() == "Add highlight"
    assert lib.highlights(a.id) == []
    assert lib.undo() is None

    for _ in range(6):
        assert lib.redo() is not None
    assert lib.redo() is None
    assert lib.highlights(a.id) == []
    assert lib.undo() == "Delete 2 highlights"
    final = lib.highlight(h.id)
    assert (final.color, final.note, final.tags) == ("blue", "first note", ("energy", "trade"))


# -- export and import ---------------------------------------------------------------------------


def test_export_import_round_trip_into_an_empty_library(
    lib: Library, seed_copies: Path, tmp_path: Path
) -> None:
    a = article(lib, SEED_001)
    b = article(lib, SEED_000)
    made = [
        lib.highlight_quote(a.id, QUOTE, color="green", note="**venue**", tags=["place"]),
        lib.highlight_quote(a.id, "President Xi", occurrence=3, color="purple"),
        lib.highlight_quote(b.id, "pragmatic cooperation", note="a phrase", tags=["a", "b"]),
    ]
    exported = tmp_path / "notes.json"
    exported.write_text(lib.export_highlights("json"), encoding="utf-8")

    with Library.open(tmp_path / "other", import_seeds=False) as other:
        other.import_paths([seed_copies])
        report = other.import_annotations(exported)
        assert (report.imported, report.duplicates, report.orphans) == (3, 0, [])
        again = other.import_annotations(exported)
        assert (again.imported, again.duplicates) == (0, 3)
        restored = sorted(other.highlights(), key=lambda h: h.uid)
        for original, copy in zip(sorted(made, key=lambda h: h.uid), restored, strict=True):
            assert (copy.exact, copy.start, copy.end, copy.color, copy.note, copy.tags) == (
                original.exact,
                original.start,
                original.end,
                original.color,
                original.note,
                original.tags,
            )
            assert copy.uid == original.uid and copy.anchor == "exact"
        assert other.search("note:venue").total == 1


def test_import_into_a_library_without_the_article_keeps_orphans(
    lib: Library, tmp_path: Path
) -> None:
    lib.highlight_quote(article(lib, SEED_001).id, QUOTE, note="lonely")
    exported = tmp_path / "notes.json"
    exported.write_text(lib.export_highlights("json"), encoding="utf-8")
    with Library.open(tmp_path / "empty", import_seeds=False) as empty:
        report = empty.import_annotations(exported)
        assert report.imported == 0 and len(report.orphans) == 1
        assert "article not in this library" in report.orphans[0]
        [orphan] = empty.orphans()
        assert (orphan.exact, orphan.note) == (QUOTE, "lonely")


def test_bad_annotation_files_are_refused_with_the_reason(lib: Library, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"bad\.json"):
        lib.import_annotations(bad)
    bad.write_text(json.dumps({"type": "Annotation", "target": {}}), encoding="utf-8")
    with pytest.raises(LibraryError, match=r"bad\.json"):
        lib.import_annotations(bad)
    assert lib.highlights() == []


def test_w3c_export_has_the_data_models_required_fields(lib: Library) -> None:
    a = article(lib, SEED_001)
    lib.highlight_quote(a.id, QUOTE, note="n", tags=["t"])
    lib.highlight_quote(a.id, "Vladimir Putin")
    data = json.loads(lib.export_highlights("json"))
    assert "http://www.w3.org/ns/anno.jsonld" in data["@context"]
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage"
    for item in items:
        # Web Annotation Data Model §3.1: id, type "Annotation", target are required.
        assert item["id"].startswith("urn:uuid:")
        assert item["type"] == "Annotation"
        target = item["target"]
        assert target["source"] and target["type"] == "SpecificResource"
        kinds = {s["type"]: s for s in target["selector"]}
        assert set(kinds) == {"TextQuoteSelector", "TextPositionSelector"}
        assert kinds["TextQuoteSelector"]["exact"]
        assert kinds["TextPositionSelector"]["end"] > kinds["TextPositionSelector"]["start"]
        assert item["created"] and item["modified"]
        assert item["cr:article"]["sha256"] == a.content_hash
    noted = next(i for i in items if "body" in i)
    purposes = {b["purpose"] for b in noted["body"]}
    assert purposes == {"commenting", "tagging"}
    assert all(b["type"] == "TextualBody" for b in noted["body"])


def test_markdown_csv_and_html_exports(lib: Library) -> None:
    a = article(lib, SEED_001)
    lib.highlight_quote(a.id, QUOTE, color="pink", note="A <b>bold</b> claim", tags=["x"])
    markdown = lib.export_highlights("markdown")
    assert markdown.startswith("---\n")
    assert f"## {a.title}" in markdown and f"> {QUOTE}" in markdown
    rows = list(csv.DictReader(io.StringIO(lib.export_highlights("csv"))))
    assert rows[0]["quote"] == QUOTE and rows[0]["color"] == "pink"
    assert rows[0]["content_hash"] == a.content_hash
    page = lib.export_highlights("html")
    assert "A &lt;b&gt;bold&lt;/b&gt; claim" in page and "<b>bold</b>" not in page
    only_search = lib.export_highlights("csv", query="Vladivostok")
    assert QUOTE in only_search
    assert QUOTE not in lib.export_highlights("csv", query="date:2019")


def test_an_orphan_can_be_reattached_where_its_passage_is(
    lib: Library, seed_copies: Path, tmp_path: Path
) -> None:
    a = article(lib, SEED_001)
    h = lib.highlight_quote(a.id, QUOTE, note="venue")
    lib.delete_article(a.id, keep_highlights=True)
    assert lib.highlight(h.id).is_orphan
    other = article(lib, SEED_000)
    with pytest.raises(LibraryError, match="is not in article"):
        lib.reattach_highlight(h.id, other.id)
    # The same story, imported again from another copy, takes the highlight back.
    again = tmp_path / "again.txt"
    shutil.copy(seed_copies / SEED_001, again)
    [new_id] = lib.import_paths([again]).article_ids
    placed = lib.reattach_highlight(h.id, new_id)
    assert (placed.article_id, placed.anchor, placed.note) == (new_id, "exact", "venue")
    assert lib.get_article(new_id).text[placed.start : placed.end] == QUOTE
    assert [x.article_id for x in lib.search("note:venue").hits] == [new_id]


@pytest.mark.parametrize("keep", [True, False])
def test_deleting_an_article_can_be_undone_with_its_highlights(lib: Library, keep: bool) -> None:
    a = article(lib, SEED_001)
    lib.set_tags(a.id, ["summit"])
    h = lib.highlight_quote(a.id, QUOTE, color="pink", note="venue", tags=["place"])
    lib.delete_article(a.id, keep_highlights=keep)
    assert lib.article_count() == 1 and lib.search("Vladivostok").total == 0
    if keep:
        assert lib.highlight(h.id).is_orphan
    assert lib.undo() == "Delete article"
    back = lib.get_article(a.id)
    assert (back.title, back.text, back.tags, back.version) == (a.title, a.text, ("summit",), 1)
    [restored] = lib.highlights(a.id)
    assert (restored.id, restored.uid, restored.exact, restored.anchor) == (
        h.id,
        h.uid,
        QUOTE,
        "exact",
    )
    assert restored.version_id == back.version_id == restored.origin_version_id
    assert (restored.note, restored.color, restored.tags) == ("venue", "pink", ("place",))
    assert [x.article_id for x in lib.search("Vladivostok").hits] == [a.id]
    assert lib.orphans() == []
    assert lib.check().ok
    assert lib.redo() == "Delete article"
    assert lib.article_count() == 1
    assert lib.check().ok


def test_undo_of_a_delete_after_an_import_gives_the_old_number_back(
    lib: Library, tmp_path: Path
) -> None:
    newest = max(a.id for a in lib.list_articles())
    text = lib.get_article(newest).text
    lib.delete_article(newest, keep_highlights=False)
    story = tmp_path / "new.txt"
    story.write_text("Another story\n\nMOSCOW (Reuters) - Something else happened.\n", "utf-8")
    [taken] = lib.import_paths([story]).article_ids
    assert taken > newest  # numbers are never handed on (schema 4: AUTOINCREMENT)
    lib.undo()
    assert lib.article_count() == 3
    assert lib.get_article(newest).text == text
    assert [a.text for a in lib.get_articles([a.id for a in lib.list_articles()])].count(text) == 1
    assert lib.check().ok
