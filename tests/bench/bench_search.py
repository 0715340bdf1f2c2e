"""Search-all (``newsmark search``, ctrl+f in the app) at the speed of typing.

A synthetic corpus (``bench_linking``'s: invented words with a Zipf-like frequency, so the
shortest words are the most common, as "of" and "to" are in English) with quotes planted
from one article into another. Each query is a planted quote, searched whole (a pasted
sentence) and as typed: its first 3, 6 and 10 words, the last word cut to 3 letters
(search-as-you-type). Reported per query in-process, min / median / p95, next to the
yardstick: one bare FTS5 query for the same words (every word required, no prefixes).

Run: ``python tests/bench/bench_search.py [--articles 10000] [--queries 100]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.linking.index import index_pending  # noqa: E402
from newsmark.annotations.linking.matching import search_corpus  # noqa: E402
from newsmark.corpus.db import connect  # noqa: E402
from tests.bench.bench_linking import build_corpus, pct  # noqa: E402


def queries(quotes: list[tuple[str, int, int]], n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    picked = rng.sample(quotes, min(n, len(quotes)))
    out: list[str] = []
    for quote, _source, _target in picked:
        words = quote.split()
        out.append(quote)
        for k in (3, 6, 10):
            typed = words[:k]
            typed[-1] = typed[-1][:3]
            out.append(" ".join(typed))
    return out


def bare_fts(db, query: str) -> None:  # type: ignore[no-untyped-def]
    terms = " ".join(f'"{w}"' for w in query.lower().replace(".", " ").split()[:32])
    db.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 60",
        [terms],
    ).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--dir", default=None, help="Folder for the temporary database.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "search.db"
        quotes = build_corpus(path, args.articles, 5_000, args.queries * 2)
        db = connect(path)
        index_pending(db)
        qs = queries(quotes, args.queries)
        search_corpus(db, qs[0])  # the vocabulary is read once per corpus size
        ours: dict[str, list[float]] = {"sentence": [], "typed": []}
        yard: list[float] = []
        found = 0
        for i, q in enumerate(qs):
            kind = "sentence" if i % 4 == 0 else "typed"
            t = time.perf_counter()
            hits = search_corpus(db, q)
            ours[kind].append(time.perf_counter() - t)
            t = time.perf_counter()
            bare_fts(db, q)
            yard.append(time.perf_counter() - t)
            if kind == "sentence":
                target = quotes[[x[0] for x in quotes].index(q)][2]
                found += any(h.article_id == target for h in hits)
        db.close()
    print(f"{args.articles:,} articles, {len(qs)} queries (1 in 4 a whole quote)")
    for kind, values in ours.items():
        ms = [v * 1000 for v in values]
        print(
            f"search_corpus, {kind:8}: {min(ms):7.1f} / {statistics.median(ms):7.1f} /"
            f" {pct(ms, 0.95):7.1f} ms (min / median / p95)"
        )
    ms = [v * 1000 for v in yard]
    print(
        f"bare FTS5 query (yardstick): {min(ms):6.1f} / {statistics.median(ms):6.1f} /"
        f" {pct(ms, 0.95):6.1f} ms"
    )
    print(f"whole quotes finding their planted copy: {found}/{len(ours['sentence'])}")


if __name__ == "__main__":
    main()
