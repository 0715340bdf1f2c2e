"""The TUI opens on the sample corpus when the database is empty, and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.corpus.articles import count_articles
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp


async def test_empty_database_gets_the_sample_corpus(db_path: Path) -> None:
    app = NewsmarkApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert count_articles(connect(db_path)) == 10
        messages = [n.message for n in app._notifications]
        assert any("sample articles" in m for m in messages)


async def test_collector_paused_until_the_first_screen(db_path: Path) -> None:
    """``run_app`` pauses the garbage collector (start-up makes only long-lived objects);
    the first screen resumes it, with what exists frozen. A collector left off would let
    every cycle made while reading pile up for the whole session."""
    import gc

    from newsmark.tui.startup import pause_gc

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    pause_gc()
    assert not gc.isenabled()
    app = NewsmarkApp(db_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen
    finally:
        gc.enable()
        gc.unfreeze()


async def test_article_list_is_on_the_first_screen(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus within FIRST_SCREEN_ROWS is listed before the first screen is drawn, not by
    the worker a frame later (a second repaint of every pane). With the worker's list
    withheld, the rows are there all the same; past the bound, only the worker lists."""
    from newsmark.tui.screens.reader import watching
    from newsmark.tui.screens.reader_screen import ReaderScreen

    async with NewsmarkApp(db_path).run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # a first run: the sample corpus is imported
    shown: dict[str, bool] = {}

    def no_worker(self: ReaderScreen, rows: bool = True) -> None:
        shown["worker asked for rows"] = rows

    monkeypatch.setattr(ReaderScreen, "load_article_rows", no_worker)
    app = NewsmarkApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(app.reader_screen.article_rows) == 10
        assert shown == {"worker asked for rows": False}
    monkeypatch.setattr(watching, "FIRST_SCREEN_ROWS", 5)
    app = NewsmarkApp(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.reader_screen.article_rows == []
        assert shown == {"worker asked for rows": True}
