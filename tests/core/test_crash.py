"""The crash test (issue 7): a process importing and annotating is killed with SIGKILL
at random moments, hundreds of times, and nothing the user was told is saved is lost.

The victim is tests/helpers/crash_driver.py, started again after every kill in its own
process group (its indexing helper and background merger processes die with it). It
journals each change before making it and after the call returned. After every kill the
database must pass ``PRAGMA integrity_check`` and hold every change the journal says
returned (a change the kill interrupted may or may not be there; nothing else may be
there), and the next run checks, once it has opened the library, that the index agrees
with the store exactly (``Library.check``). Every ``FULL_EVERY`` kills and at the end
the test checks it itself (``coverage-reader check``, then ``check --repair`` as a
no-op), and searches for the driver's unique words, notes and tags must find exactly the
articles that hold them. Some kills hit the driver's main process only: its indexing
helper and merger processes must end by themselves.

The driver runs are forked from a server that has imported everything (a run starts in
milliseconds, not half a second); ``python -m tests.helpers.crash_driver LIBRARY WORKDIR
SEED`` runs one in a fresh interpreter.

``CRASH_KILLS`` sets the number of kills (200), ``CRASH_SEED`` the seed; a failure names
both, and the kill, so that it can be run again.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from reader.cli import main as cli
from reader.core.library import Library
from reader.core.search import SearchIndex

from ..helpers.crash_driver import JOURNAL, WORD

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("CRASH_KILLS", "200"))
SEED = int(os.environ.get("CRASH_SEED", "7"))
#: The full check (the CLI, the index, searches) every this many kills, and at the end.
FULL_EVERY = 20
#: This share of the kills land while the library opens (finishing the last run's work);
#: the others up to MAX_DELAY seconds after it is open.
OPEN_SHARE = 0.15
OPEN_DELAY = 0.08
MAX_DELAY = 0.6
#: This share of the kills hit the driver's main process only, not its helper processes,
#: which must then end by themselves within ORPHANS_S seconds.
MAIN_ONLY_SHARE = 0.1
ORPHANS_S = 20.0
#: Searches per kind (words, notes, tags, and words that must no longer be found) in
#: each full check.
SAMPLE = 40
TIMEOUT_S = 120.0

Presence = Literal["yes", "maybe", "no"]


@dataclass
class ArticleState:
    """What the journal says of one article: which unique word its text holds now (one
    of ``words``), whether it exists, its tags and read state (None: not known)."""

    words: set[str]
    present: Presence = "yes"
    tags: set[frozenset[str]] | None = None
    read: set[bool] | None = None


@dataclass
class HighlightState:
    notes: set[str] | None  # None: not known (made by a change that was interrupted)
    present: Presence = "yes"


@dataclass
class Model:
    """The library as the journal says it must be."""

    articles: dict[int, ArticleState] = field(default_factory=dict)
    highlights: dict[str, HighlightState] = field(default_factory=dict)
    #: What interrupted changes may have added, unknown to the journal by id or uid:
    #: articles by their unique words, highlights by their notes.
    possible_articles: set[str] = field(default_factory=set)
    possible_highlights: collections.Counter[str] = field(default_factory=collections.Counter)
    #: Every token the driver used (to search for the ones that must not be found).
    tokens: set[str] = field(default_factory=set)

    def replay(self, lines: list[dict[str, Any]]) -> str:
        """Apply one run's journal; returns what the kill interrupted."""
        begun: dict[str, Any] | None = None
        for line in lines:
            if line["phase"] == "begin":
                assert begun is None, f"two changes begun at once: {begun} {line}"
                begun = line
                self.tokens.update(_tokens(line))
            else:
                assert begun is not None and begun["op"] == line["op"], (begun, line)
                self.apply(line, certain=True)
                begun = None
        if begun is not None:
            self.apply(begun, certain=False)
            return str(begun["op"])
        return "between changes" if lines else "start-up"

    def article(self, line: dict[str, Any]) -> ArticleState:
        """The article a change began on: it existed then, holding the word ``was``."""
        article_id, word = int(line["article"]), str(line["was"])
        state = self.articles.get(article_id)
        if state is not None and word in state.words:
            assert state.present != "no", f"deleted article {article_id} came back: {line}"
        else:
            assert state is None or state.present != "yes", (
                f"article {article_id} holds {word}, not {state.words}"
            )
            # An article an interrupted import added (maybe with the id of a deleted
            # one: SQLite gives the id of a deleted last row to the next): known now.
            state = self.articles[article_id] = ArticleState({word})
        state.words, state.present = {word}, "yes"
        return state

    def highlight(self, uid: str) -> HighlightState:
        state = self.highlights.setdefault(uid, HighlightState(None))
        assert state.present != "no", f"a deleted highlight came back: {uid}"
        state.present = "yes"
        return state

    def apply(self, line: dict[str, Any], *, certain: bool) -> None:
        op = line["op"]
        if op == "import":
            if certain:
                assert len(line["article_ids"]) == len(line["words"]), line
                for article_id, word in zip(line["article_ids"], line["words"], strict=True):
                    self.articles[article_id] = ArticleState(
                        {word}, tags={frozenset()}, read={False}
                    )
            else:
                self.possible_articles.update(line["words"])
        elif op == "reimport":
            article = self.article(line)
            if certain:
                article.words = {line["word"]}
            else:
                article.words.add(line["word"])
        elif op == "add":
            self.article(line)
            if certain:
                self.highlights[line["uid"]] = HighlightState({line["note"]})
            else:
                self.possible_highlights[line["note"]] += 1
        elif op == "edit":
            highlight = self.highlight(line["uid"])
            if certain or highlight.notes is None:
                highlight.notes = {line["note"]} if certain else None
            else:
                highlight.notes.add(line["note"])
        elif op == "delete":
            for uid in line["uids"]:
                self.highlight(uid).present = "no" if certain else "maybe"
        elif op == "tags":
            article = self.article(line)
            tags = frozenset(line["tags"])
            if certain or article.tags is None:
                article.tags = {tags} if certain else None
            else:
                article.tags.add(tags)
        elif op == "read":
            article = self.article(line)
            if certain or article.read is None:
                article.read = {line["read"]} if certain else None
            else:
                article.read.add(line["read"])
        elif op == "delete_article":
            article = self.article(line)
            article.present = "no" if certain else "maybe"
            if not line["keep"]:
                for uid in line["uids"]:
                    self.highlight(uid).present = "no" if certain else "maybe"
        elif op == "check":
            assert not certain or not line["problems"], (
                f"the index disagrees with the store after a start: {line['problems']}"
            )
        else:
            assert op in ("open", "rebuild"), line


def _tokens(line: dict[str, Any]) -> set[str]:
    found = {*line.get("words", ()), *line.get("tags", ())}
    for key in ("word", "note"):
        if line.get(key):
            found.add(line[key])
    return found


@dataclass
class StoreState:
    """The database as it is after a kill, read with SQLite alone."""

    bodies: dict[int, str]
    read: dict[int, bool]
    tags: dict[int, frozenset[str]]
    #: uid -> (note, article id or None for an orphan)
    highlights: dict[str, tuple[str, int | None]]
    pending: int

    def words(self, article_id: int) -> set[str]:
        return set(WORD.findall(self.bodies[article_id]))


def read_store(db: Path) -> StoreState:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        assert integrity == ["ok"], integrity
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert foreign == [], foreign
        bodies = {
            int(r[0]): str(r[1])
            for r in conn.execute(
                "SELECT a.id, v.body FROM articles a "
                "JOIN article_versions v ON v.id = a.current_version_id"
            )
        }
        read = {int(r[0]): bool(r[1]) for r in conn.execute("SELECT id, is_read FROM articles")}
        assert set(bodies) == set(read), "articles without a current version"
        tags: dict[int, set[str]] = collections.defaultdict(set)
        for article_id, name in conn.execute(
            "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
        ):
            tags[int(article_id)].add(str(name))
        highlights = {
            str(r[0]): (str(r[1]), None if r[2] is None else int(r[2]))
            for r in conn.execute("SELECT uid, note, article_id FROM highlights")
        }
        pending = int(conn.execute("SELECT COUNT(*) FROM index_queue").fetchone()[0])
    finally:
        conn.close()
    return StoreState(bodies, read, {i: frozenset(t) for i, t in tags.items()}, highlights, pending)


def check_store(model: Model, store: StoreState) -> None:
    """Every change the journal says returned is in the store; nothing else is."""
    known: set[int] = set()
    for article_id, expected in model.articles.items():
        words = store.words(article_id) if article_id in store.bodies else set()
        if expected.present == "no":
            assert not words & expected.words, f"deleted article {article_id} is still there"
            continue
        if expected.present == "yes":
            assert words & expected.words, (
                f"article {article_id} is lost: it holds {words or 'nothing'}, not the "
                f"version the journal says ({expected.words})"
            )
        elif not words & expected.words:
            continue  # deleted by an interrupted change (its id may be taken again)
        known.add(article_id)
        tags = store.tags.get(article_id, frozenset())
        assert expected.tags is None or tags in expected.tags, (article_id, tags, expected)
        read = store.read[article_id]
        assert expected.read is None or read in expected.read, (article_id, read, expected)
    for article_id in set(store.bodies) - known:
        words = store.words(article_id)
        assert words and words <= model.possible_articles, (
            f"article {article_id} ({words}): no change that returned or was interrupted made it"
        )
    for uid, highlight in model.highlights.items():
        if highlight.present == "no":
            assert uid not in store.highlights, f"deleted highlight {uid} is still there"
            continue
        if uid not in store.highlights:
            assert highlight.present == "maybe", f"highlight {uid} is lost"
            continue
        note = store.highlights[uid][0]
        assert highlight.notes is None or note in highlight.notes, (
            f"highlight {uid} has the note {note!r}, not {highlight.notes}"
        )
    unknown = collections.Counter(
        note for uid, (note, _) in store.highlights.items() if uid not in model.highlights
    )
    assert unknown <= model.possible_highlights, (
        f"highlights no change that returned or was interrupted made: {unknown}"
    )


def check_index(library_path: Path, model: Model, store: StoreState, rng: random.Random) -> None:
    """The next start leaves the index agreeing with the store exactly."""
    code, out = run_cli("check", "--library", str(library_path))
    assert code == 0, f"the index disagrees with the store after a start:\n{out}"
    code, out = run_cli("check", "--repair", "--library", str(library_path))
    assert code == 0 and "repaired" not in out, out
    with SearchIndex.open(library_path / "index") as index:
        assert index.doc_count() == len(store.bodies)
    with Library.open(library_path, import_seeds=False) as library:
        report = library.check()
        assert report.ok and report.articles == report.indexed == len(store.bodies), report

        def found(query: str) -> set[int]:
            return {hit.article_id for hit in library.search(query, limit=100).hits}

        holders: dict[str, set[int]] = collections.defaultdict(set)
        for article_id in store.bodies:
            for word in store.words(article_id):
                holders[word].add(article_id)
        for word in _sample(rng, holders):
            assert found(word) == holders[word], f"search {word!r}"
        notes: dict[str, set[int]] = collections.defaultdict(set)
        for note, owner in store.highlights.values():
            if note:
                notes[note].update([] if owner is None else [owner])
        for note in _sample(rng, notes):
            assert found(f"note:{note}") == notes[note], f"search note:{note}"
        tagged: dict[str, set[int]] = collections.defaultdict(set)
        for article_id, tags in store.tags.items():
            for tag in tags:
                tagged[tag].add(article_id)
        for tag in _sample(rng, tagged):
            assert found(f"tag:{tag}") == tagged[tag], f"search tag:{tag}"
        gone = model.tokens - set(holders) - set(notes) - set(tagged)
        for token in _sample(rng, gone):
            query = {"qn": f"note:{token}", "tg": f"tag:{token}"}.get(token[:2], token)
            assert found(query) == set(), f"{query!r} finds what is no longer there"


def _sample(rng: random.Random, items: collections.abc.Collection[str]) -> list[str]:
    ordered = sorted(items)
    return rng.sample(ordered, min(SAMPLE, len(ordered)))


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(list(args))
    return code, out.getvalue()


# -- the driver's processes -----------------------------------------------------------


class Driver:
    """The driver's server (``--serve``), which forks one run per seed, each in a
    process group of its own."""

    def __init__(self, library_path: Path, workdir: Path) -> None:
        paths = (str(library_path), str(workdir))
        self.stderr = workdir / "driver.err"
        with self.stderr.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.crash_driver", "--serve", *paths],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                bufsize=0,
                start_new_session=True,
            )
        self._buffer = b""
        self._run: int | None = None  # the process id of the run going on
        self.expect("serving")

    def start(self, seed: int) -> int:
        """Start a run; returns its process id once it is opening the library."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{seed}\n".encode())
        self._run = int(self.expect("opening "))
        return self._run

    def expect(self, prefix: str) -> str:
        """Wait for the next line, which must start with ``prefix``; returns the rest."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + TIMEOUT_S
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, left))
            assert ready, f"nothing from the driver in {TIMEOUT_S:.0f} s (want {prefix!r})"
            chunk = self.proc.stdout.read(4096)
            assert chunk, f"the driver's server ended: {self.errors()}"
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        text = line.decode()
        assert text.startswith(prefix), f"{text!r} from the driver, not {prefix!r}: {self.errors()}"
        return text.removeprefix(prefix)

    def kill(self, pid: int, *, whole_group: bool) -> list[str]:
        """SIGKILL the run: its whole process group, or its main process only (as the
        out-of-memory killer would), whose helper processes must then end by themselves.
        Returns what the run's other processes were."""
        others = [kind for member, kind in group(pid) if member != pid]
        with contextlib.suppress(ProcessLookupError):  # it ended by itself: said below
            if whole_group:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        while (line := self.expect("")) == f"ready {pid}":  # a kill while it opened
            pass
        assert line == f"exit {pid} -{signal.SIGKILL}", f"{line}: {self.errors()}"
        self._run = None
        started = time.monotonic()
        while alive(pid):  # its helper processes (reaped by init)
            if time.monotonic() - started > (TIMEOUT_S if whole_group else ORPHANS_S):
                left = group(pid)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                raise AssertionError(f"processes outlived their app: {left}")
            time.sleep(0.005)
        return others

    def errors(self) -> str:
        return self.stderr.read_text(errors="replace")[-5000:]

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if self._run is not None:  # a check failed: the run is still going
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._run, signal.SIGKILL)
        self.proc.stdin.close()
        try:
            self.proc.wait(TIMEOUT_S)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # after a failure, a run too
            self.proc.wait(TIMEOUT_S)
            self.proc.stdout.close()


def alive(pgid: int) -> bool:
    if Path("/proc/self/stat").exists():
        return bool(group(pgid))
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def group(pgid: int) -> list[tuple[int, str]]:
    """The live processes of a process group, and what each is ("helper", "merger" —
    the low-priority one —, "tracker" or "starting"); [] where /proc is missing."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            cmdline = (stat.parent / "cmdline").read_bytes()
            if b"resource_tracker" in cmdline:
                kind = "tracker"
            elif b"spawn_main" in cmdline:
                kind = "merger" if int(fields[16]) > os.nice(0) else "helper"
            else:
                kind = "starting"  # forked, not yet running a program of its own
            found.append((int(stat.parent.name), kind))
    return found


def journal_lines(path: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    try:
        with path.open("rb") as journal:
            journal.seek(offset)
            data = journal.read()
    except FileNotFoundError:
        return [], offset
    assert data.endswith(b"\n") or not data, "a torn journal line"
    return [json.loads(line) for line in data.splitlines()], offset + len(data)


@contextlib.contextmanager
def explained(kill: int) -> Iterator[None]:
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\n(CRASH_SEED={SEED}, kill {kill} of CRASH_KILLS={KILLS})"
        ) from exc


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    library_path = tmp_path / "library"
    workdir = tmp_path / "work"
    workdir.mkdir()
    # A library whose seeds were imported and deleted: the command line, which imports
    # them into a new library, leaves it as it is.
    with Library.open(library_path) as library:
        for article in library.list_articles():
            library.delete_article(article.id, keep_highlights=False)
    rng = random.Random(SEED)
    model = Model()
    offset = 0
    phases: collections.Counter[str] = collections.Counter()
    spent: dict[str, float] = collections.defaultdict(float)
    clock = Clock(spent)
    driver = Driver(library_path, workdir)
    try:
        for kill in range(1, KILLS + 1):
            with explained(kill):
                clock("start and open")
                pid = driver.start(SEED * 100_000 + kill)
                if rng.random() < OPEN_SHARE:
                    clock("run")
                    time.sleep(rng.uniform(0, OPEN_DELAY))
                else:
                    assert driver.expect("ready ") == str(pid)
                    clock("run")
                    time.sleep(rng.uniform(0, MAX_DELAY))
                clock("kill and wait for the processes to end")
                whole_group = rng.random() >= MAIN_ONLY_SHARE
                others = driver.kill(pid, whole_group=whole_group)
                clock("check the store")
                lines, offset = journal_lines(workdir / JOURNAL, offset)
                phase = model.replay(lines)
                store = read_store(library_path / "library.sqlite")
                check_store(model, store)
                phases[phase] += 1
                if not whole_group:
                    phases["  the main process only"] += 1
                phases.update(f"  with a {kind} process" for kind in set(others) - {"tracker"})
                if store.pending:
                    phases["  with index changes queued"] += 1
                if (library_path / "index.new").exists():
                    phases["  during an index rebuild"] += 1
                if any(line["op"] == "open" and line.get("notices") for line in lines):
                    phases["  after an open that rebuilt the index"] += 1
                if kill % FULL_EVERY == 0 or kill == KILLS:
                    clock("check the index")
                    check_index(library_path, model, store, rng)
        clock("")
    finally:
        driver.close()
    elapsed = sum(spent.values())
    print(f"\n{KILLS} kills in {elapsed:.1f} s ({elapsed / KILLS:.2f} s each); killed in:")
    for phase, count in sorted(phases.items(), key=lambda item: (item[0][0] == " ", -item[1])):
        print(f"  {phase}: {count}")
    print(f"  ({len(model.articles)} articles and {len(model.highlights)} highlights journalled)")
    print("time spent:")
    for step, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {step}: {seconds:.1f} s")


class Clock:
    """Adds up the time spent in each step: ``clock(step)`` ends the last one."""

    def __init__(self, spent: dict[str, float]) -> None:
        self.spent = spent
        self.step = ""
        self.since = time.monotonic()

    def __call__(self, step: str) -> None:
        now = time.monotonic()
        if self.step:
            self.spent[self.step] += now - self.since
        self.step, self.since = step, now


HELPERS_SCRIPT = """
import os, signal, sys, threading
from pathlib import Path
from reader.core.search.helper import SegmentHelper, SegmentMerger

helper = SegmentHelper()
helper.ping()
merger = SegmentMerger()
merged = threading.Event()
merger.start(Path(sys.argv[1]), [], 16, lambda job: merged.set())  # fails: no index
merged.wait(60)
print("ready", flush=True)
sys.stdin.readline()
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_helper_processes_end_with_a_killed_app(tmp_path: Path) -> None:
    with (tmp_path / "stderr").open("wb") as stderr:  # the tracker warns of leaks there
        app = subprocess.Popen(
            [sys.executable, "-c", HELPERS_SCRIPT, str(tmp_path / "index")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )
    try:
        assert app.stdout is not None and app.stdin is not None
        assert app.stdout.readline() == "ready\n"
        kinds = sorted(kind for pid, kind in group(app.pid) if pid != app.pid)
        assert kinds == ["helper", "merger", "tracker"]
        app.stdin.write("die\n")
        app.stdin.flush()
        assert app.wait(TIMEOUT_S) == -signal.SIGKILL
        deadline = time.monotonic() + ORPHANS_S
        while group(app.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert group(app.pid) == [], "the helper processes outlived the app"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app.pid, signal.SIGKILL)
        app.wait(TIMEOUT_S)
        for stream in (app.stdin, app.stdout):
            if stream is not None:
                stream.close()
