"""The export dialog: where, in which format, and whether to replace what is there."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from newsmark.annotations.export import FORMATS, Filters, export_to_file, snapshot
from newsmark.annotations.labels import Label as LabelDef
from newsmark.corpus.db import connect
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings


@dataclass(frozen=True)
class Exported:
    """What the dialog reports when the export is written."""

    count: int
    path: Path
    fmt: str


class ExportScreen(ModalScreen[Exported | None]):
    """Export annotations: the full path it will write is shown as you type; an error keeps
    the dialog open with what you entered, so a typo costs one correction."""

    BINDINGS = bindings("export")

    def __init__(self, db_path: Path, labels: tuple[LabelDef, ...], default_path: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.labels = labels
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text("Export annotations", style="bold"))
            yield Input(value=self.default_path, placeholder="File (a folder for brat)", id="path")
            yield Static(id="target")
            yield Select(
                [(f, f) for f in FORMATS], value=FORMATS[0], allow_blank=False, id="format"
            )
            yield Checkbox("Replace it if it exists (--force)", id="force")
            yield Static(id="error", classes="error -empty")
            yield Static(
                Text("enter: export   tab: next field   escape: cancel   (offsets: code points)"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self._show_target()

    def _target(self) -> Path:
        raw = self.query_one("#path", Input).value.strip()
        return Path(os.path.abspath(os.path.expanduser(raw))) if raw else Path()

    def _show_target(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        fmt = str(self.query_one("#format", Select).value)
        kind = "folder" if fmt == "brat" else "file"
        text = f"Writes the {kind} {one_line(str(self._target()), 300)}" if raw else ""
        self.query_one("#target", Static).update(Text(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_target()
        self._error("")

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_target()

    def _error(self, message: str) -> None:
        error = self.query_one("#error", Static)
        error.update(Text(one_line(message, 400)))
        error.set_class(not message, "-empty")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self._error("Give a file name (a folder for brat).")
            return
        fmt = str(self.query_one("#format", Select).value)
        force = self.query_one("#force", Checkbox).value
        self.run_export(self._target(), fmt, force)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, path: Path, fmt: str, force: bool) -> None:
        """On a worker with its own connection, in one read transaction."""
        try:
            db = connect(self.db_path, readable_only=True)
            try:
                with snapshot(db):
                    count = export_to_file(db, fmt, Filters(), path, force, self.labels)
            finally:
                db.close()
        except (NewsmarkError, sqlite3.Error) as exc:
            self.app.call_from_thread(self._error, f"Not exported: {exc}")
            return
        self.app.call_from_thread(self.dismiss, Exported(count, path, fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)
