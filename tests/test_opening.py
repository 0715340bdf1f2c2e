"""Opening databases (issue 10): newer, damaged, read-only and missing files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsmark.corpus.db
from newsmark.annotations.settings.config import Config
from newsmark.corpus.db import connect
from newsmark.corpus.errors import StoreError
from newsmark.corpus.migrations import latest_version
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.cli import main
from tests.tui_helpers import SIZE, seed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    db_path = tmp_path / "new.db"
    seed(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = _digest(db_path)
    note = tmp_path / "a.txt"
    note.write_text("Headline\n\nBody.")
    for args in (
        ("articles",),
        ("search", "water"),
        ("export",),
        ("orphans",),
        ("import", str(note)),
        ("link",),
        ("backup", str(tmp_path / "b.db")),
    ):
        code, out, err = run("--db", str(db_path), *args)
        assert code == 1 and out == "", args
        assert f"made by a newer Newsmark (schema 99, this one knows {latest_version()})" in err
        assert "upgrade Newsmark" in err
    with pytest.raises(StoreError, match="newer Newsmark"):
        NewsmarkApp(db_path, Config(annotator="t"))
    assert _digest(db_path) == before
    assert not Path(str(db_path) + "-wal").exists()


def test_missing_tables_are_reported_before_any_output(tmp_path: Path) -> None:
    db_path = tmp_path / "damaged.db"
    seed(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE links")
    conn.close()
    code, out, err = run("--db", str(db_path), "export")
    assert code == 1 and out == ""
    assert "damaged (table links missing)" in err


def test_a_typo_in_db_creates_nothing_for_reading_commands(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "n.db"
    for args in (("articles",), ("search", "x"), ("export",), ("orphans",)):
        code, _, err = run("--db", str(missing), *args)
        assert code == 1 and f"no database at {missing}" in err
    assert not missing.parent.exists()


def _read_only(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    """Tests run as root, who may write anything: the check is made to see a read-only file."""
    real_access = os.access
    monkeypatch.setattr(
        newsmark.corpus.db.os,
        "access",
        lambda p, mode: False if Path(p) == db_path and mode == os.W_OK else real_access(p, mode),
    )


def test_read_only_database_serves_reading_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "ro.db"
    seed(db_path)
    before = _digest(db_path)
    _read_only(monkeypatch, db_path)
    assert run("--db", str(db_path), "articles")[0] == 0
    code, out, _ = run("--db", str(db_path), "search", "water", "--json")
    assert code == 0 and '"article_id"' in out
    assert run("--db", str(db_path), "export", "-o", str(tmp_path / "e.jsonl"))[0] == 0
    assert run("--db", str(db_path), "orphans")[0] == 0
    code, _, err = run("--db", str(db_path), "orphans", "--retry")
    assert code == 1 and "read-only" in err
    assert _digest(db_path) == before


async def test_the_app_opens_a_read_only_database_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "ro.db"
    seed(db_path)
    _read_only(monkeypatch, db_path)
    app = NewsmarkApp(db_path, Config(annotator="t"))
    shown: list[str] = []
    original = app.notify

    def spy(message: str, *args: object, **kw: object) -> None:
        shown.append(message)
        original(message, *args, **kw)  # type: ignore[arg-type]

    app.notify = spy  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.read_only and "read-only" in app.sub_title
        await pilot.press("v", "e", "1")
        await pilot.pause()
        assert any("read-only" in m for m in shown)
        assert app.reader_screen.annotations == ()
        await pilot.press("q")
    monkeypatch.undo()
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
