"""Small app state kept in the database (last article, cursor), so reopening resumes."""

from __future__ import annotations

import sqlite_utils

from newsmark.corpus.db import write


def get_state(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM app_state WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


BLIND = "desk:blind"  # "on": annotators see only their own spans (the curator sets it)


def is_blind(db: sqlite_utils.Database) -> bool:
    """Whether the file is in blind mode: double annotation, each annotator unaware of
    the others' spans until a curator turns it off."""
    return get_state(db, BLIND) == "on"


def set_state(db: sqlite_utils.Database, values: dict[str, str]) -> None:
    with write(db):
        for key, value in values.items():
            db.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
