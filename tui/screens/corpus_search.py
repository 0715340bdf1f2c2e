"""Search every article as you type."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from newsmark.annotations.linking.matching import Match, search_corpus
from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
from newsmark.corpus.articles import get_article
from newsmark.corpus.db import connect
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.bounded_input import BoundedInput
from newsmark.tui.widgets.search_results import SearchResults
from newsmark.tui.widgets.virtual_list import VirtualList


class CorpusSearchScreen(ModalScreen[tuple[int, int, int] | None]):
    """Search all articles as you type; Enter opens the article at the match."""

    BINDINGS = bindings("corpus_search")
    DEBOUNCE = 0.15  # a pause in typing; searching costs ~20 ms at 10,000 articles

    def __init__(self, db_path: Path, query: str = "") -> None:
        super().__init__()
        self.db_path = db_path
        self.initial = query
        self._timer: object | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large"):
            yield BoundedInput(
                value=self.initial[:MAX_QUERY_CHARS],
                placeholder="Search all articles",
                max_length=MAX_QUERY_CHARS,
                id="query",
            )
            yield SearchResults(id="results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self.run_search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        value = event.value
        self._timer = self.set_timer(self.DEBOUNCE, lambda: self.run_search(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(SearchResults)
        if results.matches:
            results.focus()

    @work(thread=True, exclusive=True, group="corpus-search")
    def run_search(self, query: str) -> None:
        db = connect(self.db_path, readable_only=True)
        try:
            matches = search_corpus(db, query, limit=50)
            ids = sorted({m.article_id for m in matches})
            titles: dict[int, tuple[str, str | None]] = {}
            texts: dict[int, str] = {}
            for article_id in ids:
                article = get_article(db, article_id)
                if article is not None:
                    titles[article_id] = (article.title, article.outlet)
                    texts[article_id] = article.text
        finally:
            db.close()
        self.app.call_from_thread(self._show, query, matches, titles, texts)

    def _show(
        self,
        query: str,
        matches: list[Match],
        titles: dict[int, tuple[str, str | None]],
        texts: dict[int, str],
    ) -> None:
        if query != self.query_one(Input).value:
            return  # an older search finished after a newer one started
        results = self.query_one(SearchResults)
        results.matches, results.titles, results.texts = matches, titles, texts
        if query.strip() and not matches:
            results.empty_text = Text("No matches.", style="dim")
        results.border_subtitle = f"{len(matches)} matches" if query.strip() else ""
        results.set_count(len(matches), 0)

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        m = self.query_one(SearchResults).matches[event.index]
        self.dismiss((m.article_id, m.start, m.end))

    def action_focus_results(self) -> None:
        self.query_one(SearchResults).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
