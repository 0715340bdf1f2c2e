"""The panes: which show, how wide, stepping aside on a narrow terminal, remembered per
user.
"""

from __future__ import annotations

import sqlite3

from textual import events
from textual.reactive import var

from newsmark.annotations.desk.state import get_state, set_state
from newsmark.tui.layout import Layout, plan_layout
from newsmark.tui.screens.reader.base import ReaderBase


class PanesPart(ReaderBase):
    """Owns the pane layout: shown or hidden, the width offset, the pane that stepped aside."""

    show_articles: var[bool] = var(True, init=False)
    show_side: var[bool] = var(True, init=False)
    pane_delta: var[int] = var(0, init=False)

    def _init_panes(self) -> None:
        self._layout: Layout | None = None
        self._stepped_aside: str | None = None  # a pane hidden to make room for the other

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
                self.set_reactive(PanesPart.show_articles, True)
                self.set_reactive(PanesPart.show_side, True)
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
            self.set_reactive(PanesPart.show_articles, parts[0] == "1")
            self.set_reactive(PanesPart.show_side, parts[1] == "1")
            self.set_reactive(PanesPart.pane_delta, int(parts[2]))
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
