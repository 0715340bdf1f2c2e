"""The core of the reader screen: the state every part reads (the open article, its
annotations, the current one), the app's globals, the panes, the status line, and the
hooks that the parts in this package fill in. Every change to the data goes through
:mod:`newsmark.annotations.spans.store` (one committed transaction each) and then sets
the reactives from what the database says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

import sqlite_utils
from rich.text import Text
from textual.containers import Vertical
from textual.reactive import var
from textual.screen import Screen

from newsmark.annotations.desk import progress
from newsmark.annotations.desk.state import get_state, is_blind
from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.articles import (
    Article,
    get_article,
    list_articles,
    source_line,
)
from newsmark.corpus.errors import NewsmarkError
from newsmark.tui.host import Host
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_list import ArticleList, ArticleRow
from newsmark.tui.widgets.matches_panel import MatchesPanel
from newsmark.tui.widgets.reader import Reader
from newsmark.tui.widgets.status_line import StatusLine

# The methods the core calls and a part provides (see ReaderBase's TYPE_CHECKING block).
HOOKS = (
    "_show_matches",
    "compute_links",
    "_links_updated",
    "_show_link_counts",
    "_link_mark",
    "_clear_search",
    "_save_state",
    "_schedule_save",
)


class ReaderBase(Screen[None]):
    """What every part of the reader screen shares: the open ``article``, its
    ``annotations`` and the ``current_uuid`` (reactives, each with one watcher), the app's
    globals, the panes, the status line, and the hooks the parts fill in."""

    # ``var``, not ``reactive``: a change is state for the watchers below, which refresh just
    # the widgets it touches; a ``reactive`` would repaint the whole screen on every move.
    article: var[Article | None] = var(None, init=False, always_update=True)
    annotations: var[tuple[Annotation, ...]] = var((), init=False)
    current_uuid: var[str | None] = var(None, init=False)

    def _init_base(self) -> None:
        self._message = ""  # shown on the status line until the next move

    # --- what the parts provide (each owns its state; the core calls these) -------------------
    # Declared for type checkers only: at run time each is the part's own method, found
    # through ReaderScreen's bases (a test checks that every one of HOOKS is there).

    if TYPE_CHECKING:

        def _show_matches(self, force: bool = False) -> None:
            """The matches panel follows the current annotation (reader/links.py)."""

        def compute_links(self, uuids: list[str]) -> None:
            """Suggestions for changed annotations, on a worker (reader/links.py)."""

        def _links_updated(self) -> None:
            """Repaint what new or decided links change (reader/links.py)."""

        def _show_link_counts(self, article_id: int) -> None:
            """A newly opened article's link counts and decisions (reader/links.py)."""

        def _link_mark(self) -> str | None:
            """The annotation marked with L, waiting to be linked (reader/links.py)."""

        def _clear_search(self) -> None:
            """Another article: the in-article search hits go (reader/navigation.py)."""

        def _save_state(self) -> None:
            """Remember the reading position now (reader/place.py)."""

        def _schedule_save(self) -> None:
            """Remember the reading position soon (reader/place.py)."""

    # --- the app's globals, the panes, the article, its annotations ----------------------------

    @property
    def newsmark(self) -> Host:
        app = self.app
        assert isinstance(app, Host)
        return app

    @property
    def db(self) -> sqlite_utils.Database:
        return self.newsmark.db

    @property
    def read_only(self) -> bool:
        return self.newsmark.read_only

    @cached_property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    @cached_property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @cached_property
    def panel(self) -> AnnotationsPanel:
        return self.query_one("#annotations", AnnotationsPanel)

    @cached_property
    def matches(self) -> MatchesPanel:
        return self.query_one("#matches", MatchesPanel)

    @cached_property
    def side(self) -> Vertical:
        return self.query_one("#side", Vertical)

    @cached_property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def open_article(self, article_id: int, cursor: int | None = None) -> None:
        article = get_article(self.db, article_id)
        if article is None:
            self.notify(f"Article {article_id} no longer exists.", severity="error")
            return
        if self.article and self.article.id != article_id:
            self._save_state()
        self._clear_search()
        self.article = article
        self.set_reactive(ReaderBase.current_uuid, None)
        self.annotations = tuple(self._visible(store.list_annotations(self.db, article.id)))
        if cursor is None:
            saved = get_state(self.db, self._place(f"cursor:{article.id}"))
            cursor = int(saved) if saved and saved.isdigit() else 0
        self.reader.move_to_offset(min(cursor, len(article.text)), center=True)
        if not self.read_only:  # opening an article starts it
            try:
                state = progress.opened(self.db, article.id, self.newsmark.config.annotator)
            except (NewsmarkError, sqlite3.Error):
                state = None
            if state:
                self.article_list.update_state(article.id, state)
        self._sync_current()
        self.update_status()  # (no watcher fires for an article without annotations)
        self._save_state()

    def watch_article(self, article: Article | None) -> None:
        self._clear_search()
        if article is None:
            self.update_status()
            return
        reader = self.reader
        if not reader.show_text(article.text):
            self.notify(
                "This article has a line too long to wrap quickly: soft wrap is off for it"
                " (scroll sideways, or use w/b/e and ( ) to move).",
                title="Very long line",
                timeout=8,
            )
        self._show_link_counts(article.id)
        self.article_list.mark_current(article.id)
        self._show_heading(article)

    def _show_heading(self, article: Article) -> None:
        self.sub_title = source_line(article.title, article.outlet) + (
            "  (read-only)" if self.read_only else ""
        )
        heading = source_line(article.title, article.outlet, article.published)
        self.reader.border_title = Text(heading)  # type: ignore[assignment]

    def on_article_list_open(self, message: ArticleList.Open) -> None:
        self.open_article(message.article_id)
        self.reader.focus()

    def watch_annotations(self, annotations: tuple[Annotation, ...]) -> None:
        """A new set (an article opened, everything read again): the reader redraws all."""
        self._show_annotations(annotations)

    def _show_annotations(
        self,
        annotations: tuple[Annotation, ...],
        change: tuple[Annotation | None, Annotation | None] | None = None,
    ) -> None:
        """The reader, the panel, the list's count and the status follow the annotations.
        With ``change`` (before, after) only that one annotation is repainted in the reader:
        one keypress, one span's rows."""
        reader = self.reader
        if change is None:
            reader.set_annotations(list(annotations), self.current_uuid)
        else:
            reader.change_annotation(*change, self.current_uuid)
        ordered = reader.annotations
        self.panel.show(ordered, self.current_uuid)
        if self.article is not None:
            self.article_list.update_count(self.article.id, len(ordered))
        self._show_matches(force=True)
        self.update_status()

    def watch_current_uuid(self, uuid: str | None) -> None:
        self.reader.set_current(uuid)
        self.panel.mark(uuid)
        self._show_matches()
        self.update_status()

    def reload_article(self) -> None:
        """Annotations changed behind the reader's back (orphans placed): read them again."""
        if self.article is not None:
            self._reload_annotations()

    def _reload_annotations(self, current: str | None = None, changed: str | None = None) -> None:
        """Bring the screen in line with the database after a change.

        With ``changed`` only that annotation's row is read again (the common case, one
        keypress, one row); without it the article's annotations are all read.
        """
        assert self.article is not None
        if changed is None:
            annotations = self._visible(store.list_annotations(self.db, self.article.id))
        else:
            fresh = store.get_annotation(self.db, changed)
            if fresh is not None and (
                fresh.article_id != self.article.id or not self._visible([fresh])
            ):
                fresh = None
            annotations = [a for a in self.annotations if a.uuid != changed]
            if fresh is not None:
                annotations.append(fresh)
        if current is not None:
            self.set_reactive(ReaderBase.current_uuid, current)
        if changed is None:
            self.annotations = tuple(annotations)  # the watcher redraws them all
        elif tuple(annotations) != self.annotations:  # one changed: say which, explicitly
            before = self.reader.annotation(changed)
            self.set_reactive(ReaderBase.annotations, tuple(annotations))
            self._show_annotations(self.annotations, change=(before, fresh))
        self._sync_current(force=True)
        if changed is not None:
            self.call_after_refresh(self.compute_links, [changed])  # paint first

    @property
    def blind(self) -> bool:
        """Blind double annotation: the config says so, or the file does (a curator's
        ``newsmark blind on``)."""
        if self.newsmark.config.blind:
            return True
        try:
            return is_blind(self.db)
        except sqlite3.Error:
            return False

    def _visible(self, annotations: list[Annotation]) -> list[Annotation]:
        """What this annotator may see: in blind mode, only their own annotations."""
        if not self.blind:
            return annotations
        me = self.newsmark.config.annotator
        return [a for a in annotations if a.annotator == me]

    def _refuse_if_blind(self) -> bool:
        """The screens that show other annotators' work stay shut in blind mode."""
        if self.blind:
            self.say(
                "Blind mode: other annotators' work is hidden until the curator turns it"
                " off (newsmark blind off)."
            )
            return True
        return False

    def _under_cursor(self) -> list[Annotation]:
        return self.reader.spans.covering(self.reader.cursor_offset)

    def _sync_current(self, force: bool = False) -> None:
        """Keep the current annotation if it is still under the cursor, else the innermost."""
        uuids = [a.uuid for a in self._under_cursor()]
        current = self.current_uuid if self.current_uuid in uuids else None
        current = current or (uuids[0] if uuids else None)
        if force and current == self.current_uuid:
            self.watch_current_uuid(current)
        self.current_uuid = current

    def current_annotation(self) -> Annotation | None:
        return self.reader.current()

    def say(self, message: str) -> None:
        """A short message on the status line, until the next move.

        Routine feedback (undone, deleted, match 3 of 7) belongs where the eye already is,
        painted in the key's own frame; a toast slides in over several frames. Errors stay
        toasts (``notify``).
        """
        self._message = message
        self.update_status()

    def update_status(self) -> None:
        status = self.status
        article = self.article
        if article is None:
            status.show("No article", 0, 0, [], None, "", None, self._message)
            return
        reader = self.reader
        start, end = reader.selection_offsets
        status.show(
            article.title,
            reader.cursor_offset,
            len(article.text),
            self._under_cursor(),
            self.current_uuid,
            " ".join(
                mode for mode, on in (("VISUAL", reader.visual), ("LINK", self._link_mark())) if on
            ),
            (start, end) if end > start else None,
            self._message,
        )

    def _selection_moved(self) -> None:
        """The cursor or selection moved: the status line and the current annotation follow.

        Watched directly on the reader's ``selection`` (not through its ``SelectionChanged``
        message), so they are updated before the frame that shows the cursor is painted:
        one repaint per key, not two.
        """
        if self.article is None:
            return
        self._message = ""  # a message lasts until the next move
        before = self.current_uuid
        self._sync_current()
        if self.current_uuid == before:
            self.update_status()
        self._schedule_save()

    def on_annotations_panel_jump(self, message: AnnotationsPanel.Jump) -> None:
        ann = next((a for a in self.annotations if a.uuid == message.uuid), None)
        if ann:
            self._go_to(ann)
            self.reader.focus()

    def _go_to(self, ann: Annotation) -> None:
        self.reader.move_to_offset(ann.start, center=True)
        self.current_uuid = ann.uuid

    def _place(self, key: str) -> str:
        """The state key of the user's place. Signed in through ``newsmark serve``, each
        user resumes where *they* left off; a terminal keeps the file's one place."""
        served = self.newsmark.served_as
        return f"{key}@{served}" if served else key

    def _guard(self, change: Callable[[], object]) -> object | None:
        """Run a database change; report failure on screen, never crash, lose nothing."""
        if self.read_only:
            self.notify(
                "The database is read-only: nothing can be saved.", severity="error", timeout=4
            )
            return None
        try:
            return change()
        except (NewsmarkError, sqlite3.Error) as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=10, markup=False)
            return None

    @staticmethod
    def _article_rows(db: sqlite_utils.Database) -> list[ArticleRow]:
        counts = store.counts_by_article(db)
        states = progress.all_states(db)
        return [
            ArticleRow(
                a.id, a.title, a.outlet, counts.get(a.id, 0), a.published, states.get(a.id, "todo")
            )
            for a in list_articles(db)
        ]

    def _target_article(self) -> int | None:
        """The article highlighted in the list when the list has focus, else the open one."""
        listed = self.article_list
        if listed.has_focus and listed.cursor < len(listed.shown):
            return listed.shown[listed.cursor].id
        return self.article.id if self.article is not None else None
