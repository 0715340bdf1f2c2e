"""The main screen: article list | reader | annotations and matches, a status line, and keys.

The state several widgets show lives here, as reactives: the open ``article``, its
``annotations``, the ``current_uuid`` and the in-article ``search_hits``, and the pane
layout. Each has one watcher that brings the widgets in line, so a new view of, say, the
current annotation is one more line in one watcher. Every change to the data goes through
:mod:`newsmark.annotations.spans.store` (one committed transaction each) and then sets the
reactives from what the database says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property

import sqlite_utils
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen

from newsmark.annotations.desk import progress
from newsmark.annotations.desk.state import get_state, is_blind, set_state
from newsmark.annotations.linking.links import accept as accept_link
from newsmark.annotations.linking.links import (
    cluster_of,
    clusters,
    counts_by_annotation,
    link_by_hand,
    link_counts,
    links_for,
    suggest,
)
from newsmark.annotations.linking.links import reject as reject_link
from newsmark.annotations.linking.matching import (
    BULK_MIN,
    Matcher,
    linkable,
)
from newsmark.annotations.settings.labelset import effective
from newsmark.annotations.spans import store, textnav
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.articles import (
    Article,
    get_article,
    list_articles,
    source_line,
    update_details,
)
from newsmark.corpus.articles import article_text as stored_text
from newsmark.corpus.articles import titles as article_titles
from newsmark.corpus.db import connect, data_version, describe_error, read_only
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import GLOBAL_IDS, bindings
from newsmark.tui.host import Host
from newsmark.tui.layout import Layout, plan_layout
from newsmark.tui.screens.details import DetailsScreen
from newsmark.tui.screens.find import SearchScreen
from newsmark.tui.screens.note import NoteScreen
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_list import ArticleList, ArticleRow
from newsmark.tui.widgets.key_bar import KeyBar
from newsmark.tui.widgets.matches_panel import MatchesPanel, MatchRow
from newsmark.tui.widgets.reader import Reader
from newsmark.tui.widgets.status_line import StatusLine

STATE_SAVE_DELAY = 1.0
WATCH_INTERVAL = 1.0  # seconds between checks for other programs' changes


class ReaderScreen(Screen[None]):
    """Reading and tagging one article at a time, with the corpus beside it."""

    BINDINGS = [b for b in bindings("app") if b.id not in GLOBAL_IDS]

    # ``var``, not ``reactive``: a change is state for the watchers below, which refresh just
    # the widgets it touches; a ``reactive`` would repaint the whole screen on every move.
    article: var[Article | None] = var(None, init=False, always_update=True)
    annotations: var[tuple[Annotation, ...]] = var((), init=False)
    current_uuid: var[str | None] = var(None, init=False)
    search_hits: var[tuple[int, ...]] = var((), init=False)
    show_articles: var[bool] = var(True, init=False)
    show_side: var[bool] = var(True, init=False)
    pane_delta: var[int] = var(0, init=False)
    # the annotation marked with L, waiting for the one to link it to (in any article)
    linking_from: var[str | None] = var(None, init=False)

    def __init__(self) -> None:
        super().__init__(id="reader-screen")
        self.search_term = ""
        self.article_rows: list[ArticleRow] = []
        self.link_counts: dict[str, int] = {}
        self.match_rows: list[MatchRow] = []
        self._matches_for: str | None = None
        self._position_dirty = False
        self._message = ""  # shown on the status line until the next move
        self._data_version = 0
        self._was_blind = False
        self._signature: tuple[int, ...] = ()
        self._layout: Layout | None = None
        # one edit's (before, after), when the new annotations differ from the old by it
        self._stepped_aside: str | None = None  # a pane hidden to make room for the other

    # --- the app's globals -----------------------------------------------------------------

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

    # --- layout ------------------------------------------------------------------------------

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

    # The panes are composed once and never replaced: looked up once, not on every key
    # (each property ran a DOM query, several times per keypress).
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
            first = list_articles(db)[:1]
            if first:
                self.open_article(first[0].id)
            else:
                self.update_status()
        self.watch(self.reader, "selection", self._selection_moved, init=False)
        self.watch(self.reader, "visual", self.update_status, init=False)
        self._data_version = self._current_data_version()
        self._signature = self._corpus_signature()
        self.load_article_rows()
        self.set_interval(WATCH_INTERVAL, self._check_for_changes)
        self.set_interval(STATE_SAVE_DELAY, self._save_if_moved)
        self.reader.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int | None = None) -> None:
        """Pane widths in proportion to the terminal; narrow terminals keep the reader first."""
        width = width or self.size.width
        aside = self._stepped_aside
        if aside:  # a pane stepped aside for lack of room comes back when there is room
            both = plan_layout(width, True, True, self.pane_delta)
            if both.articles and both.side:
                self._stepped_aside = None
                self.set_reactive(ReaderScreen.show_articles, True)
                self.set_reactive(ReaderScreen.show_side, True)
                self._save_panes()
        plan = plan_layout(width, self.show_articles, self.show_side, self.pane_delta)
        if plan == self._layout:
            return
        self._layout = plan
        self.article_list.display = plan.articles > 0
        self.side.display = plan.side > 0
        if plan.articles:
            self.article_list.styles.width = plan.articles
        if plan.side:
            self.side.styles.width = plan.side
        focused = self.app.focused
        if focused is not None and not focused.display:
            self.reader.focus()
        self.reader.call_after_refresh(self.reader.scroll_cursor_visible)

    def watch_show_articles(self) -> None:
        self._apply_layout()
        self._save_panes()

    def watch_show_side(self) -> None:
        self._apply_layout()
        self._save_panes()

    def watch_pane_delta(self) -> None:
        self._apply_layout()
        self._save_panes()

    def _restore_panes(self) -> None:
        saved = get_state(self.db, self._place("panes")) or ""
        parts = saved.split(",")
        if len(parts) >= 3 and parts[2].lstrip("-").isdigit():
            self.set_reactive(ReaderScreen.show_articles, parts[0] == "1")
            self.set_reactive(ReaderScreen.show_side, parts[1] == "1")
            self.set_reactive(ReaderScreen.pane_delta, int(parts[2]))
        if len(parts) == 4 and parts[3] in ("articles", "side"):
            self._stepped_aside = parts[3]

    def _save_panes(self) -> None:
        if self.read_only:
            return
        value = (
            f"{int(self.show_articles)},{int(self.show_side)},{self.pane_delta},"
            f"{self._stepped_aside or ''}"
        )
        try:
            set_state(self.db, {self._place("panes"): value})
        except sqlite3.Error as exc:
            self.log.warning(f"could not save the pane layout: {exc}")

    def action_toggle_pane(self, pane: str) -> None:
        """Hide a pane that shows; show one that does not, making room if the terminal is
        too narrow for both (the other side pane steps aside, and comes back when this one
        is hidden again)."""
        articles = pane == "articles"
        if self._shown(pane):
            if articles:
                self.show_articles = False
            else:
                self.show_side = False
            if self._stepped_aside:
                other, self._stepped_aside = self._stepped_aside, None
                if other == "articles":
                    self.show_articles = True
                else:
                    self.show_side = True
            return
        want_articles = True if articles else self.show_articles
        want_side = self.show_side if articles else True
        plan = plan_layout(self.size.width, want_articles, want_side, self.pane_delta)
        if not (plan.articles if articles else plan.side):
            self._stepped_aside = "side" if articles else "articles"
            want_side, want_articles = (False, True) if articles else (True, False)
        else:
            self._stepped_aside = None
        self.show_articles, self.show_side = want_articles, want_side

    def _shown(self, pane: str) -> bool:
        plan = self._layout
        if plan is None:
            return self.show_articles if pane == "articles" else self.show_side
        return (plan.articles if pane == "articles" else plan.side) > 0

    def action_full_width(self) -> None:
        hide = self._shown("articles") or self._shown("side")
        self.show_articles = self.show_side = not hide
        self.reader.focus()

    def action_resize_panes(self, delta: int) -> None:
        self.pane_delta = max(-24, min(40, self.pane_delta + delta))

    # --- the article list and other programs' changes -------------------------------------

    @work(thread=True, exclusive=True, group="article-rows")
    def load_article_rows(self) -> None:
        """Titles and counts for the whole corpus, then the match index brought up to date.

        Both on a worker's own connection. The list is shown first: indexing a large import
        (or the whole corpus after an upgrade) can take a while, and reading need not wait.
        """
        app = self.newsmark
        db = connect(app.db_path, readable_only=True)
        try:
            self.app.call_from_thread(self._show_article_rows, self._article_rows(db))
            if read_only(db):
                return
            self._index_new(db)
        finally:
            db.close()

    def _index_new(self, db: sqlite_utils.Database) -> None:
        from newsmark.annotations.catchup import catch_up, pending_articles

        pending = pending_articles(db)
        if len(pending) >= BULK_MIN:
            self.app.call_from_thread(
                self.notify,
                f"Indexing {len(pending):,} articles for cross-article matches\u2026",
                timeout=5,
            )
        try:  # imported since the last update: index, place orphans, link
            done = catch_up(db, self.newsmark.config.min_confidence, pending=pending)
            if done.placed:
                self.app.call_from_thread(
                    self.notify,
                    f"{done.placed} orphaned annotation{'s' if done.placed != 1 else ''} found"
                    " their article and were placed.",
                    timeout=5,
                )
                self.app.call_from_thread(self.reload_article)
            if done.suggested:
                self.app.call_from_thread(self._links_updated)
        except (sqlite3.Error, OSError) as exc:  # reading and tagging still work
            why = (
                describe_error(self.newsmark.db_path, exc)
                if isinstance(exc, sqlite3.Error)
                else exc
            )
            self.app.call_from_thread(
                self.notify,
                f"The match index could not be updated: {why}. Matches may be missing;"
                " run `newsmark link` to retry.",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        if len(pending) >= BULK_MIN:
            self.app.call_from_thread(self.notify, "Match index ready.", timeout=3)

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

    def _show_article_rows(self, rows: list[ArticleRow]) -> None:
        self.article_rows = rows
        self.article_list.set_rows(rows)
        if self.article:
            self.article_list.mark_current(self.article.id)

    def _current_data_version(self) -> int:
        return data_version(self.db)

    def _corpus_signature(self) -> tuple[int, ...]:
        return store.corpus_signature(self.db)

    def _check_for_changes(self) -> None:
        """Another program committed (an import, say): show its articles.

        ``PRAGMA data_version`` changes only when another connection commits, and costs
        microseconds; only then are the corpus's counts compared (our own link workers
        commit too, and their writes change no list).
        """
        try:
            version = self._current_data_version()
            if version == self._data_version:
                return
            self._data_version = version
            signature = self._corpus_signature()
        except sqlite3.Error:
            return
        if signature != self._signature:
            self._signature = signature
            self.load_article_rows()
        self._check_teammates()
        self._check_labels()
        blind = self.blind
        if blind != self._was_blind:  # the curator turned blind mode on or off
            self._was_blind = blind
            name = self.newsmark.config.annotator
            self.status.annotator = name + (" (blind)" if blind else "")
            if self.article is not None:
                self._reload_annotations()
            self.say(
                "Blind mode is on: you see only your own annotations."
                if blind
                else "Blind mode is off: every annotator's work is shown."
            )

    def _check_teammates(self) -> None:
        """A teammate (another terminal, another browser session) tagged, edited or removed
        something in the open article: show it, as a reload would. Only the changed
        article's rows are read, and only after another connection committed."""
        if self.article is None:
            return
        try:
            fresh = self._visible(store.list_annotations(self.db, self.article.id))
        except sqlite3.Error:
            return
        if {(a.uuid, a.updated) for a in fresh} != {(a.uuid, a.updated) for a in self.annotations}:
            self._reload_annotations()

    def _check_labels(self) -> None:
        """The file's label set changed (``newsmark labels set`` in another terminal, a
        teammate's app): use it now, keys and colours, as a restart would."""
        app = self.newsmark
        try:
            fresh = effective(self.db, app.config_labels, app.config.own_labels, False)
        except sqlite3.Error:
            return
        if fresh.labels == app.config.labels:
            return
        before = {lab.name for lab in app.config.labels}
        app.config = replace(app.config, labels=fresh.labels)
        self.reader.set_labels(fresh.labels)
        self.panel.labels = {lab.name: lab for lab in fresh.labels}
        self._reload_annotations()
        added = [lab for lab in fresh.labels if lab.name not in before]
        said = ", ".join(f"{lab.name}" + (f" (key {lab.key})" if lab.key else "") for lab in added)
        self.notify(
            f"The label set changed: {said} added." if added else "The label set changed.",
            timeout=5,
            markup=False,
        )

    # --- opening an article -------------------------------------------------------------

    def open_article(self, article_id: int, cursor: int | None = None) -> None:
        article = get_article(self.db, article_id)
        if article is None:
            self.notify(f"Article {article_id} no longer exists.", severity="error")
            return
        if self.article and self.article.id != article_id:
            self._save_state()
        self.search_hits = ()
        self.article = article
        self.set_reactive(ReaderScreen.current_uuid, None)
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
        self.search_hits = ()
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
        self.link_counts = link_counts(self.db, article.id)
        self.panel.link_counts = self.link_counts
        self.panel.decisions = counts_by_annotation(self.db, article.id)
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

    # --- the annotations and the current one ----------------------------------------------

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

    def watch_search_hits(self, hits: tuple[int, ...]) -> None:
        n = len(self.search_term)
        self.reader.set_search_hits([(s, s + n) for s in hits])

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
            self.set_reactive(ReaderScreen.current_uuid, current)
        if changed is None:
            self.annotations = tuple(annotations)  # the watcher redraws them all
        elif tuple(annotations) != self.annotations:  # one changed: say which, explicitly
            before = self.reader.annotation(changed)
            self.set_reactive(ReaderScreen.annotations, tuple(annotations))
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
                mode for mode, on in (("VISUAL", reader.visual), ("LINK", self.linking_from)) if on
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

    # --- links ----------------------------------------------------------------------------

    def article_text(self, article_id: int) -> str:
        return stored_text(self.db, article_id)

    def _matcher(self, db: sqlite_utils.Database) -> Matcher:
        matcher = Matcher(db)
        matcher.min_confidence = self.newsmark.config.min_confidence
        return matcher

    @work(thread=True, group="links")
    def compute_links(self, uuids: list[str]) -> None:
        """Suggestions for changed annotations, off the UI thread, on its own connection."""
        if self.read_only:
            return
        db = connect(self.newsmark.db_path)
        try:
            matcher = self._matcher(db)
            for uuid in uuids:
                ann = store.get_annotation(db, uuid)
                if ann is not None:
                    suggest(db, matcher, ann)
        finally:
            db.close()
        self.app.call_from_thread(self._links_updated)

    def _links_updated(self) -> None:
        """Repaint what the new links change, and nothing when they change nothing."""
        if self.article is None:
            return
        counts = link_counts(self.db, self.article.id)
        decisions = counts_by_annotation(self.db, self.article.id)
        ann = self.current_annotation()
        shown = [r.link for r in self.match_rows]
        if (counts, decisions) == (self.link_counts, self.panel.decisions) and (
            ann is None or links_for(self.db, ann.uuid, both_ways=True) == shown
        ):
            return
        self.link_counts = counts
        self.panel.link_counts = counts
        self.panel.decisions = decisions
        self.panel.invalidate()
        self._show_matches(force=True)

    def _show_matches(self, force: bool = False) -> None:
        ann = self.current_annotation()
        uuid = ann.uuid if ann else None
        if uuid == self._matches_for and not force:
            return
        self._matches_for = uuid
        if ann is None:
            self.match_rows = []
            self.matches.show("", [], "No annotation under the cursor.")
            return
        self.match_rows = self._match_rows(ann)
        if linkable(ann.quote):
            empty = "No other article carries these words (yet)."
        else:
            empty = "Too short to look for in other articles."
        self.matches.show(ann.quote, self.match_rows, empty)

    def _match_rows(self, ann: Annotation) -> list[MatchRow]:
        rows = []
        found = links_for(self.db, ann.uuid, both_ways=True)
        names = article_titles(self.db, {link.target_article_id for link in found})
        for link in found:
            if link.target_article_id in names:
                rows.append(MatchRow(link, *names[link.target_article_id]))
        return rows

    def on_matches_panel_compare(self, message: MatchesPanel.Compare) -> None:
        self._compare(message.index)

    def action_compare(self) -> None:
        if not self.match_rows:
            self.say("No matches for the annotation under the cursor.")
            return
        self._compare(self.matches.cursor)

    def _compare(self, index: int) -> None:
        from newsmark.tui.screens.compare import CompareInput, CompareScreen

        article = self.article
        if article is None:
            return
        given = CompareInput(
            title=article.title,
            text=article.text,
            annotation=self.current_annotation(),
            rows=self.match_rows,
            decide=self.decide,
            text_of=self.article_text,
        )
        self.app.push_screen(CompareScreen(given, index))

    def decide(self, index: int, accept: bool) -> list[MatchRow]:
        """Accept (tag it there too) or reject the match at ``index``; the matches after."""
        if 0 <= index < len(self.match_rows):
            link = self.match_rows[index].link
            if accept and link.status == "accepted":
                self.say("Already accepted: both passages are tagged and linked.")
            elif accept:
                created = self._guard(
                    lambda: accept_link(self.db, link.id, self.newsmark.config.annotator)
                )
                if isinstance(created, Annotation):
                    self.notify("Accepted: tagged in the other article too.", timeout=2)
                    self.compute_links([created.uuid])
            elif self._guard(lambda: reject_link(self.db, link.id) or True):
                if link.status == "accepted":
                    self.notify("Unlinked: both annotations stay, no longer linked.", timeout=2)
                else:
                    self.notify("Rejected: it will not be suggested again.", timeout=2)
            self._links_updated()
        return self.match_rows

    def watch_linking_from(self) -> None:
        self.update_status()

    def action_link_by_hand(self) -> None:
        """L marks the current annotation; L on another (in any article) links the two. On a
        selection (a search hit, say) it first tags it with the marked annotation's label.
        The machine's miss is never the user's dead end."""
        reader = self.reader
        current = self.current_annotation()
        marked = store.get_annotation(self.db, self.linking_from) if self.linking_from else None
        if marked is None:
            self.linking_from = None
            if current is None:
                self.say("Put the cursor on an annotation to link from, then press L.")
                return
            self.linking_from = current.uuid
            self.say(
                f"Marked {one_line(current.label, 40)} \u201c{one_line(current.quote, 40)}\u201d:"
                " go to the annotation to link it to (any article; or select a passage) and"
                " press L. L here again unmarks it."
            )
            return
        start, end = reader.selection_offsets
        if end > start and self.article is not None:  # a passage: tag it, then link
            span = textnav.snap_inward(self.article.text, start, end)
            if span is None:
                self.say("The selection is only spaces: nothing to link.")
                return
            label, article_id = marked.label, self.article.id
            created = self._guard(
                lambda: store.create_annotation(
                    self.db, article_id, span[0], span[1], label, self.newsmark.config.annotator
                )
            )
            if not isinstance(created, Annotation):
                return
            reader.visual = False
            reader.move_to_offset(created.start)
            self._reload_annotations(current=created.uuid, changed=created.uuid)
            current = created
        if current is None:
            self.say("Put the cursor on the annotation to link to (or select a passage).")
            return
        if current.uuid == marked.uuid:
            self.linking_from = None
            self.say("Unmarked: nothing linked.")
            return
        if current.article_id == marked.article_id:
            self.say("Both are in this article; links join articles: go to another one.")
            return
        target = current
        if self._guard(lambda: link_by_hand(self.db, marked.uuid, target.uuid)) is None:
            return
        self.linking_from = None
        self.say(
            f"Linked by hand: \u201c{one_line(marked.quote, 30)}\u201d and"
            f" \u201c{one_line(current.quote, 30)}\u201d."
        )
        self._links_updated()

    def action_corpus_search(self) -> None:
        from newsmark.tui.screens.corpus_search import CorpusSearchScreen

        def opened(result: tuple[int, int, int] | None) -> None:
            if result:
                self._open_at(*result)

        self.app.push_screen(CorpusSearchScreen(self.newsmark.db_path), opened)

    def action_browser(self) -> None:
        """Every annotation in the corpus (in blind mode, yours); Enter opens one."""
        from newsmark.tui.screens.browser import BrowserScreen

        def opened(result: tuple[int, int, int] | None) -> None:
            if result:
                self._open_at(*result)

        self.app.push_screen(
            BrowserScreen(
                self.newsmark.db_path,
                self.newsmark.config.labels,
                only=self.newsmark.config.annotator if self.blind else None,
            ),
            opened,
        )

    def action_switch_annotator(self) -> None:
        from dataclasses import replace

        from newsmark.tui.screens.annotator import AnnotatorScreen

        if self.newsmark.served_as:
            self.say(
                f"You are signed in as {self.newsmark.served_as}: what you tag is yours."
                " Sign out (top right) to annotate as someone else."
            )
            return
        known = store.annotators(self.db)

        def switched(name: str | None) -> None:
            app = self.newsmark
            if not name or name == app.config.annotator:
                return
            app.config = replace(app.config, annotator=name)
            store.set_actor(self.db, name)
            self.status.annotator = name + (" (blind)" if self.blind else "")
            self.say(f"Annotating as {name}.")
            if self.article is not None:
                self._reload_annotations()

        self.app.push_screen(AnnotatorScreen(self.newsmark.config.annotator, known), switched)

    def action_agreement(self) -> None:
        """Agreement figures, and the open article's disagreements to curate."""
        from newsmark.tui.screens.agreement import AgreementScreen

        if self.article is None or self._refuse_if_blind():
            return

        def done(changed: bool | None) -> None:
            if changed:
                self.reload_article()
            gold = next((a for a in self.annotations if a.uuid == screen.edit), None)
            if gold is not None:  # "e": the gold copy to change here
                self._go_to(gold)
                self.reader.focus()
                self.say(
                    "The gold version: change its span (< > , .) or label (a label key); u undoes."
                )

        screen = AgreementScreen(
            self.db, self.newsmark.db_path, self.article.id, self.newsmark.config.labels
        )
        self.app.push_screen(screen, done)

    def action_stats(self) -> None:
        from newsmark.tui.screens.stats import StatsScreen

        if self._refuse_if_blind():
            return
        self.app.push_screen(StatsScreen(self.newsmark.db_path, self.newsmark.config.labels))

    def action_review(self) -> None:
        """Every pending suggestion in the corpus; afterwards, the screen shows the
        decisions, and the annotations accepting created look for their own matches."""
        from newsmark.tui.screens.review import ReviewScreen

        def done(created: list[str] | None) -> None:
            self.reload_article()
            self._links_updated()
            if created:
                self.compute_links(created)

        screen = ReviewScreen(self.db, self.newsmark.config.annotator, self.blind)
        self.app.push_screen(screen, done)

    def action_claims(self) -> None:
        from newsmark.tui.screens.claims import ClaimsScreen

        if self._refuse_if_blind():
            return

        def opened(result: tuple[int, int, int] | None) -> None:
            if result:
                self._open_at(*result)

        self.app.push_screen(ClaimsScreen(clusters(self.db)), opened)

    def _open_at(self, article_id: int, start: int, end: int) -> None:
        if self.article is None or self.article.id != article_id:
            self.open_article(article_id, cursor=start)
        self.reader.select_offsets(start, end)
        self.reader.focus()

    # --- state that survives a restart -----------------------------------------------------

    def _place(self, key: str) -> str:
        """The state key of the user's place. Signed in through ``newsmark serve``, each
        user resumes where *they* left off; a terminal keeps the file's one place."""
        served = self.newsmark.served_as
        return f"{key}@{served}" if served else key

    def _schedule_save(self) -> None:
        """Remember to save the reading position; one interval timer saves it (creating a
        timer per cursor move cost more than the move's own work)."""
        self._position_dirty = True

    def _save_if_moved(self) -> None:
        if self._position_dirty:
            self._position_dirty = False
            self._save_state()

    def _save_state(self) -> None:
        if self.article is None or self.read_only:
            return
        try:
            set_state(
                self.db,
                {
                    self._place("last_article"): str(self.article.id),
                    self._place(f"cursor:{self.article.id}"): str(self.reader.cursor_offset),
                },
            )
        except sqlite3.Error as exc:  # a lost cursor position is not worth a modal
            self.log.warning(f"could not save the reading position: {exc}")

    # --- changing annotations --------------------------------------------------------------

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

    def action_tag(self, label: str) -> None:
        article = self.article
        if article is None:
            return
        reader = self.reader
        start, end = reader.selection_offsets
        if end > start:
            span = textnav.snap_inward(article.text, start, end)
            if span is None:
                self.say("The selection is only spaces: nothing to tag.")
                return
            annotator = self.newsmark.config.annotator
            # Each annotator tags in their own layer: the same passage tagged by another
            # is theirs, and tagging it too is what agreement counts.
            same = next(
                (
                    a
                    for a in reader.spans.overlapping(*span)
                    if (a.start, a.end, a.label, a.annotator)
                    == (span[0], span[1], label, annotator)
                ),
                None,
            )
            if same is not None:
                reader.visual = False
                reader.move_to_offset(same.start)
                self.current_uuid = same.uuid
                self.say(f"You tagged {one_line(label, 40)} here already: nothing changed.")
                return
            ann = self._guard(
                lambda: store.create_annotation(
                    self.db, article.id, span[0], span[1], label, annotator
                )
            )
            if isinstance(ann, Annotation):
                reader.visual = False
                reader.move_to_offset(ann.start)
                self._reload_annotations(current=ann.uuid, changed=ann.uuid)
            return
        current = self.current_annotation()
        if current is None:
            self.say("Select a span first (v, shift+arrows or the mouse), then press a label key.")
            return
        if current.label != label:
            self._guard(lambda: store.relabel(self.db, current.uuid, label))
            self._reload_annotations(current=current.uuid, changed=current.uuid)
            others = self._copies_labelled_otherwise(current.uuid, label)
            if others:
                here = sum(a.article_id == current.article_id for a in others)
                where = (
                    "in this article"
                    if here == len(others)
                    else "in other articles"
                    if not here
                    else f"({here} in this article)"
                )
                self.say(
                    f"Relabelled {one_line(label, 40)}. {len(others)} linked"
                    f" cop{'ies' if len(others) > 1 else 'y'} {where}"
                    f" {'are' if len(others) > 1 else 'is'} not: press R to relabel"
                    f" {'them' if len(others) > 1 else 'it'} too."
                )

    def _copies_labelled_otherwise(self, uuid: str, label: str) -> list[Annotation]:
        """The annotations joined to ``uuid`` by accepted links whose label differs."""
        found = [store.get_annotation(self.db, u) for u in cluster_of(self.db, uuid) - {uuid}]
        return [a for a in found if a is not None and a.label != label]

    def action_relabel_copies(self) -> None:
        """Give the current annotation's label to its linked copies, in one transaction and
        one undo step (``u`` here, or in any article it touched)."""
        current = self.current_annotation()
        if current is None:
            self.say("No annotation under the cursor.")
            return
        others = self._copies_labelled_otherwise(current.uuid, current.label)
        if not others:
            self.say("Its linked copies already have its label (or it has none).")
            return
        article_id = current.article_id
        uuids = [o.uuid for o in others]
        label = current.label
        if self._guard(lambda: store.relabel_all(self.db, uuids, label, article_id)) is None:
            return
        if any(o.article_id == article_id for o in others):
            self._reload_annotations(current=current.uuid)  # copies here: read them all
        copies = f"{len(others)} linked cop{'ies' if len(others) > 1 else 'y'}"
        self.say(f"Relabelled {copies} as {one_line(current.label, 40)}. Press u to undo.")
        self._links_updated()

    def action_delete_annotation(self) -> None:
        current = self.current_annotation()
        if current is None:
            self.say("No annotation under the cursor.")
            return
        if self._guard(lambda: store.delete_annotation(self.db, current.uuid)) is not None:
            self.set_reactive(ReaderScreen.current_uuid, None)
            self._reload_annotations(changed=current.uuid)
            self.say(f"Deleted {one_line(current.label, 40)}. Press u to undo.")

    def action_cycle_annotation(self) -> None:
        under = self._under_cursor()
        if len(under) < 2:
            return
        uuids = [a.uuid for a in under]
        index = uuids.index(self.current_uuid) if self.current_uuid in uuids else -1
        self.current_uuid = uuids[(index + 1) % len(uuids)]

    def action_edit_note(self) -> None:
        current = self.current_annotation()
        if current is None:
            self.say("No annotation under the cursor to add a note to.")
            return

        def save(note: str | None) -> None:
            if note is None or note == current.note:
                return
            if self._guard(lambda: store.set_note(self.db, current.uuid, note.strip())):
                self._reload_annotations(current=current.uuid, changed=current.uuid)

        self.app.push_screen(NoteScreen(current.label, current.quote, current.note), save)

    def _target_article(self) -> int | None:
        """The article highlighted in the list when the list has focus, else the open one."""
        listed = self.article_list
        if listed.has_focus and listed.cursor < len(listed.shown):
            return listed.shown[listed.cursor].id
        return self.article.id if self.article is not None else None

    def action_toggle_done(self) -> None:
        """Done, or back to in progress."""
        article_id = self._target_article()
        if article_id is None:
            return
        current = progress.state_of(self.db, article_id)
        wanted = progress.IN_PROGRESS if current == progress.DONE else progress.DONE
        annotator = self.newsmark.config.annotator
        if self._guard(lambda: progress.set_state(self.db, article_id, wanted, annotator)):
            self.article_list.update_state(article_id, wanted)
            self.say(f"Article marked {progress.SHOWN[wanted]}.")

    def action_edit_details(self) -> None:
        """The details of the article highlighted in the list (when the list has focus),
        else of the open one."""
        article_id = self._target_article()
        article = get_article(self.db, article_id) if article_id is not None else None
        if article is None:
            self.say("No article to edit.")
            return
        if self.read_only:
            self._guard(lambda: None)  # says why nothing can be saved
            return

        def save(changes: dict[str, str]) -> str | None:
            try:
                update_details(self.db, article.id, changes)
            except (NewsmarkError, sqlite3.Error) as exc:
                return f"Not saved: {exc}"
            return None

        def done(saved: bool | None) -> None:
            if not saved:
                return
            self.article_list.set_rows(self._article_rows(self.db))
            if self.article is not None and self.article.id == article.id:
                fresh = get_article(self.db, article.id)
                if fresh is not None:
                    self.set_reactive(ReaderScreen.article, fresh)
                    self._show_heading(fresh)
            self.notify("Details saved (the text is unchanged).", timeout=3)

        self.app.push_screen(DetailsScreen(article, save), done)

    def action_resize(self, edge: str, direction: int) -> None:
        current = self.current_annotation()
        if current is None or self.article is None:
            self.say("No annotation under the cursor to resize.")
            return
        text = self.article.text
        start, end = current.start, current.end
        if edge == "end":
            end = textnav.word_end(text, end) if direction > 0 else textnav.prev_word_end(text, end)
        else:
            start = (
                textnav.next_word_start(text, start)
                if direction > 0
                else textnav.prev_word_start(text, start)
            )
        if not (0 <= start < end <= len(text)):
            self.say("The annotation cannot shrink any further.")
            return
        if (start, end) == (current.start, current.end):
            return
        if self._guard(lambda: store.resize(self.db, current.uuid, start, end)):
            offset = self.reader.cursor_offset
            if not start <= offset < end:
                self.reader.move_to_offset(start if edge == "start" else end - 1)
            self._reload_annotations(current=current.uuid, changed=current.uuid)

    def action_undo(self) -> None:
        self._history(store.undo, "Undid", "Nothing to undo.")

    def action_redo(self) -> None:
        self._history(store.redo, "Redid", "Nothing to redo.")

    def _history(
        self,
        step: Callable[[sqlite_utils.Database, int], store.Change | None],
        verb: str,
        empty: str,
    ) -> None:
        if self.article is None:
            return
        article_id = self.article.id
        change = self._guard(lambda: step(self.db, article_id))
        if not isinstance(change, store.Change):
            self.say(empty)
            return
        ann = change.annotation
        if change.count > 1:  # a batch (R): its copies may be in other articles
            if ann.article_id == article_id:
                self.reader.move_to_offset(ann.start, center=True)
                self._reload_annotations(current=ann.uuid)
            self._links_updated()
            self.say(f"{verb} {change.action} of {change.count} linked copies.")
            return
        self.reader.move_to_offset(ann.start, center=True)
        present = store.get_annotation(self.db, ann.uuid) is not None
        if not present:
            self.set_reactive(ReaderScreen.current_uuid, None)
        self._reload_annotations(current=ann.uuid if present else None, changed=ann.uuid)
        self.say(f"{verb} {change.action} of {one_line(ann.label, 40)}.")

    # --- navigation ------------------------------------------------------------------------

    def action_next_annotation(self, direction: int) -> None:
        if not self.annotations:
            self.say("This article has no annotations yet.")
            return
        offset = self.reader.cursor_offset
        ordered = self.reader.annotations
        if direction > 0:
            after = [a for a in ordered if a.start > offset]
            target = after[0] if after else ordered[0]
        else:
            before = [a for a in ordered if a.start < offset]
            target = before[-1] if before else ordered[-1]
        self._go_to(target)

    def action_search(self) -> None:
        def run(term: str | None) -> None:
            if term is None:
                return
            self.search_term = term
            self._find_hits()
            self.action_search_next(1, include_cursor=True)

        self.app.push_screen(SearchScreen(self.search_term), run)

    def _find_hits(self) -> None:
        if self.article is None:
            return
        self.search_hits = tuple(textnav.find_all(self.article.text, self.search_term))

    def action_search_next(self, direction: int, include_cursor: bool = False) -> None:
        """Next/previous match; in visual mode the selection stretches to it, as in vim."""
        if not self.search_term:
            self.say("No search yet: press / to search this article.")
            return
        hits = self.search_hits
        if not hits:
            self.say(f"Not found: {one_line(self.search_term, 80)}")
            return
        offset = self.reader.cursor_offset
        if direction > 0:
            later = [s for s in hits if s > offset or (include_cursor and s == offset)]
            target = later[0] if later else hits[0]
        else:
            earlier = [s for s in hits if s < offset]
            target = earlier[-1] if earlier else hits[-1]
        self.reader.move_to_offset(target, select=self.reader.visual, center=True)
        index = hits.index(target) + 1
        self.say(f"Match {index} of {len(hits)}")
