"""A synthetic news corpus that repeats: Zipf-distributed vocabulary, news-like lengths,
dates over ten years, a few hundred outlets, tags. Seeded, so every run is the same."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

#: Words that make queries and snippets look like news; the rest is generated.
NEWS_WORDS = [
    "russia",
    "china",
    "putin",
    "xi",
    "trade",
    "energy",
    "gas",
    "pipeline",
    "sanctions",
    "summit",
    "ministry",
    "foreign",
    "president",
    "minister",
    "talks",
    "agreement",
    "cooperation",
    "security",
    "border",
    "military",
    "economy",
    "oil",
    "market",
    "bank",
    "currency",
    "yuan",
    "rouble",
    "beijing",
    "moscow",
    "kremlin",
    "visit",
    "treaty",
    "partnership",
    "relations",
    "strategic",
    "forum",
    "belt",
    "road",
    "arctic",
    "siberia",
    "vladivostok",
    "delegation",
    "spokesman",
    "statement",
    "officials",
    "exports",
    "imports",
    "investment",
    "infrastructure",
    "technology",
    "nuclear",
    "defence",
    "exercise",
    "council",
    "summit",
    "diplomatic",
    "alliance",
    "regional",
    "global",
    "crisis",
    "conflict",
]

FILE_SIZE = 1000  # articles per JSON Lines file, as a user's export might hold


@dataclass(frozen=True)
class CorpusInfo:
    articles: int
    files: list[Path]
    vocabulary: list[str]
    #: Words of middle frequency (the kind people search for).
    query_words: list[str]
    sources: list[str]
    first_title_word: str


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = [
        "ka",
        "ro",
        "mi",
        "sta",
        "ven",
        "lor",
        "tu",
        "ne",
        "shi",
        "po",
        "gra",
        "del",
        "an",
        "ex",
        "im",
        "cor",
        "pla",
        "tri",
        "zo",
        "ber",
        "cal",
        "dos",
        "fen",
    ]
    words = list(NEWS_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class _Zipf:
    """Draws word ranks with a Zipf(1.07) law, via a precomputed cumulative table."""

    def __init__(self, rng: random.Random, n: int, s: float = 1.07) -> None:
        self.rng = rng
        weights = [1.0 / math.pow(rank, s) for rank in range(1, n + 1)]
        total = sum(weights)
        acc = 0.0
        self.cumulative = []
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)

    def draw(self) -> int:
        import bisect

        return min(bisect.bisect_left(self.cumulative, self.rng.random()), len(self.cumulative) - 1)


def generate(
    folder: Path, articles: int, *, seed: int = 2026, body_chars: int = 3000
) -> CorpusInfo:
    """Write ``articles`` articles as JSON Lines files into ``folder``."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 50_000)
    zipf = _Zipf(rng, len(vocabulary))
    sources = [
        f"{rng.choice(['The', 'Daily', 'Global', 'Pacific', 'Eastern'])} "
        f"{rng.choice(['Times', 'Post', 'Herald', 'Wire', 'Observer', 'News'])} {i}"
        for i in range(300)
    ]
    source_zipf = _Zipf(rng, len(sources), 1.2)
    tags = ["trade", "energy", "security", "diplomacy", "arctic", "finance", "tech"]
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    start = date(2015, 1, 1)

    def sentence() -> str:
        words = [vocabulary[zipf.draw()] for _ in range(rng.randint(8, 24))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def lines() -> Iterator[str]:
        for i in range(articles):
            paragraphs = []
            length = 0
            target = int(rng.gauss(body_chars, body_chars / 3))
            target = max(400, target)
            while length < target:
                paragraph = " ".join(sentence() for _ in range(rng.randint(2, 5)))
                paragraphs.append(paragraph)
                length += len(paragraph) + 2
            title = " ".join(vocabulary[zipf.draw()] for _ in range(rng.randint(5, 10)))
            day = start + timedelta(days=rng.randrange(3650))
            record = {
                "id": f"bench-{seed}-{i}",
                "title": f"{title.capitalize()} {i}",
                "body": "\n\n".join(paragraphs),
                "date": f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}",
                "source": sources[source_zipf.draw()],
                "tags": rng.sample(tags, rng.randint(0, 2)),
                "language": "en",
            }
            yield json.dumps(record, ensure_ascii=False)

    handle = None
    for n, line in enumerate(lines()):
        if n % FILE_SIZE == 0:
            if handle:
                handle.close()
            path = folder / f"corpus-{n // FILE_SIZE:05d}.jsonl"
            files.append(path)
            handle = path.open("w", encoding="utf-8")
        assert handle is not None
        handle.write(line + "\n")
    if handle:
        handle.close()
    # Query words: ranks 50–2000 (common enough to hit, rare enough to discriminate).
    query_words = [w for w in vocabulary[50:2000] if w.isalpha()]
    with files[0].open(encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    return CorpusInfo(
        articles=articles,
        files=files,
        vocabulary=vocabulary,
        query_words=query_words,
        sources=sources,
        first_title_word=first["title"].split()[0].lower(),
    )


def read_articles(files: list[Path]) -> Iterator[dict[str, object]]:
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
