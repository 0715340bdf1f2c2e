"""Switch annotator: who the next tags, notes and decisions belong to, for this session."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from newsmark.annotations.spans.limits import MAX_ANNOTATOR_CHARS
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings, hint
from newsmark.tui.widgets.bounded_input import BoundedInput


class AnnotatorScreen(ModalScreen[str | None]):
    """Enter switches (a name is one line of at most 100 characters); escape keeps the
    current annotator."""

    BINDINGS = bindings("annotator")

    def __init__(self, current: str, known: list[str]) -> None:
        super().__init__()
        self.current = current
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text("Switch annotator", style="bold"))
            others = ", ".join(one_line(k, 30) for k in self.known[:8] if k)
            yield Static(
                Text(
                    f"Now: {one_line(self.current, 60)}"
                    + (f"   In this file: {others}" if others else "")
                ),
                id="quote",
            )
            yield BoundedInput(
                value=one_line(self.current, MAX_ANNOTATOR_CHARS),
                max_length=MAX_ANNOTATOR_CHARS,
                placeholder="Name",
                id="name",
            )
            yield Static(
                hint(
                    self.app,
                    "enter: switch",
                    ("annotator.cancel", "cancel"),
                    "(for this session; the config file sets the default)",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = one_line(event.value, MAX_ANNOTATOR_CHARS)
        self.dismiss(name or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
