"""The open article's annotations in text order."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message

from newsmark.annotations.settings.labels import UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import one_line
from newsmark.tui.bindings import bindings
from newsmark.tui.widgets.virtual_list import VirtualList

NOTE_MARK = "\u270e"


class AnnotationsPanel(VirtualList):
    """The open article's annotations in text order; Enter jumps to one in the reader."""

    BINDINGS = bindings("list")

    class Jump(Message):
        def __init__(self, uuid: str) -> None:
            super().__init__()
            self.uuid = uuid

    def __init__(self, labels: dict[str, Label], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.labels = labels
        self.border_title = "Annotations"
        self.items: list[Annotation] = []
        self.uuids: list[str] = []
        self.link_counts: dict[str, int] = {}
        self.decisions: dict[str, dict[str, int]] = {}  # links by status, per annotation
        self.empty_text = Text(
            "No annotations yet. Select text (v, shift+arrows or the mouse) and press a"
            " label key; ? lists them.",
            style="dim",
        )

    def show(self, annotations: list[Annotation], current: str | None) -> None:
        self.items = annotations
        self.uuids = [a.uuid for a in annotations]
        self.set_subtitle(str(len(annotations)))
        self.set_count(len(annotations))
        self.mark(current)

    def mark(self, uuid: str | None) -> None:
        if uuid in self.uuids:
            self.move_to(self.uuids.index(uuid))

    def item_key(self, index: int) -> object:
        ann = self.items[index]  # everything its two rows show is in the key
        decided = tuple(sorted(self.decisions.get(ann.uuid, {}).items()))
        return (ann, self.link_counts.get(ann.uuid, 0), decided)

    def item_lines(self, index: int) -> tuple[Text, Text]:
        ann = self.items[index]
        label = self.labels.get(ann.label)
        colour = label.colour if label else UNKNOWN_LABEL_COLOUR
        head = Text()
        head.append("  ", style=f"on {colour}")
        head.append(f" {one_line(ann.label, 40)}", style="bold")
        carried = self.link_counts.get(ann.uuid, 0)
        if carried:
            head.append(f" \u21c4{carried}", style="bold cyan")
        decided = self.decisions.get(ann.uuid, {})
        marks = [
            f"{decided[status]}{mark}"
            for status, mark in (("accepted", "\u2713"), ("suggested", "?"), ("rejected", "\u2717"))
            if decided.get(status)
        ]
        if marks:  # accepted, pending, rejected
            head.append(f" ({' '.join(marks)})", style="dim")
        if ann.note:
            head.append(f" {NOTE_MARK} ", style="bold")
            head.append(one_line(ann.note), style="italic")
        quote = Text(one_line(ann.quote[:400]), style="dim")
        return head, quote

    def on_virtual_list_selected(self, event: VirtualList.Selected) -> None:
        event.stop()
        if event.index < len(self.items):
            self.post_message(self.Jump(self.items[event.index].uuid))
