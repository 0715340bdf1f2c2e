"""Schema upgrades: every older schema opens with rows, offsets and triggers intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils

from newsmark.annotations.linking.index import index_pending, unindexed_articles
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.linking.postings import count_postings
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.corpus.migrations import (
    FTS_TRIGGERS,
    all_migrations,
    fts_triggers,
    latest_version,
    migrate,
)
from tests.fts_helpers import fts_hits

FIXTURES = Path(__file__).parent / "fixtures"


def _check_upgraded(db: sqlite_utils.Database) -> None:
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert set(FTS_TRIGGERS) <= fts_triggers(db)
    quote_checks = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'annotations_quote%'"
    ).fetchall()
    assert sorted(quote_checks) == [("annotations_quote_ins",), ("annotations_quote_upd",)]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = db.execute(
        'SELECT a.text, n.start, n."end", n.quote FROM annotations n'
        " JOIN articles a ON a.id = n.article_id"
    ).fetchall()
    for text, start, end, quote in rows:
        assert text[start:end] == quote
    stale = db.execute("SELECT count(*) FROM articles WHERE chars IS NOT length(text)")
    assert stale.fetchone()[0] == 0


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-v*.db")))
def test_released_schema_fixture_upgrades(tmp_path: Path, fixture: str) -> None:
    """One fixture per released schema version; add one whenever a migration is released."""
    path = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, path)
    db = connect(path)
    _check_upgraded(db)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 10
    anns = store.list_annotations(db, 1)
    assert {(a.label, a.annotator) for a in anns} == {("denial", "fixture"), ("claim", "fixture")}
    assert any(a.note == "caf\u00e9 \U0001f50e" for a in anns)
    assert db.execute("SELECT count(*) FROM links WHERE status = 'accepted'").fetchone()[0] == 1
    assert [h.id for h in fts_hits(db, "Brennock")]  # FTS still answers
    undo = store.undo(db, 1)  # history written by the old version still works
    assert undo is not None and undo.action == "relabel"
    # Migration 7 changed how the match index samples 3-grams: every article is indexed
    # again on first use, and then a passage is found by its words alone.
    assert len(unindexed_articles(db)) == (10 if int(fixture[8:-3]) < 7 else 0)
    index_pending(db)
    assert unindexed_articles(db) == []
    assert count_postings(db.conn) > 300
    text = db.execute("SELECT text FROM articles WHERE id = 2").fetchone()[0]
    quote = " ".join(text.split()[20:36])
    found = [m for m in Matcher(db).find(quote) if m.article_id == 2]
    assert found and found[0].score == 100 and text[found[0].start : found[0].end] == quote


@pytest.mark.parametrize("version", [m.version for m in all_migrations()[:-1]])
def test_every_intermediate_version_upgrades(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.db"
    raw = sqlite_utils.Database(path)
    migrate(raw, target=version)
    text = "The mayor said the water was safe. The plant denied any leak."
    raw.execute(
        "INSERT INTO articles (title, text, sha256, imported_at) VALUES ('Old', ?, 'x', 'now')",
        [text],
    )
    if version >= 6:  # from then on the importer stores the length
        raw.execute("UPDATE articles SET chars = length(text)")
    if version >= 2:
        raw.execute(
            'INSERT INTO annotations (uuid, article_id, start, "end", quote, label, created,'
            " updated) VALUES ('u1', 1, 4, 9, 'mayor', 'source', 'now', 'now')"
        )
    raw.close()
    db = connect(path)
    _check_upgraded(db)
    assert [h.title for h in fts_hits(db, "plant")] == ["Old"]


def test_history_steps_use_the_article_index(db: sqlite_utils.Database) -> None:
    """Tagging and undo look up one article's history; they must not read all of it."""
    for sql in (
        "DELETE FROM history WHERE article_id = 1 AND undone = 1",
        "SELECT id FROM history WHERE article_id = 1 AND undone = 1 ORDER BY id ASC LIMIT 1",
        "SELECT id FROM history WHERE article_id = 1 AND undone = 0 ORDER BY id DESC LIMIT 1",
    ):
        plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "history_article" in plan and "TEMP B-TREE" not in plan, (sql, plan)
    # a batch (R on linked copies) is found from the article it was done from, and whole
    for sql, index in (
        (
            "DELETE FROM history WHERE undone = 1 AND (article_id = 1 OR batch_article = 1)",
            "history_batch_article",
        ),
        (
            "SELECT id FROM history WHERE batch_article = 1 AND undone = 0"
            " ORDER BY id DESC LIMIT 1",
            "history_batch_article",
        ),
        ("SELECT id FROM history WHERE batch = 'b' AND undone = 0 ORDER BY id", "history_batch"),
    ):
        plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert index in plan and "SCAN history" not in plan, (sql, plan)


def test_article_list_reads_its_index_alone(tmp_path: Path) -> None:
    """The list's columns come after the article's text in its row: reading them from the
    table walks every article's text (the reader's first screen waited ~40 ms at 10,000
    articles). The list's query must be answered from ``articles_listing`` alone, and a file
    from before the index (lengths unknown included) opens with the right lengths."""
    from newsmark.corpus.articles import list_articles

    path = tmp_path / "v17.db"
    raw = sqlite_utils.Database(path)
    migrate(raw, target=17)
    for title, published, text in (("B", None, "bravo text"), ("A", "2026-01-02", "alpha")):
        raw.execute(
            "INSERT INTO articles (title, published, text, sha256, imported_at)"
            " VALUES (?, ?, ?, ?, 'now')",
            [title, published, text, title],
        )
    raw.close()
    db = connect(path)
    assert [(a.title, a.chars) for a in list_articles(db)] == [("A", 5), ("B", 10)]
    assert [a.title for a in list_articles(db, limit=1)] == ["A"]  # the reader's first
    sql = "SELECT id, title, outlet, url, published, chars FROM articles ORDER BY"
    from newsmark.corpus.migrations import LISTING_ORDER

    plan = " ".join(str(row[-1]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql} {LISTING_ORDER}"))
    assert plan == "SCAN articles USING COVERING INDEX articles_listing"
