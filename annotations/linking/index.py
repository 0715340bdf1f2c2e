"""The match index: every article's word 3-grams (after :mod:`annotations.linking.normtext`)
hashed and stored as postings (:mod:`annotations.linking.postings`), which SQLite keeps in a
B-tree on disk, so opening the app reads nothing and memory does not grow with the corpus.
Many articles at once are indexed on every core (:mod:`annotations.linking.bulkindex`).
This module keeps the index in step with the articles; :mod:`annotations.linking.matching`
reads it."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from newsmark.annotations.linking.bulkindex import WorkerFailed, bulk_index
from newsmark.annotations.linking.normtext import SCHEME, index_hashes
from newsmark.annotations.linking.postings import delete_keys, insert_keys, keys_for
from newsmark.corpus.articles import delete_article
from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import database_path, write


def index_article(db: sqlite_utils.Database, article_id: int, text: str) -> int:
    """Add one article's postings (replacing any it had). Returns the number of 3-grams."""
    _check_scheme(db)
    hashes = index_hashes(text)
    keys = keys_for(hashes, article_id)
    with write(db):
        _remove_postings(db, article_id, text, only_if_indexed=True)
        insert_keys(db.conn, keys)
        db.execute(
            "INSERT OR REPLACE INTO ngram_articles (article_id, shingles, indexed_at)"
            " VALUES (?, ?, ?)",
            [article_id, len(hashes), now_iso()],
        )
    return len(hashes)


def _remove_postings(
    db: sqlite_utils.Database, article_id: int, text: str, only_if_indexed: bool
) -> None:
    if (
        only_if_indexed
        and not db.execute(
            "SELECT 1 FROM ngram_articles WHERE article_id = ?", [article_id]
        ).fetchone()
    ):
        return
    delete_keys(db.conn, keys_for(index_hashes(text), article_id))


def remove_article(db: sqlite_utils.Database, article_id: int) -> bool:
    """Delete an article and its postings (links and annotations go with the foreign keys)."""
    with write(db):
        row = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            return False
        _remove_postings(db, article_id, row[0], only_if_indexed=False)
        delete_article(db, article_id)
    return True


def _check_scheme(db: sqlite_utils.Database) -> None:
    """Rebuild from scratch if the index was built with another hashing scheme."""
    row = db.execute("SELECT value FROM app_state WHERE key = 'ngram_scheme'").fetchone()
    if row and row[0] == SCHEME:
        return
    with write(db):
        db.execute("DELETE FROM postings")
        db.execute("DELETE FROM ngram_articles")
        db.execute(
            "INSERT INTO app_state (key, value) VALUES ('ngram_scheme', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SCHEME],
        )


def unindexed_articles(db: sqlite_utils.Database) -> list[int]:
    rows = db.execute(
        "SELECT a.id FROM articles a LEFT JOIN ngram_articles n ON n.article_id = a.id"
        " WHERE n.article_id IS NULL ORDER BY a.id"
    ).fetchall()
    return [int(r[0]) for r in rows]


BULK_MIN = 2000  # fewer new articles than this are indexed here, without worker processes


def index_pending(
    db: sqlite_utils.Database,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,  # articles per transaction: their keys are one list in memory
    bulk_min: int | None = None,
    pending: list[int] | None = None,
) -> list[int]:
    """Index every article not yet in the index; returns their ids (new articles).

    Many at once (a first import, a rebuild) go through :func:`bulk_index`, on every core
    and in key order; a few are added here, one transaction per ``batch``. ``pending`` is
    :func:`unindexed_articles` when the caller already has it (it reads every article id).
    """
    _check_scheme(db)
    if pending is None:
        pending = unindexed_articles(db)
    if len(pending) >= (BULK_MIN if bulk_min is None else bulk_min) and database_path(db):
        try:
            bulk_index(db, pending, progress)
            return pending
        except WorkerFailed:  # nothing was written: index them here instead, more slowly
            pass
    for i in range(0, len(pending), batch):
        ids = pending[i : i + batch]
        _index_batch(db, ids)
        if progress:
            progress(len(ids))
    return pending


def _index_batch(db: sqlite_utils.Database, ids: list[int]) -> None:
    """Many articles in one transaction: their keys merged into the blocks they fall in."""
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", ids).fetchall()
    keys: list[int] = []
    counts: list[tuple[int, int, str]] = []
    stamp = now_iso()
    for article_id, text in rows:
        hashes = index_hashes(text)
        keys.extend(keys_for(hashes, article_id))
        counts.append((article_id, len(hashes), stamp))
    with write(db):
        insert_keys(db.conn, keys)
        db.conn.executemany(
            "INSERT OR REPLACE INTO ngram_articles (article_id, shingles, indexed_at)"
            " VALUES (?, ?, ?)",
            counts,
        )


def rebuild_index(db: sqlite_utils.Database, progress: Callable[[int], None] | None = None) -> int:
    """Drop and rebuild the whole index from the stored articles."""
    with write(db):
        db.execute("DELETE FROM postings")
        db.execute("DELETE FROM ngram_articles")
    return len(index_pending(db, progress))
