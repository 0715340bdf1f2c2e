"""Two articles side by side at a matching passage."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from newsmark.annotations.diffwords import differing_words
from newsmark.corpus.normalise import one_line
from newsmark.tui.widgets.matches_panel import DIFF_STYLE, STATUS_MARK, MatchRow
from newsmark.tui.widgets.text_view import Passage

SPAN_STYLE = Style(bgcolor="#334155", color="#f8fafc")


class CompareScreen(Screen[None]):
    """Two articles side by side at the matching passages; a accepts, r rejects."""

    BINDINGS = [
        Binding("a", "accept", "Accept", id="compare.accept"),
        Binding("r", "reject", "Reject", id="compare.reject"),
        Binding("right_square_bracket", "step(1)", "Next match", id="compare.next"),
        Binding("left_square_bracket", "step(-1)", "Previous match", id="compare.prev"),
        Binding("escape,q", "app.pop_screen", "Back", id="compare.back"),
    ]
    DEFAULT_CSS = """
    CompareScreen #sides { height: 1fr; }
    CompareScreen Passage { width: 1fr; }
    CompareScreen #info { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, controller: object, index: int) -> None:
        super().__init__()
        self.controller = controller
        self.index = index

    def compose(self) -> ComposeResult:
        with Horizontal(id="sides"):
            yield Passage(id="left")
            yield Passage(id="right")
        yield Static(id="info")
        yield Footer()

    def on_mount(self) -> None:
        self.render_match()

    def render_match(self) -> None:
        c = self.controller
        rows: list[MatchRow] = c.match_rows  # type: ignore[attr-defined]
        if not rows:
            self.app.pop_screen()
            return
        self.index = max(0, min(self.index, len(rows) - 1))
        row = rows[self.index]
        ann = c.current_annotation()  # type: ignore[attr-defined]
        source_text: str = c.article.text  # type: ignore[attr-defined]
        target_text: str = c.article_text(row.link.target_article_id)  # type: ignore[attr-defined]
        left = self.query_one("#left", Passage)
        right = self.query_one("#right", Passage)
        left.set_text(source_text)
        right.set_text(target_text)
        left.border_title = Text(one_line(c.article.title))  # type: ignore[attr-defined,assignment]
        right.border_title = Text(  # type: ignore[assignment]
            f"{one_line(row.outlet or 'unknown outlet')} \u2014 {one_line(row.title)}"
        )
        diff_a, diff_b = differing_words(ann.quote, row.link.text) if ann else ([], [])
        if ann:
            left.paint(
                [(ann.start, ann.end, SPAN_STYLE)]
                + [(ann.start + s, ann.start + e, DIFF_STYLE) for s, e in diff_a]
            )
            left.call_after_refresh(left.show_span, ann.start, ann.end)
        link = row.link
        right.paint(
            [(link.start, link.end, SPAN_STYLE)]
            + [(link.start + s, link.start + e, DIFF_STYLE) for s, e in diff_b]
        )
        right.call_after_refresh(right.show_span, link.start, link.end)
        info = Text()
        info.append(f"Match {self.index + 1} of {len(rows)}  ", style="bold")
        info.append(f"score {link.score:.1f}  ")
        info.append(f"status: {STATUS_MARK[link.status]}", style="bold")
        info.append(
            "\na: accept (tag it there too)   r: reject   ] / [: next / previous   escape: back",
            style="dim",
        )
        self.query_one("#info", Static).update(info)

    def action_step(self, delta: int) -> None:
        self.index += delta
        rows = self.controller.match_rows  # type: ignore[attr-defined]
        self.index %= max(1, len(rows))
        self.render_match()

    def action_accept(self) -> None:
        self.controller.decide(self.index, accept=True)  # type: ignore[attr-defined]
        self.render_match()

    def action_reject(self) -> None:
        self.controller.decide(self.index, accept=False)  # type: ignore[attr-defined]
        self.render_match()
