"""The read-only prose view the reader and the compare screen share."""

from __future__ import annotations

from textual.widgets import TextArea

from newsmark.annotations import textnav


class TextView(TextArea):
    """Read-only, soft-wrapped, with a steady cursor and an offset index of its text.

    Bracket matching and the cursor-line band are for code, not prose; a blinking cursor
    would make every screenshot different.
    """

    DEFAULT_CSS = """
    TextView { border: round $primary-background; padding: 0 1; }
    TextView:focus { border: round $accent; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_cursor=True,
            tab_behavior="focus",
            **kwargs,  # type: ignore[arg-type]
        )
        self.highlight_cursor_line = False
        self.match_cursor_bracket = False
        self.cursor_blink = False
        self.index = textnav.LineIndex("")
