"""Asking the full-text index directly, to check that it follows the articles table
(triggers, migrations, Datasette's view of it). The app's own search is
``annotations.linking.matching.search_corpus``; these tests only need one plain word."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Hit:
    id: int
    title: str


def fts_hits(db: sqlite_utils.Database, word: str) -> list[Hit]:
    """The articles whose title or text holds ``word`` (letters and digits only)."""
    assert word.isalnum(), word
    rows = db.execute(
        "SELECT a.id, a.title FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY rank",
        [f'"{word}"'],
    ).fetchall()
    return [Hit(int(r[0]), str(r[1])) for r in rows]
