"""The reader: a read-only, soft-wrapped TextArea that paints annotations as coloured spans.

Labels are applied in :meth:`Reader.get_line` from a per-line table built once whenever the
annotations change, so a repaint costs a dictionary lookup per visible line. Article text is
only ever placed in ``rich.text.Text`` objects, never parsed as markup.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Offset, Region
from textual.reactive import Reactive, reactive, var
from textual.strip import Strip
from textual.widgets.text_area import Selection

from newsmark.annotations.settings.labels import UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans import textnav
from newsmark.annotations.spans.index import SpanIndex, nested_among
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import neutralise
from newsmark.tui.bindings import bindings, label_bindings
from newsmark.tui.widgets.text_view import TextView

MOTIONS = {
    "word_forward": textnav.next_word_start,
    "word_back": textnav.prev_word_start,
    "word_end": textnav.word_end,
    "sentence_forward": textnav.next_sentence_start,
    "sentence_back": textnav.prev_sentence_start,
    "paragraph_forward": textnav.next_paragraph_start,
    "paragraph_back": textnav.prev_paragraph_start,
}
CURRENT_STYLE = Style(bold=True)
MAX_WRAPPED_LINE = 50_000  # characters; longer lines are shown unwrapped
SEARCH_STYLE = Style(color="#111111", bgcolor="#facc15", bold=True)
LABEL_TEXT_COLOUR = "#f8fafc"
ROW_CACHE_SIZE = 1_000  # styled lines kept; a screen shows ~50


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    style: Style


class Reader(TextView):
    """Movement and selection live here; changes to annotations are app actions."""

    BINDINGS = bindings("reader")

    # Visual mode changes no pixel of the reader (the selection does): no repaint.
    visual: var[bool] = var(False)
    # TextArea repaints the whole widget when the selection changes; a move changes one or
    # two screen rows, and :meth:`_watch_selection` repaints just those.
    selection: Reactive[Selection] = reactive(
        Selection(), init=False, always_update=True, repaint=False
    )

    def __init__(self, labels: Iterable[Label], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.labels = {label.name: label for label in labels}
        self.annotations: list[Annotation] = []
        self.current_uuid: str | None = None
        self.search_hits: list[tuple[int, int]] = []
        self.spans = SpanIndex()
        self._row_cache: LRUCache[int, list[Piece]] = LRUCache(ROW_CACHE_SIZE)
        # (not ``_line_cache``: TextArea keeps its rendered rows under that name)
        self._styled_lines: LRUCache[int, Text] = LRUCache(ROW_CACHE_SIZE)
        self._strip_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(ROW_CACHE_SIZE)
        self._style_version = 0  # bumped whenever spans or search hits change
        self._row_versions: dict[int, int] = {}  # bumped for the lines one edit touches
        self._current_rows = (-1, -1)  # document lines the current annotation covers
        self._by_uuid: dict[str, Annotation] = {}
        self._style_cache: dict[tuple[str, bool], Style] = {}

    @classmethod
    def for_labels(cls, labels: Iterable[Label]) -> type[Reader]:
        """A reader class whose label keys come from the config.

        Textual merges ``BINDINGS`` along the class hierarchy, so a subclass (named like its
        base, for CSS and screenshots) adds the label bindings without private attributes.
        """
        return type(cls.__name__, (cls,), {"BINDINGS": label_bindings(labels)})

    def set_labels(self, labels: Iterable[Label]) -> None:
        """Another label set (changed by another program): its keys tag from now on and
        its colours paint the spans."""
        labels = list(labels)
        self.labels = {label.name: label for label in labels}
        self._style_cache.clear()
        keys = self._bindings.key_to_bindings
        for key in list(keys):
            keys[key] = [b for b in keys[key] if not (b.id or "").startswith("label.")]
            if not keys[key]:
                del keys[key]
        for binding in label_bindings(labels):
            keys.setdefault(binding.key, []).append(binding)
        self.refresh()
        self.refresh_bindings()

    # --- content -------------------------------------------------------------------------

    def show_text(self, text: str) -> bool:
        """Load an article's stored text (neutralised again, defensively: same length).

        Returns False when soft wrap had to be turned off: Textual re-wraps a line on every
        cursor move, which takes seconds for a line of megabytes.
        """
        safe = neutralise(text)
        self.index = textnav.LineIndex(safe)
        starts = self.index.starts
        longest = max(
            (b - a for a, b in zip(starts, [*starts[1:], len(safe) + 1], strict=True)),
            default=0,
        )
        self.soft_wrap = longest <= MAX_WRAPPED_LINE
        self.visual = False
        self.search_hits = []
        self._row_cache.clear()
        self._styled_lines.clear()
        self._style_version += 1
        self.load_text(safe)
        return self.soft_wrap

    def set_annotations(self, annotations: list[Annotation], current: str | None) -> None:
        """All of an article's annotations, new: every line is styled again."""
        self.spans = SpanIndex(annotations)
        self.annotations = self.spans.items
        self._by_uuid = {a.uuid: a for a in self.annotations}
        self.current_uuid = current
        self._restyle()

    def change_annotation(
        self, old: Annotation | None, new: Annotation | None, current: str | None
    ) -> None:
        """One annotation created, changed or deleted (what one key does): the index is
        updated in place of a rebuild, and only the screen rows its text can restyle are
        painted again, so one tag does not repaint its whole paragraph."""
        touched = [a for a in (old, new) if a is not None]
        if old is not None:  # spans whose nesting (underline) the old one decided
            touched += self.spans.overlapping(old.start, old.end)
        self.spans = self.spans.changed(old, new)
        self.annotations = self.spans.items
        if old is not None:
            self._by_uuid.pop(old.uuid, None)
        if new is not None:
            self._by_uuid[new.uuid] = new
            touched += self.spans.overlapping(new.start, new.end)
        before = self.current()
        self.current_uuid = current
        lo = min(a.start for a in touched) if touched else 0
        hi = max(a.end for a in touched) if touched else 0
        for row, _c0, _c1 in self.index.line_spans(lo, max(hi, lo + 1)) if touched else ():
            self._row_cache.discard(row)
            self._styled_lines.discard(row)
            self._row_versions[row] = self._row_versions.get(row, 0) + 1
        self._current_rows = self._rows_of(self.current())
        spans = [(lo, hi)] if touched else []
        spans += [(a.start, a.end) for a in (before, self.current()) if a is not None]
        self._repaint_spans(spans)

    def annotation(self, uuid: str) -> Annotation | None:
        return self._by_uuid.get(uuid)

    def set_current(self, uuid: str | None) -> None:
        if uuid != self.current_uuid:
            before, after = self.current(), self._by_uuid.get(uuid) if uuid else None
            for ann in (before, after):
                if ann is not None:  # only the lines of the old and the new current change
                    for row, _c0, _c1 in self.index.line_spans(ann.start, ann.end):
                        self._styled_lines.discard(row)
            self.current_uuid = uuid
            self._current_rows = self._rows_of(self.current())
            self._repaint_spans([(a.start, a.end) for a in (before, after) if a is not None])

    def _repaint_spans(self, spans: list[tuple[int, int]]) -> None:
        """Repaint just the screen rows these spans of text are on; the rest of the reader
        (the rest of a long paragraph too) stays as painted."""
        if not self.soft_wrap or not self.is_mounted:
            self.notify_style_update()
            self.refresh()
            return
        regions = [
            region
            for start, end in spans
            if (region := self._rows(self.index.location(start), self.index.location(end)))
        ]
        # TextArea's own row cache does not know about label styles: drop it (it is rebuilt
        # from ours), but repaint only the rows that changed
        self.notify_style_update()
        if regions:
            self.refresh(*regions)

    def _rows(self, *locations: tuple[int, int]) -> Region | None:
        """The screen rows from the first to the last of these document locations (None
        when they are all off screen)."""
        wrapped = self.wrapped_document
        ys = [wrapped.location_to_offset(location).y for location in locations]
        top, height = self.scroll_offset.y, self.size.height
        first, last = max(min(ys) - top, 0), min(max(ys) - top, height - 1)
        return Region(0, first, self.size.width, last - first + 1) if first <= last else None

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        scroll_before = self.scroll_offset
        super()._watch_selection(previous_selection, selection)
        if not self.is_mounted:
            return
        lines = self.document.line_count
        inside = all(
            location[0] < lines
            for location in (*previous_selection, *selection)  # (start, end) of each
        )
        if not self.soft_wrap or self.scroll_offset != scroll_before or not inside:
            # a scroll repaints everything anyway; a new text's first selection follows one
            # in the old text, whose lines may not exist in this one
            self.refresh()
            return
        regions = self._moved_regions(previous_selection, selection)
        if regions:  # (no regions would mean the whole widget)
            self.refresh(*regions)

    def _moved_regions(self, before: Selection, after: Selection) -> list[Region]:
        """The screen rows a change of selection repaints.

        Without a selection on either side only the rows of the old and the new cursor
        change. Otherwise the rows whose highlight can differ: between the old and the new
        cursor when the anchor stayed put, else across both selections.
        """
        if before.is_empty and after.is_empty:
            points: list[tuple[tuple[int, int], ...]] = [(before.end,), (after.end,)]
        elif before.start == after.start:
            points = [(before.end, after.end)]
        else:
            points = [(before.start, before.end, after.start, after.end)]
        return [region for group in points if (region := self._rows(*group))]

    def _rows_of(self, ann: Annotation | None) -> tuple[int, int]:
        if ann is None:
            return (-1, -1)
        return self.index.location(ann.start)[0], self.index.location(ann.end)[0]

    def set_search_hits(self, hits: list[tuple[int, int]]) -> None:
        self.search_hits = sorted(hits)
        self._restyle()

    def _restyle(self) -> None:
        self._row_cache.clear()
        self._styled_lines.clear()
        self._style_version += 1
        self._current_rows = self._rows_of(self.current())
        self.notify_style_update()
        self.refresh()

    def _label_style(self, label: str, nested: bool) -> Style:
        key = (label, nested)
        style = self._style_cache.get(key)
        if style is None:
            label_def = self.labels.get(label)
            colour = label_def.colour if label_def else UNKNOWN_LABEL_COLOUR
            style = Style(bgcolor=colour, color=LABEL_TEXT_COLOUR, underline=nested)
            self._style_cache[key] = style
        return style

    def _row_pieces(self, row: int) -> list[Piece]:
        """Style pieces for one line, outer spans first so inner ones paint over them."""
        lo, hi = self.index.line_start(row), self.index.line_end(row)
        touching = self.spans.overlapping(lo, max(hi, lo + 1))
        nested = nested_among(touching) if len(touching) > 1 else set()
        pieces = [
            Piece(
                max(a.start, lo) - lo,
                min(a.end, hi) - lo,
                self._label_style(a.label, a.uuid in nested),
            )
            for a in sorted(touching, key=lambda a: (-a.length, a.start))
        ]
        if self.search_hits:
            i = bisect_left(self.search_hits, (lo - 10_000, 0))
            for start, end in self.search_hits[i:]:
                if start >= hi:
                    break
                if end > lo:
                    pieces.append(Piece(max(start, lo) - lo, min(end, hi) - lo, SEARCH_STYLE))
        return pieces

    def render_line(self, y: int) -> Strip:
        """One screen row, from a cache that a cursor move does not empty.

        With soft wrap on, ``TextArea`` keys its cache on the whole selection, so every move
        re-renders every visible row. Here a row's key holds the selection only if the
        selection (or the cursor) is on the row's line, and the current annotation only if it
        covers that line: a move re-renders the rows it touches.
        """
        if not self.soft_wrap or not self.text:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        line_index = self._line_of_row(absolute_y)
        selection = self.selection
        top, bottom = sorted((selection.start[0], selection.end[0]))
        lo, hi = self._current_rows
        key = (
            self.size,
            scroll_x,
            absolute_y,
            line_index,
            selection if top <= line_index <= bottom else None,
            self.current_uuid if lo <= line_index <= hi else None,
            self._style_version,
            self._row_versions.get(line_index, 0),
            self.has_focus,
            self.theme,
        )
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = super().render_line(y)
            self._strip_cache.set(key, strip)
        return strip

    def _line_of_row(self, row: int) -> int:
        """The document line a screen row shows. ``offset_to_location`` also works out a
        column (cell widths of the line), which this hot path does not need: read the
        wrapped document's row table when it has one, else ask the public method."""
        table = getattr(self.wrapped_document, "_offset_to_line_info", None)
        if table is not None and 0 <= row < len(table) and table[row] is not None:
            return int(table[row][0])
        return self.wrapped_document.offset_to_location(Offset(0, row))[0]

    def get_line(self, line_index: int) -> Text:
        """The line with its label colours; TextArea asks once per *screen row*, so a long
        paragraph's styled line is kept (the caller styles a copy with the selection)."""
        cached = self._styled_lines.get(line_index)
        if cached is not None:
            return cached.copy()
        line = self._styled_line(line_index)
        self._styled_lines.set(line_index, line.copy())
        return line

    def _styled_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        pieces = self._row_cache.get(line_index)
        if pieces is None:
            pieces = self._row_pieces(line_index)
            self._row_cache.set(line_index, pieces)
        for piece in pieces:
            line.stylize(piece.style, piece.start, piece.end)
        if self.current_uuid is not None:
            current = self.current()
            if current is not None:
                lo, hi = self.index.line_start(line_index), self.index.line_end(line_index)
                if current.start < hi and current.end > lo:
                    line.stylize(
                        CURRENT_STYLE, max(current.start, lo) - lo, min(current.end, hi) - lo
                    )
        return line

    def current(self) -> Annotation | None:
        if self.current_uuid is None:
            return None
        return self._by_uuid.get(self.current_uuid)

    # --- offsets -------------------------------------------------------------------------

    @property
    def cursor_offset(self) -> int:
        return self.index.offset(self.cursor_location)

    @property
    def selection_offsets(self) -> tuple[int, int]:
        start, end = self.selection
        a, b = self.index.offset(start), self.index.offset(end)
        return (a, b) if a <= b else (b, a)

    def move_to_offset(self, offset: int, select: bool = False, center: bool = False) -> None:
        self.move_cursor(self.index.location(offset), select=select, center=center)

    def select_offsets(self, start: int, end: int) -> None:
        self.selection = Selection(self.index.location(start), self.index.location(end))
        self.scroll_cursor_visible()

    # --- movement (visual mode turns every movement into a selection) ---------------------

    def _jump(self, offset: int) -> None:
        self.move_to_offset(offset, select=self.visual)

    def action_cursor_left(self, select: bool = False) -> None:
        super().action_cursor_left(select or self.visual)

    def action_cursor_right(self, select: bool = False) -> None:
        super().action_cursor_right(select or self.visual)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select or self.visual)

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select or self.visual)

    def action_cursor_line_start(self, select: bool = False) -> None:
        super().action_cursor_line_start(select or self.visual)

    def action_cursor_line_end(self, select: bool = False) -> None:
        super().action_cursor_line_end(select or self.visual)

    def action_cursor_word_left(self, select: bool = False) -> None:
        self.move_to_offset(
            textnav.prev_word_start(self.text, self.cursor_offset), select or self.visual
        )

    def action_cursor_word_right(self, select: bool = False) -> None:
        self.move_to_offset(
            textnav.next_word_start(self.text, self.cursor_offset), select or self.visual
        )

    def _page(self, direction: int, select: bool) -> None:
        height = self.content_size.height
        target = self.navigator.get_location_at_y_offset(self.selection.end, direction * height)
        self.scroll_relative(y=direction * height, animate=False)
        self.move_cursor(target, select=select or self.visual)

    def action_cursor_page_up(self) -> None:
        self._page(-1, False)

    def action_cursor_page_down(self) -> None:
        self._page(1, False)

    def action_page_up_select(self) -> None:
        self._page(-1, True)

    def action_page_down_select(self) -> None:
        self._page(1, True)

    def action_motion(self, name: str) -> None:
        """Word, sentence and paragraph moves: one text function each (see ``MOTIONS``)."""
        self._jump(MOTIONS[name](self.text, self.cursor_offset))

    def action_top(self) -> None:
        self._jump(0)

    def action_bottom(self) -> None:
        self._jump(len(self.text))

    def action_toggle_visual(self) -> None:
        self.visual = not self.visual
        if not self.visual:
            self.move_cursor(self.cursor_location)

    def action_clear_selection(self) -> None:
        self.visual = False
        self.move_cursor(self.cursor_location)

    async def _on_click(self, event: events.Click) -> None:
        """Double-click selects the word under the pointer."""
        if event.chain == 2:
            offset = self.index.offset(self.get_target_document_location(event))
            word = textnav.word_at(self.text, offset)
            if word:
                self.select_offsets(*word)
                event.stop()
