"""Pane widths for a terminal width: the reader always keeps room to read.

Plain arithmetic, no Textual, so every width can be tested without a screen. The side panes
take a share of the terminal (so a 160-column terminal is not two thirds sidebar, and an
80-column one is not one letter of text per line); when both do not fit beside a reader of
:data:`READER_MIN` columns of text, the article list goes first, then the annotations pane
narrows and finally goes too. The user's ``f2``/``f3`` choices and ``alt+arrows`` adjustment
come in as ``show_articles``, ``show_side`` and ``delta``.
"""

from __future__ import annotations

from dataclasses import dataclass

READER_MIN = 40  # columns of text
READER_CHROME = 4  # border and padding around the reader's text
ARTICLES_MIN, ARTICLES_MAX = 18, 40
SIDE_MIN, SIDE_MAX = 24, 60


@dataclass(frozen=True)
class Layout:
    articles: int  # width of the article list; 0 when hidden
    side: int  # width of the annotations and matches panes; 0 when hidden

    def reader(self, width: int) -> int:
        """Columns of text the reader gets."""
        return width - self.articles - self.side - READER_CHROME


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def plan_layout(width: int, show_articles: bool, show_side: bool, delta: int = 0) -> Layout:
    articles = _clamp(round(width * 0.2) + delta, ARTICLES_MIN, ARTICLES_MAX)
    side = _clamp(round(width * 0.26) + delta, SIDE_MIN, SIDE_MAX)
    room = width - READER_MIN - READER_CHROME
    articles = articles if show_articles else 0
    side = side if show_side else 0
    if articles + side <= room:
        return Layout(articles, side)
    if side and articles:  # both asked for, both do not fit: the annotations stay
        articles = 0
    if articles + side <= room:
        return Layout(articles, side)
    if side:
        side = SIDE_MIN if room >= SIDE_MIN else 0
    if articles:
        articles = ARTICLES_MIN if room >= ARTICLES_MIN else 0
    return Layout(articles, side)
