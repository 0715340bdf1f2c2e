"""Read-only prose views: the base the reader builds on, and the compare screen's passages."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea

from newsmark.annotations.spans import textnav
from newsmark.corpus.normalise import neutralise


class RowTableDocument(WrappedDocument):
    """A wrapped document whose height is the length of its row table.

    ``WrappedDocument.height`` sums the wrap points of every line, and ``TextArea`` asks
    for it once per rendered row: 0.2 ms a row in a 50,000-word article, most of the cost
    of painting one. The row table has one entry per wrapped row, so its length is the
    same number (a test holds them equal).
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)


class TextView(TextArea):
    """Read-only, soft-wrapped, with a steady cursor and an offset index of its text.

    Bracket matching and the cursor-line band are for code, not prose; a blinking cursor
    would make every screenshot different.
    """

    DEFAULT_CSS = """
    TextView { border: round $primary-background; padding: 0 1; }
    TextView:focus { border: round $accent; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_cursor=True,
            tab_behavior="focus",
            **kwargs,  # type: ignore[arg-type]
        )
        self.highlight_cursor_line = False
        self.match_cursor_bracket = False
        self.cursor_blink = False
        self.index = textnav.LineIndex("")

    @property  # type: ignore[override]
    def wrapped_document(self) -> WrappedDocument:
        return self._wrapped_document

    @wrapped_document.setter
    def wrapped_document(self, document: WrappedDocument) -> None:
        """TextArea makes a new wrapped document for each text; make it a quick one."""
        if type(document) is WrappedDocument:
            document.__class__ = RowTableDocument
        self._wrapped_document = document


class Passage(TextView):
    """A read-only article view with painted ranges, for the compare screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._pieces: dict[int, list[tuple[int, int, Style]]] = {}

    def set_text(self, text: str) -> None:
        if text != self.text:
            safe = neutralise(text)
            self.index = textnav.LineIndex(safe)
            self.load_text(safe)

    def paint(self, ranges: list[tuple[int, int, Style]]) -> None:
        pieces: dict[int, list[tuple[int, int, Style]]] = {}
        for start, end, style in ranges:
            for row, c0, c1 in self.index.line_spans(start, end):
                pieces.setdefault(row, []).append((c0, c1, style))
        self._pieces = pieces
        self.notify_style_update()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for c0, c1, style in self._pieces.get(line_index, ()):
            line.stylize(style, c0, c1)
        return line

    def show_span(self, start: int, end: int) -> None:
        self.move_cursor(self.index.location(start), center=True)
