"""Moving through the article: to the next annotation, and the in-article search."""

from __future__ import annotations

from textual.reactive import var

from newsmark.annotations.spans import textnav
from newsmark.corpus.normalise import one_line
from newsmark.tui.screens.find import SearchScreen
from newsmark.tui.screens.reader.base import ReaderBase


class NavigationPart(ReaderBase):
    """Owns the in-article search: its term and hits."""

    search_hits: var[tuple[int, ...]] = var((), init=False)

    def _clear_search(self) -> None:
        self.search_hits = ()

    def _init_navigation(self) -> None:
        self.search_term = ""

    def watch_search_hits(self, hits: tuple[int, ...]) -> None:
        n = len(self.search_term)
        self.reader.set_search_hits([(s, s + n) for s in hits])

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
