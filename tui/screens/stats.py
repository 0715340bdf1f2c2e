"""The statistics screen: the corpus in numbers, and labels per outlet as bars.

The numbers are ``newsmark stats``'s (one grouped query each, in a worker); the chart is
plotext's, drawn by ``textual-plotext`` (a Textual widget by Textualize), with each label
in its own colour. Names of outlets and labels are untrusted text: they are made safe and
short before plotext sees them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from newsmark.annotations.desk.stats import stats
from newsmark.annotations.settings.labels import Label
from newsmark.corpus.db import connect
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.charts import integer_ticks

MAX_OUTLETS = 12  # bars shown; the rest are summed as "other outlets"


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        return (128, 128, 128)
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def outlet_bars(
    found: dict[str, Any], max_outlets: int = MAX_OUTLETS
) -> tuple[list[str], list[str], list[list[int]]]:
    """(outlet names, labels, counts per label per outlet) for a stacked bar chart, the
    outlets with most annotations first, the rest summed."""
    labels = list(found["labels"])
    outlets = sorted(found["outlets"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    shown, rest = outlets[:max_outlets], outlets[max_outlets:]
    names = [one_line(name, 18) for name, _ in shown]
    per_label = [[per.get(label, 0) for _, per in shown] for label in labels]
    if rest:
        names.append(f"{len(rest)} other outlets")
        for i, label in enumerate(labels):
            per_label[i].append(sum(per.get(label, 0) for _, per in rest))
    return names, [one_line(label, 20) for label in labels], per_label


class StatsScreen(ModalScreen[None]):
    """Numbers and a chart; escape or q closes."""

    BINDINGS = bindings("stats")

    def __init__(self, db_path: Path, labels: tuple[Label, ...]) -> None:
        super().__init__()
        self.db_path = db_path
        self.colours = {label.name: label.colour for label in labels}
        self.found: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large", id="stats-box"):
            yield Static(Text("Counting\u2026", style="dim"), id="summary")
            yield PlotextPlot(id="bars")
            yield Static("", id="annotators")

    def on_mount(self) -> None:
        self.count()

    @work(thread=True, exclusive=True, group="stats")
    def count(self) -> None:
        db = connect(self.db_path, readable_only=True)
        try:
            found = stats(db)
        finally:
            db.close()
        self.app.call_from_thread(self._show, found)

    def _show(self, found: dict[str, Any]) -> None:
        self.found = found
        a, lk = found["articles"], found["links"]
        summary = Text()
        summary.append("Statistics\n", style="bold")
        summary.append(
            f"Articles: {a['total']:,} ({a['annotated']:,} annotated) \u00b7 {a['done']:,} done,"
            f" {a['in_progress']:,} in progress, {a['todo']:,} to do\n"
        )
        summary.append(
            f"Annotations: {sum(found['labels'].values()):,} \u00b7 links: {lk['suggested']:,}"
            f" pending, {lk['accepted']:,} accepted, {lk['rejected']:,} rejected"
        )
        self.query_one("#summary", Static).update(summary)
        self._draw(found)
        people = Text("Annotators: ", style="bold")
        parts = [f"{one_line(n, 30) or 'nobody'} {c:,}" for n, c in found["annotators"].items()]
        people.append(" \u00b7 ".join(parts) or "none yet", style="")
        self.query_one("#annotators", Static).update(people)

    def _draw(self, found: dict[str, Any]) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        names, labels, counts = outlet_bars(found)
        plt.title("Annotations per outlet, by label")
        plot.display = bool(names and labels)  # nothing annotated yet: no empty box
        if names and labels:
            colours = [_rgb(self.colours.get(label, "#6b7280")) for label in found["labels"]]
            plt.stacked_bar(
                names, counts, labels=labels, color=colours, orientation="horizontal", width=0.4
            )
            top = max(sum(column) for column in zip(*counts, strict=True))
            plt.xlim(0, top)
            plt.xticks(integer_ticks(top))
        plot.refresh()

    def action_close(self) -> None:
        self.dismiss(None)
