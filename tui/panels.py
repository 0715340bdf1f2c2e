"""The side panes (article list, annotations of the open article) and the status line."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import UNKNOWN_LABEL_COLOUR, Label
from annotations.model import Annotation
from corpus.normalise import neutralise

NOTE_MARK = "\u270e"


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    outlet: str | None
    annotations: int


def _one_line(text: str) -> str:
    return " ".join(neutralise(text).split())


class ArticleList(OptionList):
    """Articles with outlet and annotation count. Typing filters; escape clears the filter."""

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="articles.clear_filter"),
    ]

    class Open(Message):
        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[ArticleRow] = []
        self.filter_text = ""
        self.current_id: int | None = None
        self.border_title = "Articles"

    def set_rows(self, rows: list[ArticleRow]) -> None:
        self.rows = rows
        self._refill()

    def update_count(self, article_id: int, count: int) -> None:
        self.rows = [
            ArticleRow(r.id, r.title, r.outlet, count) if r.id == article_id else r
            for r in self.rows
        ]
        self._refill()

    def mark_current(self, article_id: int) -> None:
        self.current_id = article_id
        self._refill()

    def _matches(self, row: ArticleRow) -> bool:
        needle = self.filter_text.casefold()
        return needle in row.title.casefold() or needle in (row.outlet or "").casefold()

    def _refill(self) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options = []
        for row in self.rows:
            if self.filter_text and not self._matches(row):
                continue
            text = Text(_one_line(row.title), style="bold" if row.id == self.current_id else "")
            meta = Text("\n")
            if row.annotations:
                meta.append(f"\u25cf{row.annotations} ", style="bold")
            meta.append(_one_line(row.outlet or "unknown outlet"), style="dim")
            options.append(Option(text + meta, id=str(row.id)))
        self.clear_options()
        self.add_options(options)
        ids = [o.id for o in options]
        wanted = highlighted or (str(self.current_id) if self.current_id else None)
        if wanted in ids:
            self.highlighted = ids.index(wanted)
        elif options:
            self.highlighted = 0
        total = len(self.rows)
        if self.filter_text:
            self.border_title = Text(f"Filter: {self.filter_text}")  # type: ignore[assignment]
            self.border_subtitle = f"{len(options)} of {total}"
        else:
            self.border_title = "Articles"
            self.border_subtitle = f"{total}"

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.key not in ("space",):
            self.filter_text += event.character
        elif event.key == "backspace" and self.filter_text:
            self.filter_text = self.filter_text[:-1]
        else:
            return
        event.stop()
        event.prevent_default()
        self._refill()

    def action_clear_filter(self) -> None:
        if self.filter_text:
            self.filter_text = ""
            self._refill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Open(int(event.option.id)))


class AnnotationsPanel(OptionList):
    """The open article's annotations in text order; Enter jumps to one in the reader."""

    class Jump(Message):
        def __init__(self, uuid: str) -> None:
            super().__init__()
            self.uuid = uuid

    def __init__(self, labels: dict[str, Label], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = labels
        self.border_title = "Annotations"
        self.uuids: list[str] = []

    def show(self, annotations: list[Annotation], current: str | None) -> None:
        options = [Option(self._render(a), id=a.uuid) for a in annotations]
        if not options:
            hint = Text(
                "No annotations yet.\nSelect text (v, shift+arrows or the mouse) and "
                "press a label key; ? lists them.",
                style="dim",
            )
            options = [Option(hint, disabled=True)]
        self.uuids = [a.uuid for a in annotations]
        self.clear_options()
        self.add_options(options)
        self.border_subtitle = str(len(annotations))
        self.mark(current)

    def mark(self, uuid: str | None) -> None:
        if uuid in self.uuids:
            self.highlighted = self.uuids.index(uuid)

    def _render(self, ann: Annotation) -> Text:
        label = self.labels.get(ann.label)
        colour = label.colour if label else UNKNOWN_LABEL_COLOUR
        text = Text()
        text.append("  ", style=f"on {colour}")
        text.append(f" {ann.label}", style="bold")
        if ann.note:
            text.append(f" {NOTE_MARK}", style="bold")
        quote = _one_line(ann.quote)
        if len(quote) > 120:
            quote = quote[:119] + "\u2026"
        text.append(f"\n{quote}", style="dim")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Jump(event.option.id))


class StatusLine(Static):
    """Article, cursor offset, mode, and the annotation(s) under the cursor."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show(
        self,
        title: str,
        offset: int,
        length: int,
        under: list[Annotation],
        current: str | None,
        mode: str,
        selection: tuple[int, int] | None,
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if mode:
            text.append(f" {mode} ", style="bold reverse")
            text.append(" ")
        text.append(_one_line(title)[:48], style="bold")
        text.append(f"  {offset}/{length}")
        if selection:
            text.append(f"  sel {selection[0]}-{selection[1]} ({selection[1] - selection[0]})")
        for ann in under:
            marker = "\u25b6" if ann.uuid == current else "\u00b7"
            text.append(f"  {marker} ")
            text.append(ann.label, style="bold")
            quote = _one_line(ann.quote)
            text.append(f" \u201c{quote[:40]}{'…' if len(quote) > 40 else ''}\u201d")
            if ann.note:
                text.append(f" {NOTE_MARK}")
        if len(under) > 1:
            text.append("  (space: next)", style="dim")
        self.update(text)
