"""``newsmark spark link``: the archive stays where it is; Spark finds the passages that carry
the annotated claims, and writes only those, with their articles, as JSONL parts.

The claims and their 3-gram index are broadcast, and the archive is read in the passes of
:mod:`newsmark.annotations.linking.farplan` (counts, candidates, a choice per claim, the reworded
tier), so the links are the ones ``newsmark link`` would find in a database holding the
same articles, by strings and by meaning (``$NEWSMARK_MEANING``, as for ``newsmark
link``). The executors import the package itself and its embedding model (install
``newsmark`` there: wordllama's model comes with it). The driver writes the output.
PySpark is an optional extra (``pip install 'newsmark[spark]'``); nothing else in
Newsmark imports it.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsmark.annotations.linking.farlink import (
    Result,
    jsonl_articles,
    read_claims,
    row_articles,
    warc_articles,
)
from newsmark.annotations.linking.farplan import (
    choose,
    claim_words,
    finish,
    make_plan,
    partition_candidates,
    partition_stats,
)
from newsmark.annotations.linking.meaning import configured_model
from newsmark.corpus.articles import NewArticle
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
    min_confidence: float | None = None,
) -> dict[str, Any]:
    """Scan ``inputs`` for the claims of ``annotations`` on Spark; the driver writes what
    the executors found into ``out`` (on a cluster the executors' own disks are not where
    you are): ``links/part-NNNNN`` files of at most ``PART_LINKS`` records, and
    ``summary.json``. ``bind`` is the address the driver listens on (and tells the
    executors); ``progress`` hears each step."""
    say = progress or (lambda _message: None)
    try:
        from pyspark import StorageLevel
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
        master = "local[*]"
    if master and is_local(master):
        builder = builder.config("spark.driver.extraJavaOptions", LOCAL_JAVA_OPTIONS)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL
        raise SparkMissing(f"Spark did not start: {str(exc).splitlines()[0][:300]}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    say(f"Spark started ({spark.sparkContext.master}); reading {len(inputs) + sample} inputs")
    meaning = configured_model()
    try:
        sc = spark.sparkContext
        parts = [_read(spark, path, n, partitions) for n, path in enumerate(inputs)]
        if sample:  # the bundled sample corpus, read here and handed out
            from newsmark.corpus.samples import sample_articles

            items = [(_key(len(inputs), 0, n), a) for n, a in enumerate(sample_articles())]
            parts.append(sc.parallelize(items, partitions or 2).map(lambda ka: ("article", ka)))
        if not parts:
            raise NewsmarkError("name at least one input of articles, or use --sample")
        read = (sc.union(parts) if len(parts) > 1 else parts[0]).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        # One pass over what was read gives each article's text digest (for duplicates)
        # and every partition's counts and bad records: the archive is unpickled by the
        # Python workers three times more (statistics, candidates, reworded copies), not
        # six, and kept once (the articles are a filter of it, not a second copy).
        survey = read.mapPartitions(_survey).persist(StorageLevel.MEMORY_AND_DISK)
        # The same text twice is one article in a database (the first one read).
        later = (
            survey.filter(lambda r: r[0] == "sha")
            .map(lambda r: r[1])
            .groupByKey()
            .flatMap(lambda kv: sorted(kv[1])[1:])
            .collect()
        )
        dropped = sc.broadcast(frozenset(later))
        articles = read.filter(
            lambda r, d=dropped: r[0] == "article" and r[1][0] not in d.value
        ).map(lambda r: r[1])
        shared = sc.broadcast(claims)
        words = sc.broadcast(claim_words(claims))
        stats = articles.mapPartitions(
            lambda it, c=shared, w=words: [partition_stats(it, c.value, w.value)]
        ).treeReduce(lambda x, y: x.merge(y))
        say(f"{stats.articles:,} articles read; looking for {len(claims.claims):,} claims")
        plan = sc.broadcast(make_plan(claims, stats, meaning, min_confidence=min_confidence))
        found = articles.mapPartitions(
            lambda it, c=shared, p=plan: partition_candidates(it, c.value, p.value)
        ).persist(StorageLevel.MEMORY_AND_DISK)
        chosen = (
            found.filter(lambda r: isinstance(r[0], int))
            .groupByKey()
            .map(lambda kv, p=plan: (kv[0], *choose(kv[0], list(kv[1]), p.value)))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        wanted: dict[int, list[int]] = {}
        for claim, keys in chosen.map(lambda c: (c[0], c[2])).collect():
            for key in keys:
                wanted.setdefault(key, []).append(claim)
        say(f"string matches chosen; {len(wanted):,} articles to read again for reworded copies")
        picks = sc.broadcast(wanted)
        finished = (
            articles.filter(lambda ka, w=picks: ka[0] in w.value)
            .flatMap(
                lambda ka, c=shared, p=plan, w=picks: finish(
                    ka[0], ka[1], w.value[ka[0]], c.value, p.value
                )
            )
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        records = (
            chosen.flatMap(lambda c: c[1])
            .union(finished.filter(lambda r: r[0] == "link").map(lambda r: r[1]))
            .map(lambda r: json.dumps(r, ensure_ascii=False))
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        records.count()  # every core at once: the driver then reads them a part at a time
        total = _collect(records.toLocalIterator(), out / "links", say)
        # Each partition's distinct messages, made distinct again here: no shuffle stage
        # (and its tasks) for what is almost always nothing.
        messages = (
            found.filter(lambda r: r[0] == "meaning_error")
            .union(finished.filter(lambda r: r[0] == "meaning_error"))
            .mapPartitions(lambda rs: sorted({r[1] for r in rs}))
            .collect()
        )
        errors = list(dict.fromkeys(messages))[:10]
        totals: Counter[str] = Counter()
        bad: list[tuple[str, str]] = []
        for counts, named in (
            survey.filter(lambda r: r[0] == "summary").map(lambda r: r[1]).collect()
        ):
            totals.update(counts)
            bad.extend(named[: MAX_BAD_LISTED - len(bad)])
    finally:
        spark.stop()
    summary = {
        "inputs": inputs + (["(the sample corpus)"] if sample else []),
        "annotations": len(claims.claims),
        "articles_read": int(totals.get("article", 0)),
        "duplicates": len(later),
        "records_skipped": int(totals.get("skipped", 0)),
        "bad_records": int(totals.get("bad", 0)),
        "bad": [{"where": w, "why": y} for w, y in bad],
        "links": total,
        "meaning": meaning or "off",
        "meaning_errors": errors,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


# On a local master the JVM shares this machine's cores with the Python workers, which do
# the work; it only moves records between them. Its quick compiler alone (C1) and the
# serial collector leave the cores to Python: 10,000 articles on local[2] took 33 s of CPU
# instead of 40, the job 16.2 s instead of 18.0. A cluster's executors are left as they are.
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def is_local(master: str) -> bool:
    """``local``, ``local[4]``, ``local[*]``, ``local[2,3]``: Spark inside this process."""
    return master == "local" or master.startswith("local[")


def _key(source: int, part: int, n: int) -> int:
    """An article's place in the archive: inputs in the order given, then partitions (a
    file's pieces in file order), then records: the order ``newsmark import`` reads them,
    so ties are broken as a database's article ids break them."""
    return (source << 80) | (part << 40) | n


def _read(spark: Any, path: str, source: int, partitions: int | None) -> Any:
    """One input as tagged records: ("article", (key, article)), ("bad", (where, why)),
    ("skipped", n)."""
    sc = spark.sparkContext
    kind = _kind(path)
    if kind == "warc":
        files = sc.binaryFiles(path, minPartitions=partitions or 1).zipWithIndex()
        return files.mapPartitions(lambda it, s=source: _warc_partition(it, s))
    if kind == "parquet":
        frame = spark.read.parquet(path)
        rows = frame.rdd if not partitions else frame.rdd.repartition(partitions)
        return rows.mapPartitionsWithIndex(
            lambda part, it, s=source, p=path: _row_partition(part, it, s, p)
        )
    lines = sc.textFile(path, minPartitions=partitions or None).zipWithIndex()
    return lines.mapPartitions(lambda it, s=source, p=path: _jsonl_partition(it, s, p))


def _survey(records: Iterator[Result]) -> Iterator[tuple[str, Any]]:
    """A partition's ("sha", (digest, key)) for each article, then one ("summary",
    (counts by kind, its first bad records)): the records skipped count as many as they
    say."""
    counts: Counter[str] = Counter()
    bad: list[Any] = []
    for kind, value in records:
        counts[kind] += value if kind == "skipped" else 1
        if kind == "article":
            yield "sha", (value[1].sha256, value[0])
        elif kind == "bad" and len(bad) < MAX_BAD_LISTED:
            bad.append(value)
    yield "summary", (dict(counts), bad)


def _tagged(items: Iterator[tuple[int, str, NewArticle | str]]) -> Iterator[Result]:
    for key, where, item in items:
        yield ("bad", (where, item)) if isinstance(item, str) else ("article", (key, item))


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


def _jsonl_partition(items: Iterator[tuple[str, int]], source: int, path: str) -> Iterator[Result]:
    numbered = list(items)
    keys = {f"{path}:{index + 1}": _key(source, 0, index) for _line, index in numbered}
    lines = ((f"{path}:{index + 1}", line) for line, index in numbered)
    yield from _tagged((keys[w], w, a) for w, a in jsonl_articles(lines))


def _row_partition(part: int, items: Iterator[Any], source: int, path: str) -> Iterator[Result]:
    rows = ((n, f"{path}#{part}.{n}", row.asDict()) for n, row in enumerate(items))
    for n, where, row in rows:
        for _w, item in row_articles([(where, row)]):
            yield from _tagged([(_key(source, part, n), where, item)])


def _warc_partition(
    items: Iterator[tuple[tuple[str, bytes], int]], source: int
) -> Iterator[Result]:
    skipped = 0
    for (name, data), file_number in items:
        n = 0
        for item in warc_articles(name, data):
            if item[0] == "skipped":
                skipped += int(item[1])  # type: ignore[call-overload]
                continue
            where, found = item
            yield from _tagged([(_key(source, file_number, n), str(where), found)])  # type: ignore[list-item]
            n += 1
    yield ("skipped", skipped)
