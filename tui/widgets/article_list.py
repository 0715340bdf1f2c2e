"""The article list: titles, outlets and annotation counts; typing filters it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message

from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.virtual_list import VirtualList


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    outlet: str | None
    annotations: int
    published: str | None = None


class ArticleList(VirtualList):
    """Articles with annotation count, outlet and date. Typing filters; escape clears the
    filter."""

    BINDINGS = bindings("articles")

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
        self._positions: dict[int, int] = {}
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
            self.invalidate(*self._shown_index(article_id))

    def mark_current(self, article_id: int) -> None:
        before = self._shown_index(self.current_id) if self.current_id is not None else []
        self.current_id = article_id
        ids = [r.id for r in self.shown]
        if article_id in ids:
            self.move_to(ids.index(article_id))
        self.invalidate(*before, *self._shown_index(article_id))

    def _shown_index(self, article_id: int) -> list[int]:
        """Where an article is in the (filtered) list, as a list of zero or one index."""
        if len(self._positions) != len(self.shown):
            self._positions = {row.id: i for i, row in enumerate(self.shown)}
        at = self._positions.get(article_id)
        return [] if at is None else [at]

    def _apply_filter(self) -> None:
        selected = self.shown[self.cursor].id if self.cursor < len(self.shown) else None
        needle = self.filter_text.casefold()
        self.shown = [
            r
            for r in self.rows
            if not needle or needle in r.title.casefold() or needle in (r.outlet or "").casefold()
        ]
        ids = [r.id for r in self.shown]
        self._positions = {article_id: i for i, article_id in enumerate(ids)}
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
        if row.outlet:
            meta.append(one_line(row.outlet), style="dim")
        if row.published:
            meta.append((" \u00b7 " if row.outlet else "") + row.published[:10], style="dim")
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
