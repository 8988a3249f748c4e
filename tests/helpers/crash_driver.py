"""The crash test's victim: changes a library at random until it is killed.

    python -m tests.helpers.crash_driver LIBRARY WORKDIR SEED
    python -m tests.helpers.crash_driver --serve LIBRARY WORKDIR   (seeds on stdin)

A run opens the library (which finishes whatever the previous, killed, run left queued),
checks that the index now agrees with the store, prints ``ready``, then imports,
re-imports, highlights, edits notes, deletes, tags, marks read and rebuilds the index,
forever, in a random order drawn from ``SEED``. The test (tests/core/test_crash.py)
kills it with SIGKILL at a random moment and checks the library against the journal
this writes. ``--serve`` forks a run for each seed it reads, from a process that has
imported everything already.

The journal (``WORKDIR/journal.jsonl``) says what each run did: before each change a
``begin`` line with everything needed to check it, after the call returned a ``done``
line with what it returned. A line is one ``write(2)`` (then fsynced, though a killed
process loses nothing the kernel has), so a kill never leaves half a line, and what a
``done`` line reports was complete before the kill. A ``begin`` line without its
``done`` is the change the kill interrupted: it may or may not have happened.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import string
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from reader.core import ingest  # noqa: F401  (loaded now, not in the first import)
from reader.core.library import Library
from reader.core.search import index as search_index

JOURNAL = "journal.jsonl"
#: Small libraries, big-library code paths: a commit of this many new articles shares
#: the work with the helper process (1,000 in the app), and background merges start
#: with a few segments of a few dozen articles (8 of 256 in the app), so that kills
#: also land while helper and merger processes work and while their results are
#: committed.
HELPER_FROM = 20
HELPER_CHUNK = 5
SMALL_SEGMENT = 16
MAX_BIG_SEGMENTS = 3

#: The changes and how often each is made.
WEIGHTS = {
    "import": 24,
    "bulk": 4,
    "reimport": 10,
    "add": 26,
    "edit": 14,
    "delete": 8,
    "tags": 5,
    "read": 4,
    "delete_article": 3,
    "rebuild": 2,
}

SENTENCE = (
    "officials said the talks on the harbour dispute would resume next week after "
    "ministers met in the capital to discuss trade tariffs energy prices and the "
    "new border agreement signed by both governments earlier this year"
)
FILLER = SENTENCE.split()


#: The unique words the driver puts in article texts (one per text).
WORD = re.compile(r"\bzq[a-z]+\b")


class Journal:
    def __init__(self, path: Path, run: int) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.run = run

    def write(self, phase: str, op: str, **fields: Any) -> None:
        record = {"run": self.run, "phase": phase, "op": op, "t": time.monotonic(), **fields}
        line = json.dumps(record) + "\n"
        os.write(self._fd, line.encode("utf-8"))
        os.fsync(self._fd)


class Driver:
    """One run's changes, each journalled."""

    def __init__(
        self, library: Library, workdir: Path, rng: random.Random, journal: Journal
    ) -> None:
        self.library = library
        self.files = workdir / "files"
        self.files.mkdir(exist_ok=True)
        self.rng = rng
        self.journal = journal
        self.run = journal.run
        self.serial = 0
        # What exists now (kept up to date by this run's own changes).
        self.articles = [a.id for a in library.list_articles(sort="added")]
        self.highlights = {h.id: h.uid for h in library.highlights()}

    def token(self, prefix: str) -> str:
        """A word no other run or call uses (letters only: searchable as one word)."""
        self.serial += 1
        letters = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(8))
        return f"{prefix}{letters}{_letters(self.run)}x{_letters(self.serial)}"

    def body(self, word: str) -> list[str]:
        words = self.rng.sample(FILLER, 12)
        where = self.rng.randrange(1, len(words) + 1)  # not first: capitalised
        first = " ".join([*words[:where], word, *words[where:]]).capitalize() + "."
        second = " ".join(self.rng.sample(FILLER, 15)).capitalize() + "."
        return [first, second]

    def write_article(self, path: Path, word: str) -> None:
        title = f"Talks resume {word[-6:]}"
        paragraphs = self.body(word)
        if path.suffix == ".md":
            text = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
        elif path.suffix == ".html":
            inner = "".join(f"<p>{p}</p>" for p in paragraphs)
            text = (
                f"<html><head><title>{title}</title></head><body><article>"
                f"<h1>{title}</h1>{inner}</article></body></html>"
            )
        else:
            text = f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"
        path.write_text(text, encoding="utf-8")

    # -- the changes ------------------------------------------------------------------

    def step(self) -> None:
        ops = list(WEIGHTS)
        op = self.rng.choices(ops, weights=[WEIGHTS[o] for o in ops])[0]
        if not self.articles and op not in ("import", "bulk"):
            op = "import"
        if not self.highlights and op in ("edit", "delete"):
            op = "add"
        getattr(self, "op_" + op)()

    def op_import(self) -> None:
        word = self.token("zq")
        path = self.files / f"{word}{self.rng.choice(['.txt', '.md', '.html'])}"
        self.write_article(path, word)
        self.journal.write("begin", "import", words=[word])
        report = self.library.import_paths([path])
        self.journal.write("done", "import", words=[word], article_ids=report.article_ids)
        _expect(report.imported == 1 and not report.failed, report)
        self.articles.extend(report.article_ids)

    def op_bulk(self) -> None:
        count = self.rng.randint(HELPER_FROM, 2 * HELPER_FROM)
        words = [self.token("zq") for _ in range(count)]
        path = self.files / f"bulk-{words[0]}.jsonl"
        lines = [json.dumps({"title": f"Bulletin {w[-6:]}", "body": self.body(w)}) for w in words]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.journal.write("begin", "import", words=words)
        report = self.library.import_paths([path])
        self.journal.write("done", "import", words=words, article_ids=report.article_ids)
        _expect(report.imported == count and not report.failed, report)
        self.articles.extend(report.article_ids)

    def op_reimport(self) -> None:
        # A file holding one article (its origin): a changed copy is a new version.
        sample = self.rng.sample(self.articles, min(8, len(self.articles)))
        candidates = [
            a
            for a in self.library.get_articles(sample)
            if a.origin and Path(a.origin).parent == self.files
        ]
        if not candidates:
            return self.op_import()
        article = self.rng.choice(candidates)
        path = Path(str(article.origin))
        was = identity(article.text)
        word = self.token("zq")
        self.write_article(path, word)
        self.journal.write("begin", "reimport", article=article.id, was=was, word=word)
        report = self.library.import_paths([path])
        self.journal.write("done", "reimport", article=article.id, was=was, word=word)
        _expect(report.updated == 1 and report.article_ids == [article.id], report)
        return None

    def op_add(self) -> None:
        article_id = self.rng.choice(self.articles)
        text = self.library.get_article(article_id).text
        start = self.rng.randrange(len(text) - 1)
        end = min(len(text), start + self.rng.randint(1, 40))
        note = self.token("qn") if self.rng.random() < 0.8 else ""
        was = identity(text)
        self.journal.write("begin", "add", article=article_id, was=was, note=note)
        highlight = self.library.add_highlight(article_id, start, end, note=note)
        self.journal.write("done", "add", article=article_id, was=was, note=note, uid=highlight.uid)
        self.highlights[highlight.id] = highlight.uid

    def op_edit(self) -> None:
        highlight_id, uid = self.rng.choice(list(self.highlights.items()))
        note = self.token("qn")
        self.journal.write("begin", "edit", uid=uid, note=note)
        self.library.edit_note(highlight_id, note)
        self.journal.write("done", "edit", uid=uid, note=note)

    def op_delete(self) -> None:
        count = min(len(self.highlights), self.rng.randint(1, 3))
        chosen = self.rng.sample(list(self.highlights), count)
        uids = [self.highlights[i] for i in chosen]
        self.journal.write("begin", "delete", uids=uids)
        self.library.delete_highlights(chosen)
        self.journal.write("done", "delete", uids=uids)
        for highlight_id in chosen:
            del self.highlights[highlight_id]

    def op_tags(self) -> None:
        article_id = self.rng.choice(self.articles)
        was = self.identity(article_id)
        tags = [self.token("tg") for _ in range(self.rng.randint(0, 2))]
        self.journal.write("begin", "tags", article=article_id, was=was, tags=tags)
        self.library.set_tags(article_id, tags)
        self.journal.write("done", "tags", article=article_id, was=was, tags=tags)

    def op_read(self) -> None:
        article_id = self.rng.choice(self.articles)
        was = self.identity(article_id)
        read = self.rng.random() < 0.5
        self.journal.write("begin", "read", article=article_id, was=was, read=read)
        self.library.set_read(article_id, read)
        self.journal.write("done", "read", article=article_id, was=was, read=read)

    def op_delete_article(self) -> None:
        article_id = self.rng.choice(self.articles)
        was = self.identity(article_id)
        keep = self.rng.random() < 0.5
        uids = [h.uid for h in self.library.highlights(article_id)]
        fields: dict[str, Any] = {"article": article_id, "was": was, "keep": keep, "uids": uids}
        self.journal.write("begin", "delete_article", **fields)
        self.library.delete_article(article_id, keep_highlights=keep)
        self.journal.write("done", "delete_article", **fields)
        self.articles.remove(article_id)
        if not keep:
            self.highlights = {i: u for i, u in self.highlights.items() if u not in uids}

    def op_rebuild(self) -> None:
        # What "check --repair" and the window do with a damaged index: a new index is
        # built beside the old one and swapped in.
        self.journal.write("begin", "rebuild")
        count = self.library.rebuild_index()
        self.journal.write("done", "rebuild", count=count)

    def identity(self, article_id: int) -> str:
        return identity(self.library.get_article(article_id).text)


def identity(text: str) -> str:
    """The unique word of an article's text: which article an id names (SQLite gives the
    id of a deleted last article to the next one)."""
    words: list[str] = WORD.findall(text)
    [word] = words
    return word


def _letters(number: int) -> str:
    """A number written in letters (``0`` → ``a``), so tokens stay one word."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = string.ascii_lowercase[digit] + out
        if not number:
            return out


def _expect(condition: bool, report: object) -> None:
    if not condition:
        raise AssertionError(f"unexpected import report: {report}")


def run(library_path: Path, workdir: Path, seed: int) -> None:
    """Open the library and change it until killed."""
    search_index.HELPER_FROM = HELPER_FROM
    search_index.HELPER_CHUNK = HELPER_CHUNK
    search_index.SMALL_SEGMENT = SMALL_SEGMENT
    search_index.MAX_BIG_SEGMENTS = MAX_BIG_SEGMENTS
    journal = Journal(workdir / JOURNAL, seed)
    print(f"opening {os.getpid()}", flush=True)
    journal.write("begin", "open")
    library = Library.open(library_path, import_seeds=False, program="the crash driver")
    journal.write("done", "open", notices=library.notices)
    # Opening finished what the killed run left: the index must agree with the store.
    journal.write("begin", "check")
    journal.write("done", "check", problems=list(library.check().problems))
    driver = Driver(library, workdir, random.Random(seed), journal)
    print(f"ready {os.getpid()}", flush=True)
    while True:
        driver.step()


def serve(library_path: Path, workdir: Path) -> int:
    """For each seed read from stdin, fork a run in a new session (its own process group)
    and wait for it: ``exit PID CODE`` (-9: killed). A forked run starts in milliseconds
    where a new interpreter takes half a second to import what it needs."""
    warm_up(workdir / "warm-up")
    assert threading.active_count() == 1, "a forked run would lack the other threads"
    print("serving", flush=True)
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked run, killed by the test
            code = 1
            try:
                os.setsid()
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                run(library_path, workdir, int(line))
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


def warm_up(folder: Path) -> None:
    """Load and run, once, everything a run loads on first use (trafilatura for HTML,
    Whoosh's writing code …), so that kills land in the work, not in imports."""
    library_path = folder / "library"
    rng = random.Random(0)
    with Library.open(library_path, import_seeds=False) as library:
        driver = Driver(library, folder, rng, Journal(folder / JOURNAL, 0))
        for suffix in (".txt", ".md", ".html"):
            path = driver.files / f"warm-up{suffix}"
            driver.write_article(path, driver.token("zq"))
            driver.articles += library.import_paths([path]).article_ids
        driver.op_reimport()
        driver.op_add()
        driver.op_edit()
        driver.op_tags()
        library.search("talks")
        library.check()
    shutil.rmtree(folder)


def main(argv: list[str]) -> int:
    if argv[0] == "--serve":
        return serve(Path(argv[1]), Path(argv[2]))
    run(Path(argv[0]), Path(argv[1]), int(argv[2]))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
