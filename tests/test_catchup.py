"""Issue 23, one catch-up service below the screen: the new articles another program
added are indexed, orphans placed in them, and annotations matched against them."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from newsmark.annotations.catchup import catch_up, pending_articles
from newsmark.annotations.formats.importing import import_file, list_orphans
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article

QUOTE = "Fourteen people were treated at Calderwick General Hospital"
ORPHAN_TEXT = "Ada Lindqvist, 14, won the national title on tie-break."


def test_new_articles_are_indexed_orphans_placed_and_annotations_linked(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSMARK_MEANING", "off")
    first, _ = add_article(db, NewArticle(title="Report", text=f"{QUOTE} on Monday night."))
    assert catch_up(db).indexed == [first]
    store.create_annotation(db, first, 0, len(QUOTE), "claim", "maria")
    # an annotation of an article this database does not have yet: an orphan
    from newsmark.corpus.articles import sha256_text

    record = {
        "id": "0b6c1c8e-3d7a-4e55-9f0e-3a1f4f1b2c3d",
        "article": {"id": 7, "title": "Chess", "outlet": None, "url": None,
                    "sha256": sha256_text(ORPHAN_TEXT)},
        "start": 0, "end": 13, "quote": "Ada Lindqvist", "prefix": "", "suffix": "",
        "label": "source", "note": "", "annotator": "maria",
        "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "links": [],
    }  # fmt: skip
    path = tmp_path / "orphan.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert import_file(db, path).orphaned == 1
    copy, _ = add_article(db, NewArticle(title="Echo", text=f"Officials said: {QUOTE}."))
    chess, _ = add_article(db, NewArticle(title="Chess", text=ORPHAN_TEXT))
    assert pending_articles(db) == [copy, chess]
    done = catch_up(db)
    assert (sorted(done.indexed), done.placed, done.suggested) == (sorted([copy, chess]), 1, 1)
    assert list_orphans(db) == []
    assert pending_articles(db) == [] and catch_up(db).indexed == []  # nothing left to do
