"""The keys that work where the focus is, on one line at the bottom of a screen."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class Shown(NamedTuple):
    key: str  # what to simulate when clicked
    display: str  # how the key is written
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """What Textual's ``Footer`` shows, drawn as one line of text.

    ``Footer`` is a widget per key and rebuilds them all on every change of focus or
    bindings: about 40 ms each time, twice while the app starts. This bar repaints one line
    when the keys it shows change, and nothing when they do not. A click on a key presses
    it, as in ``Footer``.
    """

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys: tuple[Shown, ...] = ()
        self.palette: Shown | None = None
        self._spans: list[tuple[int, int, str]] = []  # columns [from, to) of each key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        keys, palette = self._shown(screen)
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    def _shown(self, screen: Screen[object]) -> tuple[tuple[Shown, ...], Shown | None]:
        """One entry per action (its first key), as ``Footer`` groups them."""
        app = self.app
        active = screen.active_bindings
        seen: set[str] = set()
        keys: list[Shown] = []
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append(
                    Shown(binding.key, app.get_key_display(binding), binding.description, enabled)
                )
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = Shown(binding.key, app.get_key_display(binding), "palette", enabled)
        return tuple(keys), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        width = self.size.width
        tail = Text(no_wrap=True)
        if self.palette is not None:
            tail.append("\u258f")
            self._add(tail, self.palette, key_style, description_style)
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str]] = []
        for shown in self.keys:
            start = line.cell_len
            self._add(line, shown, key_style, description_style)
            if line.cell_len + tail.cell_len > width:
                line.truncate(max(0, start), pad=True)
                break
            spans.append((start, line.cell_len, shown.key))
        if self.palette is not None:
            room = max(0, width - tail.cell_len)
            line.truncate(room, pad=True)
            spans.append((room, width, self.palette.key))
            line.append_text(tail)
        self._spans = spans
        return line

    @staticmethod
    def _add(line: Text, shown: Shown, key_style: Style, description_style: Style) -> None:
        dim = Style() if shown.enabled else Style(dim=True)
        line.append(f" {shown.display} ", style=key_style + dim)
        line.append(f"{shown.description} ", style=description_style + dim)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
