"""Sentence spans, shared by the statement extractor and the article comparison."""

from __future__ import annotations

from reader.core.analysis.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_english_abbreviations_do_not_end_a_sentence() -> None:
    text = "Mr. Xi met the U.S. envoy. “We agree,” he said. J. Smith left!\n\nA new paragraph"
    assert sentences(text) == [
        "Mr. Xi met the U.S. envoy.",
        "“We agree,” he said.",
        "J. Smith left!",
        "A new paragraph",
    ]


def test_chinese_and_russian_sentences() -> None:
    assert sentences("普京会见了习近平。双方签署了协议！") == [
        "普京会见了习近平。",
        "双方签署了协议！",
    ]
    assert sentences("Путин прибыл в Пекин. Переговоры начались.") == [
        "Путин прибыл в Пекин.",
        "Переговоры начались.",
    ]
