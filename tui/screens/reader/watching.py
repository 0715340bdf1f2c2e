"""The article list, and other programs' changes: imports in another terminal, teammates'
tags, a new label set, blind mode switched by a curator; and the match index brought up
to date on a worker.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import sqlite_utils
from textual import work

from newsmark.annotations.linking.index import BULK_MIN
from newsmark.annotations.settings.labelset import effective
from newsmark.annotations.spans import store
from newsmark.corpus.articles import count_articles
from newsmark.corpus.db import connect, data_version, describe_error, read_only
from newsmark.tui.screens.reader.base import ReaderBase
from newsmark.tui.widgets.article_list import ArticleRow

# Up to this many articles, the list is read before the first screen (~1.4 ms per 1,000
# here, from its index: at most ~30 ms): it is then on that screen, not drawn a frame later,
# which cost a second full repaint (50-100 ms). A larger corpus's list comes from the
# worker, so the UI never waits on more than this bound.
FIRST_SCREEN_ROWS = 20_000


class WatchingPart(ReaderBase):
    """Fills the article list (whose rows are its own) and owns what was last seen of the
    file: its data version, its signature, blind mode."""

    def _init_watching(self) -> None:
        self._data_version = 0
        self._was_blind = False
        self._signature: tuple[int, ...] = ()

    def first_article_rows(self) -> None:
        """At start: a corpus within :data:`FIRST_SCREEN_ROWS` has its list on the first
        screen; the worker then only brings the match index up to date."""
        if count_articles(self.db) <= FIRST_SCREEN_ROWS:
            self._show_article_rows(self._article_rows(self.db))
            self.load_article_rows(rows=False)
        else:
            self.load_article_rows()

    @work(thread=True, exclusive=True, group="article-rows")
    def load_article_rows(self, rows: bool = True) -> None:
        """Titles and counts for the whole corpus, then the match index brought up to date.

        Both on a worker's own connection. The list is shown first: indexing a large import
        (or the whole corpus after an upgrade) can take a while, and reading need not wait.
        """
        app = self.newsmark
        db = connect(app.db_path, readable_only=True)
        try:
            if rows:
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

    @property
    def article_rows(self) -> list[ArticleRow]:
        """Every article's row: the article list's own (the palette searches them)."""
        return self.article_list.rows

    def _show_article_rows(self, rows: list[ArticleRow]) -> None:
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
