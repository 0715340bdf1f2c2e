"""Scrollable pages of text over the app: help, orphaned annotations."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings


class TextScreen(ModalScreen[None]):
    """A scrollable page of text over the app (help, orphans); escape or q closes it."""

    BINDINGS = bindings("page")

    def page(self) -> Text:
        return Text()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box page"):
            yield Static(self.page())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class HelpScreen(TextScreen):
    """Every binding with the key it has now (remapped keys included)."""

    BINDINGS = bindings("help")

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def page(self) -> Text:
        text = Text()
        text.append("Newsmark keys\n", style="bold underline")
        for title, rows in self.sections:
            text.append(f"\n{title}\n", style="bold")
            for keys, description in rows:
                text.append(f"  {keys:<30}", style="bold cyan")
                text.append(f" {description}\n")
        text.append("\nescape, q, ? or f1 closes this screen.", style="dim")
        return text


class OrphansScreen(TextScreen):
    """Imported annotations that could not be placed: kept, listed, never silently lost.

    ``r`` tries to place them again (their articles may have been imported since); the
    app does the work and hands back the new list.
    """

    BINDINGS = bindings("orphans")

    def __init__(
        self,
        orphans: list[dict[str, object]],
        retry: Callable[[], tuple[int, list[dict[str, object]]]] | None = None,
    ) -> None:
        super().__init__()
        self.orphans = orphans
        self.retry = retry

    def page(self) -> Text:
        text = Text()
        text.append(f"Orphaned annotations ({len(self.orphans)})\n", style="bold underline")
        if not self.orphans:
            text.append("\nNone: every imported annotation found its place.", style="dim")
        else:
            text.append(
                "They are placed when their article is imported; r tries again now.\n",
                style="dim",
            )
        for o in self.orphans:
            quote = one_line(str(o["quote"]), 200)
            text.append(f"\n{one_line(str(o['label']), 40)}", style="bold")
            text.append(f" \u201c{quote}\u201d\n")
            where = one_line(str(o["article_title"] or o["article_url"] or "?"))
            text.append(f"  article: {where}\n  why: {one_line(str(o['reason']))}\n", style="dim")
            text.append(f"  from: {one_line(str(o['source']))}\n", style="dim")
        return text

    def action_retry(self) -> None:
        if self.retry is None:
            return
        placed, self.orphans = self.retry()
        self.query_one(Static).update(self.page())
        self.notify(f"{placed} orphaned annotation{'s' if placed != 1 else ''} placed.")
