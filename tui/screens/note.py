"""The note editor of one annotation."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from newsmark.annotations.spans.limits import MAX_NOTE_CHARS
from newsmark.corpus.normalise import neutralise, one_line
from newsmark.tui.bindings import bindings, hint
from newsmark.tui.widgets.bounded_input import BoundedInput


class NoteScreen(ModalScreen[str | None]):
    """Edit the note of one annotation: Enter saves, Escape leaves it unchanged."""

    BINDINGS = bindings("note")

    def __init__(self, label: str, quote: str, note: str) -> None:
        super().__init__()
        self.label = label
        self.quote = quote
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text(f"Note on {one_line(self.label, 40)}", style="bold"))
            quote = " ".join(neutralise(self.quote).split())
            if len(quote) > 300:
                quote = quote[:299] + "\u2026"
            yield Static(Text(f"\u201c{quote}\u201d"), id="quote")
            # a note imported long ago may be huge or hold escapes: edit a safe, bounded copy
            yield BoundedInput(
                value=neutralise(self.note[:MAX_NOTE_CHARS]),
                placeholder="Type a note",
                max_length=MAX_NOTE_CHARS,
                id="note",
            )
            yield Static(
                hint(
                    self.app, "enter: save", ("note.cancel", "cancel"), "(an empty note removes it)"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
