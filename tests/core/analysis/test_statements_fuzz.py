"""The statement extractor on 10,000 generated texts (``FUZZ_EXAMPLES`` changes it):
sentences assembled from the pieces it looks for — names, titles, reporting verbs,
quotation marks, commas, pronouns — and raw Unicode. It never fails, and every statement
it gives is its exact span of the text, with a speaker."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.analysis.statements import KnownNames, extract_statements

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
NAMES = KnownNames(people={"putin": "Vladimir Putin"}, organisations=frozenset({"gazprom"}))
PIECES = [
    "Putin", "Vladimir Putin", "Mr Xi", "President", "Russian", "the Russian president",
    "Foreign Ministry", "China's", "spokesman", "Li", "He", "She", "They", "and", "said",
    "added", "told reporters", "called on", "that", "According to", "saying", ",", ".",
    "“", "”", '"', "who", "the", "talks", "went", "well", "\n", "\n\n", "Mr.", "U.S.",
    "Gazprom", "in a statement", "on Tuesday", "!", "?", "—", "Путин", "普京",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=60).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts)
def test_every_statement_is_a_span_of_the_text(text: str) -> None:
    for statement in extract_statements(text, NAMES):
        assert 0 <= statement.start < statement.end <= len(text)
        assert text[statement.start : statement.end] == statement.text
        assert statement.speaker.strip() and statement.verb
        assert statement.kind in ("person", "institution")
