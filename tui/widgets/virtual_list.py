"""A focusable list that renders only the rows on screen, so it stays fast at any size.

Textual's ``OptionList`` measures every option when options change, which costs hundreds
of milliseconds for a few thousand two-line entries; this list asks its subclass for the
two lines of an item only when that item is visible.
"""

from __future__ import annotations

from math import ceil

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

ITEM_HEIGHT = 2


class VirtualList(ScrollView, can_focus=True):
    """Items of two lines each; a highlighted cursor item; Enter or click selects."""

    COMPONENT_CLASSES = {"virtual-list--cursor"}
    DEFAULT_CSS = """
    VirtualList { background: $surface; padding: 0 1; }
    VirtualList > .virtual-list--cursor { background: $block-cursor-blurred-background; }
    VirtualList:focus > .virtual-list--cursor { background: $block-cursor-background; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class Selected(Message):
        def __init__(self, widget: VirtualList, index: int) -> None:
            super().__init__()
            self.widget = widget
            self.index = index

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.count = 0
        self.cursor = 0
        self.empty_text = Text("")
        self._version = 0  # bumped whenever the items change; part of every row's cache key
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._item_versions: dict[int, int] = {}  # bumped for single items that changed
        self._hint_key: tuple[str, int] | None = None
        self._hint: list[Text] = []

    # --- what subclasses provide -------------------------------------------------------

    def item_key(self, index: int) -> object:
        """What item ``index`` looks like, as a cache key: the same key, the same rows.

        By default its position and the versions :meth:`invalidate` bumps; a subclass whose
        items are values (an annotation) returns the value, so inserting one item re-renders
        only that item, not every item after it.
        """
        return (self._version, self._item_versions.get(index, 0), index)

    def item_lines(self, index: int) -> tuple[Text, Text]:
        """The two lines of item ``index``; subclasses render their own items."""
        return Text(""), Text("")

    # --- state ---------------------------------------------------------------------------

    def set_count(self, count: int, cursor: int | None = None) -> None:
        self.count = count
        self._version += 1
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, count - 1))
        self._set_virtual_height(max(1, count) * ITEM_HEIGHT)
        self.refresh()
        self.scroll_to_cursor()

    def set_empty_text(self, text: Text) -> None:
        """What an empty list says. When it is and stays empty, only the rows of the old
        and the new hint are painted again (moving between annotations without matches
        changes two lines of the matches pane, not all of it)."""
        if self.count or not self.is_mounted or not self.size.width:
            self.empty_text = text
            self._version += 1
            self.refresh()
            return
        width = self.size.width
        before = len(self._hint_lines(width))
        self.empty_text = text
        self._version += 1
        rows = max(before, len(self._hint_lines(width))) - self.scroll_offset.y
        if rows > 0:
            self.refresh(Region(0, 0, width, min(rows, self.size.height)))

    def set_subtitle(self, subtitle: str) -> None:
        """Setting ``border_subtitle`` repaints the whole pane, even to the same text."""
        if subtitle != (self.border_subtitle or ""):
            self.border_subtitle = subtitle

    def _set_virtual_height(self, height: int) -> None:
        """A new length without a layout pass when the scrollbar stays as it is.

        ``virtual_size`` is a layout reactive: assigning it re-lays out the whole screen
        (every pane re-rendered), which made one tag cost a full repaint. If the scrollbar
        neither appears nor goes, only its thumb changes, so that is all that is updated.
        """
        size = Size(self.size.width, height)
        old = self.virtual_size
        if size == old:
            return
        visible = self.size.height
        if not self.is_mounted or (height > visible) != (old.height > visible):
            self.virtual_size = size
            return
        self.set_reactive(Widget.virtual_size, size)
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            before = _thumb(bar)
            bar.set_reactive(ScrollBar.window_virtual_size, height)
            if _thumb(bar) != before:  # one item more in thousands rarely moves the thumb
                bar.refresh()
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        """Move the cursor; when both items are on screen, only their rows are repainted."""
        if not self.count:
            return
        before = self.cursor
        self.cursor = max(0, min(index, self.count - 1))
        if self.cursor == before:
            return
        top = self.scroll_offset.y
        height = self.size.height
        rows = [i * ITEM_HEIGHT - top for i in (before, self.cursor)]
        if self.is_mounted and all(r >= 0 and r + ITEM_HEIGHT <= height for r in rows):
            width = self.size.width
            self.refresh(*(Region(0, r, width, ITEM_HEIGHT) for r in rows))
            return
        self.refresh()
        self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        if self.count and self.is_mounted:
            region = Region(0, self.cursor * ITEM_HEIGHT, max(1, self.size.width), ITEM_HEIGHT)
            self.scroll_to_region(region, animate=False, force=True, immediate=True)

    # --- rendering -----------------------------------------------------------------------

    def invalidate(self, *indexes: int) -> None:
        """Items' content changed (not their number): draw these again, or all of them."""
        if not indexes:
            self._version += 1
            self.refresh()
            return
        top, width = self.scroll_offset.y, self.size.width
        regions = []
        for index in indexes:
            self._item_versions[index] = self._item_versions.get(index, 0) + 1
            row = index * ITEM_HEIGHT - top
            if -ITEM_HEIGHT < row < self.size.height:  # repaint it only if it is on screen
                regions.append(Region(0, row, width, ITEM_HEIGHT))
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        """A row from the strip cache when its item, the cursor and the width are as before:
        moving the cursor redraws two items, not the whole pane."""
        _, scroll_y = self.scroll_offset
        row = scroll_y + y
        index = row // ITEM_HEIGHT
        width = self.size.width
        blank = index >= self.count if self.count else row >= len(self._hint_lines(width))
        if blank:
            identity: object = None
        elif self.count:
            identity = (self.item_key(index), row % ITEM_HEIGHT)
        else:
            identity = (self._version, row)  # a line of the hint
        key = (
            identity,
            width,
            index == self.cursor and not blank,
            self.has_focus,
            self.app.theme,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(y)
            self._strips.set(key, strip)
        return strip

    def _render_row(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        index, sub = divmod(scroll_y + y, ITEM_HEIGHT)
        if not self.count:  # the hint wraps to the pane: narrow panes show all of it
            lines = self._hint_lines(width)
            text = lines[scroll_y + y].copy() if scroll_y + y < len(lines) else Text("")
            return self._strip(text, width, base)
        if index >= self.count:
            return Strip.blank(width, base)
        text = self.item_lines(index)[sub].copy()
        text.truncate(width, overflow="ellipsis", pad=True)
        if index == self.cursor:
            cursor_style = self.get_component_rich_style("virtual-list--cursor")
            text.stylize_before(cursor_style, 0, len(text))
        return self._strip(text, width, base)

    def _hint_lines(self, width: int) -> list[Text]:
        key = (self.empty_text.plain, width)
        if self._hint_key != key:
            self._hint_key = key
            self._hint = list(self.empty_text.wrap(self.app.console, max(1, width)))
        return self._hint

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console, end=""))
        return Strip(segments, width).apply_style(base)

    # --- input ---------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height // ITEM_HEIGHT))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.count - 1)

    def action_select(self) -> None:
        if self.count:
            self.post_message(self.Selected(self, self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // ITEM_HEIGHT
        if 0 <= index < self.count:
            self.move_to(index)
            self.post_message(self.Selected(self, index))

    def on_resize(self) -> None:
        # (a new width with the same scrollbar needs no second layout pass)
        self._set_virtual_height(max(1, self.count) * ITEM_HEIGHT)


def _thumb(bar: ScrollBar) -> list[tuple[str, Style | None]]:
    """What a vertical scrollbar's column shows (the glyph of each row), drawn by Textual's
    own bar renderer with the bar's own numbers, as ``ScrollBar`` draws it."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    segments = ScrollBarRender.render_bar(
        size=bar.size.height,
        virtual_size=ceil(bar.window_virtual_size),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.thickness,
    )
    return [(segment.text, segment.style) for segment in segments.segments]
