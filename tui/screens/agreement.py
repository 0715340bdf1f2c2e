"""The agreement screen: how far each pair of annotators agrees, and, for the open article,
where two of them differ, side by side, with a curator's choice of which version to keep.

Keeping a version deletes the other side's annotations of that passage; each deletion is in
the article's undo history (``u`` in the reader brings it back).
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from newsmark.annotations.desk.agreement import (
    Disagreement,
    Pair,
    agreement,
    annotators_of,
    disagreements,
    keep,
    unkeep,
)
from newsmark.annotations.settings.labels import UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.db import connect
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings, hint
from newsmark.tui.widgets.virtual_list import VirtualList


class Disputes(VirtualList):
    """One disagreement a row: the first annotator's version, then the second's."""

    BINDINGS = bindings("list")

    def __init__(self, colours: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.colours = colours
        self.items: list[Disagreement] = []
        self.names = ("", "")
        self.empty_text = Text("No disagreements in this article.", style="dim")

    def _side(self, who: str, anns: list[Annotation]) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{one_line(who, 16):>16} ", style="dim")
        if not anns:
            line.append("(nothing here)", style="italic dim")
        for ann in anns:
            colour = self.colours.get(ann.label, UNKNOWN_LABEL_COLOUR)
            line.append(f" {one_line(ann.label, 16)} ", style=f"bold white on {colour}")
            line.append(f" \u201c{one_line(ann.quote, 80)}\u201d ")
        return line

    def item_lines(self, index: int) -> tuple[Text, Text]:
        item = self.items[index]
        return self._side(self.names[0], item.left), self._side(self.names[1], item.right)


class AgreementScreen(ModalScreen[bool]):
    """Figures for every pair; this article's disagreements for one pair at a time
    (``p`` the next pair); ``1`` keeps the first annotator's version in the gold layer,
    ``2`` the second's, ``3`` both; ``u`` takes the last keep back; ``e`` keeps a version
    and opens it in the reader to change its span or label there."""

    BINDINGS = bindings("agreement")

    def __init__(
        self, db: sqlite_utils.Database, db_path: Path, article_id: int, labels: tuple[Label, ...]
    ) -> None:
        super().__init__()
        self.db = db
        self.db_path = db_path
        self.article_id = article_id
        self.colours = {label.name: label.colour for label in labels}
        self.pairs: list[tuple[str, str]] = []
        self.pair = 0
        self.changed = False
        # what was kept here, last last: (passage, its gold annotations, the pair)
        self.kept: list[tuple[Disagreement, list[str], tuple[str, str]]] = []
        self.edit: str | None = None  # the gold annotation to open in the reader (``e``)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large"):
            yield Static(Text("Agreement: counting\u2026", style="dim"), id="figures")
            disputes = Disputes(self.colours, id="disputes")
            disputes.border_title = "Disagreements in this article"
            yield disputes
            yield Static(
                hint(
                    self.app,
                    ("agreement.keep_first", "keep the first version"),
                    ("agreement.keep_second", "the second"),
                    ("agreement.keep_both", "both, in the gold layer"),
                    ("agreement.edit", "keep and edit it"),
                    ("agreement.undo", "undo"),
                    ("agreement.next_pair", "next pair"),
                    ("agreement.close", "close"),
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        names = annotators_of(self.db, self.article_id)
        self.pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
        self._show_disputes()
        self.count()

    @work(thread=True, exclusive=True, group="agreement")
    def count(self) -> None:
        db = connect(self.db_path, readable_only=True)
        try:
            pairs = agreement(db)
        finally:
            db.close()
        self.app.call_from_thread(self._show_figures, pairs)

    def _show_figures(self, pairs: list[Pair]) -> None:
        text = Text("Agreement over the articles both annotated\n", style="bold")
        if not pairs:
            text.append("No two annotators have annotated the same article.", style="dim")
        for p in pairs:
            kappa = ", ".join(f"{one_line(k, 16)} {v:.2f}" for k, v in p.kappa.items())
            text.append(
                f"{one_line(p.annotators[0], 16)} \u00d7 {one_line(p.annotators[1], 16)}:"
                f" {p.articles} article{'s' if p.articles != 1 else ''}, exact F1"
                f" {p.exact_f1:.2f}, overlap F1 {p.overlap_f1:.2f}, kappa {kappa}\n"
            )
        self.query_one("#figures", Static).update(text)

    def _show_disputes(self) -> None:
        listed = self.query_one(Disputes)
        if not self.pairs:
            listed.items = []
            listed.empty_text = Text(
                "Only one annotator (or none) has annotated this article.", style="dim"
            )
            listed.set_count(0, 0)
            return
        first, second = self.pairs[self.pair % len(self.pairs)]
        listed.names = (first, second)
        listed.items = disagreements(self.db, self.article_id, first, second)
        listed.border_subtitle = (
            f"{one_line(first, 20)} \u00d7 {one_line(second, 20)}:"
            f" {len(listed.items)} disagreement{'s' if len(listed.items) != 1 else ''}"
            + (f" (pair {self.pair % len(self.pairs) + 1} of {len(self.pairs)})")
        )
        listed.set_count(len(listed.items), min(listed.cursor, max(0, len(listed.items) - 1)))
        listed.focus()

    def action_next_pair(self) -> None:
        if self.pairs:
            self.pair = (self.pair + 1) % len(self.pairs)
            self._show_disputes()

    def action_keep(self, side: str) -> None:
        listed = self.query_one(Disputes)
        if not listed.items or listed.cursor >= len(listed.items):
            return
        dispute = listed.items[listed.cursor]
        if getattr(self.app, "read_only", False):
            self.notify("The database is read-only: nothing can be saved.", severity="error")
            return
        try:
            made = keep(self.db, dispute, side, *listed.names)
        except Exception as exc:  # a database error: say so, keep the screen
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        self.changed = True
        self.kept.append((dispute, made, listed.names))
        who = (
            "both versions"
            if side == "both"
            else (f"{listed.names[0 if side == 'left' else 1]}'s version")
        )
        self.notify(
            f"Kept {who} in the gold layer ({len(made)} annotation{'s' if len(made) != 1 else ''}"
            " added, nothing removed; u undoes it).",
            timeout=4,
            markup=False,
        )
        self._show_disputes()
        self.count()

    def action_edit_gold(self) -> None:
        """Neither version as it stands: keep one (the first annotator's, or the second's
        where the first has none here) and edit the gold copy in the reader, span and
        label, with the reader's keys (its undo too)."""
        from newsmark.annotations.desk.agreement import GOLD
        from newsmark.annotations.spans.store import list_annotations

        listed = self.query_one(Disputes)
        if not listed.items or listed.cursor >= len(listed.items):
            return
        dispute = listed.items[listed.cursor]
        side = "left" if dispute.left else "right"
        first = (dispute.left or dispute.right)[0]
        self.action_keep(side)
        gold = [
            a
            for a in list_annotations(self.db, self.article_id)
            if a.annotator == GOLD
            and (a.start, a.end, a.label) == (first.start, first.end, first.label)
        ]
        if gold:
            self.edit = gold[0].uuid
            self.dismiss(True)

    def action_undo_keep(self) -> None:
        """Take the last keep back: its gold annotations go, the passage is listed again."""
        if not self.kept:
            self.notify("Nothing kept here to undo.", timeout=3)
            return
        dispute, made, names = self.kept.pop()
        try:
            unkeep(self.db, dispute, made, *names)
        except Exception as exc:  # a database error: say so, keep the screen
            self.notify(f"Not undone: {exc}", severity="error", markup=False)
            return
        self.notify("Undone: the passage is listed again.", timeout=3)
        self._show_disputes()
        self.count()

    def action_close(self) -> None:
        self.dismiss(self.changed)
