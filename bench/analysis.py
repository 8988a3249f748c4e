"""python -m bench.analysis [--articles 10000] [--rounds 1] [--out FILE]

What coverage analysis costs an import: the same corpus imported with the analysers
(statements, people/places/organisations, same-story signatures) and with them all
switched off, alternately, in one run; medians and their ratio.
Two corpora: the benchmark's generated one (few reporting sentences) and wire copy
(the hand-labelled articles of tests/helpers/statement_gold.py, repeated with their
own titles: a reporting verb in almost every sentence, the extractor's worst case).
With ``--parts`` each analyser is also timed alone (the others off), in the same run, so
that the cost is attributed to statements, entities or stories.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import reader.core.library as library_module
from bench.corpus import generate
from bench.run import machine
from reader.core.analysis.entities import Gazetteer
from reader.core.analysis.statements import extract_statements
from reader.core.analysis.stories import Signatures
from reader.core.analysis.stories import signatures as _signatures
from reader.core.library import Library

_find = Gazetteer.find

ROOT = Path(__file__).resolve().parent.parent


def wire_corpus(folder: Path, articles: int) -> None:
    from tests.helpers.statement_gold import held_out, labelled

    texts = [a.text for a in (*labelled(), *held_out())]
    folder.mkdir(parents=True, exist_ok=True)
    per_file = 500
    for first in range(0, articles, per_file):
        lines = []
        for i in range(first, min(articles, first + per_file)):
            text = texts[i % len(texts)]
            body = text
            day = f"2019-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            record = {"id": f"wire-{i}", "title": f"Wire story {i}", "body": body,
                      "date": day, "source": "Wire"}  # fmt: skip
            lines.append(json.dumps(record))
        (folder / f"wire-{first // per_file:05d}.jsonl").write_text("\n".join(lines) + "\n")


def _no_entities(self: Any, text: str, title: str = "", people: Any = ()) -> list[Any]:
    return []


#: The analysers an import runs, each of which can be switched off.
PARTS = ("statements", "entities", "stories")


def timed_import(corpus: Path, on: frozenset[str]) -> tuple[float, int]:
    """Seconds to import ``corpus`` into a new library with only the analysers ``on``,
    and the statements found."""
    if "statements" not in on:
        library_module.extract_statements = lambda text, names=None: []  # type: ignore[attr-defined]
    if "entities" not in on:
        Gazetteer.find = _no_entities  # type: ignore[method-assign]
    if "stories" not in on:
        library_module.story.signatures = lambda text: Signatures(b"", b"")  # type: ignore[attr-defined]
    try:
        with (
            tempfile.TemporaryDirectory() as work,
            Library.open(Path(work) / "lib", import_seeds=False) as lib,
        ):
            started = time.perf_counter()
            lib.import_paths([corpus])
            elapsed = time.perf_counter() - started
            found = len(lib.statements())
    finally:
        library_module.extract_statements = extract_statements  # type: ignore[attr-defined]
        Gazetteer.find = _find  # type: ignore[method-assign]
        library_module.story.signatures = _signatures  # type: ignore[attr-defined]
    return elapsed, found


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1, help="imports of each kind per corpus")
    parser.add_argument(
        "--parts", action="store_true", help="also time each analyser alone (its cost)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / f"analysis-{time.strftime('%Y%m%d-%H%M%S')}.json",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "articles": args.articles, "corpora": {}}
    with tempfile.TemporaryDirectory() as work:
        corpora = {"generated": Path(work) / "generated", "wire": Path(work) / "wire"}
        generate(corpora["generated"], args.articles)
        wire_corpus(corpora["wire"], args.articles)
        print(f"{'corpus':<10} {'with (s)':>9} {'without (s)':>12} {'ratio':>6} {'statements':>11}")
        for name, corpus in corpora.items():
            kinds = {"without": frozenset[str](), "with": frozenset(PARTS)}
            if args.parts:
                kinds.update({f"{part}_only": frozenset({part}) for part in PARTS})
            times: dict[str, list[float]] = {kind: [] for kind in kinds}
            #: Statements found by each kind of import (none where the extractor is off).
            said: dict[str, int] = {}
            for _ in range(args.rounds):
                for kind, on in kinds.items():
                    elapsed, said[kind] = timed_import(corpus, on)
                    times[kind].append(elapsed)
            found = said["with"]
            medians = {kind: statistics.median(t) for kind, t in times.items()}
            w, wo = medians["with"], medians["without"]
            entry: dict[str, Any] = {"with_s": times["with"], "without_s": times["without"],
                                     "ratio": w / wo, "statements": found}  # fmt: skip
            for part in PARTS if args.parts else ():
                entry[f"{part}_only_s"] = times[f"{part}_only"]
                entry[f"{part}_only_ratio"] = medians[f"{part}_only"] / wo
                entry[f"{part}_only_statements"] = said[f"{part}_only"]
            results["corpora"][name] = entry
            print(f"{name:<10} {w:>9.1f} {wo:>12.1f} {w / wo:>6.2f} {found:>11,}")
            for part in PARTS if args.parts else ():
                alone = medians[f"{part}_only"]
                print(f"  {part + ' alone':<16} {alone:>5.1f} s  ratio {alone / wo:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
