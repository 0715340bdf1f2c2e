"""The reading position, remembered per user so the app reopens where they left off."""

from __future__ import annotations

import sqlite3

from newsmark.annotations.desk.state import set_state
from newsmark.tui.screens.reader.base import ReaderBase


class PlacePart(ReaderBase):
    """Owns whether the position moved since it was last saved."""

    def _init_place(self) -> None:
        self._position_dirty = False

    def _schedule_save(self) -> None:
        """Remember to save the reading position; one interval timer saves it (creating a
        timer per cursor move cost more than the move's own work)."""
        self._position_dirty = True

    def _save_if_moved(self) -> None:
        if self._position_dirty:
            self._position_dirty = False
            self._save_state()

    def _save_state(self) -> None:
        if self.article is None or self.read_only:
            return
        try:
            set_state(
                self.db,
                {
                    self._place("last_article"): str(self.article.id),
                    self._place(f"cursor:{self.article.id}"): str(self.reader.cursor_offset),
                },
            )
        except sqlite3.Error as exc:  # a lost cursor position is not worth a modal
            self.log.warning(f"could not save the reading position: {exc}")
