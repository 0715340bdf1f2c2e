"""``newsmark spark link``: the archive stays where it is; Spark finds the passages that carry
the annotated claims, and writes only those, with their articles, as JSONL parts.

The claims and their 3-gram index are broadcast; each partition of articles is scanned by
:mod:`newsmark.annotations.farlink` (the package itself, imported on the executors: install
``newsmark`` there, or ship it with ``--py-files``). PySpark is an optional extra
(``pip install 'newsmark[spark]'``); nothing else in Newsmark imports it.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsmark.annotations.farlink import (
    Result,
    jsonl_articles,
    read_claims,
    row_articles,
    scan_articles,
    warc_articles,
)
from newsmark.corpus.errors import NewsmarkError

MAX_BAD_LISTED = 1000  # bad records named in the summary (all are counted)


class SparkMissing(NewsmarkError):
    """PySpark (or Java) is not there."""


def _kind(path: str) -> str:
    name = path.lower().rstrip("/")
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith(".parquet"):
        return "parquet"
    return "jsonl"


def _local(path: str) -> bool:
    return "://" not in path


def run(
    inputs: list[str],
    annotations: Path,
    out: Path,
    master: str | None = None,
    partitions: int | None = None,
    sample: bool = False,
    bind: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Scan ``inputs`` for the claims of ``annotations`` on Spark; the driver writes what
    the executors found into ``out`` (on a cluster the executors' own disks are not where
    you are): ``links/part-NNNNN`` files of at most ``PART_LINKS`` records, and
    ``summary.json``. ``bind`` is the address the driver listens on (and tells the
    executors); ``progress`` hears each step."""
    say = progress or (lambda _message: None)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkMissing(
            "PySpark is not installed: pip install 'newsmark[spark]' (it needs Java 17+)"
        ) from exc
    if out.exists() and any(out.iterdir()):
        raise NewsmarkError(f"{out} already exists and is not empty: choose another -o DIR")
    for path in inputs:
        if _local(path) and not Path(path).exists():
            raise NewsmarkError(f"{path}: no such file or folder")
    claims = read_claims(annotations)
    started = time.monotonic()
    # Local executors run this interpreter (with newsmark installed), not whatever python3
    # is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.appName("newsmark link")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if bind:
        builder = builder.config("spark.driver.bindAddress", bind).config("spark.driver.host", bind)
    if master:
        builder = builder.master(master)
    elif not os.environ.get("MASTER"):
        builder = builder.master("local[*]")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL
        raise SparkMissing(f"Spark did not start: {str(exc).splitlines()[0][:300]}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    say(f"Spark started ({spark.sparkContext.master}); scanning {len(inputs) + sample} inputs")
    try:
        sc = spark.sparkContext
        shared = sc.broadcast(claims)
        parts = []
        for path in inputs:
            kind = _kind(path)
            if kind == "warc":
                files = sc.binaryFiles(path, minPartitions=partitions or 1)
                parts.append(files.mapPartitions(lambda it, b=shared: _warc_partition(it, b.value)))
            elif kind == "parquet":
                frame = spark.read.parquet(path)
                rows = frame.rdd if not partitions else frame.rdd.repartition(partitions)
                parts.append(
                    rows.mapPartitions(lambda it, b=shared, p=path: _row_partition(it, b.value, p))
                )
            else:
                lines = sc.textFile(path, minPartitions=partitions or None)
                numbered = lines.zipWithIndex()
                parts.append(
                    numbered.mapPartitions(
                        lambda it, b=shared, p=path: _jsonl_partition(it, b.value, p)
                    )
                )
        if sample:  # the bundled sample corpus, read here and handed out
            from newsmark.corpus.samples import sample_articles

            items = [(f"sample:{a.path}", a) for a in sample_articles()]
            parts.append(
                sc.parallelize(items, partitions or 2).mapPartitions(
                    lambda it, b=shared: scan_articles(it, b.value)
                )
            )
        if not parts:
            raise NewsmarkError("name at least one input of articles, or use --sample")
        results = sc.union(parts) if len(parts) > 1 else parts[0]
        results = results.persist()
        links = results.filter(lambda r: r[0] == "link").map(
            lambda r: json.dumps(r[1], ensure_ascii=False)
        )
        found = _collect(links.toLocalIterator(), out / "links", say)
        counts = results.filter(lambda r: r[0] in ("read", "skipped")).reduceByKey(
            lambda a, b: a + b
        )
        totals = dict(counts.collect())
        bad_total = results.filter(lambda r: r[0] == "bad").count()
        bad = results.filter(lambda r: r[0] == "bad").map(lambda r: r[1]).take(MAX_BAD_LISTED)
        results.unpersist()
    finally:
        spark.stop()
    summary = {
        "inputs": inputs + (["(the sample corpus)"] if sample else []),
        "annotations": len(claims.claims),
        "articles_read": int(totals.get("read", 0)),
        "records_skipped": int(totals.get("skipped", 0)),
        "bad_records": bad_total,
        "bad": [{"where": w, "why": y} for w, y in bad],
        "links": found,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


PART_LINKS = 10_000  # link records per part file the driver writes
PROGRESS_EVERY = 1_000  # links between two progress lines


def _collect(records: Iterator[str], folder: Path, say: Callable[[str], None]) -> int:
    """Write the link records as they reach the driver (a partition at a time: memory is
    bounded by one partition's links), in part files import-links reads."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    while chunk := list(itertools.islice(records, PART_LINKS)):
        with open(folder / f"part-{written // PART_LINKS:05d}", "w", encoding="utf-8") as part:
            for record in chunk:
                part.write(record + "\n")
                written += 1
                if written % PROGRESS_EVERY == 0:
                    say(f"{written:,} links found so far")
    (folder / "_SUCCESS").write_text("")
    say(f"{written:,} links found; written to {folder}")
    return written


def _jsonl_partition(items: Iterator[tuple[str, int]], claims: Any, path: str) -> Iterator[Result]:
    lines = ((f"{path}:{index + 1}", line) for line, index in items)
    yield from scan_articles(jsonl_articles(lines), claims)


def _row_partition(items: Iterator[Any], claims: Any, path: str) -> Iterator[Result]:
    rows = ((f"{path}#{n}", row.asDict()) for n, row in enumerate(items))
    yield from scan_articles(row_articles(rows), claims)


def _warc_partition(items: Iterator[tuple[str, bytes]], claims: Any) -> Iterator[Result]:
    skipped = 0

    def pages() -> Iterator[tuple[str, Any]]:
        nonlocal skipped
        for name, data in items:
            for item in warc_articles(name, data):
                if item[0] == "skipped":
                    skipped += int(item[1])  # type: ignore[call-overload]
                else:
                    yield item  # type: ignore[misc]

    yield from scan_articles(pages(), claims)
    yield ("skipped", skipped)
