"""Pane widths for every terminal width (no screen needed)."""

from __future__ import annotations

from newsmark.tui.layout import READER_MIN, plan_layout


def test_the_reader_keeps_room_to_read_at_every_width() -> None:
    for width in range(60, 301):
        for articles in (True, False):
            for side in (True, False):
                for delta in (-24, 0, 40):
                    plan = plan_layout(width, articles, side, delta)
                    assert plan.reader(width) >= READER_MIN, (width, articles, side, delta)
                    assert (plan.articles == 0) or articles
                    assert (plan.side == 0) or side


def test_narrow_terminals_drop_the_article_list_first() -> None:
    at_80 = plan_layout(80, True, True)
    assert at_80.articles == 0 and at_80.side >= 24
    at_100 = plan_layout(100, True, True)
    assert at_100.articles and at_100.side
    wide = plan_layout(160, True, True)
    assert 30 <= wide.articles <= 40 and 40 <= wide.side <= 60
    assert plan_layout(60, True, True).side == 0  # too narrow for anything but the text
