"""The reworded tier: how long a claim takes to link when the meaning signal runs, at scale.

A synthetic corpus (``bench_linking``'s) with the claims of ``tests/claim_edits.py`` planted
among it: each claim in one article, and the same claim told again in other words
(``RETOLD``) in another. Every claim is tagged, then linked one at a time on a cold matcher
(no article or sentence cached), alternately with strings only and with the meaning signal,
so both see the same machine state. Reported: per-claim latency min / median / p95 /
max for each, the re-told claims found, the model's load time and memory, peak RSS.

Run: ``python tests/bench/bench_reworded.py [--articles 100000] [--claims 40]``.
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

from newsmark.annotations.linking import links  # noqa: E402
from newsmark.annotations.linking.index import index_pending  # noqa: E402
from newsmark.annotations.linking.matching import Matcher  # noqa: E402
from newsmark.annotations.linking.meaning import embedder  # noqa: E402
from newsmark.annotations.spans import store  # noqa: E402
from newsmark.corpus.articles import NewArticle, add_article  # noqa: E402
from newsmark.corpus.db import connect  # noqa: E402
from tests.bench.bench_linking import build_corpus, pct, rss_mb  # noqa: E402
from tests.bench.corpus_gen import article_text  # noqa: E402
from tests.claim_edits import claims, retold  # noqa: E402


def rss_now_mb() -> float:
    """Resident memory now (the peak includes building the corpus)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def stats(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{min(ms):6.1f} / {statistics.median(ms):6.1f} / {pct(ms, 0.95):6.1f} / {max(ms):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--dir", default=None, help="Folder for the temporary database.")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "reworded.db"
        t = time.perf_counter()
        build_corpus(path, args.articles, 5_000, 0)
        db = connect(path)
        plants = []
        for n, claim in enumerate(claims()[: args.claims]):
            before, after = article_text(120, seed=n), article_text(120, seed=n + 999)
            source = add_article(
                db, NewArticle(title=f"Claim {n}", text=f"{before}\n\n{claim.text}\n\n{after}")
            )[0]
            told = retold(claim, rng)
            target = add_article(
                db, NewArticle(title=f"Told {n}", text=f"{after}\n\n{told}\n\n{before}")
            )[0]
            start = len(before) + 2
            ann = store.create_annotation(
                db, source, start, start + len(claim.text), "claim", "bench"
            )
            plants.append((ann, target))
        index_pending(db)
        print(
            f"{args.articles:,} articles + {2 * len(plants)} planted, built in "
            f"{time.perf_counter() - t:.0f} s"
        )
        before_model = rss_now_mb()
        t = time.perf_counter()
        embedder().embed(["load the model"])
        print(
            f"model load: {time.perf_counter() - t:.2f} s; resident memory"
            f" {before_model:.0f} MB before, {rss_now_mb():.0f} MB after"
        )
        strings: list[float] = []
        meaning: list[float] = []
        found = 0
        for ann, target in plants:
            t = time.perf_counter()
            links.suggest(db, Matcher(db, meaning=None), ann)
            strings.append(time.perf_counter() - t)
            t = time.perf_counter()
            got = links.suggest(db, Matcher(db), ann)
            meaning.append(time.perf_counter() - t)
            found += any(lk.target_article_id == target for lk in got)
        db.close()
    print(f"per claim, strings only:       {stats(strings)} (min / median / p95 / max)")
    print(f"per claim, with meaning:       {stats(meaning)}")
    print(f"re-told claims found: {found}/{len(plants)} (strings and meaning together)")
    print(f"resident memory at the end: {rss_now_mb():.0f} MB (peak {rss_mb():.0f} MB)")


if __name__ == "__main__":
    main()
