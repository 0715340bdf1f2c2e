"""``newsmark spark link`` against the same scan in one process: articles/s per core.

A JSONL corpus of generated articles (``bench_linking``'s invented words, ~5,000
characters) and an annotations export of ``--claims`` quotes taken from its first articles
(12-24 words each), each planted once more in a later article. The same passes
(:mod:`newsmark.annotations.linking.farplan`: counts, candidates, the choice per claim, the
reworded tier, with ``$NEWSMARK_MEANING`` as set) run in one process (one core) and on a
local Spark (``local[2]``, session start reported apart). Spark is for clusters: on 2
cores it is not faster than one process; the point is the per-core rate to plan with.

Run: ``python tests/bench/bench_spark.py [--articles 20000] [--claims 1000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.linking import farplan  # noqa: E402
from newsmark.annotations.linking.farlink import jsonl_articles, read_claims  # noqa: E402
from newsmark.annotations.linking.farplan import link_archive  # noqa: E402
from newsmark.annotations.linking.meaning import configured_model  # noqa: E402
from newsmark.corpus.articles import sha256_text  # noqa: E402
from newsmark.corpus.normalise import normalise_text  # noqa: E402
from tests.bench.bench_linking import make_article, vocabulary  # noqa: E402


def build(root: Path, articles: int, claims: int) -> tuple[Path, Path]:
    """The corpus, and claims quoted from its first articles, each planted once more in a
    later article (so each has a link to find)."""
    rng = random.Random(9)
    vocab, cum = vocabulary(random.Random(11))
    sources = [make_article(random.Random(n), vocab, cum, 5_000) for n in range(claims)]
    quotes = []
    for text in sources:
        words = text.split()
        at = rng.randrange(0, len(words) - 30)
        quotes.append(" ".join(words[at : at + rng.randint(12, 24)]))
    corpus = root / "corpus.jsonl"
    with open(corpus, "w") as out:
        for n in range(articles):
            text = sources[n] if n < claims else make_article(random.Random(n), vocab, cum, 5_000)
            if claims <= n < 2 * claims:
                at = text.find(". ", len(text) // 2) + 2
                text = text[:at] + quotes[n - claims] + ". " + text[at:]
            out.write(json.dumps({"title": f"Article {n}", "text": text}) + "\n")
    export = root / "annotations.jsonl"
    with open(export, "w") as out:
        out.write(json.dumps({"format": "newsmark-annotations", "version": 1}) + "\n")
        for i, (text, quote) in enumerate(zip(sources, quotes, strict=True)):
            sha = sha256_text(normalise_text(text).strip("\n"))
            record = {
                "id": f"claim-{i}",
                "quote": quote,
                "label": "claim",
                "article": {"sha256": sha},
            }
            out.write(json.dumps(record) + "\n")
    return corpus, export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=1_000)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--json", action="store_true", help="end with the rates as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        corpus, export = build(root, args.articles, args.claims)
        claims = read_claims(export)
        size = len(json.dumps([c.__dict__ for c in claims.claims])) + 16 * sum(
            len(v) + 1 for v in claims.index.values()
        )

        def one_process() -> tuple[float, int]:
            farplan._caches.clear()  # no sentence embedded by an earlier run
            t = time.perf_counter()
            with open(corpus) as stream:
                lines = ((f"c:{i}", line) for i, line in enumerate(stream))
                articles = [(i, a) for i, (_w, a) in enumerate(jsonl_articles(lines))]
            records, _errors = link_archive(articles, claims, configured_model())  # type: ignore[arg-type]
            return time.perf_counter() - t, len(records)

        # One process before and after Spark, their mean the yardstick: a shared machine's
        # load drifts, and one run on either side of the job sees what it saw.
        before, found = one_process()
        print(
            f"{args.articles:,} articles, {len(claims.claims):,} claims"
            f" (broadcast ~{size / 2**20:.1f} MB)"
        )
        print(
            f"the same passes in one process: {before:.1f} s = {args.articles / before:,.0f}"
            f" articles/s; {found} links"
        )
        from pyspark.sql import SparkSession

        from newsmark.annotations.linking.sparkjob import LOCAL_JAVA_OPTIONS, run

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors import newsmark
        t = time.perf_counter()
        (  # as newsmark spark link starts a local Spark
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.extraJavaOptions", LOCAL_JAVA_OPTIONS)
            .getOrCreate()
        )
        startup = time.perf_counter() - t
        t = time.perf_counter()
        summary = run([str(corpus)], export, root / "out", "local[2]", 4)
        job = time.perf_counter() - t
        print(
            f"Spark local[2]: session start {startup:.1f} s; job {job:.1f} s ="
            f" {args.articles / job:,.0f} articles/s, {args.articles / job / 2:,.0f} per core;"
            f" {summary['links']} links"
        )
        after, _ = one_process()
        one = (before + after) / 2
        print(
            f"the same passes in one process, again: {after:.1f} s = {args.articles / after:,.0f}"
            f" articles/s; mean {args.articles / one:,.0f} articles/s"
        )
        print(
            f"per core, Spark / one process: {args.articles / job / 2 / (args.articles / one):.0%}"
        )
        if args.json:  # for run_all.py
            rates = {"spark_per_core": args.articles / job / 2, "one_process": args.articles / one}
            print(json.dumps(rates))


if __name__ == "__main__":
    main()
