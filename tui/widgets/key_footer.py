"""Textual's footer, rebuilt only when the keys it would show change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A ``Footer`` that skips rebuilding itself for a change that shows the same keys.

    ``Footer`` recomposes (a widget per key, each styled anew) on every change of focus or
    bindings; start-up alone sends five such signals, and moving between panes with the
    same keys sends more. Rebuilding only when the shown keys differ leaves the footer as
    it would have been, for a fraction of the work.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: tuple[object, ...] | None = None

    def _keys(self, screen: Screen[object]) -> tuple[object, ...]:
        """Everything ``Footer.compose`` reads from the bindings, in its order."""
        return (
            self.show_command_palette,
            self.compact,
            *(
                (binding.key, binding.description, binding.action, binding.group, on, tip)
                for (_node, binding, on, tip) in screen.active_bindings.values()
                if binding.show or binding.action == "command_palette"
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
