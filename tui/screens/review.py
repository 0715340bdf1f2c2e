"""Every pending suggestion in the corpus, one at a time: accept, reject, skip, undo."""

from __future__ import annotations

import sqlite3

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from newsmark.annotations.linking import links
from newsmark.annotations.linking.matching import score_text, tier_of
from newsmark.corpus.articles import get_article, source_line
from newsmark.corpus.errors import NewsmarkError
from newsmark.tui.bindings import bindings
from newsmark.tui.screens.compare import pair_layout, show_pair
from newsmark.tui.widgets.text_view import Passage


class ReviewScreen(Screen[list[str]]):
    """A review queue over the whole corpus, best suggestions first (or by article).

    Each decision is saved when it is made; ``u`` takes the last one back. Dismissed with
    the annotations that accepting created, so their own matches can be looked for.
    """

    BINDINGS = bindings("review")

    def __init__(self, db: sqlite_utils.Database, annotator: str, blind: bool = False) -> None:
        super().__init__()
        self.db = db
        self.annotator = annotator
        self.blind = blind  # only the suggestions for this annotator's own annotations
        self.by_article = False
        self.queue: list[links.Pending] = []
        self.counts: dict[str, int] = {}
        self.index = 0
        self.decided: list[int] = []  # link ids, most recent last (for undo)
        self.created: list[str] = []

    def compose(self) -> ComposeResult:
        yield from pair_layout()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the queue and the counts (once, and after changes beyond one link)."""
        self.queue = [
            p
            for p in links.pending(self.db, by_article=self.by_article)
            if not self.blind or p.annotation.annotator == self.annotator
        ]
        self.counts = links.status_counts(self.db)
        self.index = max(0, min(self.index, len(self.queue) - 1))
        self.show()

    def show(self) -> None:
        counts = self.counts
        info = Text()
        info.append(f"{counts['suggested']} pending", style="bold")
        info.append(f" \u00b7 {counts['accepted']} accepted \u00b7 {counts['rejected']} rejected")
        info.append(" \u00b7 " + ("by article" if self.by_article else "surest first"), style="dim")
        if not self.queue:
            info.append("\nNothing left to review. escape: back", style="dim")
            self.query_one("#info", Static).update(info)
            for side in self.query(Passage):
                side.set_text("")
            return
        item = self.queue[self.index]
        ann, link = item.annotation, item.link
        ours = get_article(self.db, ann.article_id)
        theirs = get_article(self.db, link.target_article_id)
        if ours is None or theirs is None:  # removed meanwhile
            self.reload()
            return
        show_pair(
            self.query_one("#left", Passage),
            self.query_one("#right", Passage),
            (source_line(ours.title, ours.outlet), ours.text, ann),
            (source_line(theirs.title, theirs.outlet), theirs.text, link),
        )
        info.append(f"\nSuggestion {self.index + 1} of {len(self.queue)}  ", style="bold")
        tier = tier_of(ann.quote, link.text, link.score)
        info.append(
            f"{ann.label} \u00b7 {tier}, {score_text(link.score, link.meaning, link.confidence)}"
        )
        self.query_one("#info", Static).update(info)

    def _decide(self, accept: bool) -> None:
        if not self.queue:
            return
        item = self.queue[self.index]
        link = item.link
        try:
            if accept:
                self.created.append(links.accept(self.db, link.id, self.annotator).uuid)
            else:
                links.reject(self.db, link.id)
        except (NewsmarkError, sqlite3.Error) as exc:
            self.notify(f"Not saved: {exc}", severity="error", timeout=10, markup=False)
            return
        self.decided.append(link.id)
        if not accept and len(links.cluster_of(self.db, item.annotation.uuid)) > 1:
            self.reload()  # rejecting for a cluster may have rejected other suggestions
            return
        # one link decided: the queue loses it, the counts move; no need to read them again
        del self.queue[self.index]
        self.counts["suggested"] -= 1
        self.counts["accepted" if accept else "rejected"] += 1
        self.index = max(0, min(self.index, len(self.queue) - 1))
        self.show()

    def action_accept(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)

    def action_step(self, delta: int) -> None:
        """Skip: the suggestion stays pending."""
        if self.queue:
            self.index = (self.index + delta) % len(self.queue)
            self.show()

    def action_undo(self) -> None:
        if not self.decided:
            self.notify("Nothing to undo in this review.", timeout=2)
            return
        link_id = self.decided.pop()
        link = links.get_link(self.db, link_id)
        try:
            links.undecide(self.db, link_id)
        except (NewsmarkError, sqlite3.Error) as exc:
            self.notify(f"Not undone: {exc}", severity="error", timeout=10, markup=False)
            return
        if link is not None and link.target_annotation_uuid in self.created:
            self.created.remove(link.target_annotation_uuid)
        self.reload()
        ids = [p.link.id for p in self.queue]
        self.index = ids.index(link_id) if link_id in ids else self.index
        self.show()

    def action_order(self) -> None:
        self.by_article = not self.by_article
        self.index = 0
        self.reload()

    def action_close(self) -> None:
        self.dismiss(self.created)
