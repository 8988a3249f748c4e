"""The single-loop text analyser gives exactly the tokens of the filter chain it
replaces, in every way Whoosh calls it."""

from __future__ import annotations

from typing import Any

import pytest

from reader.core.search.analysis import text_analyzer, text_analyzer_chain

TEXTS = [
    "Putin and Xi said the talks were constructive; the U.S. and Russia’s envoys met.",
    "The the THE of and a an",  # nothing but stop words
    "",
    "   ",
    "Negotiations negotiating negotiated 2019 3.5 don't won’t",
    "Миссия 普京 café naïve — «quotes» and 1,000,000 rubles",
    "of the Russian president",  # starts with stop words (positions renumbered)
    "vowing vowed vows VOW",
    # Russian: stems, stop words, ё
    "Президент России Владимир Путин и его ещё не названный преемник; Путина, Путину",
    # Chinese: segmented, with sub-words of long words, stop words, digits and Latin
    "中国国家主席习近平与俄罗斯总统普京在符拉迪沃斯托克会晤，中俄关系的2019年G20峰会。",
    "的了和",  # nothing but Chinese function words
    "哈哈哈哈 上海合作组织 中华人民共和国主席",  # repeated sub-words at one position
    "Xi Jinping (习近平) met Putin (Путин) in Vladivostok",
]

MODES: list[dict[str, Any]] = [
    {},
    {"positions": True},
    {"positions": True, "chars": True},
    {"positions": True, "chars": True, "start_pos": 7, "start_char": 100},
    {"mode": "query"},
    {"mode": "query", "removestops": False, "positions": True},
    {"removestops": False, "positions": True, "chars": True, "keeporiginal": True},
    {"tokenize": False},
    {"tokenize": False, "positions": True, "chars": True, "removestops": False},
    {"no_morph": True, "positions": True},
    {"no_morph": True, "removestops": False},
]

FIELDS = ("text", "pos", "startchar", "endchar", "stopped", "boost", "original")


def _tokens(analyzer: Any, text: str, kwargs: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (*(getattr(t, f, None) for f in FIELDS), getattr(t, "verbatim", False))
        for t in analyzer(text, **kwargs)
    ]


@pytest.mark.parametrize("kwargs", MODES, ids=[str(m) for m in MODES])
@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_the_chain(text: str, kwargs: dict[str, Any]) -> None:
    ours = _tokens(text_analyzer(), text, kwargs)
    chain = _tokens(text_analyzer_chain(), text, kwargs)
    assert ours == chain


def test_it_stems_and_drops_stop_words() -> None:
    words = [t.text for t in text_analyzer()("The negotiations were vowed", positions=True)]
    assert words == ["negoti", "vow"]
    unstemmed = [t.text for t in text_analyzer()("The negotiations", no_morph=True)]
    assert unstemmed == ["negotiations"]


def test_it_says_it_changes_words() -> None:
    # Whoosh keeps a separate unstemmed spelling field only for analysers that do.
    assert text_analyzer().has_morph()
    assert text_analyzer() == text_analyzer()


INDEX_TEXTS = [
    *TEXTS,
    "the the Putin the Putin of Putin and",  # stop words between repeats of a word
    "İstanbul KAYSERİ ǅemal STRASSE straße THE Of",  # lower() changes the length
    "Putin " * 300 + "Xi",  # a word many times, positions past 255 and 65,535 bytes
    " ".join(f"word{i % 97} the" for i in range(70_000)),  # positions past 65,535
]


@pytest.mark.parametrize("boost", [1.0, 2.0, 1.5])
@pytest.mark.parametrize("text", INDEX_TEXTS, ids=range(len(INDEX_TEXTS)))
def test_index_terms_are_the_postings_whoosh_makes(text: str, boost: float) -> None:
    from whoosh.fields import TEXT, FieldType

    from reader.core.search import whoosh_fixes

    whoosh_fixes.apply()
    field = TEXT(analyzer=text_analyzer(), phrase=True, field_boost=boost)
    ours = list(field.index(text))
    theirs = list(FieldType.index(field, text))
    assert ours == theirs
    assert [type(v) for p in ours for v in p] == [type(v) for p in theirs for v in p]
    # Again, with every word known to the cache; the fast path was taken (the generic
    # one gives a generator).
    again = field.index(text)
    assert isinstance(again, list)
    assert again == theirs


@pytest.mark.parametrize("text", INDEX_TEXTS, ids=range(len(INDEX_TEXTS)))
def test_unstemmed_words_are_the_words_the_analyser_gives(text: str) -> None:
    from reader.core.search.analysis import unstemmed_words

    tokens = {t.text for t in text_analyzer()(text, no_morph=True)}
    assert unstemmed_words(text) == tokens
    assert unstemmed_words(text) == {t.text for t in text_analyzer_chain()(text, no_morph=True)}
