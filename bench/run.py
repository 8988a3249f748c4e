"""The benchmark: the project's core against SQLite FTS5 on the same articles and queries.

Measured in one run, per corpus size: import + index time, time until the first articles
are searchable, adding one article and finding it, query + 20 snippets for every query
kind (with the ratio to FTS5 where FTS5 has the feature), cold start of a new process to
first results, window start to a usable list, peak memory, index size.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import CorpusInfo, generate, read_articles

ROOT = Path(__file__).resolve().parent.parent

#: Query kinds, in the order of the table.
KINDS = ("term", "and", "or", "phrase", "prefix", "fuzzy", "field", "date", "date_sort")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "max_ms": round(max(ms), 2),
        "n": len(ms),
    }


@dataclass
class Queries:
    """The same queries for both engines: ours (Whoosh syntax) and FTS5's, per kind."""

    ours: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (query, sort)
    fts: dict[str, list[tuple[str, str]] | None] = field(default_factory=dict)  # (match, extra)


def make_queries(info: CorpusInfo, count: int, seed: int = 7) -> Queries:
    rng = random.Random(seed)
    words = info.query_words
    sample_bodies = []
    for article in read_articles(info.files[:1]):
        sample_bodies.append(str(article["body"]))
        if len(sample_bodies) >= 200:
            break
    q = Queries()

    def pick() -> str:
        return rng.choice(words)

    def phrase() -> str:
        body = rng.choice(sample_bodies).lower()
        tokens = [t.strip(".,") for t in body.split() if t.strip(".,").isalpha()]
        i = rng.randrange(len(tokens) - 1)
        return f"{tokens[i]} {tokens[i + 1]}"

    def misspell(word: str) -> str:
        i = rng.randrange(1, len(word))
        letter = rng.choice("aeiourstn")
        return word[:i] + letter + word[i + 1 :]

    ours: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    fts: dict[str, list[tuple[str, str]] | None] = {k: [] for k in KINDS}
    for _ in range(count):
        a, b = pick(), pick()
        year = rng.randrange(2015, 2025)
        ours["term"].append((a, "relevance"))
        ours["and"].append((f"{a} {b}", "relevance"))
        ours["or"].append((f"{a} OR {b}", "relevance"))
        p = phrase()
        ours["phrase"].append((f'"{p}"', "relevance"))
        ours["prefix"].append((f"{a[:4]}*", "relevance"))
        ours["fuzzy"].append((f"{misspell(a)}~", "relevance"))
        ours["field"].append((f"title:{a}", "relevance"))
        ours["date"].append((f"{a} date:{year}", "relevance"))
        ours["date_sort"].append((a, "date"))
        assert fts["term"] is not None
        fts["term"].append((a, ""))
        fts["and"].append((f"{a} {b}", ""))  # type: ignore[union-attr]
        fts["or"].append((f"{a} OR {b}", ""))  # type: ignore[union-attr]
        fts["phrase"].append((f'"{p}"', ""))  # type: ignore[union-attr]
        fts["prefix"].append((f"{a[:4]}*", ""))  # type: ignore[union-attr]
        fts["field"].append((f"title:{a}", ""))  # type: ignore[union-attr]
        fts["date"].append((a, f"year:{year}"))  # type: ignore[union-attr]
        fts["date_sort"].append((a, "sort:date"))  # type: ignore[union-attr]
    fts["fuzzy"] = None  # FTS5 has no fuzzy matching
    q.ours = ours
    q.fts = fts
    return q


# -- our core ---------------------------------------------------------------------------


def measure_core(info: CorpusInfo, queries: Queries, work: Path, adds: int) -> dict[str, Any]:
    from reader.core.library import Library

    result: dict[str, Any] = {}
    library_path = work / "library"
    library = Library.open(library_path, import_seeds=False)
    # Import + index, with a watcher for the first searchable articles.
    started = time.perf_counter()
    first_hit: list[float] = []
    done = threading.Event()

    def watch() -> None:
        probe = info.first_title_word
        while not done.is_set():
            try:
                if library.search(f"title:{probe}", limit=1).hits:
                    first_hit.append(time.perf_counter() - started)
                    return
            except Exception:
                pass
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    report = library.import_paths(info.files)
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join(5)
    assert report.imported == info.articles, report
    segments_after_import = library.index_segments
    library.wait_for_index_merges()
    settled = time.perf_counter() - started
    if not first_hit and library.search(f"title:{info.first_title_word}", limit=1).hits:
        # The watcher did not look between the first commit and the end of the import
        # (a small corpus in one file): the first articles were searchable at the end.
        first_hit.append(elapsed)
    result["import"] = {
        "seconds": round(elapsed, 1),
        "articles_per_s": round(info.articles / elapsed, 1),
        "first_searchable_s": round(first_hit[0], 2) if first_hit else None,
        # Background merges go on after the import; the queries below run after them.
        "merges_settled_s": round(settled, 1),
        "segments_after_import": segments_after_import,
        "segments": library.index_segments,
    }

    # Add one article and find it.
    add_times = []
    for i in range(adds):
        story = work / f"added-{i}.txt"
        token = f"zqxadded{i}"
        story.write_text(
            f"Added story {i}\n\nMOSCOW (Reuters) - The {token} talks ended today.\n",
            encoding="utf-8",
        )
        t0 = time.perf_counter()
        library.import_paths([story])
        while not library.search(token, limit=1).hits:
            time.sleep(0.001)
        add_times.append(time.perf_counter() - t0)
    result["add_and_find"] = summary(add_times)

    # Queries with 20 snippets.
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        times = []
        hits = []
        partial = 0
        for query, sort in queries.ours[kind]:
            t0 = time.perf_counter()
            page = library.search(query, limit=20, sort=sort)
            times.append(time.perf_counter() - t0)
            hits.append(page.total)
            partial += int(page.partial)
        kinds[kind] = summary(times) | {
            "median_hits": statistics.median(hits),
            "partial": partial,
        }
    result["queries"] = kinds
    library.close()
    result["index_bytes"] = _folder_bytes(library_path / "index")
    result["database_bytes"] = _folder_bytes(library_path) - result["index_bytes"]
    result["index_bytes_per_article"] = round(result["index_bytes"] / info.articles)
    result["cold_start"] = _cold_start(library_path, queries.ours["term"][0][0])
    result["window"] = _window_start(library_path)
    return result


def _folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


#: Peak memory of the child process itself (VmHWM; ru_maxrss would include the
#: parent's high-water mark, inherited across fork).
PEAK_RSS = """
def peak_rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _run_child(code: str, env_extra: dict[str, str] | None = None) -> tuple[float, dict[str, Any]]:
    code = PEAK_RSS + code
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(env_extra or {})
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def _cold_start(library_path: Path, query: str) -> dict[str, Any]:
    """A new process: start, open the library, first results. The clock runs from just
    before the process is spawned to the first results; the 20 searches after that only
    feed the peak-memory figure (a library in use, not just opened)."""
    walls = []
    rss = []
    for _ in range(5):
        code = f"""
import json, time
from pathlib import Path
from reader.core.library import Library
lib = Library.open(Path({str(library_path)!r}), import_seeds=False)
page = lib.search({query!r}, limit=20)
first = time.time() - {time.time()!r}
for _ in range(20):
    lib.search({query!r}, limit=20)
print(json.dumps({{"hits": page.total, "first": first,
                  "peak_rss_mb": peak_rss_mb()}}))
"""
        _wall, data = _run_child(code)
        walls.append(data["first"])
        rss.append(data["peak_rss_mb"])
    return {
        "to_first_results": summary(walls),
        "peak_rss_mb_library_open": round(max(rss), 1),
    }


def _window_start(library_path: Path) -> dict[str, Any]:
    """A new process to a window whose article list shows rows (offscreen), timed from
    just before the process is spawned."""
    walls = []
    rss = []
    for _ in range(3):
        code = f"""
import json, tempfile, time
from pathlib import Path
from PySide6.QtCore import QSettings
from reader.ui.app import make_application
app = make_application([])
from reader.core.library import Library
from reader.ui.main_window import MainWindow
lib = Library.open(Path({str(library_path)!r}), import_seeds=False, rebuild_later=True)
settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
win = MainWindow(lib, settings)
win.show()
while win.article_model.rowCount() == 0:
    app.processEvents()
app.processEvents()
usable = time.time() - {time.time()!r}
print(json.dumps({{"rows": win.article_model.rowCount(), "usable": usable,
                  "peak_rss_mb": peak_rss_mb()}}))
win.close()
lib.close()
"""
        _wall, data = _run_child(code, {"QT_QPA_PLATFORM": "offscreen"})
        walls.append(data["usable"])
        rss.append(data["peak_rss_mb"])
    return {"to_usable_list": summary(walls), "peak_rss_mb": round(max(rss), 1)}


# -- SQLite FTS5 --------------------------------------------------------------------------


def measure_fts5(info: CorpusInfo, queries: Queries, work: Path) -> dict[str, Any]:
    db_path = work / "fts5.sqlite"
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE articles(id INTEGER PRIMARY KEY, title TEXT, body TEXT, date TEXT, "
        "source TEXT)"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='articles', "
        "content_rowid='id', tokenize='porter unicode61')"
    )
    conn.execute("CREATE INDEX articles_date ON articles(date)")
    started = time.perf_counter()
    batch: list[tuple[str, str, str, str]] = []

    def flush() -> None:
        with conn:
            for row in batch:
                cur = conn.execute(
                    "INSERT INTO articles(title, body, date, source) VALUES (?, ?, ?, ?)", row
                )
                conn.execute(
                    "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                    (cur.lastrowid, row[0], row[1]),
                )
        batch.clear()

    for article in read_articles(info.files):
        batch.append(
            (
                str(article["title"]),
                str(article["body"]),
                str(article["date"]),
                str(article["source"]),
            )
        )
        if len(batch) >= 1000:
            flush()
    if batch:
        flush()
    elapsed = time.perf_counter() - started
    result: dict[str, Any] = {
        "import": {
            "seconds": round(elapsed, 1),
            "articles_per_s": round(info.articles / elapsed, 1),
        }
    }
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        qs = queries.fts[kind]
        if qs is None:
            kinds[kind] = None
            continue
        times = []
        hits = []
        for match, extra in qs:
            t0 = time.perf_counter()
            hits.append(_fts_query(conn, match, extra))
            times.append(time.perf_counter() - t0)
        kinds[kind] = summary(times) | {"median_hits": statistics.median(hits)}
    result["queries"] = kinds
    conn.close()
    result["index_bytes"] = db_path.stat().st_size
    return result


def _fts_query(conn: sqlite3.Connection, match: str, extra: str) -> int:
    """Run one query with 20 snippets; return how many articles match in all (as our
    search reports a total too)."""
    snippet = "snippet(fts, 1, '<mark>', '</mark>', '…', 24)"
    if extra.startswith("year:"):
        year = int(extra[5:])
        where = "fts MATCH ? AND a.date >= ? AND a.date < ?"
        args: tuple[Any, ...] = (match, f"{year}", f"{year + 1}")
        order = "bm25(fts, 2.0, 1.0)"
    elif extra == "sort:date":
        where, args, order = "fts MATCH ?", (match,), "a.date DESC"
    else:
        where, args, order = "fts MATCH ?", (match,), "bm25(fts, 2.0, 1.0)"
    rows = conn.execute(
        f"SELECT fts.rowid, {snippet} FROM fts JOIN articles a ON a.id = fts.rowid "
        f"WHERE {where} ORDER BY {order} LIMIT 20",
        args,
    ).fetchall()
    assert len(rows) <= 20
    total = conn.execute(
        f"SELECT count(*) FROM fts JOIN articles a ON a.id = fts.rowid WHERE {where}", args
    ).fetchone()[0]
    return int(total)


# -- the run -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "system": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import whoosh

        info["whoosh"] = whoosh.versionstring()
    except ImportError:
        pass
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with Path("/proc/meminfo").open(encoding="utf-8") as handle:
            info["memory_gb"] = round(int(handle.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


def run(
    sizes: list[int],
    *,
    queries_per_kind: int,
    adds: int,
    out: Path,
    keep: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                               "sizes": {}}  # fmt: skip
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"coverage-bench-{size}-"))
        try:
            log(f"corpus: {size:,} articles …")
            info = generate(work / "corpus", size)
            queries = make_queries(info, queries_per_kind)
            log("core: import, index, queries, cold start, window …")
            core = measure_core(info, queries, work, adds)
            log("SQLite FTS5 …")
            fts = measure_fts5(info, queries, work)
            ratios = {}
            for kind in KINDS:
                if fts["queries"].get(kind):
                    ratios[kind] = round(
                        core["queries"][kind]["p50_ms"] / max(fts["queries"][kind]["p50_ms"], 0.01),
                        1,
                    )
                else:
                    ratios[kind] = None
            results["sizes"][str(size)] = {"core": core, "fts5": fts, "ratio_p50": ratios}
            log(table(size, results["sizes"][str(size)]))
        finally:
            if keep is not None:
                shutil.move(str(work), keep / f"bench-{size}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out}")
    return results


def table(size: int, data: dict[str, Any]) -> str:
    core, fts, ratio = data["core"], data["fts5"], data["ratio_p50"]
    lines = [
        f"\n== {size:,} articles",
        f"import + index: {core['import']['seconds']} s ({core['import']['articles_per_s']} "
        f"articles/s; first searchable after {core['import']['first_searchable_s']} s)   "
        f"FTS5: {fts['import']['seconds']} s ({fts['import']['articles_per_s']} articles/s)",
        f"background merges done after {core['import']['merges_settled_s']} s "
        f"({core['import']['segments_after_import']} -> {core['import']['segments']} segments)",
        f"add one article and find it: p50 {core['add_and_find']['p50_ms']} ms, "
        f"p95 {core['add_and_find']['p95_ms']} ms",
        "",
        f"{'query + 20 snippets':<20}{'ours p50':>10}{'ours p95':>10}{'FTS5 p50':>10}"
        f"{'FTS5 p95':>10}{'ratio':>8}{'hits ours/FTS5':>18}",
    ]
    for kind in KINDS:
        ours = core["queries"][kind]
        other = fts["queries"][kind]
        lines.append(
            f"{kind:<20}{ours['p50_ms']:>10.1f}{ours['p95_ms']:>10.1f}"
            + (
                f"{other['p50_ms']:>10.1f}{other['p95_ms']:>10.1f}"
                if other
                else f"{'—':>10}{'—':>10}"
            )
            + (f"{ratio[kind]:>7}×" if ratio[kind] is not None else f"{'—':>8}")
            + f"{ours['median_hits']:>10}/{other['median_hits'] if other else '—'}"
            + (f"  ({ours['partial']} partial)" if ours["partial"] else "")
        )
    cold = core["cold_start"]
    lines += [
        "",
        f"cold process to first results: p50 {cold['to_first_results']['p50_ms']} ms   "
        f"window to a usable list: p50 {core['window']['to_usable_list']['p50_ms']} ms",
        f"peak RSS: library open {cold['peak_rss_mb_library_open']} MB, window "
        f"{core['window']['peak_rss_mb']} MB   index: {core['index_bytes'] / 2**20:.1f} MB "
        f"({core['index_bytes_per_article']} bytes/article; FTS5 database "
        f"{fts['index_bytes'] / 2**20:.1f} MB)",
    ]
    return "\n".join(lines)
