"""Every passage that matches the current annotation, with the words that differ."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.message import Message

from newsmark.annotations.linking.decision import carried_sentences, differences
from newsmark.annotations.linking.diffwords import differing_words
from newsmark.annotations.linking.links import Link
from newsmark.annotations.linking.matching import sure_text, tier_of
from newsmark.corpus.articles import source_line
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.virtual_list import VirtualList

DIFF_STYLE = Style(color="#111111", bgcolor="#fde047", bold=True)


STATUS_MARK = {"accepted": "\u2713 accepted", "suggested": "suggested", "rejected": "rejected"}


@dataclass(frozen=True)
class MatchRow:
    link: Link
    title: str
    outlet: str | None

    def heading(self) -> str:
        return source_line(self.title, self.outlet)

    def tier(self, quote: str) -> str:
        return tier_of(quote, self.link.text, self.link.score)


def context_line(text: str, start: int, end: int, width: int = 30) -> tuple[str, int, int]:
    """The passage with a little context either side, and where the passage sits in it."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before, passage, after = text[lo:start], text[start:end], text[end:hi]
    prefix = (
        ("\u2026" if lo > 0 else "") + one_line(before) + (" " if before[-1:].isspace() else "")
    )
    body = one_line(passage)
    suffix = (
        (" " if after[:1].isspace() else "")
        + one_line(after)
        + ("\u2026" if hi < len(text) else "")
    )
    return prefix + body + suffix, len(prefix), len(prefix) + len(body)


class MatchesPanel(VirtualList):
    """Every passage matching the current annotation: article, outlet, score, differences."""

    BINDINGS = bindings("list")

    class Compare(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.border_title = "Matches"
        self.rows: list[MatchRow] = []
        self.quote = ""
        self._rendered: dict[int, tuple[Text, Text]] = {}
        self.empty_text = Text("No annotation under the cursor.", style="dim")

    def show(self, quote: str, rows: list[MatchRow], empty: str) -> None:
        if (
            rows == self.rows
            and empty == self.empty_text.plain
            and (not rows or quote == self.quote)
        ):
            return  # what is shown would not change (moving between unmatched annotations)
        self.quote = quote
        self._rendered = {}
        self.set_subtitle(str(len(rows)) if rows else "")
        if not rows and not self.rows:
            self.set_empty_text(Text(empty, style="dim"))  # two lines change, not the pane
            return
        self.rows = rows
        self.empty_text = Text(empty, style="dim")
        self.set_count(len(rows), 0)

    def item_lines(self, index: int) -> tuple[Text, Text]:
        cached = self._rendered.get(index)
        if cached:
            return cached
        row = self.rows[index]
        link = row.link
        # The title is what tells two articles apart: it comes first, then the outlet;
        # the tier (verbatim, edited, reworded) beside the score.
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{link.score:3.0f} {row.tier(self.quote)} ", style="bold")
        if link.meaning is not None:
            head.append(f"\u2248{link.meaning:.2f} ", style="italic")  # found by meaning
        if link.confidence is not None:
            head.append(f"{sure_text(link.confidence)} ", style="dim")
        carried = carried_sentences(self.quote, link.text)  # a quote of several sentences
        if carried:
            head.append(f"{carried[0]}/{carried[1]} sentences ", style="italic")
        if link.status != "suggested":
            head.append(f"{STATUS_MARK[link.status]} ", style="bold green")
        head.append(one_line(row.title), style="bold")
        if row.outlet:
            head.append(f" \u00b7 {one_line(row.outlet)}", style="dim")
        _, diffs = differing_words(self.quote, link.text)
        passage = Text(one_line(link.text))
        # Offsets of differences are in link.text; one_line keeps words in order, so map
        # them through the word sequence of both strings.
        folded = one_line(link.text)
        cursor = 0
        first_diff = -1
        for start, end in diffs:
            word = one_line(link.text[start:end])
            at = folded.find(word, cursor)
            if at >= 0:
                passage.stylize(DIFF_STYLE, at, at + len(word))
                cursor = at + len(word)
                first_diff = at if first_diff < 0 else first_diff
        width = max(10, self.size.width)
        if first_diff > width * 2 // 3:
            # The line is cut at the pane's width: start it near the first difference.
            cut = first_diff - width // 3
            passage = Text("\u2026") + passage[cut:]
        warnings = differences(self.quote, link.text)  # "figure differs: 5 vs 7"
        if warnings:
            passage = Text("; ".join(warnings) + " \u00b7 ", style="bold yellow") + passage
        self._rendered[index] = (head, passage)
        return head, passage

    def on_resize(self) -> None:
        self._rendered.clear()  # passages are cut to the pane's width
        super().on_resize()

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        self.post_message(self.Compare(event.index))
