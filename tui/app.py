"""The Textual application: article list | reader | annotations, a status line, and keys.

The app is a thin controller: every change goes through :mod:`annotations.store` (one
committed transaction each) and the screen is then brought in line with the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import sqlite_utils
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, TextArea

from newsmark.annotations import store, textnav
from newsmark.annotations.config import Config
from newsmark.annotations.export import FORMATS, Filters, export_to_file, snapshot
from newsmark.annotations.importing import list_orphans, retry_orphans
from newsmark.annotations.links import accept as accept_link
from newsmark.annotations.links import clusters, link_all, link_counts, links_for, suggest
from newsmark.annotations.links import reject as reject_link
from newsmark.annotations.matching import BULK_MIN, Matcher, index_pending, unindexed_articles
from newsmark.annotations.model import Annotation
from newsmark.annotations.state import get_state, set_state
from newsmark.corpus.articles import Article, count_articles, get_article, list_articles
from newsmark.corpus.db import connect, describe_error, read_only
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import neutralise, one_line
from newsmark.corpus.samples import import_sample
from newsmark.tui.screens.claims import ClaimsScreen
from newsmark.tui.screens.compare import CompareScreen
from newsmark.tui.screens.corpus_search import CorpusSearchScreen
from newsmark.tui.screens.export import ExportScreen
from newsmark.tui.screens.find import SearchScreen
from newsmark.tui.screens.note import NoteScreen
from newsmark.tui.screens.text_page import HelpScreen, OrphansScreen
from newsmark.tui.widgets.annotations_panel import AnnotationsPanel
from newsmark.tui.widgets.article_list import ArticleList, ArticleRow
from newsmark.tui.widgets.matches_panel import MatchesPanel, MatchRow
from newsmark.tui.widgets.reader import Reader
from newsmark.tui.widgets.status_line import StatusLine

MIN_SIDE = 16
MAX_SIDE = 80
STATE_SAVE_DELAY = 1.0


class ArticleCommands(Provider):
    """Command palette: open any article by title."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, NewsmarkApp)
        matcher = self.matcher(query)
        for row in app.article_rows:
            label = f"Open: {row.title} \u2014 {row.outlet or 'unknown outlet'}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(app.open_article, row.id),
                    help="Open this article in the reader",
                )


class NewsmarkApp(App[None]):
    """Keyboard-first reader and annotator over one Newsmark database."""

    TITLE = "Newsmark"
    CSS = """
    Screen { layout: vertical; }
    #panes { height: 1fr; }
    #articles { width: 32; height: 1fr; border: round $primary-background; }
    #side { width: 40; height: 1fr; }
    #annotations { height: 1fr; border: round $primary-background; }
    #matches { height: 1fr; border: round $primary-background; }
    #articles:focus, #annotations:focus, #matches:focus { border: round $accent; }
    #reader { width: 1fr; }
    .hidden { display: none; }
    """
    COMMANDS = App.COMMANDS | {ArticleCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("f2", "toggle_pane('articles')", "Articles", show=False, id="app.toggle_articles"),
        Binding(
            "f3",
            "toggle_pane('side')",
            "Annotations",
            show=False,
            id="app.toggle_annotations",
        ),
        Binding("f4", "full_width", "Full width", show=False, id="app.full_width"),
        Binding("ctrl+f", "corpus_search", "Search all", id="app.corpus_search"),
        Binding("f5", "claims", "Claims", show=False, id="app.claims"),
        Binding(
            "alt+left", "resize_panes(-4)", "Panes narrower", show=False, id="app.panes_narrower"
        ),
        Binding("alt+right", "resize_panes(4)", "Panes wider", show=False, id="app.panes_wider"),
    ]

    def __init__(self, db_path: Path, config: Config | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config or Config()
        # A file that cannot be written opens read-only: reading and searching still work.
        self.db: sqlite_utils.Database = connect(db_path, readable_only=True)
        self.read_only = read_only(self.db)
        if self.read_only:
            self.sub_title = "read-only: changes cannot be saved"
        self.article: Article | None = None
        self.article_rows: list[ArticleRow] = []
        self.annotations: list[Annotation] = []
        self.current_uuid: str | None = None
        self.search_term = ""
        self.search_hits: list[int] = []
        self.side_width = 32
        self._save_timer: object | None = None
        self.link_counts: dict[str, int] = {}
        self.match_rows: list[MatchRow] = []
        self._matches_for: str | None = None
        if self.config.keys:
            self.set_keymap(self.config.keys)

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ArticleList(id="articles")
            yield Reader(self.config.labels, id="reader")
            with Vertical(id="side"):
                yield AnnotationsPanel(
                    {lab.name: lab for lab in self.config.labels}, id="annotations"
                )
                yield MatchesPanel(id="matches")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def panel(self) -> AnnotationsPanel:
        return self.query_one("#annotations", AnnotationsPanel)

    @property
    def matches(self) -> MatchesPanel:
        return self.query_one("#matches", MatchesPanel)

    @property
    def side(self) -> Vertical:
        return self.query_one("#side", Vertical)

    def on_mount(self) -> None:
        if self.read_only:
            self.notify(
                f"{self.db_path} cannot be written (permissions, a read-only disk or an"
                " immutable file): you can read and search, but tags and notes cannot be saved.",
                title="Read-only database",
                severity="warning",
                timeout=10,
                markup=False,
            )
        elif count_articles(self.db) == 0:
            report = import_sample(self.db)
            self.notify(
                f"The database was empty, so the {report.added} bundled sample articles "
                "were imported. Import your own with: newsmark import PATH",
                title="Sample corpus",
                timeout=8,
            )
        last = get_state(self.db, "last_article")
        if last and last.isdigit() and get_article(self.db, int(last)):
            cursor = get_state(self.db, f"cursor:{last}")
            self.open_article(int(last), int(cursor) if cursor and cursor.isdigit() else None)
        else:
            first = list_articles(self.db)[:1]
            if first:
                self.open_article(first[0].id)
            else:
                self.update_status()
        self.load_article_rows()
        self.reader.focus()

    @work(thread=True, exclusive=True, group="article-rows")
    def load_article_rows(self) -> None:
        """Titles and counts for the whole corpus, then the match index brought up to date.

        Both on a worker's own connection. The list is shown first: indexing a large import
        (or the whole corpus after an upgrade) can take a while, and reading need not wait.
        """
        db = connect(self.db_path, readable_only=True)
        try:
            self.call_from_thread(self._show_article_rows, self._article_rows(db))
            if read_only(db):
                return
            pending = unindexed_articles(db)
            if len(pending) >= BULK_MIN:
                self.call_from_thread(
                    self.notify,
                    f"Indexing {len(pending):,} articles for cross-article matches…",
                    timeout=5,
                )
            try:
                new = index_pending(db, pending=pending)  # imported since the last update
                placed = retry_orphans(db) if new else 0
                if placed:
                    self.call_from_thread(
                        self.notify,
                        f"{placed} orphaned annotation{'s' if placed != 1 else ''} found"
                        " their article and were placed.",
                        timeout=5,
                    )
                    self.call_from_thread(self._reload_current)
                annotated = db.execute("SELECT 1 FROM annotations LIMIT 1").fetchone()
                if new and annotated and link_all(db, Matcher(db), restrict=set(new)):
                    self.call_from_thread(self._links_updated)
            except (sqlite3.Error, OSError) as exc:  # reading and tagging still work
                why = (
                    describe_error(Path(self.db_path), exc)
                    if isinstance(exc, sqlite3.Error)
                    else exc
                )
                self.call_from_thread(
                    self.notify,
                    f"The match index could not be updated: {why}. Matches may be missing;"
                    " run `newsmark link` to retry.",
                    severity="error",
                    timeout=10,
                )
                return
            if len(pending) >= BULK_MIN:
                self.call_from_thread(self.notify, "Match index ready.", timeout=3)
        finally:
            db.close()

    @staticmethod
    def _article_rows(db: sqlite_utils.Database) -> list[ArticleRow]:
        counts = store.counts_by_article(db)
        return [ArticleRow(a.id, a.title, a.outlet, counts.get(a.id, 0)) for a in list_articles(db)]

    def _show_article_rows(self, rows: list[ArticleRow]) -> None:
        self.article_rows = rows
        self.article_list.set_rows(rows)
        if self.article:
            self.article_list.mark_current(self.article.id)

    # --- opening articles ------------------------------------------------------------------

    def open_article(self, article_id: int, cursor: int | None = None) -> None:
        article = get_article(self.db, article_id)
        if article is None:
            self.notify(f"Article {article_id} no longer exists.", severity="error")
            return
        if self.article and self.article.id != article_id:
            self._save_state()
        self.article = article
        self.search_hits = []
        reader = self.reader
        if not reader.show_text(article.text):
            self.notify(
                "This article has a line too long to wrap quickly: soft wrap is off for it"
                " (scroll sideways, or use w/b/e and ( ) to move).",
                title="Very long line",
                timeout=8,
            )
        self.current_uuid = None
        reader.set_annotations(store.list_annotations(self.db, article.id), None)
        self.annotations = reader.annotations
        if cursor is None:
            saved = get_state(self.db, f"cursor:{article.id}")
            cursor = int(saved) if saved and saved.isdigit() else 0
        reader.move_to_offset(min(cursor, len(article.text)), center=True)
        self._sync_current()
        reader.set_current(self.current_uuid)
        self.link_counts = link_counts(self.db, article.id)
        self.panel.link_counts = self.link_counts
        self.panel.show(self.annotations, self.current_uuid)
        self._show_matches(force=True)
        self.article_list.mark_current(article.id)
        outlet = article.outlet or "unknown outlet"
        self.sub_title = one_line(f"{article.title} \u2014 {outlet}", 200) + (
            "  (read-only)" if self.read_only else ""
        )
        reader.border_title = Text(
            " \u00b7 ".join(
                neutralise(" ".join(part.split()))
                for part in (article.title, outlet, article.published or "")
                if part
            )
        )  # type: ignore[assignment]
        self.update_status()
        self._save_state()

    def on_article_list_open(self, message: ArticleList.Open) -> None:
        self.open_article(message.article_id)
        self.reader.focus()

    # --- keeping the screen in line with the database --------------------------------------

    def _reload_annotations(self, current: str | None = None, changed: str | None = None) -> None:
        """Bring the screen in line with the database after a change.

        With ``changed`` only that annotation's row is read again (the common case, one
        keypress, one row); without it the article's annotations are all read.
        """
        assert self.article is not None
        if changed is None:
            annotations = store.list_annotations(self.db, self.article.id)
        else:
            fresh = store.get_annotation(self.db, changed)
            annotations = [a for a in self.annotations if a.uuid != changed]
            if fresh is not None and fresh.article_id == self.article.id:
                annotations.append(fresh)
        if current is not None:
            self.current_uuid = current
        self.reader.set_annotations(annotations, self.current_uuid)
        self.annotations = self.reader.annotations
        self._sync_current()
        self.reader.set_current(self.current_uuid)
        self.panel.show(self.annotations, self.current_uuid)
        self.article_list.update_count(self.article.id, len(self.annotations))
        self._show_matches(force=True)
        self.update_status()
        if changed is not None:
            self.call_after_refresh(self.compute_links, [changed])  # paint first

    def _under_cursor(self) -> list[Annotation]:
        return self.reader.spans.covering(self.reader.cursor_offset)

    def _sync_current(self) -> None:
        """Keep the current annotation if it is still under the cursor, else the innermost."""
        under = self._under_cursor()
        uuids = [a.uuid for a in under]
        if self.current_uuid not in uuids:
            self.current_uuid = uuids[0] if uuids else None

    def _current(self) -> Annotation | None:
        return next((a for a in self.annotations if a.uuid == self.current_uuid), None)

    def update_status(self) -> None:
        status = self.query_one("#status", StatusLine)
        if self.article is None:
            status.show("No article", 0, 0, [], None, "", None)
            return
        reader = self.reader
        start, end = reader.selection_offsets
        status.show(
            self.article.title,
            reader.cursor_offset,
            len(self.article.text),
            self._under_cursor(),
            self.current_uuid,
            "VISUAL" if reader.visual else "",
            (start, end) if end > start else None,
        )

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if self.article is None or event.text_area is not self.reader:
            return
        before = self.current_uuid
        self._sync_current()
        if self.current_uuid != before:
            self.reader.set_current(self.current_uuid)
            self.panel.mark(self.current_uuid)
            self._show_matches()
        self.update_status()
        self._schedule_save()

    def on_annotations_panel_jump(self, message: AnnotationsPanel.Jump) -> None:
        ann = next((a for a in self.annotations if a.uuid == message.uuid), None)
        if ann:
            self._go_to(ann)
            self.reader.focus()

    def _go_to(self, ann: Annotation) -> None:
        self.current_uuid = ann.uuid
        self.reader.move_to_offset(ann.start, center=True)
        self.reader.set_current(ann.uuid)
        self.panel.mark(ann.uuid)
        self._show_matches()
        self.update_status()

    # --- links ----------------------------------------------------------------------------

    def current_annotation(self) -> Annotation | None:
        return self._current()

    def article_text(self, article_id: int) -> str:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        return str(row[0]) if row else ""

    @work(thread=True, group="links")
    def compute_links(self, uuids: list[str]) -> None:
        """Suggestions for changed annotations, off the UI thread, on its own connection."""
        if self.read_only:
            return
        db = connect(self.db_path)
        try:
            matcher = Matcher(db)
            for uuid in uuids:
                ann = store.get_annotation(db, uuid)
                if ann is not None:
                    suggest(db, matcher, ann)
        finally:
            db.close()
        self.call_from_thread(self._links_updated)

    def _links_updated(self) -> None:
        """Repaint what the new links change, and nothing when they change nothing."""
        if self.article is None:
            return
        counts = link_counts(self.db, self.article.id)
        ann = self._current()
        shown = [r.link for r in self.match_rows]
        if counts == self.link_counts and (ann is None or links_for(self.db, ann.uuid) == shown):
            return
        self.link_counts = counts
        self.panel.link_counts = counts
        self.panel.refresh()
        self._show_matches(force=True)

    def _show_matches(self, force: bool = False) -> None:
        ann = self._current()
        uuid = ann.uuid if ann else None
        if uuid == self._matches_for and not force:
            return
        self._matches_for = uuid
        if ann is None:
            self.match_rows = []
            self.matches.show("", [], "No annotation under the cursor.")
            return
        rows = []
        for link in links_for(self.db, ann.uuid):
            found = self.db.execute(
                "SELECT title, outlet FROM articles WHERE id = ?", [link.target_article_id]
            ).fetchone()
            if found:
                rows.append(MatchRow(link, found[0], found[1]))
        self.match_rows = rows
        if Matcher(self.db).linkable(ann.quote):
            empty = "No other article carries these words (yet)."
        else:
            empty = "Too short to look for in other articles."
        self.matches.show(ann.quote, rows, empty)

    def on_matches_panel_compare(self, message: MatchesPanel.Compare) -> None:
        self.push_screen(CompareScreen(self, message.index))

    def action_compare(self) -> None:
        if not self.match_rows:
            self.notify("No matches for the annotation under the cursor.", timeout=2)
            return
        self.push_screen(CompareScreen(self, self.matches.cursor))

    def decide(self, index: int, accept: bool) -> None:
        """Accept (tag it there too) or reject the match at ``index``."""
        if not 0 <= index < len(self.match_rows):
            return
        link = self.match_rows[index].link
        if accept:
            created = self._guard(lambda: accept_link(self.db, link.id, self.config.annotator))
            if isinstance(created, Annotation):
                self.notify("Accepted: tagged in the other article too.", timeout=2)
                self.compute_links([created.uuid])
        elif self._guard(lambda: reject_link(self.db, link.id) or True):
            self.notify("Rejected: it will not be suggested again.", timeout=2)
        self._links_updated()

    def action_export(self) -> None:
        def chosen(answer: tuple[str, str, bool] | None) -> None:
            if answer:
                self.run_export(*answer)

        self.push_screen(ExportScreen("newsmark-annotations.jsonl", FORMATS), chosen)

    @work(thread=True, group="export")
    def run_export(self, path: str, fmt: str, force: bool) -> None:
        """Export on a worker with its own connection, in one read transaction."""
        db = connect(self.db_path, readable_only=True)
        try:
            with snapshot(db):
                count = export_to_file(db, fmt, Filters(), Path(path), force, self.config.labels)
            message, severity = f"Exported {count} annotations to {path} ({fmt}).", "information"
        except (NewsmarkError, sqlite3.Error) as exc:
            message, severity = f"Export failed: {exc}", "error"
        finally:
            db.close()
        self.call_from_thread(
            self.notify, one_line(message), severity=severity, timeout=8, markup=False
        )

    def action_orphans(self) -> None:
        def retry() -> tuple[int, list[dict[str, object]]]:
            placed = self._guard(lambda: retry_orphans(self.db))
            if placed:
                self._reload_current()
                self.load_article_rows()
            return int(placed or 0), list_orphans(self.db)

        self.push_screen(OrphansScreen(list_orphans(self.db), retry))

    def _reload_current(self) -> None:
        """Annotations placed behind the reader's back (orphans) show up at once."""
        if self.article is not None:
            self._reload_annotations(self.current_uuid)

    def action_corpus_search(self) -> None:
        def opened(result: tuple[int, int, int] | None) -> None:
            if result:
                self._open_at(*result)

        self.push_screen(CorpusSearchScreen(self.db_path), opened)

    def action_claims(self) -> None:
        def opened(result: tuple[int, int, int] | None) -> None:
            if result:
                self._open_at(*result)

        self.push_screen(ClaimsScreen(clusters(self.db)), opened)

    def _open_at(self, article_id: int, start: int, end: int) -> None:
        if self.article is None or self.article.id != article_id:
            self.open_article(article_id, cursor=start)
        self.reader.select_offsets(start, end)
        self.reader.focus()

    # --- state that survives a restart -----------------------------------------------------

    def _schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()  # type: ignore[attr-defined]
        self._save_timer = self.set_timer(STATE_SAVE_DELAY, self._save_state)

    def _save_state(self) -> None:
        if self.article is None or self.read_only:
            return
        try:
            set_state(
                self.db,
                {
                    "last_article": str(self.article.id),
                    f"cursor:{self.article.id}": str(self.reader.cursor_offset),
                },
            )
        except sqlite3.Error as exc:  # a lost cursor position is not worth a modal
            self.log.warning(f"could not save the reading position: {exc}")

    async def action_quit(self) -> None:
        self._save_state()
        self.exit()

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
        if self.article is None:
            return
        reader = self.reader
        start, end = reader.selection_offsets
        if end > start:
            span = textnav.snap_inward(self.article.text, start, end)
            if span is None:
                self.notify("The selection is only spaces: nothing to tag.")
                return
            ann = self._guard(
                lambda: store.create_annotation(
                    self.db,
                    self.article.id,
                    span[0],
                    span[1],
                    label,  # type: ignore[union-attr]
                    self.config.annotator,
                )
            )
            if isinstance(ann, Annotation):
                reader.visual = False
                reader.move_to_offset(ann.start)
                self._reload_annotations(current=ann.uuid, changed=ann.uuid)
            return
        current = self._current()
        if current is None:
            self.notify(
                "Select a span first (v, shift+arrows or the mouse), then press a label key."
            )
            return
        if current.label != label:
            self._guard(lambda: store.relabel(self.db, current.uuid, label))
            self._reload_annotations(current=current.uuid, changed=current.uuid)

    def action_delete_annotation(self) -> None:
        current = self._current()
        if current is None:
            self.notify("No annotation under the cursor.")
            return
        if self._guard(lambda: store.delete_annotation(self.db, current.uuid)) is not None:
            self.current_uuid = None
            self._reload_annotations(changed=current.uuid)
            self.notify(
                f"Deleted {one_line(current.label, 40)}. Press u to undo.", timeout=3, markup=False
            )

    def action_cycle_annotation(self) -> None:
        under = self._under_cursor()
        if len(under) < 2:
            return
        uuids = [a.uuid for a in under]
        index = uuids.index(self.current_uuid) if self.current_uuid in uuids else -1
        self.current_uuid = uuids[(index + 1) % len(uuids)]
        self.reader.set_current(self.current_uuid)
        self.panel.mark(self.current_uuid)
        self.update_status()

    def action_edit_note(self) -> None:
        current = self._current()
        if current is None:
            self.notify("No annotation under the cursor to add a note to.")
            return

        def save(note: str | None) -> None:
            if note is None or note == current.note:
                return
            if self._guard(lambda: store.set_note(self.db, current.uuid, note.strip())):
                self._reload_annotations(current=current.uuid, changed=current.uuid)

        self.push_screen(NoteScreen(current.label, current.quote, current.note), save)

    def action_resize(self, edge: str, direction: int) -> None:
        current = self._current()
        if current is None or self.article is None:
            self.notify("No annotation under the cursor to resize.")
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
            self.notify("The annotation cannot shrink any further.")
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
            self.notify(empty, timeout=2)
            return
        ann = change.annotation
        self.reader.move_to_offset(ann.start, center=True)
        present = store.get_annotation(self.db, ann.uuid) is not None
        self._reload_annotations(current=ann.uuid if present else None, changed=ann.uuid)
        self.notify(
            f"{verb} {change.action} of {one_line(ann.label, 40)}.", timeout=2, markup=False
        )

    # --- navigation ------------------------------------------------------------------------

    def action_next_annotation(self, direction: int) -> None:
        if not self.annotations:
            self.notify("This article has no annotations yet.", timeout=2)
            return
        offset = self.reader.cursor_offset
        if direction > 0:
            after = [a for a in self.annotations if a.start > offset]
            target = after[0] if after else self.annotations[0]
        else:
            before = [a for a in self.annotations if a.start < offset]
            target = before[-1] if before else self.annotations[-1]
        self._go_to(target)

    def action_search(self) -> None:
        def run(term: str | None) -> None:
            if term is None:
                return
            self.search_term = term
            self._find_hits()
            self.action_search_next(1, include_cursor=True)

        self.push_screen(SearchScreen(self.search_term), run)

    def _find_hits(self) -> None:
        if self.article is None:
            return
        self.search_hits = textnav.find_all(self.article.text, self.search_term)
        n = len(self.search_term)
        self.reader.set_search_hits([(s, s + n) for s in self.search_hits])

    def action_search_next(self, direction: int, include_cursor: bool = False) -> None:
        if not self.search_term:
            self.notify("No search yet: press / to search this article.", timeout=2)
            return
        if not self.search_hits:
            self.notify(f"Not found: {one_line(self.search_term, 80)}", timeout=2, markup=False)
            return
        offset = self.reader.cursor_offset
        if direction > 0:
            later = [s for s in self.search_hits if s > offset or (include_cursor and s == offset)]
            target = later[0] if later else self.search_hits[0]
        else:
            earlier = [s for s in self.search_hits if s < offset]
            target = earlier[-1] if earlier else self.search_hits[-1]
        self.reader.move_to_offset(target, center=True)
        index = self.search_hits.index(target) + 1
        self.notify(f"Match {index} of {len(self.search_hits)}", timeout=1.5)

    # --- panes -----------------------------------------------------------------------------

    def action_toggle_pane(self, pane: str) -> None:
        widget = self.query_one(f"#{pane}")
        widget.set_class(not widget.has_class("hidden"), "hidden")
        if widget.has_class("hidden") and widget.has_focus:
            self.reader.focus()

    def action_full_width(self) -> None:
        sides = [self.article_list, self.side]
        hide = not all(w.has_class("hidden") for w in sides)
        for widget in sides:
            widget.set_class(hide, "hidden")
        self.reader.focus()

    def action_resize_panes(self, delta: int) -> None:
        self.side_width = max(MIN_SIDE, min(MAX_SIDE, self.side_width + delta))
        self.article_list.styles.width = self.side_width
        self.side.styles.width = self.side_width + 8

    # --- help and palette ------------------------------------------------------------------

    def _keys_for(self, binding_id: str | None, default: str) -> str:
        keys = self._keymap.get(binding_id, default) if binding_id else default
        return ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        labels = [
            (
                self._keys_for(f"label.{lab.name}", lab.key),
                f"Tag as {lab.name} (no selection: relabel current)",
            )
            for lab in self.config.labels
        ]

        def rows(
            bindings: Iterable[Binding | tuple[str, str] | tuple[str, str, str]],
        ) -> list[tuple[str, str]]:
            out = []
            for b in bindings:
                if isinstance(b, Binding):
                    out.append((self._keys_for(b.id, b.key), b.description))
            return out

        reader_bindings = [b for b in Reader.BINDINGS if isinstance(b, Binding)]
        move_ids = {
            "left",
            "down",
            "up",
            "right",
            "word_forward",
            "word_back",
            "word_end",
            "sentence_forward",
            "sentence_back",
            "paragraph_forward",
            "paragraph_back",
            "top",
            "bottom",
            "select_page_up",
            "select_page_down",
        }
        moves = [b for b in reader_bindings if (b.id or "").split(".")[-1] in move_ids]
        edits = [b for b in reader_bindings if b not in moves]
        app_bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        return [
            (
                "Move (reader)",
                [("arrows, page up/down, home/end", "Move the cursor"), *rows(moves)],
            ),
            (
                "Select",
                [
                    ("shift+arrows, shift+home/end", "Extend the selection"),
                    ("mouse drag / double-click", "Select a range / a word"),
                    *rows(b for b in edits if b.id in ("reader.visual", "reader.clear")),
                ],
            ),
            ("Tag", labels),
            (
                "Annotations, search and history",
                rows(b for b in edits if b.id not in ("reader.visual", "reader.clear")),
            ),
            (
                "Panes and app",
                [
                    ("tab, shift+tab", "Move focus between panes"),
                    ("ctrl+p", "Command palette (open article by title, commands)"),
                    *rows(app_bindings),
                ],
            ),
            (
                "Article list",
                [
                    ("type", "Filter by title or outlet"),
                    ("backspace, escape", "Edit / clear the filter"),
                    ("enter", "Open the highlighted article"),
                ],
            ),
            ("Annotations panel", [("enter", "Jump to the annotation in the reader")]),
        ]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys", "Show every key binding", self.action_help)
        yield SystemCommand(
            "Export annotations…",
            "Write annotations to a file (jsonl, prodigy, w3c or brat)",
            self.action_export,
        )
        yield SystemCommand(
            "Orphaned annotations",
            "Imported annotations that could not be placed",
            self.action_orphans,
        )
        yield SystemCommand(
            "Search all articles", "Fuzzy search across the corpus", self.action_corpus_search
        )
        yield SystemCommand(
            "Claims view", "How linked claims spread across outlets", self.action_claims
        )
        yield SystemCommand(
            "Toggle article list",
            "Show or hide the article list",
            partial(self.action_toggle_pane, "articles"),
        )
        yield SystemCommand(
            "Toggle annotations panel",
            "Show or hide the annotations panel",
            partial(self.action_toggle_pane, "side"),
        )
        yield SystemCommand(
            "Reader full width", "Hide both side panes (again to show)", self.action_full_width
        )
        yield SystemCommand("Undo", "Undo the last annotation change", self.action_undo)
        yield SystemCommand("Redo", "Redo the last undone change", self.action_redo)
        yield SystemCommand(
            "Search this article", "Find text in the open article", self.action_search
        )
        yield SystemCommand(
            "Next annotation",
            "Jump to the next annotation",
            partial(self.action_next_annotation, 1),
        )
        yield SystemCommand(
            "Previous annotation",
            "Jump to the previous annotation",
            partial(self.action_next_annotation, -1),
        )


def run_app(db_path: Path, config: Config | None = None) -> None:
    NewsmarkApp(db_path, config).run()
