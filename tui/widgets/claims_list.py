"""Clusters of linked annotations: one claim, the articles that carry it."""

from __future__ import annotations

from rich.text import Text

from newsmark.annotations.linking.links import Cluster
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
        head.append(f"{c.articles} article{'s' if c.articles != 1 else ''} ", style="bold")
        if c.suggested:
            head.append(f"(+{c.suggested} suggested) ", style="dim")
        labels = c.labels or (c.label,)
        if len(labels) > 1:
            head.append("mixed: " + "/".join(one_line(x, 40) for x in labels) + " ", style="bold")
        else:
            head.append(f"{one_line(labels[0], 40)} ", style="dim")
        head.append(f"\u201c{one_line(c.quote)}\u201d")
        firsts = c.firsts
        outlets = sorted({one_line(m.outlet) for m in c.members if m.outlet})
        line = Text()
        line.append("first: ", style="dim")
        line.append(
            " = ".join(source_line(m.title, m.outlet, m.published) for m in firsts), style="bold"
        )
        if len(firsts) > 1:
            line.append(" (same day)", style="dim")
        if outlets:
            line.append("  \u00b7  " + ", ".join(outlets), style="dim")
        return head, line
