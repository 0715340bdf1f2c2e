"""Ranked passages from a search of every article."""

from __future__ import annotations

from rich.text import Text

from newsmark.annotations.linking.matching import Match
from newsmark.corpus.normalise import one_line
from newsmark.tui.widgets.matches_panel import context_line
from newsmark.tui.widgets.virtual_list import VirtualList


class SearchResults(VirtualList):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.matches: list[Match] = []
        self.titles: dict[int, tuple[str, str | None]] = {}
        self.texts: dict[int, str] = {}
        self.empty_text = Text(
            "Type to search every article (fuzzy: typos and small wording changes still match).",
            style="dim",
        )

    def item_lines(self, index: int) -> tuple[Text, Text]:
        m = self.matches[index]
        title, outlet = self.titles.get(m.article_id, ("?", None))
        head = Text()
        head.append(f"{m.score:5.1f} ", style="bold")
        head.append(one_line(title), style="bold")
        if outlet:
            head.append(f" \u00b7 {one_line(outlet)}", style="dim")
        line, a, b = context_line(self.texts.get(m.article_id, m.text), m.start, m.end)
        body = Text(line)
        body.stylize("bold reverse", a, b)
        return head, body
