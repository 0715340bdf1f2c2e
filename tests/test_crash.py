"""Crash safety: a writer killed with SIGKILL at random moments loses no reported commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmark.corpus.db import connect

pytestmark = pytest.mark.slow  # see conftest: run with --all (CI does)

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("NEWSMARK_CRASH_KILLS", "12"))  # more: NEWSMARK_CRASH_KILLS=200

ANNOTATE = """
import sys
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
db = connect({db!r})
aid, _ = add_article(db, NewArticle(title="Crash", text="word " * 2000))
n = db.execute("SELECT count(*) FROM annotations").fetchone()[0]
print("ready", flush=True)
while True:
    start = (n * 7) % 9000
    ann = store.create_annotation(db, aid, start, start + 4, "claim", "crash")
    store.relabel(db, ann.uuid, "figure")
    print(ann.uuid, flush=True)
    n += 1
"""

IMPORT = """
import sys
import newsmark.annotations  # its tables' migrations, as every Newsmark program has
from newsmark.corpus.articles import NewArticle
from newsmark.corpus.db import connect
from newsmark.corpus.storing import ImportReport, store_articles
db = connect({db!r})
n = db.execute("SELECT count(*) FROM articles").fetchone()[0]
print("ready", flush=True)
while True:
    batch = [NewArticle(title=f"batch {{n}} #{{i}}", text=f"Article {{n}}-{{i}} " * 300,
                        path=f"batch-{{n}}") for i in range(3)]
    store_articles(db, batch, ImportReport())
    print(f"batch-{{n}}", flush=True)
    n += 1
"""


def _hammer(db_path: Path, script: str, kills: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    reported: list[str] = []
    code = script.format(root=str(ROOT), db=str(db_path))
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"  # kill while it writes, not loads
        time.sleep(rng.uniform(0.05, 0.5))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        reported.extend(line.strip() for line in out.splitlines() if line.strip())
        # a line cut by the kill is not a report
        if out and not out.endswith("\n"):
            reported.pop()
    return reported


def _clean(db_path: Path) -> None:
    db = connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    db.close()


@pytest.mark.parametrize("seed", [1])
def test_killed_annotation_writer_loses_nothing(tmp_path: Path, seed: int) -> None:
    db_path = tmp_path / "crash.db"
    reported = _hammer(db_path, ANNOTATE, KILLS, seed)
    assert len(reported) > KILLS  # the writer got work done between kills
    _clean(db_path)
    db = connect(db_path)
    present = {r[0] for r in db.execute("SELECT uuid FROM annotations")}
    assert set(reported) <= present
    # no partial transaction: every annotation has its create history row, and every
    # reported one also has its relabel (done in its own, later, transaction)
    orphaned = db.execute(
        "SELECT count(*) FROM annotations a WHERE NOT EXISTS (SELECT 1 FROM history h"
        " WHERE h.annotation_uuid = a.uuid AND h.action = 'create')"
    ).fetchone()[0]
    assert orphaned == 0
    labels = dict(db.execute("SELECT uuid, label FROM annotations"))
    assert all(labels[u] == "figure" for u in reported)
    for uuid, start, end, quote in db.execute('SELECT uuid, start, "end", quote FROM annotations'):
        text = db.execute(
            "SELECT text FROM articles a JOIN annotations n ON n.article_id = a.id"
            " WHERE n.uuid = ?",
            [uuid],
        ).fetchone()[0]
        assert text[start:end] == quote


def test_killed_importer_leaves_whole_files(tmp_path: Path) -> None:
    db_path = tmp_path / "crash-import.db"
    reported = _hammer(db_path, IMPORT, max(4, KILLS // 2), seed=2)
    assert reported
    _clean(db_path)
    db = connect(db_path)
    per_file = dict(db.execute("SELECT path, count(*) FROM articles GROUP BY path"))
    assert all(per_file.get(batch) == 3 for batch in reported)
    assert all(count == 3 for count in per_file.values())  # never a partial file
    hits = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Article'")
    assert hits.fetchone()[0] == sum(per_file.values())


async def test_app_opens_after_crashes(tmp_path: Path) -> None:
    from newsmark.annotations.settings.config import Config
    from newsmark.tui.app import NewsmarkApp

    db_path = tmp_path / "crash.db"
    _hammer(db_path, ANNOTATE, 2, seed=3)
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.reader_screen.article is not None and app.reader_screen.annotations


WRITE_OUTPUTS = """
import sys
from pathlib import Path
from newsmark.annotations.formats.export import Filters, export_to_file
from newsmark.corpus.db import backup, connect
db = connect({db!r})
out = Path({out!r})
print("ready", flush=True)
n = 0
while True:
    export_to_file(db, "jsonl", Filters(), out / "a.jsonl", force=True)
    export_to_file(db, "brat", Filters(), out / "brat", force=True)
    backup(db, out / "copy.db", force=True)
    print(f"round-{{n}}", flush=True)
    n += 1
"""


def test_killed_exports_and_backups_never_lose_the_destination(tmp_path: Path) -> None:
    """kill -9 during exports, brat swaps and backups: once written, a destination is always
    there (checked continuously), and the next run removes every leftover temporary file."""
    import threading

    from newsmark.annotations.formats.export import Filters, export_to_file
    from newsmark.annotations.spans import store
    from newsmark.corpus.articles import NewArticle, add_article
    from newsmark.corpus.db import backup

    db_path = tmp_path / "src.db"
    out = tmp_path / "out"
    out.mkdir()
    db = connect(db_path)
    for i in range(60):
        aid, _ = add_article(db, NewArticle(title=f"A{i}", text=f"Article {i} says " * 400))
        for k in range(20):
            store.create_annotation(db, aid, k * 10, k * 10 + 7, "claim", "crash")
    export_to_file(db, "jsonl", Filters(), out / "a.jsonl", force=False)
    export_to_file(db, "brat", Filters(), out / "brat", force=False)
    backup(db, out / "copy.db")
    missing: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for name in ("a.jsonl", "brat", "copy.db"):
                if not (out / name).exists():
                    missing.append(name)

    watcher = threading.Thread(target=watch)
    watcher.start()
    code = WRITE_OUTPUTS.format(root=str(ROOT), db=str(db_path), out=str(out))
    rng = random.Random(4)
    try:
        for _ in range(max(4, KILLS)):
            child = subprocess.Popen(
                [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.02, 0.6))
            child.send_signal(signal.SIGKILL)
            _, err = child.communicate()
            assert b"Traceback" not in err, err.decode()
    finally:
        stop.set()
        watcher.join()
    assert missing == []
    export_to_file(db, "jsonl", Filters(), out / "a.jsonl", force=True)
    export_to_file(db, "brat", Filters(), out / "brat", force=True)
    backup(db, out / "copy.db", force=True)
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl", "brat", "copy.db"]
    copy = connect(out / "copy.db")
    assert copy.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1200
    copy.close()
    assert len(list((out / "brat").glob("*.ann"))) == 60
