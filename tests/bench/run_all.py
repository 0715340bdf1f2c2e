"""Every figure of the benchmark table in ``docs/benchmarks.md``, from scratch, in one run.

Each measure is paired with its yardstick in the same run, interleaved where they can be,
so a noisy machine slows both; each row gives min / median / max of both and the ratio
of medians (of paired ratios for keys). The text is generated news-like prose
(``newslike.py``: English function words at their share of news, a Zipf vocabulary,
names, figures, quotations), never repeated templates. Needs tmux (keys) and Java (Spark;
without it that row says so). About 12 minutes on a 2-core machine.

Rows, and what each is paired with:

- keys, in a real terminal (``bench_keys``): Newsmark's cursor move, tag and undo, each
  against a plain Textual ``TextArea`` app's cursor move in the same cycle; settled (no
  change for 250 ms after the last one) and CPU of the app's process per key;
- first screen at 10 and 10,000 articles, against the plain app's;
- ``newsmark --version`` against the Python interpreter starting and doing nothing;
- search across 100,000 articles (a whole planted sentence, and as typed), against one
  bare FTS5 query of the same words;
- the suggestion step for one claim at 100,000 articles, meaning tier on, against the
  same bare FTS5 query;
- ``newsmark import`` of 10,000 articles (CPU of the process), against a plain loop into
  SQLite with FTS5; its peak memory, against the loop's;
- ``newsmark spark link`` on ``local[2]``, per core, against the same passes in one
  process.

Run: ``python tests/bench/run_all.py [--quick]`` (``--quick``: smaller corpora and fewer
repeats, to try the script, not for the table).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


@dataclass(frozen=True)
class Row:
    label: str  # the table's first column, word for word (a test holds the docs to it)
    unit: str
    goal: float | None  # the ratio (or, with ``absolute``, the value) to stay under
    absolute: bool = False  # the goal is on Newsmark's median itself, not on the ratio
    higher_is_better: bool = False


ROWS: tuple[Row, ...] = (
    Row("cursor move, settled (vs a plain TextArea move)", "ms", 1.3),
    Row("cursor move, CPU per key", "ms", None),
    Row("tag, settled (vs a plain move)", "ms", 1.5),
    Row("tag, CPU per key (vs a plain move)", "ms", 1.5),
    Row("undo, settled (vs a plain move)", "ms", 1.5),
    Row("undo, CPU per key (vs a plain move)", "ms", 1.5),
    Row("first screen, 10 articles (vs the plain app)", "ms", 1.3),
    Row("first screen, 10,000 articles (vs the plain app)", "ms", 1.3),
    Row("newsmark --version (vs python doing nothing)", "ms", 80, absolute=True),
    Row("search 100,000 articles, whole sentence, p95 (vs bare FTS5)", "ms", 100, True),
    Row("search 100,000 articles, as typed, p95 (vs bare FTS5)", "ms", 150, True),
    Row("link one claim, meaning on, 100,000 articles, p95 (vs bare FTS5)", "ms", 50, True),
    Row("import 10,000 articles, CPU (vs a plain SQLite + FTS5 loop)", "s", 3.0),
    Row("import 10,000 articles, peak memory (vs the plain loop)", "MB", 64, absolute=True),
    Row(
        "Spark local[2] per core, 10,000 articles (vs one process)",
        "articles/s",
        0.5,
        higher_is_better=True,
    ),
)
LABELS = tuple(r.label for r in ROWS)


@dataclass
class Result:
    ours: list[float]
    theirs: list[float]
    ratio: float | None = None  # when not the ratio of medians (paired keys)
    p95: bool = False  # the goal and the middle column are the 95th percentile
    note: str = ""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def middle(values: list[float], p95: bool) -> float:
    return pct(values, 0.95) if p95 else statistics.median(values)


# --- keys and first screens (tmux) ------------------------------------------------------


def keys(quick: bool) -> dict[str, Result]:
    from tests.bench import bench_keys

    found = bench_keys.measure(
        words=20_000 if quick else 50_000,
        annotations=500 if quick else 2_000,
        pairs=6 if quick else 20,
        starts=2 if quick else 5,
        articles=(10, 1_000 if quick else 10_000),
    )
    out: dict[str, Result] = {}
    for name, label in (("move", "cursor move"), ("tag", "tag"), ("undo", "undo")):
        pairs = found.keys[name]
        for what, get in (("settled", lambda p: p.settled), ("CPU per key", lambda p: p.cpu)):
            ours = [get(a) * 1000 for a, _ in pairs]
            theirs = [get(b) * 1000 for _, b in pairs]
            ratio = statistics.median(get(a) / get(b) for a, b in pairs if get(b) > 0)
            out[f"{label}, {what}"] = Result(ours, theirs, ratio)
    for count, (ours, plain) in found.starts.items():
        shown = "10,000" if count > 10 else "10"
        out[f"first screen, {shown} articles"] = Result(
            [v * 1000 for v in ours], [v * 1000 for v in plain]
        )
    return out


# --- start of the command line ----------------------------------------------------------


def version(repeat: int) -> Result:
    newsmark = str(Path(sys.executable).with_name("newsmark"))
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        for command, into in (
            ([newsmark, "--version"], ours),
            ([sys.executable, "-c", "0"], theirs),
        ):
            t = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            into.append((time.perf_counter() - t) * 1000)
    return Result(ours, theirs)


# --- search and linking at 100,000 articles ---------------------------------------------


def bare_fts(db: sqlite3.Connection, query: str) -> None:
    """The yardstick: every word of the query required, the 60 best by FTS5's rank."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in query).split()][:32]
    if words:
        db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 60",
            [" ".join(f'"{w}"' for w in words)],
        ).fetchall()


def search_and_link(root: Path, articles: int, queries: int, claims: int) -> dict[str, Result]:
    from newsmark.annotations.linking import links
    from newsmark.annotations.linking.index import index_pending
    from newsmark.annotations.linking.matching import Matcher, search_corpus
    from newsmark.annotations.linking.meaning import embedder
    from newsmark.annotations.spans import store
    from newsmark.corpus.db import connect
    from tests.bench.bench_linking import build_corpus
    from tests.bench.bench_search import queries as typed_queries
    from tests.bench.newslike import NewsText

    news = NewsText()
    path = root / "news.db"
    quotes = build_corpus(
        path, articles, 2_500, max(queries, claims) * 2, make_text=lambda i: news.article(i, 2_500)
    )
    db = connect(path)
    index_pending(db)
    bare = sqlite3.connect(path)
    qs = typed_queries(quotes, queries)
    search_corpus(db, qs[0])  # the vocabulary is read once per corpus
    out = {"whole sentence": Result([], [], p95=True), "as typed": Result([], [], p95=True)}
    for i, q in enumerate(qs):
        into = out["whole sentence" if i % 4 == 0 else "as typed"]
        t = time.perf_counter()
        search_corpus(db, q)
        into.ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        bare_fts(bare, q)
        into.theirs.append((time.perf_counter() - t) * 1000)
    embedder().embed(["load the model"])  # once per process, not per claim
    linked = Result([], [], p95=True)
    found = 0
    for quote, source, target in quotes[:claims]:
        text = db.execute("SELECT text FROM articles WHERE id = ?", [source]).fetchone()[0]
        start = text.index(quote)
        ann = store.create_annotation(db, source, start, start + len(quote), "claim", "bench")
        t = time.perf_counter()
        got = links.suggest(db, Matcher(db), ann)
        linked.ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        bare_fts(bare, quote)
        linked.theirs.append((time.perf_counter() - t) * 1000)
        found += any(k.target_article_id == target for k in got)
    linked.note = f"{found}/{len(linked.ours)} planted copies found"
    db.close()
    bare.close()
    return {**{f"search {k}": v for k, v in out.items()}, "link": linked}


# --- import -------------------------------------------------------------------------------


def child_run(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and peak resident MB of one child process."""
    done = subprocess.run(
        [sys.executable, str(HERE / "run_all.py"), "--child", json.dumps(command)],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return cpu, peak


def as_child(command: list[str]) -> None:
    """Run ``command`` (a Python callable's module and arguments, or a program) and print
    its CPU time and peak memory: each measured in a fresh process, alone."""
    if command[0] == "plain-loop":
        from tests.bench.bench_import import plain_loop  # the yardstick, as bench_import has it

        files = sorted(Path(command[1]).iterdir())
        plain_loop(files, Path(command[2]))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        # this process's own high-water mark: ru_maxrss would keep the forking parent's,
        # which Linux carries across exec
        status = Path("/proc/self/status").read_text()
        peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
        print(json.dumps([usage.ru_utime + usage.ru_stime, peak / 1024]))
        return
    subprocess.run(command, check=True, capture_output=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # this small process's children
    print(json.dumps([usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024]))


def imports(root: Path, articles: int, repeat: int) -> dict[str, Result]:
    from tests.bench.newslike import NewsText

    news = NewsText(seed=8)
    folder = root / "txt"
    folder.mkdir()
    for n in range(articles):
        (folder / f"{n:06d}.txt").write_text(
            f"{news.title(n)}\n\n{news.article(n, 2_500)}\n", encoding="utf-8"
        )
    newsmark = str(Path(sys.executable).with_name("newsmark"))
    cpu = Result([], [])
    memory = Result([], [])
    for r in range(repeat):
        plain_cpu, plain_peak = child_run(["plain-loop", str(folder), str(root / f"plain{r}.db")])
        ours_cpu, ours_peak = child_run(
            [newsmark, "--db", str(root / f"ours{r}.db"), "import", str(folder)]
        )
        cpu.ours.append(ours_cpu)
        cpu.theirs.append(plain_cpu)
        memory.ours.append(ours_peak)
        memory.theirs.append(plain_peak)
    return {"cpu": cpu, "memory": memory}


# --- Spark ----------------------------------------------------------------------------------


def spark(articles: int, claims: int) -> Result:
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "bench_spark.py"),
            "--articles",
            str(articles),
            "--claims",
            str(claims),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1][:120]
        return Result([], [], note=f"not run: {reason}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Result([found["spark_per_core"]], [found["one_process"]])


# --- the table ------------------------------------------------------------------------------


def fmt(values: list[float], p95: bool) -> str:
    if not values:
        return "-"
    digits = 0 if max(values) >= 100 else 1
    mid = middle(values, p95)
    return f"{min(values):,.{digits}f} / {mid:,.{digits}f} / {max(values):,.{digits}f}"


def table(results: dict[str, Result]) -> str:
    lines = [
        "| measure | Newsmark min / median (or p95) / max | yardstick, the same | ratio |"
        " goal | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in ROWS:
        res = results.get(row.label)
        if res is None or not res.ours:
            note = res.note if res else "not run"
            lines.append(f"| {row.label} | {note} | | | | |")
            continue
        ours_mid = middle(res.ours, res.p95)
        theirs_mid = middle(res.theirs, res.p95) if res.theirs else None  # like for like
        ratio = (
            res.ratio if res.ratio is not None else (ours_mid / theirs_mid if theirs_mid else None)
        )
        ratio_text = f"{ratio:.2f}x" if ratio is not None else ""
        if row.goal is None:
            goal_text, met = "", ""
        else:
            value = ours_mid if row.absolute else ratio
            unit = f" {row.unit}" if row.absolute else "x"
            sign = "≥" if row.higher_is_better else "≤"
            goal_text = f"{sign} {row.goal:g}{unit}"
            ok = value is not None and (
                value >= row.goal if row.higher_is_better else value <= row.goal
            )
            met = "met" if ok else "**missed**"
        mid_name = " (p95)" if res.p95 else ""
        ours_text = f"{fmt(res.ours, res.p95)} {row.unit}{mid_name}"
        if res.note:
            ours_text += f"; {res.note}"
        theirs_text = f"{fmt(res.theirs, res.p95)} {row.unit}{mid_name}" if res.theirs else ""
        lines.append(
            f"| {row.label} | {ours_text} | {theirs_text} | {ratio_text} | {goal_text} | {met} |"
        )
    return "\n".join(lines)


def run(quick: bool, only: set[str] | None, tmp: str | None) -> dict[str, Result]:
    results: dict[str, Result] = {}

    def step(name: str, work: Callable[[], None]) -> None:
        if only and name not in only:
            return
        t = time.perf_counter()
        print(f"[{name}] load {os.getloadavg()[0]:.1f} ...", file=sys.stderr, flush=True)
        work()
        print(f"[{name}] {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)

    def do_keys() -> None:
        if not shutil.which("tmux"):
            for row in ROWS[:8]:
                results[row.label] = Result([], [], note="not run: no tmux here")
            return
        found = keys(quick)
        results[ROWS[0].label] = found["cursor move, settled"]
        results[ROWS[1].label] = found["cursor move, CPU per key"]
        results[ROWS[2].label] = found["tag, settled"]
        results[ROWS[3].label] = found["tag, CPU per key"]
        results[ROWS[4].label] = found["undo, settled"]
        results[ROWS[5].label] = found["undo, CPU per key"]
        results[ROWS[6].label] = found["first screen, 10 articles"]
        results[ROWS[7].label] = found["first screen, 10,000 articles"]

    def do_version() -> None:
        results[ROWS[8].label] = version(5 if quick else 15)

    def do_search() -> None:
        with tempfile.TemporaryDirectory(dir=tmp) as folder:
            found = search_and_link(
                Path(folder), 5_000 if quick else 100_000, 40 if quick else 100, 10 if quick else 40
            )
        results[ROWS[9].label] = found["search whole sentence"]
        results[ROWS[10].label] = found["search as typed"]
        results[ROWS[11].label] = found["link"]

    def do_import() -> None:
        with tempfile.TemporaryDirectory(dir=tmp) as folder:
            found = imports(Path(folder), 1_000 if quick else 10_000, 2 if quick else 3)
        results[ROWS[12].label] = found["cpu"]
        results[ROWS[13].label] = found["memory"]

    def do_spark() -> None:
        results[ROWS[14].label] = spark(1_000 if quick else 10_000, 50 if quick else 200)

    for name, work in (
        ("keys", do_keys),
        ("version", do_version),
        ("search", do_search),
        ("import", do_import),
        ("spark", do_spark),
    ):
        step(name, work)
    return results


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        as_child(json.loads(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small, to try the script")
    parser.add_argument("--only", default="", help="keys,version,search,import,spark")
    parser.add_argument("--dir", default=None, help="folder for the temporary databases")
    args = parser.parse_args()
    started = time.perf_counter()
    load = os.getloadavg()[0]
    random.seed(0)
    results = run(args.quick, set(filter(None, args.only.split(","))), args.dir)
    print(
        f"{os.cpu_count()} cores; load {load:.1f} before, {os.getloadavg()[0]:.1f} after;"
        f" {time.perf_counter() - started:.0f} s"
        + (" (--quick: smaller corpora than the labels say, not for the table)" * args.quick)
    )
    print(table(results))


if __name__ == "__main__":
    main()
