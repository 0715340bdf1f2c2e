"""Two articles side by side at a matching passage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from newsmark.annotations.linking.diffwords import differing_words
from newsmark.annotations.linking.links import Link
from newsmark.annotations.linking.matching import score_text
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.key_bar import KeyBar
from newsmark.tui.widgets.matches_panel import DIFF_STYLE, STATUS_MARK, MatchRow
from newsmark.tui.widgets.text_view import Passage

SPAN_STYLE = Style(bgcolor="#334155", color="#f8fafc")


def pair_layout() -> ComposeResult:
    """Two passages side by side, a line of information, the keys: the compare view's
    layout and the review queue's."""
    with Horizontal(id="sides"):
        yield Passage(id="left")
        yield Passage(id="right")
    yield Static(id="info")
    yield KeyBar()


def show_pair(
    left: Passage,
    right: Passage,
    ours: tuple[str, str, Annotation | None],
    theirs: tuple[str, str, Link],
) -> None:
    """An annotation (title, text, span) beside a linked passage, both shown and painted,
    the words that differ marked: what the compare view and the review queue show."""
    title, text, ann = ours
    heading, other_text, link = theirs
    left.set_text(text)
    right.set_text(other_text)
    left.border_title = Text(one_line(title))  # type: ignore[assignment]
    right.border_title = Text(one_line(heading))  # type: ignore[assignment]
    diff_a, diff_b = differing_words(ann.quote, link.text) if ann else ([], [])
    if ann:
        left.paint(
            [(ann.start, ann.end, SPAN_STYLE)]
            + [(ann.start + s, ann.start + e, DIFF_STYLE) for s, e in diff_a]
        )
        left.call_after_refresh(left.show_span, ann.start, ann.end)
    right.paint(
        [(link.start, link.end, SPAN_STYLE)]
        + [(link.start + s, link.start + e, DIFF_STYLE) for s, e in diff_b]
    )
    right.call_after_refresh(right.show_span, link.start, link.end)


@dataclass(frozen=True)
class CompareInput:
    """What the compare view shows and how it reports a decision.

    ``decide(index, accept)`` stores the decision and returns the matches as they are now;
    ``text_of(article_id)`` gives another article's stored text.
    """

    title: str
    text: str
    annotation: Annotation | None
    rows: list[MatchRow]
    decide: Callable[[int, bool], list[MatchRow]]
    text_of: Callable[[int], str]


class CompareScreen(Screen[None]):
    """Two articles side by side at the matching passages; a accepts, r rejects."""

    BINDINGS = bindings("compare")

    def __init__(self, given: CompareInput, index: int) -> None:
        super().__init__()
        self.given = given
        self.rows = given.rows
        self.index = index

    def compose(self) -> ComposeResult:
        yield from pair_layout()

    def on_mount(self) -> None:
        self.render_match()

    def render_match(self) -> None:
        rows = self.rows
        if not rows:
            self.app.pop_screen()
            return
        self.index = max(0, min(self.index, len(rows) - 1))
        row = rows[self.index]
        link = row.link
        show_pair(
            self.query_one("#left", Passage),
            self.query_one("#right", Passage),
            (self.given.title, self.given.text, self.given.annotation),
            (row.heading(), self.given.text_of(link.target_article_id), link),
        )
        info = Text()
        info.append(f"Match {self.index + 1} of {len(rows)}  ", style="bold")
        quote = self.given.annotation.quote if self.given.annotation else link.text
        info.append(f"{row.tier(quote)}, {score_text(link.score, link.meaning, link.confidence)}  ")
        info.append(f"status: {STATUS_MARK[link.status]}", style="bold")
        info.append(
            "\na: accept (tag it there too)   r: reject   ] / [: next / previous   escape: back",
            style="dim",
        )
        self.query_one("#info", Static).update(info)

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % max(1, len(self.rows))
        self.render_match()

    def action_accept(self) -> None:
        self.rows = self.given.decide(self.index, True)
        self.render_match()

    def action_reject(self) -> None:
        self.rows = self.given.decide(self.index, False)
        self.render_match()
