"""What the app draws from stored data that an older version or a hostile file wrote."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from textual.widgets import Input, Static

from newsmark.annotations.formats.importing import list_orphans
from newsmark.annotations.settings.config import Config
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.note import NoteScreen
from newsmark.tui.screens.text_page import OrphansScreen
from tests.tui_helpers import SIZE, TEXT, seed

EVIL = "\x1b]0;PWNED\x07\x1b[41m\u202e"


def _old_style_annotation(db_path: Path, note: str, label: str = "claim") -> None:
    """Stored as a version without import checks would have stored it."""
    db = connect(db_path)
    db.execute(
        'INSERT INTO annotations (uuid, article_id, start, "end", quote, label, note,'
        " annotator, created, updated) VALUES (?, 1, 0, 5, ?, ?, ?, ?, 'now', 'now')",
        [str(uuid.uuid4()), TEXT[0:5], label, note, EVIL],
    )
    db.close()


async def test_note_editor_gets_a_safe_bounded_copy(db_path: Path) -> None:
    seed(db_path)
    _old_style_annotation(db_path, f"before {EVIL} after", label=f"odd{EVIL}")
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        assert isinstance(app.screen, NoteScreen)
        value = app.screen.query_one(Input).value
        assert "\x1b" not in value and "\u202e" not in value and "\x07" not in value
        label = str(app.screen.query_one("Label").render())
        assert "\x1b" not in label


async def test_a_huge_stored_note_opens_quickly(db_path: Path) -> None:
    seed(db_path)
    _old_style_annotation(db_path, "word " * 4_000_000)  # 20 MB
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.reader_screen.open_article(1)
        await pilot.pause()
        # what is drawn is bounded, whatever is stored (opening took ~50 s before)
        line = app.reader_screen.panel.item_lines(0)[0].plain
        assert len(line) < 2_100
        await pilot.press("i")
        assert len(app.screen.query_one(Input).value) <= 65_536


async def test_orphans_screen_retries(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    text = "Orphans find their way home when the article arrives."
    record = {
        "id": str(uuid.uuid4()),
        "article": {"title": "Later"},
        "start": 0,
        "end": 7,
        "quote": "Orphans",
        "label": "claim",
    }
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(record) + "\n")
    from newsmark.annotations.formats.importing import import_file

    db = connect(db_path)
    assert import_file(db, f).orphaned == 1
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_orphans()
        await pilot.pause()
        assert isinstance(app.screen, OrphansScreen)
        add_article(db, NewArticle(title="Later", text=text))
        await pilot.press("r")
        await pilot.pause()
        assert "(0)" in str(app.screen.query_one(Static).render())
    assert list_orphans(db) == []


async def test_a_pasted_page_is_cut_to_the_query_limit(db_path: Path) -> None:
    from textual import events

    from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
    from newsmark.tui.screens.corpus_search import CorpusSearchScreen

    seed(db_path)
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, CorpusSearchScreen)
        box = app.screen.query_one(Input)
        box.post_message(events.Paste("water " * 40_000))  # 240 KB
        await pilot.pause()
        assert len(box.value) == MAX_QUERY_CHARS
        await pilot.pause(0.5)
