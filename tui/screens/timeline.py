"""How one claim spread: a chart of the outlets carrying it by publication date, and the
days listed, from the first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from newsmark.annotations.desk.spread import spread
from newsmark.annotations.linking.links import Cluster
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.charts import integer_ticks, step_points


class TimelineScreen(ModalScreen[None]):
    """escape or q closes."""

    BINDINGS = bindings("timeline")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__()
        self.cluster = cluster
        self.steps, self.undated = spread(cluster)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large"):
            quote = one_line(self.cluster.quote, 200)
            yield Static(Text(f"How it spread: \u201c{quote}\u201d", style="bold"))
            if self.steps:  # no dated article: the list says so, no empty box
                yield PlotextPlot(id="timeline")
            yield Static(self._days(), id="days")

    def _days(self) -> Text:
        text = Text()
        for step in self.steps:
            text.append(f"{step.date}  ", style="bold")
            text.append(", ".join(one_line(n, 40) for n in step.outlets))
            text.append(f"  ({step.total} so far", style="dim")
            text.append(
                f", {step.suggested} only suggested)" if step.suggested else ")", style="dim"
            )
            text.append("\n")
        if self.undated:
            text.append("Date unknown: ", style="bold")
            text.append(", ".join(one_line(n, 40) for n in self.undated) + "\n")
        if not self.steps and not self.undated:
            text.append("No article of this claim has a date.", style="dim")
        return text

    def on_mount(self) -> None:
        if not self.steps:
            return
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title("Outlets carrying the claim")
        plt.date_form("Y-m-d")
        dates, totals = step_points(self.steps, [s.total for s in self.steps])
        plt.plot(dates, totals, label="all")
        confirmed = [s.total - s.suggested for s in self.steps]
        if confirmed != [s.total for s in self.steps]:
            plt.plot(*step_points(self.steps, confirmed), label="accepted or annotated")
        top = self.steps[-1].total
        plt.ylim(0, top)  # from none: how far it went, not only the last steps
        plt.yticks(integer_ticks(top))
        plot.refresh()

    def action_close(self) -> None:
        self.dismiss(None)
