"""Editing an article's details in the app: a key in the article list and a palette command
open the dialog; a mistake is said in the dialog and nothing is saved; the text never changes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from newsmark.corpus.db import connect
from newsmark.tui.screens.details import DetailsScreen
from tests.tui_helpers import SIZE, make_app


def _details(db_path: Path, article_id: int) -> tuple[object, ...]:
    db = connect(db_path)
    try:
        return tuple(
            db.execute(
                "SELECT title, outlet, published, url, author FROM articles WHERE id = ?",
                [article_id],
            ).fetchone()
        )
    finally:
        db.close()


async def test_details_are_edited_from_the_article_list(db_path: Path) -> None:
    app = make_app(db_path)
    before = connect(db_path).execute("SELECT text FROM articles WHERE id = 2").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.reader_screen
        screen.article_list.focus()
        await pilot.press("down", "ctrl+e")  # the highlighted article, not the open one
        dialog = app.screen
        assert isinstance(dialog, DetailsScreen) and dialog.article.id == 2
        dialog.query_one("#published", Input).value = "the other day"
        dialog.query_one("#author", Input).value = "Ada \x1b[31mWriter"
        await pilot.press("enter")
        assert app.screen is dialog  # not saved: the date is not one
        error = str(dialog.query_one("#error", Static).render())
        assert "is not an ISO 8601 date" in error
        assert _details(db_path, 2)[2] == "2026-03-02"
        dialog.query_one("#published", Input).value = "2026-04-01"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert _details(db_path, 2) == (
            "Second article",
            "Chess Weekly",
            "2026-04-01",
            None,
            "Ada \ufffd[31mWriter",
        )
        row = next(r for r in screen.article_list.rows if r.id == 2)
        assert row.published == "2026-04-01"
        _title, meta = screen.article_list.item_lines(
            [r.id for r in screen.article_list.shown].index(2)
        )
        assert "2026-04-01" in meta.plain
    text = connect(db_path).execute("SELECT text FROM articles WHERE id = 2").fetchone()[0]
    assert text == before


async def test_the_palette_edits_the_open_article_and_escape_changes_nothing(
    db_path: Path,
) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Edit article details" in titles
        app.reader_screen.action_edit_details()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DetailsScreen) and dialog.article.id == 1
        dialog.query_one("#title", Input).value = "Renamed"
        await pilot.press("escape")
        assert _details(db_path, 1)[0] == "Test article"
        app.reader_screen.action_edit_details()
        await pilot.pause()
        app.screen.query_one("#title", Input).value = "Water report, corrected"
        await pilot.press("enter")
        await pilot.pause()
        assert _details(db_path, 1)[0] == "Water report, corrected"
        assert "Water report, corrected" in str(app.reader_screen.reader.border_title)
