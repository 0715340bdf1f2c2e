"""Where each article stands: to do, in progress, done.

An article with no row is "to do"; opening it marks it "in progress" (unless it is done);
the annotator says when it is done. Counts are one query, at any corpus size.
"""

from __future__ import annotations

import sqlite_utils

from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import write
from newsmark.corpus.errors import StoreError

TO_DO, IN_PROGRESS, DONE = "todo", "in progress", "done"
STATES = (TO_DO, IN_PROGRESS, DONE)
SHOWN = {TO_DO: "to do", IN_PROGRESS: "in progress", DONE: "done"}


def state_of(db: sqlite_utils.Database, article_id: int) -> str:
    row = db.execute(
        "SELECT state FROM article_state WHERE article_id = ?", [article_id]
    ).fetchone()
    return str(row[0]) if row else TO_DO


def all_states(db: sqlite_utils.Database) -> dict[int, str]:
    """Every article that is not "to do", with its state."""
    return {int(a): str(s) for a, s in db.execute("SELECT article_id, state FROM article_state")}


def set_state(db: sqlite_utils.Database, article_id: int, state: str, annotator: str = "") -> str:
    if state not in STATES:
        raise StoreError(f"unknown state {state!r} (use {', '.join(STATES)})")
    with write(db):
        if db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is None:
            raise StoreError(f"no article with id {article_id}")
        if state == TO_DO:
            db.execute("DELETE FROM article_state WHERE article_id = ?", [article_id])
        else:
            db.execute(
                "INSERT INTO article_state (article_id, state, annotator, updated)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET"
                " state = excluded.state, annotator = excluded.annotator,"
                " updated = excluded.updated",
                [article_id, state, annotator, now_iso()],
            )
    return state


def opened(db: sqlite_utils.Database, article_id: int, annotator: str = "") -> str:
    """Opening an article starts it: "to do" becomes "in progress"; done stays done."""
    current = state_of(db, article_id)
    if current == TO_DO:
        return set_state(db, article_id, IN_PROGRESS, annotator)
    return current


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    total = int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    found = dict(db.execute("SELECT state, count(*) FROM article_state GROUP BY state").fetchall())
    started = sum(int(v) for v in found.values())
    return {
        TO_DO: total - started,
        IN_PROGRESS: int(found.get(IN_PROGRESS, 0)),
        DONE: int(found.get(DONE, 0)),
    }
