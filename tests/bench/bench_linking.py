"""Linking benchmark: index build, add one article, per-span latency, plain-scan baseline.

Builds a synthetic corpus (invented words with a Zipf-like frequency, ~5,000 characters per
article, deterministic) in a temporary database, plants quotes (verbatim and with a word
changed) from one article into others, then measures:

- index build rate (articles/s) and adding one article to the built index;
- per-span link latency (median, p95) with the n-gram index, and its recall on the plants;
- a plain rapidfuzz scan (``partial_ratio_alignment`` over every article, texts normalised in
  advance) on a 1,000-article sample, extrapolated to the full corpus, and its recall;
- memory: the process's peak RSS growth while querying, and the index's size on disk;
- batch linking rate (spans/s).

Run: ``python tests/bench/bench_linking.py --articles 10000`` (and ``--articles 100000``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from newsmark.annotations.linking.index import index_article, rebuild_index  # noqa: E402
from newsmark.annotations.linking.matching import Matcher  # noqa: E402
from newsmark.annotations.linking.normtext import normalise  # noqa: E402
from newsmark.annotations.linking.postings import count_postings  # noqa: E402
from newsmark.corpus.articles import sha256_text  # noqa: E402
from newsmark.corpus.dates import now_iso  # noqa: E402
from newsmark.corpus.db import connect, write  # noqa: E402

SYLLABLES = [c + v for c in "bdfklmnprstv" for v in "aeiou" if c + v not in ("fu", "vu")]


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    ordered = sorted(words, key=lambda w: (len(w), w))
    weights, total = [], 0.0
    for rank in range(1, size + 1):
        total += 1.0 / rank
        weights.append(total)
    return ordered, weights


def make_article(rng: random.Random, vocab: list[str], cum: list[float], chars: int) -> str:
    words = rng.choices(vocab, cum_weights=cum, k=chars // 6)
    sentences, i = [], 0
    while i < len(words):
        n = rng.randint(8, 22)
        chunk = words[i : i + n]
        sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        i += n
    return " ".join(sentences)


def build_corpus(
    db_path: Path,
    n: int,
    chars: int,
    spans: int,
    seed: int = 11,
    make_text: Callable[[int], str] | None = None,
):
    """Insert ``n`` articles; plant ``spans`` quotes. Returns [(quote, source, target)].

    ``make_text(i)`` writes article ``i`` (``newslike.NewsText``, say); by default, the
    invented words with a Zipf-like frequency."""
    rng = random.Random(seed)
    vocab, cum = vocabulary(rng)
    plants: list[tuple[int, int, int, bool]] = []
    for _ in range(spans):
        source, target = rng.randrange(n), rng.randrange(n)
        if source != target:
            plants.append((source, target, rng.randrange(0, chars - 400), rng.random() < 0.5))
    by_target: dict[int, list[tuple[int, int, bool]]] = {}
    for source, target, offset, edit in plants:
        by_target.setdefault(target, []).append((source, offset, edit))
    texts: dict[int, str] = {}
    quotes: list[tuple[str, int, int]] = []
    db = connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    batch: list[tuple[object, ...]] = []
    stamp = now_iso()

    def text_of(i: int) -> str:
        if i not in texts:
            texts[i] = (
                make_text(i)
                if make_text is not None
                else make_article(random.Random(seed * 1_000_003 + i), vocab, cum, chars)
            )
        return texts[i]

    for i in range(n):
        text = text_of(i)
        for source, offset, edit in by_target.get(i, []):
            src = text_of(source)
            start = src.find(" ", offset) + 1
            words = src[start:].split(" ")[: rng.randint(12, 30)]
            quote = " ".join(words)
            planted = list(words)
            if edit:
                planted[len(planted) // 2] = rng.choice(vocab)
            at = text.find(". ", rng.randrange(len(text) // 2)) + 2
            text = text[:at] + " ".join(planted) + ". " + text[at:]
            quotes.append((quote, source + 1, i + 1))
        texts[i] = text
        batch.append((i + 1, f"Article {i + 1}", text, sha256_text(text), stamp))
        if len(batch) >= 2000 or i == n - 1:
            with write(db):
                db.conn.executemany(
                    "INSERT INTO articles (id, title, text, sha256, imported_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    batch,
                )
            batch = []
            texts = {k: v for k, v in texts.items() if k > i or k in {p[0] for p in plants}}
    db.close()
    # Quotes were planted into targets created after their source text was fixed, so a
    # source that was itself a target may have shifted; keep only quotes still present.
    db = connect(db_path)
    kept = []
    for quote, source, target in quotes:
        row = db.execute("SELECT text FROM articles WHERE id = ?", [source]).fetchone()
        if row and quote in row[0]:
            kept.append((quote, source, target))
    db.close()
    return kept


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--spans", type=int, default=300)
    parser.add_argument("--scan-spans", type=int, default=20)
    parser.add_argument("--dir", default=None, help="Folder for the temporary database.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        quotes = build_corpus(path, args.articles, args.chars, args.spans)
        print(
            f"corpus: {args.articles:,} articles of ~{args.chars:,} characters, "
            f"{len(quotes)} planted quotes, generated in {time.perf_counter() - t0:.0f} s"
        )
        db = connect(path)
        t0 = time.perf_counter()
        rebuild_index(db)
        build = time.perf_counter() - t0
        print(f"index build: {build:.1f} s = {args.articles / build:,.0f} articles/s")
        keys = count_postings(db.conn)
        blocks = db.execute("SELECT count(*), sum(length(keys)) FROM postings").fetchone()
        size_mb = os.path.getsize(path) / 1e6
        print(
            f"postings: {keys:,} in {blocks[0]:,} blocks ({blocks[1] / 1e6:,.0f} MB);"
            f" database file {size_mb:,.0f} MB (text, FTS and index)"
        )

        extra = make_article(random.Random(5), *vocabulary(random.Random(11)), args.chars)
        adds = []
        for k in range(5):
            with write(db):
                cur = db.execute(
                    "INSERT INTO articles (title, text, sha256, imported_at) VALUES (?, ?, ?, ?)",
                    [f"extra {k}", extra + str(k), sha256_text(extra + str(k)), now_iso()],
                )
            new_id = int(cur.lastrowid or 0)
            t0 = time.perf_counter()
            index_article(db, new_id, extra + str(k))
            adds.append(time.perf_counter() - t0)
        print(f"add one article to the index: median {statistics.median(adds) * 1000:.1f} ms")

        base_rss = rss_mb()
        matcher = Matcher(db)
        times, found = [], 0
        for quote, source, target in quotes:
            matcher.document.cache_clear()  # measure cold, as a single interactive lookup is
            t0 = time.perf_counter()
            matches = matcher.find(quote, exclude={source})
            times.append(time.perf_counter() - t0)
            found += any(m.article_id == target for m in matches)
        recall = found / max(1, len(quotes))
        print(
            f"per-span link latency: median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {pct(times, 0.95) * 1000:.1f} ms; recall {recall:.3f}"
        )
        print(
            f"memory: peak RSS grew {rss_mb() - base_rss:.0f} MB while querying "
            f"(peak {rss_mb():.0f} MB); the index itself is on disk, not in memory"
        )

        t0 = time.perf_counter()
        batch_matcher = Matcher(db)
        for quote, source, _target in quotes:
            batch_matcher.find(quote, exclude={source})
        batch = time.perf_counter() - t0
        print(f"batch linking: {len(quotes) / batch:,.0f} spans/s")

        sample = min(1000, args.articles)
        scan_quotes = quotes[: args.scan_spans]
        wanted = sorted({t for _q, _s, t in scan_quotes})
        others = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id LIMIT ?", [sample])]
        sample_ids = (wanted + [i for i in others if i not in wanted])[:sample]
        docs = []
        for aid in sample_ids:
            text = db.execute("SELECT text FROM articles WHERE id = ?", [aid]).fetchone()[0]
            docs.append((aid, normalise(text).norm))
        scan_times, scan_found = [], 0
        for quote, source, target in scan_quotes:
            norm = normalise(quote).norm
            t0 = time.perf_counter()
            hits = []
            for aid, doc in docs:
                if aid == source:
                    continue
                r = fuzz.partial_ratio_alignment(norm, doc, score_cutoff=75)
                if r is not None:
                    hits.append(aid)
            scan_times.append(time.perf_counter() - t0)
            scan_found += target in hits
        per_article = statistics.median(scan_times) / len(docs)
        extrapolated = per_article * args.articles
        print(
            f"plain rapidfuzz scan: {statistics.median(scan_times) * 1000:.0f} ms per span over "
            f"{len(docs):,} articles -> {extrapolated * 1000:,.0f} ms at {args.articles:,} "
            f"(recall {scan_found / max(1, len(scan_quotes)):.3f} on {len(scan_quotes)} spans); "
            f"index is {extrapolated / statistics.median(times):,.0f}x faster"
        )
        db.close()


if __name__ == "__main__":
    main()
