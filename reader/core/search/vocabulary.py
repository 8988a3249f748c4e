"""The library's vocabulary as written (unstemmed), for prefixes, fuzzy terms, "did you
mean" and completion.

The index holds stems; ``negotiat*`` must match the words as written ("negotiations",
whose stem is "negoti"). Whoosh can keep the unstemmed words in a second field of the
index (``spelling=True``), but that field doubled the cost of indexing and made the index
half as big again (measured: 4,000 articles, 70 -> 145 articles/s, 15.9 -> 10.3 KB per
article without it). The words live here instead: a small SQLite table in the index
folder, word -> number of articles, derived from the articles like the rest of the index
and rebuilt with it.

Counts only grow: an article deleted or changed leaves its words behind until the next
rebuild. That is harmless by design — every word found here is searched through its stem
in the index, and a stem no article has any more matches nothing — and it keeps updates
to one cheap statement per batch. Words are written before the index commits, so a crash
in between can only leave a word here early, never miss one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from reader.core.disk import connect_read_only, write_failure
from reader.core.search.analysis import unstemmed_words

FILE_NAME = "vocabulary.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS words (
    word TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
) WITHOUT ROWID;
"""


def damage(folder: Path) -> str | None:
    """Why the vocabulary in ``folder`` cannot be used as it is (None: it can), found
    cheaply: the file is a SQLite database holding the words table, and is not shorter
    than the database says it is (a truncated file fails only when the lost pages are
    read, which may be months later)."""
    path = folder / FILE_NAME
    try:
        size = path.stat().st_size
        db, _frozen = connect_read_only(path)
    except (OSError, sqlite3.Error) as exc:
        if write_failure(exc) is not None:
            raise  # a full disk (SQLite could not make its -shm file): not damage
        return f"the index's vocabulary cannot be read ({exc})"
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'words'").fetchone() is None:
            return "the index's vocabulary is empty or damaged (it has no words table)"
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        # Pages still in the write-ahead log are not in the file yet (a crash before the
        # log was written back): only a file without a log can be measured.
        log_size = _size(Path(f"{path}-wal"))
        if not log_size and pages * page_size > size:
            return f"the index's vocabulary is truncated ({size} of {pages * page_size} bytes)"
        db.execute("SELECT word, articles FROM words LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        if write_failure(exc) is not None:
            raise
        return f"the index's vocabulary is damaged ({exc})"
    finally:
        db.close()
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def words_of(*texts: str | None) -> set[str]:
    """The distinct words of ``texts`` as the index sees them before stemming (lower
    case, stop words left out)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= unstemmed_words(text)
    return found


class Vocabulary:
    """Word -> article count, in ``folder/vocabulary.sqlite``. Thread-safe."""

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.path = folder / FILE_NAME
        self._lock = threading.Lock()
        if read_only:
            self._db, _frozen = connect_read_only(
                self.path, check_same_thread=False, isolation_level=None
            )
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        #: Recent words_within() answers (a fuzzy term is looked up once per field);
        #: emptied whenever words are added.
        self._near: dict[tuple[str, int, int], frozenset[str]] = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, documents: Iterable[set[str]]) -> None:
        """Count the words of each document (one set of words per article)."""
        counts: Counter[str] = Counter()
        for words in documents:
            counts.update(words)
        if not counts:
            return
        with self._lock:
            self._near.clear()
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO words(word, articles) VALUES (?, ?) "
                    "ON CONFLICT(word) DO UPDATE SET articles = articles + excluded.articles",
                    counts.items(),
                )
                self._db.execute("COMMIT")
            except BaseException:
                # (SQLite may have rolled back by itself: a full disk.)
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM words").fetchone()[0])

    def frequency(self, word: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT articles FROM words WHERE word = ?", (word,)).fetchone()
        return int(row[0]) if row else 0

    def words_with_prefix(self, prefix: str, *, limit: int) -> tuple[dict[str, int], bool]:
        """The ``limit`` most frequent words starting with ``prefix``, with their article
        counts; the flag says whether more words have the prefix."""
        with self._lock:
            if prefix:
                rows = self._db.execute(
                    "SELECT word, articles FROM words WHERE word >= ? AND word < ? "
                    "ORDER BY articles DESC, word LIMIT ?",
                    (prefix, prefix + "\U0010ffff", limit + 1),
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT word, articles FROM words ORDER BY articles DESC, word LIMIT ?",
                    (limit + 1,),
                ).fetchall()
        cut = len(rows) > limit
        return {str(w): int(n) for w, n in rows[:limit] if str(w).startswith(prefix)}, cut

    def words_within(self, word: str, maxdist: int, *, prefix: int = 1) -> set[str]:
        """Words at most ``maxdist`` edits from ``word`` that share its first ``prefix``
        letters."""
        key = (word, maxdist, prefix)
        with self._lock:
            cached = self._near.get(key)
        if cached is not None:
            return set(cached)
        start = word[:prefix]
        low, high = max(1, len(word) - maxdist), len(word) + maxdist
        with self._lock:
            if start:
                rows = self._db.execute(
                    "SELECT word FROM words WHERE word >= ? AND word < ? "
                    "AND length(word) BETWEEN ? AND ?",
                    (start, start + "\U0010ffff", low, high),
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT word FROM words WHERE length(word) BETWEEN ? AND ?", (low, high)
                ).fetchall()
        found = process.extract(
            word,
            [r[0] for r in rows],
            scorer=Levenshtein.distance,
            score_cutoff=maxdist,
            limit=None,
        )
        near = frozenset(str(match) for match, _distance, _index in found)
        with self._lock:
            if len(self._near) > 256:
                self._near.clear()
            self._near[key] = near
        return set(near)

    def suggest(self, word: str, *, exists: Callable[[str], bool]) -> str | None:
        """The closest frequent word of the library to a word it does not contain
        (``exists`` says whether a word is still in some article)."""
        best: tuple[int, int, str] | None = None
        for maxdist in (1, 2):
            for candidate in self.words_within(word, maxdist, prefix=1):
                if candidate == word or not exists(candidate):
                    continue
                distance = DamerauLevenshtein.distance(word, candidate)
                key = (distance, -self.frequency(candidate), candidate)
                if best is None or key < best:
                    best = key
            if best is not None:
                return best[2]
        return None
