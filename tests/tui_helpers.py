"""Building a Newsmark app over a real database file for Pilot and snapshot tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from newsmark.annotations.settings.config import Config
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp

TEXT = (
    "Mayor Ilse Varga said the water is safe.\n"
    "\n"
    "The plant denied it. Markup stays text: [bold]not bold[/] and [@click=app.quit]x[/].\n"
    "\n"
    "Fourteen people were treated, the water authority said. The water was tested."
)
SECOND = "A second article about a chess title.\n\nAda Lindqvist, 14, won on tie-break."
SIZE = (120, 36)


def seed(db_path: Path, texts: list[tuple[str, str, str]] | None = None) -> list[int]:
    db = connect(db_path)
    ids = []
    for day, (title, outlet, text) in enumerate(
        texts
        or [("Test article", "The Test Post", TEXT), ("Second article", "Chess Weekly", SECOND)],
        start=1,
    ):
        aid, _ = add_article(
            db, NewArticle(title=title, outlet=outlet, text=text, published=f"2026-03-{day:02d}")
        )
        ids.append(aid)
    db.close()
    return ids


def make_app(db_path: Path, config: Config | None = None, seed_db: bool = True) -> NewsmarkApp:
    if seed_db:
        seed(db_path)
    return NewsmarkApp(db_path, config or Config(annotator="tester"))


def capture_errors(app: NewsmarkApp) -> list[str]:
    """Collect every error notification the app shows (they must stay empty in some tests)."""
    errors: list[str] = []
    original = app.notify

    def spy(message: str, *args: object, severity: str = "information", **kw: object) -> None:
        if severity == "error":
            errors.append(message)
        original(message, *args, severity=severity, **kw)  # type: ignore[arg-type]

    app.notify = spy  # type: ignore[method-assign]
    return errors


async def until(pilot: Pilot, done: Callable[[], bool], what: str, seconds: float = 20.0) -> None:
    """Wait for a debounced or threaded screen to catch up, however loaded the machine is.

    A fixed pause is a guess about the machine's speed; under CI's load it guesses wrong and
    a snapshot catches the screen half-way. The generous limit only turns a hang into a
    failure that names what never happened."""
    for _ in range(int(seconds / 0.05)):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")
