"""The side panes (article list, annotations of the open article) and the status line."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from newsmark.annotations.labels import UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.model import Annotation
from newsmark.corpus.normalise import one_line
from newsmark.tui.virtual_list import VirtualList

NOTE_MARK = "\u270e"


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    outlet: str | None
    annotations: int


class ArticleList(VirtualList):
    """Articles with outlet and annotation count. Typing filters; escape clears the filter."""

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="articles.clear_filter"),
    ]

    class Open(Message):
        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rows: list[ArticleRow] = []
        self.counts: dict[int, int] = {}
        self.shown: list[ArticleRow] = []
        self.filter_text = ""
        self.current_id: int | None = None
        self.border_title = "Articles"
        self.empty_text = Text("Loading\u2026", style="dim")

    def set_rows(self, rows: list[ArticleRow]) -> None:
        self.rows = rows
        self.counts = {r.id: r.annotations for r in rows}
        self.empty_text = Text("No articles match the filter.", style="dim")
        self._apply_filter()

    def update_count(self, article_id: int, count: int) -> None:
        """Counts live apart from the rows, so one tag costs O(1) at any corpus size."""
        if self.counts.get(article_id, 0) != count:
            self.counts[article_id] = count
            self.refresh()

    def mark_current(self, article_id: int) -> None:
        self.current_id = article_id
        ids = [r.id for r in self.shown]
        if article_id in ids:
            self.move_to(ids.index(article_id))
        self.refresh()

    def _apply_filter(self) -> None:
        selected = self.shown[self.cursor].id if self.cursor < len(self.shown) else None
        needle = self.filter_text.casefold()
        self.shown = [
            r
            for r in self.rows
            if not needle or needle in r.title.casefold() or needle in (r.outlet or "").casefold()
        ]
        ids = [r.id for r in self.shown]
        wanted = selected if selected in ids else self.current_id
        self.set_count(len(self.shown), ids.index(wanted) if wanted in ids else 0)
        if self.filter_text:
            self.border_title = Text(f"Filter: {self.filter_text}")  # type: ignore[assignment]
            self.border_subtitle = f"{len(self.shown)} of {len(self.rows)}"
        else:
            self.border_title = "Articles"
            self.border_subtitle = str(len(self.rows))

    def item_lines(self, index: int) -> tuple[Text, Text]:
        row = self.shown[index]
        title = Text(one_line(row.title), style="bold" if row.id == self.current_id else "")
        meta = Text()
        count = self.counts.get(row.id, 0)
        if count:
            meta.append(f"\u25cf{count} ", style="bold")
        meta.append(one_line(row.outlet or "unknown outlet"), style="dim")
        return title, meta

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and (event.key != "space" or self.filter_text):
            self.filter_text += event.character
        elif event.key == "backspace" and self.filter_text:
            self.filter_text = self.filter_text[:-1]
        else:
            return
        event.stop()
        event.prevent_default()
        self._apply_filter()

    def action_clear_filter(self) -> None:
        if self.filter_text:
            self.filter_text = ""
            self._apply_filter()

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        if event.index < len(self.shown):
            self.post_message(self.Open(self.shown[event.index].id))


class AnnotationsPanel(VirtualList):
    """The open article's annotations in text order; Enter jumps to one in the reader."""

    BINDINGS = [
        Binding("k", "move(-1)", "Up", show=False),
        Binding("j", "move(1)", "Down", show=False),
    ]

    class Jump(Message):
        def __init__(self, uuid: str) -> None:
            super().__init__()
            self.uuid = uuid

    def __init__(self, labels: dict[str, Label], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.labels = labels
        self.border_title = "Annotations"
        self.items: list[Annotation] = []
        self.uuids: list[str] = []
        self.link_counts: dict[str, int] = {}
        self.empty_text = Text(
            "No annotations yet.\nSelect text (v, shift+arrows\nor the mouse) and press a\n"
            "label key; ? lists them.",
            style="dim",
        )

    def show(self, annotations: list[Annotation], current: str | None) -> None:
        self.items = annotations
        self.uuids = [a.uuid for a in annotations]
        self.border_subtitle = str(len(annotations))
        self.set_count(len(annotations))
        self.mark(current)

    def mark(self, uuid: str | None) -> None:
        if uuid in self.uuids:
            self.move_to(self.uuids.index(uuid))

    def item_lines(self, index: int) -> tuple[Text, Text]:
        ann = self.items[index]
        label = self.labels.get(ann.label)
        colour = label.colour if label else UNKNOWN_LABEL_COLOUR
        head = Text()
        head.append("  ", style=f"on {colour}")
        head.append(f" {one_line(ann.label, 40)}", style="bold")
        carried = self.link_counts.get(ann.uuid, 0)
        if carried:
            head.append(f" \u21c4{carried}", style="bold cyan")
        if ann.note:
            head.append(f" {NOTE_MARK} ", style="bold")
            head.append(one_line(ann.note), style="italic")
        quote = Text(one_line(ann.quote[:400]), style="dim")
        return head, quote

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        if event.index < len(self.items):
            self.post_message(self.Jump(self.items[event.index].uuid))


class StatusLine(Widget):
    """Article, cursor offset, mode, and the annotation(s) under the cursor."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = Text()

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
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if mode:
            text.append(f" {mode} ", style="bold reverse")
            text.append(" ")
        text.append(one_line(title)[:48], style="bold")
        text.append(f"  {offset}/{length}")
        if selection:
            text.append(f"  sel {selection[0]}-{selection[1]} ({selection[1] - selection[0]})")
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
