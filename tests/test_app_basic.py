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
