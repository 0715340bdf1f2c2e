"""Full disks, unwritable, locked and damaged files: a clear message, nothing lost."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsmark.corpus.db
from newsmark.annotations.formats.importing import import_file
from newsmark.annotations.settings.config import Config
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.cli import main
from tests.tui_helpers import SIZE, capture_errors, seed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


async def test_full_disk_while_tagging_keeps_the_app_running(db_path: Path) -> None:
    seed(db_path)
    app = NewsmarkApp(db_path, Config(annotator="t"))
    errors = capture_errors(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1")
        pages = app.db.execute("PRAGMA page_count").fetchone()[0]
        app.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is now "full"
        fillers = [  # use up the last free space of every table a tag writes to
            (
                "INSERT INTO history (action, annotation_uuid, before, at) VALUES"
                " ('filler', ?, ?, 'now')"
            ),
            (
                'INSERT INTO annotations (uuid, article_id, start, "end", quote, label, note,'
                " created, updated) VALUES (?, 2, 0, 1, 'A', 'filler', ?, 'n', 'n')"
            ),
        ]
        filler = 0
        for sql in fillers:
            for size in (1000, 200, 40, 1):
                while True:
                    try:
                        app.db.execute(sql, [f"f{filler}", "x" * size])
                    except sqlite3.OperationalError:
                        break
                    filler += 1
        await pilot.press("w", "v", "e", "e", "e", "e", "e", "e", "2")
        await pilot.pause()
        assert errors and "full" in errors[-1]
        assert app.is_running
        await pilot.press("escape", "g", "right", "2")  # relabel still works? it needs no pages
        await pilot.pause()
    db = connect(db_path)
    assert next((a.quote, a.label) for a in store.list_annotations(db, 1))[0] == "Mayor"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_truncated_database_is_reported_and_untouched(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    seed(good)
    connect(good).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = good.read_bytes()
    bad = tmp_path / "bad.db"
    bad.write_bytes(data[: len(data) // 3])
    before = bad.read_bytes()
    code, _, err = run("--db", str(bad), "articles")
    assert code == 1
    assert str(bad) in err and "damaged" in err and "backup" in err
    assert "Traceback" not in err
    assert bad.read_bytes() == before


def test_not_sqlite_is_reported_and_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"these are my notes, not a database " * 100)
    before = notes.read_bytes()
    code, _, err = run("--db", str(notes))  # the TUI command
    assert code == 1 and "not a Newsmark database" in err
    assert notes.read_bytes() == before


def test_read_only_database_is_reported(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "ro.db"
    seed(db_path)
    real_access = os.access
    monkeypatch.setattr(
        newsmark.corpus.db.os,
        "access",
        lambda p, mode: False if Path(p) == db_path and mode == os.W_OK else real_access(p, mode),
    )
    code, out, err = run("--db", str(db_path), "articles")
    assert code == 0 and "Test article" in out  # reading works on a read-only file
    f = tmp_path / "a.txt"
    f.write_text("A headline\n\nSome text.")
    code, _, err = run("--db", str(db_path), "import", str(f))
    assert code == 1 and "read-only" in err and str(db_path) in err


def test_locked_database_gives_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "locked.db"
    seed(db_path)
    monkeypatch.setattr(newsmark.corpus.db, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        f = tmp_path / "a.txt"
        f.write_text("A headline\n\nSome text.")
        code, _, err = run("--db", str(db_path), "import", str(f))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert "locked by another program" in err and str(db_path) in err
    assert "Traceback" not in err
    code, _, err = run("--db", str(db_path), "import", str(f))
    assert code == 0


def test_backup_is_consistent_while_a_writer_is_open(tmp_path: Path) -> None:
    db_path = tmp_path / "live.db"
    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 5, "claim", "t")
    writer = connect(db_path)
    writer.conn.execute("BEGIN IMMEDIATE")  # uncommitted work in progress
    writer.execute(
        'INSERT INTO annotations (uuid, article_id, start, "end", quote, label,'
        " created, updated) VALUES ('x', 1, 0, 5, 'Mayor', 'claim', 'n', 'n')"
    )
    code, _, err = run("--db", str(db_path), "backup", str(tmp_path / "copy.db"))
    writer.conn.execute("ROLLBACK")
    assert code == 0, err
    copy = connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [a.quote for a in store.list_annotations(copy, 1)] == ["Mayor"]
    code, _, err = run("--db", str(db_path), "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "--force" in err


def test_failed_annotation_import_changes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src.db"
    seed(src)
    db = connect(src)
    for start in (0, 6, 11):
        store.create_annotation(db, 1, start, start + 4, "claim", "t")
    code, out, _ = run("--db", str(src), "export")
    export = tmp_path / "e.jsonl"
    export.write_text(out)
    dst = tmp_path / "dst.db"
    seed(dst)
    target = connect(dst)
    third = json.loads(out.splitlines()[3])["id"]
    target.execute(
        f"CREATE TRIGGER boom BEFORE INSERT ON annotations WHEN new.uuid = '{third}'"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        import_file(target, export)
    assert store.list_annotations(target, 1) == []
    code, _, err = run("--db", str(dst), "import-annotations", str(export))
    assert code == 1 and "disk trouble" in err and "Traceback" not in err
    assert store.list_annotations(target, 1) == []


def _article_line(n: int) -> str:
    words = " ".join(f"word{n}x{i}" for i in range(400))
    return json.dumps({"title": f"Report {n}", "text": f"Report number {n}. {words}"})


def test_a_full_disk_during_import_says_so_with_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "full.db"
    connect(db_path).close()
    first = tmp_path / "a.jsonl"
    first.write_text("\n".join(_article_line(n) for n in range(3)) + "\n")
    second = tmp_path / "b.jsonl"
    second.write_text("\n".join(_article_line(n) for n in range(3, 400)) + "\n")
    real_connect = newsmark.corpus.db.connect

    def small_disk(*args: object, **kwargs: object):  # room for the first file only
        db = real_connect(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 60}")
        return db

    monkeypatch.setattr(newsmark.corpus.db, "connect", small_disk)
    code, _out, err = run("--db", str(db_path), "import", str(first), str(second))
    assert code == 1
    assert "Traceback" not in err
    assert "3 articles imported, 0 already present, 0 rejected (from 2 files) before the" in err
    assert "the disk is full, so the import stopped; the 3 articles stored before it are kept" in (
        " ".join(err.split())
    )
    db = real_connect(db_path)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_during_export_says_so_and_replaces_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from newsmark.corpus import outputs

    db_path = tmp_path / "e.db"
    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 5, "claim", "me")
    dest = tmp_path / "out.jsonl"
    dest.write_text("the earlier export\n")

    @contextmanager
    def full_disk(target: Path):  # writes to /dev/full fail as on a full disk: ENOSPC
        fd = os.open("/dev/full", os.O_WRONLY)
        try:
            yield fd, target.parent / ".never-made.tmp"
        finally:
            os.close(fd)

    monkeypatch.setattr(outputs, "temp_file", full_disk)
    code, _out, err = run("--db", str(db_path), "export", "-o", str(dest), "--force")
    assert code == 1
    assert "export failed: the disk is full; nothing was replaced" in err
    assert "I/O error" not in err
    assert dest.read_text() == "the earlier export\n"


def test_an_oversized_annotation_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    from newsmark.annotations.formats.records import MAX_BYTES

    big = tmp_path / "huge.jsonl"
    with open(big, "wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_BYTES + 200 * 2**20)
    code = (
        # VmHWM is this program's own peak; ru_maxrss would carry over the test runner's
        # (Linux keeps it across exec, so a large pytest process made this test fail).
        "import atexit, re, sys\n"
        "hwm = lambda: re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "atexit.register(lambda: print('maxrss', hwm(), file=sys.stderr))\n"
        "from newsmark.tui.cli import main\n"
        "main()\n"
    )
    command = [sys.executable, "-c", code, "--db", str(tmp_path / "h.db")]
    done = subprocess.run(
        [*command, "import-annotations", str(big)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "too big (478,150,656 bytes; the limit is 268,435,456)" in done.stderr
    peak_kib = int(done.stderr.split("maxrss")[1].split()[0])
    assert peak_kib < 200 * 1024, peak_kib  # read whole first, it took ~470 MB
