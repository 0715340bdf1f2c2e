"""How linked claims spread across outlets."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from newsmark.annotations.linking.links import Cluster
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.claims_list import ClaimsList
from newsmark.tui.widgets.virtual_list import VirtualList


class ClaimsScreen(ModalScreen[tuple[int, int, int] | None]):
    """How each linked claim spread: the same words in N articles, first published where."""

    BINDINGS = bindings("claims")

    def __init__(self, clusters: list[Cluster]) -> None:
        super().__init__()
        self.clusters = clusters

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box large"):
            yield Static(
                Text(
                    "Claims across articles (Enter: open where it was first "
                    "published, t: how it spread, escape: close)",
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

    def action_timeline(self) -> None:
        from newsmark.tui.screens.timeline import TimelineScreen

        claims = self.query_one(ClaimsList)
        if self.clusters and claims.cursor < len(self.clusters):
            self.app.push_screen(TimelineScreen(self.clusters[claims.cursor]))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
