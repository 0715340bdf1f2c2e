"""The main screen: article list | reader | annotations and matches, a status line, and keys.

It is put together from parts, one module each in ``tui/screens/reader/``, each owning
its state and its actions: ``base`` (the open article, its annotations, the current one,
the status line), ``panes``, ``watching`` (the article list and other programs' changes),
``links`` (matches, compare, linking by hand), ``dialogs`` (the screens it opens),
``place`` (the reading position), ``edits`` (tagging, undo) and ``navigation`` (next
annotation, search). The parts talk through the hooks declared in ``base``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from newsmark.annotations.desk.state import get_state
from newsmark.annotations.spans import store
from newsmark.corpus.articles import (
    get_article,
    list_articles,
)
from newsmark.tui.bindings import GLOBAL_IDS, bindings
from newsmark.tui.screens.reader.dialogs import DialogsPart
from newsmark.tui.screens.reader.edits import EditsPart
from newsmark.tui.screens.reader.links import LinksPart
from newsmark.tui.screens.reader.navigation import NavigationPart
from newsmark.tui.screens.reader.panes import PanesPart
from newsmark.tui.screens.reader.place import PlacePart
from newsmark.tui.screens.reader.watching import WatchingPart
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_list import ArticleList
from newsmark.tui.widgets.key_bar import KeyBar
from newsmark.tui.widgets.matches_panel import MatchesPanel
from newsmark.tui.widgets.reader import Reader
from newsmark.tui.widgets.status_line import StatusLine

STATE_SAVE_DELAY = 1.0
WATCH_INTERVAL = 1.0  # seconds between checks for other programs' changes


class ReaderScreen(
    PanesPart, WatchingPart, LinksPart, DialogsPart, EditsPart, PlacePart, NavigationPart
):
    """Reading and tagging one article at a time, with the corpus beside it."""

    BINDINGS = [b for b in bindings("app") if b.id not in GLOBAL_IDS]

    def __init__(self) -> None:
        super().__init__(id="reader-screen")
        self._init_base()
        self._init_panes()
        self._init_watching()
        self._init_links()
        self._init_place()
        self._init_navigation()

    def compose(self) -> ComposeResult:
        labels = self.newsmark.config.labels
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield Reader.for_labels(labels)(labels, id="reader")
            with Vertical(id="side"):
                yield AnnotationsPanel({lab.name: lab for lab in labels}, id="annotations")
                yield MatchesPanel(id="matches")
        yield StatusLine(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._restore_panes()
        # Pane widths before the article is loaded: the reader wraps 50,000 words once,
        # not once per width it passes through while the layout settles.
        self._apply_layout(self.app.size.width)
        db = self.db
        self._was_blind = self.blind
        self.status.annotator = self.newsmark.config.annotator + (
            " (blind)" if self._was_blind else ""
        )
        store.set_actor(db, self.newsmark.config.annotator)
        last = get_state(db, self._place("last_article"))
        if last and last.isdigit() and get_article(db, int(last)):
            cursor = get_state(db, self._place(f"cursor:{last}"))
            self.open_article(int(last), int(cursor) if cursor and cursor.isdigit() else None)
        else:
            first = list_articles(db, limit=1)
            if first:
                self.open_article(first[0].id)
            else:
                self.update_status()
        self.watch(self.reader, "selection", self._selection_moved, init=False)
        self.watch(self.reader, "visual", self.update_status, init=False)
        self._data_version = self._current_data_version()
        self._signature = self._corpus_signature()
        self.first_article_rows()
        self.set_interval(WATCH_INTERVAL, self._check_for_changes)
        self.set_interval(STATE_SAVE_DELAY, self._save_if_moved)
        self.reader.focus()
