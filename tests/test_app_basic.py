"""The TUI opens on the sample corpus when the database is empty, and says so."""

from __future__ import annotations

from pathlib import Path

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
