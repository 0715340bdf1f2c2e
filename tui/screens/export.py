"""The export dialog."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class ExportScreen(ModalScreen[tuple[str, str, bool] | None]):
    """Export annotations from the app: a path, a format, and whether to replace."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    ExportScreen #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default_path: str, formats: tuple[str, ...]) -> None:
        super().__init__()
        self.default_path = default_path
        self.formats = formats

    def compose(self) -> ComposeResult:
        from textual.widgets import Checkbox, Select

        with Vertical():
            yield Label(Text("Export annotations", style="bold"))
            yield Input(value=self.default_path, placeholder="File (a folder for brat)", id="path")
            yield Select(
                [(f, f) for f in self.formats],
                value=self.formats[0],
                allow_blank=False,
                id="format",
            )
            yield Checkbox("Replace the file if it exists", id="force")
            yield Static(Text("enter: export   escape: cancel   (offsets: code points)"), id="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from textual.widgets import Checkbox, Select

        event.stop()
        fmt = self.query_one("#format", Select).value
        force = self.query_one("#force", Checkbox).value
        if event.value.strip():
            self.dismiss((event.value.strip(), str(fmt), bool(force)))

    def action_cancel(self) -> None:
        self.dismiss(None)
