"""Clusters of linked annotations: one claim, the articles that carry it."""

from __future__ import annotations

from rich.text import Text

from newsmark.annotations.links import Cluster
from newsmark.corpus.articles import source_line
from newsmark.corpus.normalise import one_line
from newsmark.tui.widgets.virtual_list import VirtualList


class ClaimsList(VirtualList):
    def __init__(self, clusters: list[Cluster], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.clusters = clusters
        self.empty_text = Text(
            "No linked annotations yet. Tag a quote or figure that other articles carry:"
            " its matches appear in the Matches panel.",
            style="dim",
        )

    def item_lines(self, index: int) -> tuple[Text, Text]:
        c = self.clusters[index]
        head = Text()
        head.append(f"{c.articles} articles ", style="bold")
        head.append(f"{c.label} ", style="dim")
        head.append(f"\u201c{one_line(c.quote)}\u201d")
        first = c.first
        outlets = sorted({one_line(m.outlet) for m in c.members if m.outlet})
        line = Text()
        line.append("first: ", style="dim")
        line.append(source_line(first.title, first.outlet, first.published), style="bold")
        if outlets:
            line.append("  \u00b7  " + ", ".join(outlets), style="dim")
        return head, line
