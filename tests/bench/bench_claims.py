"""Which edits linking follows: claims tagged in one article and printed, edited, in another.

``tests/claim_edits.py`` makes the claims and the edit types (our own invented reporting).
Each round builds a database of ten claims that share no clause, each planted with one
edit type (the types turn round by round, until each has ``--per-type`` plants), among
``--fillers`` generated articles, then runs ``newsmark link`` as a user would and reads the
links back. Reports recall per edit type, precision over all links, and false links of
5- and 8-word quotes.

Run: ``python tests/bench/bench_claims.py [--per-type 6] [--fillers 1000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.claim_edits import (  # noqa: E402
    EDIT_TYPES,
    SHORT_TYPES,
    Results,
    plant_and_link,
    rounds_for,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=6)
    parser.add_argument("--fillers", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    every = Results([], [])
    rounds = rounds_for(args.per_type)
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            results = plant_and_link(str(Path(tmp) / "claims.db"), r, args.fillers)
        every.plants += results.plants
        every.links += results.links
    recall = every.recall()
    print(f"{rounds} rounds, {len(every.plants)} plants, {args.fillers:,} other articles each")
    for kind in [t.name for t in EDIT_TYPES] + [name for name, _ in SHORT_TYPES]:
        n = sum(1 for p in every.plants if p.kind == kind)
        print(f"  {kind:28} recall {recall.get(kind, 0):.2f}  (n={n})")
    print(f"precision over all links: {every.precision():.3f} ({len(every.links)} links)")
    short = every.false_links({name for name, _ in SHORT_TYPES})
    print(f"false links of 5- and 8-word quotes: {len(short)}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
