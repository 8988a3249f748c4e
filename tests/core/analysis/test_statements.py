"""Who said what: the extractor on the seeds and hand-labelled articles, and the
library's stored statements (found at import, kept up to date, found again when stale)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.analysis.statements import KnownNames, extract_statements
from reader.core.library import Library
from tests.helpers.statement_gold import evaluate, held_out, labelled

NAMES = KnownNames(
    people={"putin": "Vladimir Putin", "xi": "Xi Jinping"},
    organisations=frozenset({"gazprom"}),
)


def speakers_of(text: str) -> list[tuple[str, str]]:
    return [(s.speaker, s.verb) for s in extract_statements(text, NAMES)]


def test_the_seeds_statements_have_the_right_speakers(library: Library) -> None:
    found = library.statements()
    by = {s.speaker for s in found}
    assert by == {"Xi Jinping", "Vladimir Putin", "Andrei Denisov", "China's Foreign Ministry"}
    ambassador = [s for s in found if s.speaker == "Andrei Denisov"]
    assert [s.text[:43] for s in ambassador] == ["Mr Putin will be a key guest and participan"]
    # "He expected …, the Russian president added": the description resolves to Putin.
    assert any(s.text.startswith("He expected the number") and s.speaker == "Vladimir Putin"
               for s in found)  # fmt: skip
    # Every statement is its exact span of the article's text.
    for statement in found:
        text = library.get_article(statement.article_id).text
        assert text[statement.start : statement.end] == statement.text


def test_precision_and_recall_on_hand_labelled_articles() -> None:
    """The numbers the README quotes (see tests/helpers/statement_gold.py)."""
    score = evaluate(lambda text: extract_statements(text, NAMES))
    assert score.wrong_speaker == 0, score.errors
    assert score.precision >= 0.95 and score.recall >= 0.9, (score.errors, score.misses)
    held = evaluate(lambda text: extract_statements(text, NAMES), held_out())
    assert held.wrong_speaker == 0, held.errors
    assert held.precision >= 0.9 and held.recall >= 0.8, (held.errors, held.misses)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Plural and compound subjects, unnamed sources: nobody to name.
        ("Xi and Putin said the talks had gone well and would continue.", []),
        ("They said the share of national currencies keeps growing every year.", []),
        ("Analysts said the deal could take years to complete and cost more.", []),
        ("A spokesman for the company, COSCO, said it was studying the possibilities.", []),
        # "he" with nobody before it.
        ("He said the route was a national priority for the whole country.", []),
        # The listener after "told" is not what was said.
        (
            "Sergei Lavrov met Wang Yi. Lavrov told his Chinese counterpart that Moscow "
            "valued the partnership.",
            [("Sergei Lavrov", "told")],
        ),
        # "he" is the person who last opened a sentence.
        (
            "Vladimir Putin met Alexei Likhachev. Putin welcomed the plan. He said the route "
            "was a national priority.",
            [("Vladimir Putin", "said")],
        ),
        # An act is not a statement.
        ("Finance Minister Anton Siluanov acknowledged the problem on Tuesday.", []),
        # A single name the name table knows, and an organisation it knows.
        ("Putin said the two sides had agreed on the price of gas.", [("Vladimir Putin", "said")]),
        (
            "According to Gazprom, the pipeline will carry 50 billion cubic metres a year.",
            [("Gazprom", "according to")],
        ),
        # Inverted attribution with an appositive.
        (
            '"The financing is still open," said Tatiana Mitrova, an expert at a university.',
            [("Tatiana Mitrova", "said")],
        ),
    ],
)
def test_sentence_shapes(text: str, expected: list[tuple[str, str]]) -> None:
    assert speakers_of(text) == expected


def test_ambiguous_descriptions_give_no_speaker() -> None:
    text = (
        "Russian President Vladimir Putin met Belarusian President Alexander Lukashenko. "
        "The president said the union state would deepen its integration further."
    )
    assert speakers_of(text) == []


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_statements_are_stored_at_import_and_follow_new_versions(
    empty_library: Library, tmp_path: Path
) -> None:
    lib = empty_library
    article = write(tmp_path / "a", "talks.txt", labelled()[0].text)
    report = lib.import_paths([article])
    assert report.imported == 1
    [article_id] = [s.id for s in lib.list_articles()]
    store_path = lib.path / "library.sqlite"
    with sqlite3.connect(store_path) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
    assert stored == len(lib.statements(article_id)) >= 5  # found at import
    assert {s.speaker for s in lib.statements(speaker="putin")} == {"Vladimir Putin"}

    # A new version of the article (same file, new text): its statements replace the old.
    write(tmp_path / "a", "talks.txt", "Russia and China talk\n\nSergei Lavrov said the "
          "talks went very well and would continue in Beijing next month.\n")  # fmt: skip
    lib.import_paths([article])
    assert [s.id for s in lib.list_articles()] == [article_id]  # a new version, same article
    assert [(s.speaker, s.verb) for s in lib.statements(article_id)] == [("Sergei Lavrov", "said")]
    # A deleted article takes its statements along.
    lib.delete_article(article_id, keep_highlights=False)
    assert lib.statements() == []


def test_statements_missing_from_an_older_library_are_found_when_asked(
    library: Library,
) -> None:
    before = library.statements()
    with sqlite3.connect(library.path / "library.sqlite") as conn:
        conn.execute("DELETE FROM statements")
        conn.execute("DELETE FROM statement_runs")  # as a library made before schema 7
    assert library.statements() == before


def test_huge_and_odd_text_costs_little() -> None:
    """A 'sentence' of megabytes (no full stops) is skipped, not searched quadratically;
    the rest of the text is still read."""
    flood = "Putin said " * 200_000
    text = f"{flood}\n\nVladimir Putin said the talks with China had gone very well indeed."
    [statement] = extract_statements(text, NAMES)
    assert statement.speaker == "Vladimir Putin"
    assert text[statement.start : statement.end] == statement.text
