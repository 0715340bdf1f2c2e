"""Snapshot tests of what the screen shows (fixed size, no clock, no blinking cursor)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from newsmark.annotations.settings.config import Config
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from tests.tui_helpers import SIZE, TEXT, make_app, seed


def _annotate(db_path: Path) -> None:
    db = connect(db_path)
    spans = [
        ("Mayor Ilse Varga said the water is safe.", "claim", ""),
        ("Mayor Ilse Varga", "source", "named"),
        ("The plant denied it.", "denial", ""),
        ("Fourteen", "figure", "Others say 17"),
    ]
    for quote, label, note in spans:
        start = TEXT.index(quote)
        store.create_annotation(db, 1, start, start + len(quote), label, "tester", note)
    db.close()


def test_main_screen_with_overlap(snap_compare, db_path: Path) -> None:
    app = make_app(db_path)
    _annotate(db_path)

    async def before(pilot: Pilot) -> None:
        await pilot.press("w")  # cursor inside the nested source span
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_help_screen(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), press=["question_mark"], terminal_size=SIZE)


def test_note_modal(snap_compare, db_path: Path) -> None:
    app = make_app(db_path)
    _annotate(db_path)
    assert snap_compare(app, press=["w", "i", *"a note"], terminal_size=SIZE)


def test_empty_database_imports_sample(snap_compare, db_path: Path) -> None:
    app = NewsmarkApp(db_path, Config(annotator="tester"))
    assert snap_compare(app, terminal_size=SIZE)


def test_very_long_article(snap_compare, db_path: Path) -> None:
    words = ["river", "mayor", "water", "plant", "said", "the", "readings", "were", "high"]
    paragraphs = []
    for p in range(600):
        sentence = " ".join(words[(p * 7 + i) % len(words)] for i in range(60))
        paragraphs.append(f"Paragraph {p + 1}. {sentence.capitalize()}.")
    text = "\n\n".join(paragraphs)
    seed(db_path, [("A very long article", "The Long Read", text)])
    db = connect(db_path)
    for n in range(0, len(text) - 40, 997):
        store.create_annotation(
            db, 1, n, n + 30, ["claim", "denial", "source", "figure"][n % 4], "tester"
        )
    db.close()
    app = NewsmarkApp(db_path, Config(annotator="tester"))
    assert snap_compare(app, press=["G", "k", "k"], terminal_size=SIZE)


def test_layout_at_80x24(snap_compare, db_path: Path) -> None:
    """The reader keeps at least 40 columns of text; the article list steps aside."""
    app = make_app(db_path)
    _annotate(db_path)
    assert snap_compare(app, terminal_size=(80, 24))


def test_layout_at_160x48(snap_compare, db_path: Path) -> None:
    app = make_app(db_path)
    _annotate(db_path)
    assert snap_compare(app, terminal_size=(160, 48))
