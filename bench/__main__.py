"""python -m bench [--sizes 10000,100000] [--queries 30] [--out FILE]"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.run import run

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="corpus sizes, comma-separated (default: 10000,100000)",
    )
    parser.add_argument("--queries", type=int, default=30, help="queries per kind (default 30)")
    parser.add_argument("--adds", type=int, default=20, help="single-article adds (default 20)")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json",
        help="where to write the JSON (default: bench/results/bench-<time>.json)",
    )
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    run(sizes, queries_per_kind=args.queries, adds=args.adds, out=args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
