"""The benchmark runs (a reduced corpus, as a smoke test: no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.corpus import generate
from bench.run import KINDS

ROOT = Path(__file__).resolve().parent.parent


def test_the_corpus_repeats_and_looks_like_news(tmp_path: Path) -> None:
    one = generate(tmp_path / "a", 120)
    two = generate(tmp_path / "b", 120)
    assert [p.read_bytes() for p in one.files] == [p.read_bytes() for p in two.files]
    lines = one.files[0].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 120
    article = json.loads(lines[0])
    assert {"title", "body", "date", "source", "tags"} <= set(article)
    assert 400 <= len(article["body"]) <= 20_000
    assert one.query_words and one.first_title_word in article["title"].lower()


def test_a_reduced_benchmark_run_writes_every_measurement(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "1000", "--queries", "3", "--adds", "2",
         "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "query + 20 snippets" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    result = data["sizes"]["1000"]
    core, fts = result["core"], result["fts5"]
    assert core["import"]["articles_per_s"] > 0 and fts["import"]["articles_per_s"] > 0
    assert core["import"]["first_searchable_s"] is not None
    assert set(core["queries"]) == set(KINDS)
    for kind in KINDS:
        assert core["queries"][kind]["n"] == 3
    assert fts["queries"]["fuzzy"] is None and result["ratio_p50"]["fuzzy"] is None
    # The same queries find the same articles where both engines have the feature.
    for kind in ("term", "or", "phrase", "field", "date", "date_sort"):
        assert core["queries"][kind]["median_hits"] == fts["queries"][kind]["median_hits"], kind
    assert core["cold_start"]["peak_rss_mb_library_open"] > 0
    assert core["window"]["to_usable_list"]["p50_ms"] > 0
    assert core["index_bytes_per_article"] > 0
    assert data["machine"]["cpus"]


def test_the_analysis_benchmark_runs_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "analysis.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.analysis", "--articles", "60", "--parts", "--out",
         str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split() == ["corpus", "with", "(s)", "without", "(s)",
                                                   "ratio", "statements"]  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["corpora"]) == {"generated", "wire"}
    wire = data["corpora"]["wire"]
    assert wire["statements"] > 60  # every wire story says something
    assert len(wire["with_s"]) == len(wire["without_s"]) == 1
    # --parts: each analyser timed alone, in the table and the file; only the run with
    # the statement extractor on finds statements (the others are really switched off).
    for part in ("statements", "entities", "stories"):
        assert len(wire[f"{part}_only_s"]) == 1
        assert wire[f"{part}_only_ratio"] > 0
        expected = wire["statements"] if part == "statements" else 0
        assert wire[f"{part}_only_statements"] == expected, part
        assert any(line.split()[:2] == [part, "alone"] for line in proc.stdout.splitlines())
