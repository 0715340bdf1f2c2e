"""An input with a length limit that keeps what fits of a paste."""

from __future__ import annotations

from textual.widgets import Input


class BoundedInput(Input):
    """An input with a length limit that keeps what fits of a paste and says so.

    Textual's own ``max_length`` refuses a whole paste that does not fit, silently but for
    the bell; a user who pastes a page should get its start and know why the rest is gone.
    """

    def insert_text_at_cursor(self, text: str) -> None:
        selected = self.selection.end - self.selection.start if self.selection else 0
        room = self.max_length - len(self.value) + abs(selected) if self.max_length else None
        if room is not None and len(text) > room:
            text = text[: max(0, room)]
            self.notify(
                f"Only the first {self.max_length:,} characters fit here.",
                severity="warning",
                timeout=4,
            )
        super().insert_text_at_cursor(text)
