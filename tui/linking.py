"""Cross-article screens: the matches panel, the compare view, corpus search and claims."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from newsmark.annotations import textnav
from newsmark.annotations.diffwords import differing_words
from newsmark.annotations.limits import MAX_QUERY_CHARS
from newsmark.annotations.links import Cluster, Link
from newsmark.annotations.matching import DEFAULT_THRESHOLDS, Match, search_corpus
from newsmark.corpus.db import connect
from newsmark.corpus.normalise import neutralise, one_line
from newsmark.tui.screens import BoundedInput
from newsmark.tui.textview import TextView
from newsmark.tui.virtual_list import VirtualList

DIFF_STYLE = Style(color="#111111", bgcolor="#fde047", bold=True)
SPAN_STYLE = Style(bgcolor="#334155", color="#f8fafc")
STATUS_MARK = {"accepted": "\u2713 accepted", "suggested": "suggested", "rejected": "rejected"}


@dataclass(frozen=True)
class MatchRow:
    link: Link
    title: str
    outlet: str | None


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

    BINDINGS = [
        Binding("k", "move(-1)", "Up", show=False),
        Binding("j", "move(1)", "Down", show=False),
    ]

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
        self.quote = quote
        self.rows = rows
        self._rendered = {}
        self.empty_text = Text(empty, style="dim")
        self.border_subtitle = str(len(rows)) if rows else ""
        self.set_count(len(rows), 0)

    def item_lines(self, index: int) -> tuple[Text, Text]:
        cached = self._rendered.get(index)
        if cached:
            return cached
        row = self.rows[index]
        link = row.link
        head = Text()
        kind = "near-verbatim" if link.score >= DEFAULT_THRESHOLDS.near else "similar"
        head.append(f"{link.score:5.1f} ", style="bold")
        head.append(f"{kind} ", style="dim")
        if link.status != "suggested":
            head.append(f"[{STATUS_MARK[link.status]}] ", style="bold green")
        head.append(one_line(row.outlet or "unknown outlet"), style="bold")
        head.append(f" \u2014 {one_line(row.title)}", style="dim")
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
        self._rendered[index] = (head, passage)
        return head, passage

    def on_resize(self) -> None:
        self._rendered.clear()  # passages are cut to the pane's width
        super().on_resize()

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        self.post_message(self.Compare(event.index))


class Passage(TextView):
    """A read-only article view with painted ranges, for the compare screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._pieces: dict[int, list[tuple[int, int, Style]]] = {}

    def set_text(self, text: str) -> None:
        if text != self.text:
            safe = neutralise(text)
            self.index = textnav.LineIndex(safe)
            self.load_text(safe)

    def paint(self, ranges: list[tuple[int, int, Style]]) -> None:
        pieces: dict[int, list[tuple[int, int, Style]]] = {}
        for start, end, style in ranges:
            for row, c0, c1 in self.index.line_spans(start, end):
                pieces.setdefault(row, []).append((c0, c1, style))
        self._pieces = pieces
        self.notify_style_update()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for c0, c1, style in self._pieces.get(line_index, ()):
            line.stylize(style, c0, c1)
        return line

    def show_span(self, start: int, end: int) -> None:
        self.move_cursor(self.index.location(start), center=True)


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
        head.append(one_line(outlet or "unknown outlet"), style="bold")
        head.append(f" \u2014 {one_line(title)}", style="dim")
        line, a, b = context_line(self.texts.get(m.article_id, m.text), m.start, m.end)
        body = Text(line)
        body.stylize("bold reverse", a, b)
        return head, body


class CorpusSearchScreen(ModalScreen[tuple[int, int, int] | None]):
    """Search all articles as you type; Enter opens the article at the match."""

    DEFAULT_CSS = """
    CorpusSearchScreen { align: center middle; }
    CorpusSearchScreen > Vertical {
        width: 90%; height: 85%; border: thick $primary; background: $surface;
    }
    CorpusSearchScreen SearchResults { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "dismiss_none", "Close", id="corpus_search.close"),
        Binding("down", "focus_results", "Results", show=False),
    ]
    DEBOUNCE = 0.25

    def __init__(self, db_path: Path, query: str = "") -> None:
        super().__init__()
        self.db_path = db_path
        self.initial = query
        self._timer: object | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield BoundedInput(
                value=self.initial[:MAX_QUERY_CHARS],
                placeholder="Search all articles",
                max_length=MAX_QUERY_CHARS,
                id="query",
            )
            yield SearchResults(id="results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self.run_search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        value = event.value
        self._timer = self.set_timer(self.DEBOUNCE, lambda: self.run_search(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(SearchResults)
        if results.matches:
            results.focus()

    @work(thread=True, exclusive=True, group="corpus-search")
    def run_search(self, query: str) -> None:
        db = connect(self.db_path, readable_only=True)
        try:
            matches = search_corpus(db, query, limit=50)
            ids = sorted({m.article_id for m in matches})
            titles: dict[int, tuple[str, str | None]] = {}
            texts: dict[int, str] = {}
            for article_id in ids:
                row = db.execute(
                    "SELECT title, outlet, text FROM articles WHERE id = ?", [article_id]
                ).fetchone()
                if row:
                    titles[article_id] = (row[0], row[1])
                    texts[article_id] = row[2]
        finally:
            db.close()
        self.app.call_from_thread(self._show, query, matches, titles, texts)

    def _show(
        self,
        query: str,
        matches: list[Match],
        titles: dict[int, tuple[str, str | None]],
        texts: dict[int, str],
    ) -> None:
        if query != self.query_one(Input).value:
            return  # an older search finished after a newer one started
        results = self.query_one(SearchResults)
        results.matches, results.titles, results.texts = matches, titles, texts
        if query.strip() and not matches:
            results.empty_text = Text("No matches.", style="dim")
        results.border_subtitle = f"{len(matches)} matches" if query.strip() else ""
        results.set_count(len(matches), 0)

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        m = self.query_one(SearchResults).matches[event.index]
        self.dismiss((m.article_id, m.start, m.end))

    def action_focus_results(self) -> None:
        self.query_one(SearchResults).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


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
        outlets = sorted({one_line(m.outlet or "unknown outlet") for m in c.members})
        line = Text()
        line.append("first: ", style="dim")
        line.append(
            f"{one_line(first.outlet or 'unknown outlet')} ({first.published or 'date unknown'})",
            style="bold",
        )
        line.append("  \u00b7  " + ", ".join(outlets), style="dim")
        return head, line


class ClaimsScreen(ModalScreen[tuple[int, int, int] | None]):
    """How each linked claim spread: the same words in N articles, first published where."""

    DEFAULT_CSS = """
    ClaimsScreen { align: center middle; }
    ClaimsScreen > Vertical {
        width: 92%; height: 88%; border: thick $primary; background: $surface;
    }
    ClaimsScreen ClaimsList { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "dismiss_none", "Close", id="claims.close")]

    def __init__(self, clusters: list[Cluster]) -> None:
        super().__init__()
        self.clusters = clusters

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(
                    "Claims across articles (Enter: open where it was first "
                    "published, escape: close)",
                    style="bold",
                )
            )
            claims = ClaimsList(self.clusters, id="claims")
            claims.border_subtitle = f"{len(self.clusters)} clusters"
            yield claims

    def on_mount(self) -> None:
        claims = self.query_one(ClaimsList)
        claims.set_count(len(self.clusters), 0)
        claims.focus()

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        first = self.clusters[event.index].first
        self.dismiss((first.article_id, first.start, first.end))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
