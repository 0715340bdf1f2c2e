"""The screens the reader opens and what comes back from them: search all, the browser,
claims, agreement, statistics, review, switching annotator, a note, article details.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from newsmark.annotations.linking.links import (
    clusters,
)
from newsmark.annotations.spans import store
from newsmark.corpus.articles import (
    get_article,
    update_details,
)
from newsmark.corpus.errors import NewsmarkError
from newsmark.tui.screens.details import DetailsScreen
from newsmark.tui.screens.note import NoteScreen
from newsmark.tui.screens.reader.base import ReaderBase


class DialogsPart(ReaderBase):
    """Opens the other screens and applies what they return; it keeps no state of its own."""

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
                    self.set_reactive(ReaderBase.article, fresh)
                    self._show_heading(fresh)
            self.notify("Details saved (the text is unchanged).", timeout=3)

        self.app.push_screen(DetailsScreen(article, save), done)
