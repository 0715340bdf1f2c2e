"""The export dialog: where, in which format, and whether to replace what is there."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from newsmark.annotations.formats.export import FORMATS, Filters, export_to_file, snapshot
from newsmark.annotations.formats.names import FOLDER_FORMATS
from newsmark.annotations.settings.labels import Label as LabelDef
from newsmark.corpus.db import connect
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings, hint


@dataclass(frozen=True)
class Exported:
    """What the dialog reports when the export is written."""

    count: int
    path: Path
    fmt: str
    downloaded: bool = False  # served: sent to the browser, not written on the server


class ExportScreen(ModalScreen[Exported | None]):
    """Export annotations: the full path it will write is shown as you type; an error keeps
    the dialog open with what you entered, so a typo costs one correction.

    Served (``newsmark serve``), the file is a download to the user's browser: a browser
    user has no business writing files on the server's disk."""

    BINDINGS = bindings("export")

    def __init__(
        self,
        db_path: Path,
        labels: tuple[LabelDef, ...],
        default_path: str,
        served: bool = False,
        only: str | None = None,
    ) -> None:
        super().__init__()
        # blind mode: only this annotator's own work leaves the app
        self.filters = Filters(annotators=(only,)) if only else Filters()
        self.db_path = db_path
        self.labels = labels
        self.default_path = default_path
        self.served = served

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text("Export annotations", style="bold"))
            yield Input(
                value=self.default_path,
                placeholder="File (a folder for brat, xmi and label-studio)",
                id="path",
            )
            yield Static(id="target")
            yield Select(
                [(f, f) for f in FORMATS], value=FORMATS[0], allow_blank=False, id="format"
            )
            yield Checkbox("Replace it if it exists (--force)", id="force")
            yield Static(id="error", classes="error -empty")
            yield Static(
                hint(
                    self.app,
                    "enter: export",
                    "tab: next field",
                    ("export.cancel", "cancel"),
                    "(offsets: code points)",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self._show_target()

    def _target(self) -> Path:
        raw = self.query_one("#path", Input).value.strip()
        if self.served:  # a file name for the download, never a place on the server
            return Path(Path(raw).name) if raw else Path()
        return Path(os.path.abspath(os.path.expanduser(raw))) if raw else Path()

    def _show_target(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        fmt = str(self.query_one("#format", Select).value)
        kind = "folder" if fmt in FOLDER_FORMATS else "file"
        name = one_line(str(self._target()), 300)
        if self.served:
            name += ".zip" if fmt in FOLDER_FORMATS else ""
            text = f"Downloads {name} in your browser" if raw else ""
        else:
            text = f"Writes the {kind} {name}" if raw else ""
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
            self._error("Give a file name (a folder for brat, xmi and label-studio).")
            return
        fmt = str(self.query_one("#format", Select).value)
        force = self.query_one("#force", Checkbox).value
        self.run_export(self._target(), fmt, force)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, path: Path, fmt: str, force: bool) -> None:
        """On a worker with its own connection, in one read transaction."""
        try:
            if self.served:
                count, download = self._export_for_download(path.name, fmt)
                self.app.call_from_thread(self._deliver, download, count, path, fmt)
                return
            db = connect(self.db_path, readable_only=True)
            try:
                with snapshot(db):
                    count = export_to_file(db, fmt, self.filters, path, force, self.labels)
            finally:
                db.close()
        except (NewsmarkError, sqlite3.Error, OSError) as exc:
            self.app.call_from_thread(self._error, f"Not exported: {exc}")
            return
        self.app.call_from_thread(self.dismiss, Exported(count, path, fmt))

    def _export_for_download(self, name: str, fmt: str) -> tuple[int, BinaryIO]:
        """Export into a private temporary folder and open the result (brat's folder as a
        zip); the folder is gone when this returns, the open file lives until delivered."""
        with tempfile.TemporaryDirectory(prefix="newsmark-export-") as folder:
            target = Path(folder) / name
            db = connect(self.db_path, readable_only=True)
            try:
                with snapshot(db):
                    count = export_to_file(db, fmt, self.filters, target, True, self.labels)
            finally:
                db.close()
            if target.is_dir():
                target = Path(shutil.make_archive(str(target), "zip", root_dir=target))
            return count, target.open("rb")

    def _deliver(self, download: BinaryIO, count: int, path: Path, fmt: str) -> None:
        name = path.name + (".zip" if fmt in FOLDER_FORMATS else "")
        self.app.deliver_binary(download, save_filename=name)
        self.dismiss(Exported(count, Path(name), fmt, downloaded=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
