"""The passes Spark runs give the links ``newsmark link`` gives, both tiers, with the
meaning signal on: string copies, reworded retellings, whole quotes, weak matches the
decision drops. Run here in one process (no Java needed); ``test_spark.py`` runs them on
Spark."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from newsmark.annotations.formats.export import Filters, export_to_file
from newsmark.annotations.linking import links
from newsmark.annotations.linking.farlink import read_claims
from newsmark.annotations.linking.farplan import link_archive
from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.samples import sample_articles
from tests.bench.bench_story import build

Link = tuple[str, str, int, int, float, float | None, float | None]


def db_links(db: sqlite_utils.Database) -> set[Link]:
    return {
        (u, sha, s, e, score, meaning, sure)
        for u, sha, s, e, score, meaning, sure in db.execute(
            'SELECT l.annotation_uuid, a.sha256, l.start, l."end", l.score, l.meaning,'
            " l.confidence"
            " FROM links l JOIN articles a ON a.id = l.target_article_id"
        )
    }


def record_links(records: list[dict]) -> set[Link]:
    found = set()
    for r in records:
        assert r["article"]["text"][r["start"] : r["end"]] == r["text"]
        found.add(
            (
                r["annotation"],
                r["article"]["sha256"],
                r["start"],
                r["end"],
                r["score"],
                r["meaning"],
                r["confidence"],
            )
        )
    return found


def story_world(tmp_path: Path) -> tuple[sqlite_utils.Database, Path]:
    """Three outlets' reports of one fire (every sentence tagged), the sample corpus, and
    300 notes on the same island; linked by ``newsmark link`` and exported."""
    db, keys = build(tmp_path / "story.db")
    assert isinstance(db, sqlite_utils.Database)
    for article in sample_articles():
        add_article(db, article)
    add_article(db, NewArticle(title="Velmor digest", text="In brief.\n\nNothing else."))
    # A quote many outlets carry, and more that share only some of its words: past the
    # first ten candidates, the index's skip rule decides which are aligned.
    quote = "The harbour master said the grain stores on the north quay were never inspected"
    for n in range(14):
        copy = quote if n % 2 else quote.replace("never", "not once")
        text = f"Bulletin {n}. {copy}, according to the wire. Weather: rain on day {n}."
        add_article(db, NewArticle(title=f"Bulletin {n}", text=text, outlet="Wire"))
    for n in range(8):
        text = f"Note {n}: the grain stores on the north quay reopen on day {n} for traders."
        add_article(db, NewArticle(title=f"Quay note {n}", text=text, outlet="Quay"))
    index_pending(db)
    first = db.execute("SELECT id, text FROM articles WHERE title = 'Bulletin 1'").fetchone()
    at = first[1].index(quote)
    store.create_annotation(db, first[0], at, at + len(quote), "claim", "me")
    for article_id, places in keys.items():
        for start, end, _key in places[1:]:
            store.create_annotation(db, article_id, start, end, "claim", "me")
    links.link_all(db, Matcher(db))
    export = tmp_path / "claims.jsonl"
    export_to_file(db, "jsonl", Filters(), export, force=False)
    return db, export


def archive_of(db: sqlite_utils.Database) -> list[tuple[int, NewArticle]]:
    rows = db.execute("SELECT id, title, text, outlet FROM articles ORDER BY id").fetchall()
    return [(i, NewArticle(title=t, text=x, outlet=o)) for i, t, x, o in rows]


def test_the_passes_give_newsmark_links_links_both_tiers(tmp_path: Path) -> None:
    db, export = story_world(tmp_path)
    expected = db_links(db)
    reworded = [link for link in expected if link[5] is not None]
    assert len(expected) >= 20 and len(reworded) >= 3  # both tiers are exercised
    records, errors = link_archive(archive_of(db), read_claims(export), "wordllama")
    assert errors == []
    assert record_links(records) == expected


def test_strings_only_the_same_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSMARK_MEANING", "off")
    db, export = story_world(tmp_path)
    expected = db_links(db)
    assert expected and all(link[5] is None for link in expected)
    records, _errors = link_archive(archive_of(db), read_claims(export), None)
    assert record_links(records) == expected
