"""Full disks, unwritable, locked and damaged files: a clear message, nothing lost."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsmark.corpus.db
from newsmark.annotations import store
from newsmark.annotations.config import Config
from newsmark.annotations.importing import import_file
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
