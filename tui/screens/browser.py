"""The annotations browser: every annotation in the corpus, filtered as you type.

One line of filter words: ``label:denial``, ``outlet:Gazette``, ``by:sam`` (annotator),
``article:12``, ``links:pending`` (``none``, ``accepted``), ``sort:date`` (``label``), and
any other words are looked for, fuzzily, in quotes and notes. The query runs in a worker
on its own connection (filters in SQL); the list draws only the rows on screen.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsmark.annotations.desk.browse import LINK_STATES, SORTS, Query, Row, count, find
from newsmark.annotations.settings.labels import Label
from newsmark.corpus.db import connect
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.bounded_input import BoundedInput
from newsmark.tui.widgets.virtual_list import VirtualList

MAX_FILTER_CHARS = 500
SHOWN = 5_000  # rows listed at most (the count says how many matched)
FIELDS = {"label": "labels", "outlet": "outlets", "by": "annotators", "article": "articles"}


class FilterError(ValueError):
    pass


def parse_filter(line: str) -> Query:
    """The filter line as a query; a word like ``label:x`` filters, the rest is text."""
    try:
        words = shlex.split(line)
    except ValueError:  # an unclosed quote: take the words as they are
        words = line.split()
    lists: dict[str, list[object]] = {v: [] for v in FIELDS.values()}
    text: list[str] = []
    links, sort = "any", "article"
    for word in words:
        key, sep, value = word.partition(":")
        key = key.lower()
        if not sep or not value or key not in (*FIELDS, "links", "sort"):
            text.append(word)
        elif key == "links":
            if value not in LINK_STATES:
                raise FilterError(f"links: is one of {', '.join(LINK_STATES)}")
            links = value
        elif key == "sort":
            if value not in SORTS:
                raise FilterError(f"sort: is one of {', '.join(SORTS)}")
            sort = value
        elif key == "article":
            if not value.isdigit():
                raise FilterError("article: takes an article id (a number)")
            lists["articles"].append(int(value))
        else:
            lists[FIELDS[key]].append(value)
    return Query(
        labels=[str(v) for v in lists["labels"]],
        outlets=[str(v) for v in lists["outlets"]],
        annotators=[str(v) for v in lists["annotators"]],
        articles=[int(str(v)) for v in lists["articles"]],
        text=" ".join(text),
        links=links,
        sort=sort,
    )


class AnnotationRows(VirtualList):
    """Two lines a row: label, article, outlet and annotator; then the quote."""

    BINDINGS = bindings("list")

    def __init__(self, colours: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        self.colours = colours
        self.empty_text = Text("Loading\u2026", style="dim")

    def item_lines(self, index: int) -> tuple[Text, Text]:
        row = self.rows[index]
        head = Text(no_wrap=True, overflow="ellipsis")
        colour = self.colours.get(row.label, "#6b7280")
        head.append(f" {one_line(row.label, 20)} ", style=f"bold white on {colour}")
        head.append(f" {one_line(row.title, 80)}", style="bold")
        if row.outlet:
            head.append(f" \u00b7 {one_line(row.outlet, 40)}", style="dim")
        if row.published:
            head.append(f" \u00b7 {row.published[:10]}", style="dim")
        head.append(f" \u00b7 {one_line(row.annotator, 30) or 'nobody'}", style="dim italic")
        body = Text(no_wrap=True, overflow="ellipsis")
        body.append(f"  \u201c{one_line(row.quote, 300)}\u201d")
        if row.note:
            body.append(f"  \u270e {one_line(row.note, 200)}", style="italic dim")
        return head, body


class BrowserScreen(ModalScreen[tuple[int, int, int] | None]):
    """Type to filter; down (or enter) goes to the list; enter there opens the article at
    the annotation; escape closes."""

    BINDINGS = bindings("browser")
    DEBOUNCE = 0.15

    def __init__(
        self,
        db_path: Path,
        labels: tuple[Label, ...],
        initial: str = "",
        only: str | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.only = only  # blind mode: this annotator's annotations, whatever the filter says
        self.colours = {label.name: label.colour for label in labels}
        self.initial = initial
        self._timer: object | None = None
        # The filter line whose answer (or error) is on screen. The query runs debounced
        # in a worker, so this is what says the screen has caught up with the typing.
        self.answered: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large"):
            yield BoundedInput(
                value=self.initial,
                placeholder="Filter: label:denial outlet:Gazette by:sam links:pending"
                " sort:date, and words from quotes and notes",
                max_length=MAX_FILTER_CHARS,
                id="filter",
            )
            yield Static("", id="error", classes="error -empty")
            rows = AnnotationRows(self.colours, id="rows")
            rows.border_title = (
                "Annotations" if self.only is None else "Your annotations (blind mode)"
            )
            yield rows

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.run_query(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        value = event.value
        self._timer = self.set_timer(self.DEBOUNCE, lambda: self.run_query(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_rows()

    def _say(self, problem: str | None, line: str | None = None) -> None:
        if line is not None:
            self.answered = line
        error = self.query_one("#error", Static)
        error.update(Text(problem or ""))
        error.set_class(not problem, "-empty")

    @work(thread=True, exclusive=True, group="browser")
    def run_query(self, line: str) -> None:
        try:
            query = parse_filter(line)
        except FilterError as exc:
            self.app.call_from_thread(self._say, str(exc), line)
            return
        if self.only is not None:  # asked for others' work: nobody's ("\n" is no one's name)
            wanted = [a for a in query.annotators if a == self.only] or ["\n"]
            query = replace(query, annotators=tuple(wanted if query.annotators else [self.only]))
        db = connect(self.db_path, readable_only=True)
        try:
            if query.text.strip():  # fuzzy: every candidate row is scored
                rows = find(db, query)
                total = len(rows)
            else:  # the rows a screen can show, and a count
                rows = find(db, query, limit=SHOWN)
                total = count(db, query) if len(rows) >= SHOWN else len(rows)
        except NewsmarkError as exc:
            self.app.call_from_thread(self._say, str(exc), line)
            return
        finally:
            db.close()
        self.app.call_from_thread(self._show, line, rows, total)

    def _show(self, line: str, rows: list[Row], total: int) -> None:
        if line != self.query_one(Input).value:
            return  # an older query finished after a newer one started
        self._say(None, line)
        listed = self.query_one(AnnotationRows)
        listed.rows = rows[:SHOWN]
        listed.empty_text = Text("No annotations match.", style="dim")
        shown = f" (first {SHOWN:,} shown)" if total > SHOWN else ""
        listed.border_subtitle = f"{total:,} annotation{'s' if total != 1 else ''}{shown}"
        listed.set_count(len(listed.rows), 0)

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        row = self.query_one(AnnotationRows).rows[event.index]
        self.dismiss((row.article_id, row.start, row.end))

    def action_focus_rows(self) -> None:
        listed = self.query_one(AnnotationRows)
        if listed.rows:
            listed.focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
