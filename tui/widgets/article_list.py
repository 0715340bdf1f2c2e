"""The article list: titles, outlets and annotation counts; typing filters it."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.message import Message

from newsmark.annotations.desk.progress import SHOWN as SHOWN_STATE
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.virtual_list import VirtualList


class ArticleRow(NamedTuple):
    """One article in the list (a named tuple: the list of a large corpus is made at start,
    and frozen dataclasses cost 3-4 times as much to make)."""

    id: int
    title: str
    outlet: str | None
    annotations: int
    published: str | None = None
    state: str = "todo"


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
        self.states: dict[int, str] = {}  # "in progress" or "done"; absent: to do
        self.state_filter: str | None = None
        self.shown: list[ArticleRow] = []
        self.filter_text = ""
        self.current_id: int | None = None
        self._positions: dict[int, int] = {}
        self.border_title = "Articles"
        self.empty_text = Text("Loading\u2026", style="dim")

    def set_rows(self, rows: list[ArticleRow]) -> None:
        self.rows = rows
        self.counts = {r.id: r.annotations for r in rows}
        self.states = {r.id: r.state for r in rows if r.state != "todo"}
        self.empty_text = Text("No articles match the filter.", style="dim")
        self._apply_filter()

    def update_count(self, article_id: int, count: int) -> None:
        """Counts live apart from the rows, so one tag costs O(1) at any corpus size."""
        if self.counts.get(article_id, 0) != count:
            self.counts[article_id] = count
            self.invalidate(*self._shown_index(article_id))

    def update_state(self, article_id: int, state: str) -> None:
        if self.states.get(article_id, "todo") == state:
            return
        if state == "todo":
            self.states.pop(article_id, None)
        else:
            self.states[article_id] = state
        if self.state_filter:
            self._apply_filter()
        else:
            self._titles()
            self.invalidate(*self._shown_index(article_id))

    def action_cycle_state_filter(self) -> None:
        """All articles, then only those to do, in progress, done, and all again."""
        order = [None, "todo", "in progress", "done"]
        self.state_filter = order[(order.index(self.state_filter) + 1) % len(order)]
        self._apply_filter()

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
        wanted_state = self.state_filter
        self.shown = [
            r
            for r in self.rows
            if (not needle or needle in r.title.casefold() or needle in (r.outlet or "").casefold())
            and (wanted_state is None or self.states.get(r.id, "todo") == wanted_state)
        ]
        ids = [r.id for r in self.shown]
        self._positions = {article_id: i for i, article_id in enumerate(ids)}
        wanted = selected if selected in ids else self.current_id
        self.set_count(len(self.shown), ids.index(wanted) if wanted in ids else 0)
        self._titles()

    def _titles(self) -> None:
        done = sum(1 for s in self.states.values() if s == "done")
        state = f" \u00b7 {SHOWN_STATE[self.state_filter]}" if self.state_filter else ""
        if self.filter_text:
            self.border_title = Text(f"Filter: {self.filter_text}{state}")  # type: ignore[assignment]
        else:
            self.border_title = f"Articles{state} \u00b7 {done} of {len(self.rows)} done"
        filtered = self.filter_text or self.state_filter
        self.border_subtitle = (
            f"{len(self.shown)} of {len(self.rows)}" if filtered else str(len(self.rows))
        )

    def item_lines(self, index: int) -> tuple[Text, Text]:
        row = self.shown[index]
        title = Text(one_line(row.title), style="bold" if row.id == self.current_id else "")
        meta = Text()
        state = self.states.get(row.id)
        if state == "done":
            meta.append("\u2713 ", style="bold green")
        elif state == "in progress":
            meta.append("\u25d0 ", style="yellow")
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
