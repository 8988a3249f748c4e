"""Re-anchoring highlights on edited versions of the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.annotations.anchoring import (
    CONTEXT_CHARS,
    Anchor,
    describe,
    find_occurrence,
    reanchor,
)

SEED = Path(__file__).resolve().parents[2].parent / "seeds" / "001_ae1c278737ac3d91.txt"
TEXT = SEED.read_text(encoding="utf-8").replace("\u00a0", " ")
QUOTE = "bilateral trade volume reached 60 billion US dollars"


def anchor_of(text: str, quote: str, occurrence: int = 1) -> Anchor:
    place = find_occurrence(text, quote, occurrence)
    assert place is not None
    return describe(text, *place)


def test_describe_keeps_32_characters_of_context() -> None:
    anchor = anchor_of(TEXT, QUOTE)
    start = TEXT.index(QUOTE)
    assert anchor.quote.exact == QUOTE
    assert anchor.quote.prefix == TEXT[start - CONTEXT_CHARS : start]
    assert anchor.quote.suffix == TEXT[start + len(QUOTE) : start + len(QUOTE) + CONTEXT_CHARS]
    assert (anchor.position.start, anchor.position.end) == (start, start + len(QUOTE))


def test_context_is_cut_at_the_edges_of_the_text() -> None:
    anchor = describe("short text", 0, 5)
    assert (anchor.quote.prefix, anchor.quote.exact, anchor.quote.suffix) == ("", "short", " text")
    with pytest.raises(ValueError, match="not inside"):
        describe("short", 3, 9)


def test_unchanged_text_is_exact() -> None:
    placement = reanchor(anchor_of(TEXT, QUOTE), TEXT)
    assert (placement.status, placement.confidence) == ("exact", 1.0)
    assert TEXT[placement.start : placement.end] == QUOTE


def test_words_inserted_before_the_quote_move_it() -> None:
    edited = TEXT.replace(
        "President Putin first", "In a long-awaited meeting, President Putin first"
    )
    placement = reanchor(anchor_of(TEXT, QUOTE), edited)
    assert placement.status == "moved"
    assert edited[placement.start : placement.end] == QUOTE
    assert placement.start == TEXT.index(QUOTE) + len("In a long-awaited meeting, ")


def test_a_lightly_edited_quote_is_found_fuzzily() -> None:
    edited = TEXT.replace("trade volume reached 60 billion US", "trade volumes reached 60 bn US")
    placement = reanchor(anchor_of(TEXT, QUOTE), edited)
    assert placement.status == "fuzzy"
    assert (
        edited[placement.start : placement.end]
        == "bilateral trade volumes reached 60 bn US dollars"
    )
    assert 0.75 < placement.confidence < 1.0


def test_a_removed_quote_becomes_an_orphan() -> None:
    edited = TEXT.replace(
        "during which the bilateral trade volume reached 60 billion US dollars", "as expected"
    )
    placement = reanchor(anchor_of(TEXT, QUOTE), edited)
    assert (placement.status, placement.placed, placement.confidence) == ("orphan", False, 0.0)


def test_a_quote_is_never_moved_onto_unrelated_text() -> None:
    anchor = anchor_of(TEXT, QUOTE)
    unrelated = "The weather in Vladivostok was mild and the harbour was calm all week. " * 20
    assert reanchor(anchor, unrelated).status == "orphan"


def test_a_repeated_quote_is_placed_by_its_context() -> None:
    quote = "Putin said"
    second = anchor_of(TEXT, quote, occurrence=2)
    # Shift everything: the old position no longer holds the quote, both repeats remain.
    edited = "Editor's note: this story was updated.\n\n" + TEXT
    placement = reanchor(second, edited)
    assert placement.status == "moved"
    expected = find_occurrence(edited, quote, 2)
    assert (placement.start, placement.end) == expected


def test_repeats_are_told_apart_even_when_they_swap_order() -> None:
    text = (
        "In Moscow the minister said talks went well. "
        "Later, in Beijing, the minister said talks went well."
    )
    anchor = anchor_of(text, "the minister said talks went well", occurrence=2)
    swapped = (
        "Later, in Beijing, the minister said talks went well. "
        "In Moscow the minister said talks went well."
    )
    placement = reanchor(anchor, swapped)
    assert swapped[placement.start - len("in Beijing, ") : placement.start] == "in Beijing, "


def test_short_quotes_are_never_fuzzy() -> None:
    anchor = anchor_of(TEXT, "Xi said")
    edited = TEXT.replace("Xi said", "Xe sa1d")
    assert reanchor(anchor, edited).status == "orphan"


def test_find_occurrence_counts_from_one() -> None:
    assert find_occurrence("a b a b a", "a", 3) == (8, 9)
    assert find_occurrence("a b a", "a", 3) is None
    assert find_occurrence("a b a", "", 1) is None
