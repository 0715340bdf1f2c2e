"""One line under the panes: article, offset, mode, and what is under the cursor."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import one_line
from newsmark.tui.widgets.annotations_panel import NOTE_MARK


class StatusLine(Widget):
    """Article, cursor offset, mode, and the annotation(s) under the cursor."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = Text()
        self.annotator = ""  # who is annotating: every tag is theirs

    def render(self) -> Text:
        return self.text

    def show(
        self,
        title: str,
        offset: int,
        length: int,
        under: list[Annotation],
        current: str | None,
        mode: str,
        selection: tuple[int, int] | None,
        message: str = "",
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.annotator:
            text.append(f"{one_line(self.annotator, 20)} ", style="dim")
        if mode:
            text.append(f" {mode} ", style="bold reverse")
            text.append(" ")
        where = f"  {offset}/{length}"
        if selection:
            where += f"  sel {selection[0]}-{selection[1]} ({selection[1] - selection[0]})"
        said = f"  {one_line(message, 200)}" if message else ""
        # A message is what the user must read: the title gives way to it (at 80 columns
        # a 48-character title left "No" of "Nothing to undo.").
        room = (self.size.width - 2 if self.size.width else 200) - len(text) - len(where)
        title_room = min(48, room - len(said))
        if title_room >= 12 or not said:
            text.append(one_line(title)[: max(title_room, 12)], style="bold")
        else:
            where = where.lstrip()
        text.append(where)
        if message:  # it stands in for the list of annotations until the next move
            text.append(said, style="bold italic")
            under = []
        for ann in under:
            marker = "\u25b6" if ann.uuid == current else "\u00b7"
            text.append(f"  {marker} ")
            text.append(one_line(ann.label, 40), style="bold")
            quote = one_line(ann.quote[:200])
            text.append(f" \u201c{quote[:40]}{'…' if len(quote) > 40 else ''}\u201d")
            if ann.note:
                text.append(f" {NOTE_MARK}")
        if len(under) > 1:
            text.append("  (space: next)", style="dim")
        self.text = text
        self.refresh()
