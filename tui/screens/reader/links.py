"""Links: the matches panel, suggestions computed on a worker, compare, accept and reject,
and linking by hand (L).
"""

from __future__ import annotations

import sqlite_utils
from textual import work
from textual.reactive import var

from newsmark.annotations.linking.links import accept as accept_link
from newsmark.annotations.linking.links import (
    counts_by_annotation,
    link_by_hand,
    link_counts,
    links_for,
    suggest,
)
from newsmark.annotations.linking.links import reject as reject_link
from newsmark.annotations.linking.matching import (
    Matcher,
    linkable,
)
from newsmark.annotations.spans import store, textnav
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.articles import article_text as stored_text
from newsmark.corpus.articles import titles as article_titles
from newsmark.corpus.db import connect
from newsmark.corpus.normalise import one_line
from newsmark.tui.screens.reader.base import ReaderBase
from newsmark.tui.widgets.matches_panel import MatchesPanel, MatchRow


class LinksPart(ReaderBase):
    """Owns the link mark (L) and which annotation the matches panel shows; the counts and
    rows themselves are the panels' own."""

    # the annotation marked with L, waiting for the one to link it to (in any article)
    linking_from: var[str | None] = var(None, init=False)

    @property
    def link_counts(self) -> dict[str, int]:
        """Links per annotation of the open article: the annotations panel's own copy."""
        return self.panel.link_counts

    @property
    def match_rows(self) -> list[MatchRow]:
        """The current annotation's matches: the matches panel's own rows."""
        return self.matches.rows

    def _show_link_counts(self, article_id: int) -> None:
        self.panel.link_counts = link_counts(self.db, article_id)
        self.panel.decisions = counts_by_annotation(self.db, article_id)

    def _link_mark(self) -> str | None:
        return self.linking_from

    def _init_links(self) -> None:
        self._matches_for: str | None = None

    def article_text(self, article_id: int) -> str:
        return stored_text(self.db, article_id)

    def _matcher(self, db: sqlite_utils.Database) -> Matcher:
        matcher = Matcher(db)
        matcher.min_confidence = self.newsmark.config.min_confidence
        return matcher

    def compute_links(self, uuids: list[str]) -> None:
        """Suggestions for changed annotations, off the UI thread, on its own connection.

        Only for those that can have any: a span too short to look for (most tags made
        word by word) and without links needs no worker, connection or repaint, which were
        a fifth of such a keypress's CPU; an annotation an undo removed needs none either."""
        if self.read_only:
            return
        shown = {a.uuid: a for a in self.annotations}
        wanted = []
        for uuid in uuids:
            ann = shown.get(uuid) or store.get_annotation(self.db, uuid)
            if ann is not None and (linkable(ann.quote) or self.link_counts.get(uuid)):
                wanted.append(uuid)
        if wanted:
            self._compute_links(wanted)

    @work(thread=True, group="links")
    def _compute_links(self, uuids: list[str]) -> None:
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
            self.matches.show("", [], "No annotation under the cursor.")
            return
        rows = self._match_rows(ann)
        if linkable(ann.quote):
            empty = "No other article carries these words (yet)."
        else:
            empty = "Too short to look for in other articles."
        self.matches.show(ann.quote, rows, empty)

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
