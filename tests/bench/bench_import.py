"""Importing a corpus: ``newsmark import`` against a plain Python loop into SQLite + FTS5.

10,000 generated articles (``corpus_gen``: our own text, ~5,000 characters each), as a
folder of ``.txt`` files and as one JSONL file. The yardstick reads each file, decodes it
as UTF-8 and inserts it into a table with an FTS5 index, in one transaction: the least any
importer must do. Newsmark's import runs as a user runs it (a subprocess), and does more:
encoding detection fallback, normalisation, duplicate check, its match index. Runs are
interleaved (yardstick, then Newsmark, per round) and repeated; min / median / max, and
the ratio of medians. Peak memory of the Newsmark process is reported too.

Run: ``python tests/bench/bench_import.py [--articles 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.bench.corpus_gen import article_text  # noqa: E402


def plain_loop(files: list[Path], db_path: Path) -> None:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, text TEXT)")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',"
        " content_rowid='id')"
    )
    with db:
        for path in files:
            text = path.read_bytes().decode("utf-8")
            title = text.split("\n", 1)[0]
            cursor = db.execute("INSERT INTO articles (title, text) VALUES (?, ?)", [title, text])
            db.execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                [cursor.lastrowid, title, text],
            )
    db.close()


def run_newsmark(source: Path, db_path: Path) -> tuple[float, float]:
    """Seconds, and the import process's peak RSS in MB."""
    newsmark = str(Path(sys.executable).with_name("newsmark"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    done = subprocess.run(
        [newsmark, "--db", str(db_path), "import", str(source)], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t
    assert done.returncode == 0, done.stderr[-2000:]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def stats(values: list[float]) -> str:
    return f"{min(values):5.2f} / {statistics.median(values):5.2f} / {max(values):5.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        folder = root / "txt"
        folder.mkdir()
        files = []
        with open(root / "corpus.jsonl", "w", encoding="utf-8") as jsonl:
            for n in range(args.articles):
                body = article_text(800, seed=n)
                title = " ".join(body.split()[:8]).strip(".,")
                path = folder / f"{n:06d}.txt"
                path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
                files.append(path)
                jsonl.write(json.dumps({"title": title, "text": body}) + "\n")
        chars = sum(len(p.read_text()) for p in files[:100]) / 100
        plain: list[float] = []
        ours: dict[str, list[float]] = {"txt": [], "jsonl": []}
        peaks: dict[str, float] = {}
        for r in range(args.repeat):
            t = time.perf_counter()
            plain_loop(files, root / f"plain{r}.db")
            plain.append(time.perf_counter() - t)
            for kind, source in (("txt", folder), ("jsonl", root / "corpus.jsonl")):
                elapsed, peak = run_newsmark(source, root / f"{kind}{r}.db")
                ours[kind].append(elapsed)
                peaks[kind] = peak
    print(f"{args.articles:,} articles of ~{chars:,.0f} characters, {args.repeat} rounds")
    print(f"plain loop (read, decode, insert + FTS5): {stats(plain)} (min / median / max)")
    for kind, values in ours.items():
        ratio = statistics.median(values) / statistics.median(plain)
        rate = args.articles / statistics.median(values)
        print(
            f"newsmark import ({kind:5}): {stats(values)}; {ratio:.2f}x the plain loop;"
            f" {rate:,.0f} articles/s; peak RSS {peaks[kind]:.0f} MB (max of all children)"
        )


if __name__ == "__main__":
    main()
