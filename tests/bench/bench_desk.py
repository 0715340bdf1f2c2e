"""The annotator's desk at scale: the browser's queries and the statistics over 100,000
annotations (``bench_linking``'s corpus, 10,000 articles, 10 annotations each, 4 labels, 5
annotators, 20 outlets). In-process, min / median / max of ``--repeat`` runs each.

Run: ``python tests/bench/bench_desk.py [--articles 10000] [--per-article 10]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.desk.agreement import agreement  # noqa: E402
from newsmark.annotations.desk.browse import Query, count, find  # noqa: E402
from newsmark.annotations.desk.stats import stats  # noqa: E402
from newsmark.corpus.db import connect, write  # noqa: E402
from tests.bench.bench_linking import build_corpus  # noqa: E402

LABELS = ("claim", "denial", "source", "figure")
PEOPLE = ("ann", "bob", "cyd", "dee", "eve")


def populate(path: Path, articles: int, per_article: int) -> int:
    build_corpus(path, articles, 5_000, 0)
    db = connect(path)
    rng = random.Random(3)
    rows = []
    for aid, text in db.execute("SELECT id, text FROM articles"):
        db.execute("UPDATE articles SET outlet = ? WHERE id = ?", [f"Outlet {aid % 20}", aid])
        for _ in range(per_article):
            start = rng.randrange(0, len(text) - 80)
            start = text.find(" ", start) + 1
            end = text.find(" ", start + rng.randint(20, 70))
            if start <= 0 or end <= start:
                continue
            rows.append(
                (
                    str(uuid.uuid4()),
                    aid,
                    start,
                    end,
                    text[start:end],
                    rng.choice(LABELS),
                    rng.choice(PEOPLE),
                    "2026-03-01T00:00:00Z",
                )
            )
    with write(db):
        db.conn.executemany(
            'INSERT INTO annotations (uuid, article_id, start, "end", quote, label, annotator,'
            " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r, r[-1]) for r in rows],
        )
    db.close()
    return len(rows)


def timed(fn, repeat: int) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--per-article", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "desk.db"
        total = populate(path, args.articles, args.per_article)
        db = connect(path)
        times, _ = timed(lambda: (find(db, Query(), limit=5_000), count(db, Query())), args.repeat)
        print(
            f"{'the browser opening (5,000 + count)':34}: {min(times):7.1f} /"
            f" {statistics.median(times):7.1f} / {max(times):7.1f} ms"
        )
        cases = {
            "everything, every row": Query(),
            "one label": Query(labels=["denial"]),
            "one annotator and outlet": Query(annotators=["bob"], outlets=["Outlet 3"]),
            "one article": Query(articles=[42]),
            "links: none": Query(links="none"),
            "fuzzy text over all quotes": Query(text="the ministry said"),
            "fuzzy text within a label": Query(labels=["claim"], text="the ministry said"),
        }
        print(f"{total:,} annotations over {args.articles:,} articles")
        for name, query in cases.items():
            times, rows = timed(lambda q=query: find(db, q), args.repeat)
            print(
                f"{name:34}: {min(times):7.1f} / {statistics.median(times):7.1f} /"
                f" {max(times):7.1f} ms, {len(rows):,} rows"  # type: ignore[arg-type]
            )
        times, _ = timed(lambda: stats(db), args.repeat)
        print(
            f"{'statistics':34}: {min(times):7.1f} / {statistics.median(times):7.1f} /"
            f" {max(times):7.1f} ms"
        )
        times, _ = timed(lambda: agreement(db), 1)
        print(f"{'agreement (5 annotators)':34}: {times[0]:7.1f} ms (one run)")
        db.close()


if __name__ == "__main__":
    main()
