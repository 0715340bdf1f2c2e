"""The ``/`` prompt: search the open article."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input

from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.bounded_input import BoundedInput


class SearchScreen(ModalScreen[str | None]):
    """The ``/`` prompt: plain text (never a regex), case-insensitive."""

    BINDINGS = bindings("search")

    def __init__(self, previous: str) -> None:
        super().__init__()
        self.previous = previous

    def compose(self) -> ComposeResult:
        yield BoundedInput(
            value=self.previous[:MAX_QUERY_CHARS],
            placeholder="Search this article",
            max_length=MAX_QUERY_CHARS,
            id="search",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
