"""The store: settings on every connection, migrations, FTS kept in sync, safe search."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import search_corpus
from newsmark.corpus.articles import NewArticle, add_article, delete_article
from newsmark.corpus.db import connect, write
from newsmark.corpus.errors import StoreError
from newsmark.corpus.migrations import FTS_TRIGGERS, ensure_fts, fts_triggers, latest_version
from newsmark.corpus.paths import resolve_db_path
from tests.fts_helpers import fts_hits


def test_connection_settings(db: sqlite_utils.Database) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    versions = [r[0] for r in db.execute("SELECT version FROM migrations ORDER BY version")]
    assert versions == list(range(1, latest_version() + 1))


def test_schema_reads_well_in_datasette(db: sqlite_utils.Database) -> None:
    cols = db["articles"].columns_dict
    for name in (
        "id",
        "title",
        "outlet",
        "url",
        "published",
        "path",
        "text",
        "sha256",
        "encoding",
        "imported_at",
    ):
        assert name in cols
    assert db["articles"].pks == ["id"]
    fks = {(fk.column, fk.other_table) for fk in db["annotations"].foreign_keys}
    assert ("article_id", "articles") in fks


def test_fts_triggers_exist_after_every_migration(db_path: Path) -> None:
    from newsmark.corpus.migrations import all_migrations, migrate

    raw = sqlite_utils.Database(db_path)
    for migration in all_migrations():
        migrate(raw, target=migration.version)
        assert set(FTS_TRIGGERS) <= fts_triggers(raw), migration.name


def test_transform_dropping_triggers_is_repaired(db: sqlite_utils.Database) -> None:
    add_article(db, NewArticle(title="Before", text="The river turned brown."))
    db["articles"].transform(types={"encoding": str})
    assert not set(FTS_TRIGGERS) <= fts_triggers(db)  # what sqlite-utils does
    ensure_fts(db)
    assert set(FTS_TRIGGERS) <= fts_triggers(db)
    add_article(db, NewArticle(title="After", text="The resin plant denied it."))
    assert [h.title for h in fts_hits(db, "resin")] == ["After"]
    assert [h.title for h in fts_hits(db, "brown")] == ["Before"]


def test_fts_follows_updates_and_deletes(db: sqlite_utils.Database) -> None:
    aid, _ = add_article(db, NewArticle(title="T", text="alpha beta"))
    with write(db):
        db.execute("UPDATE articles SET text = 'gamma delta' WHERE id = ?", [aid])
    assert fts_hits(db, "alpha") == []
    assert [h.id for h in fts_hits(db, "gamma")] == [aid]
    delete_article(db, aid)
    assert fts_hits(db, "gamma") == []
    assert db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")


@pytest.mark.parametrize(
    "query",
    [
        '"no',
        'say "hi',
        "U.S.",
        "3.5%",
        "O'Brien",
        "AND",
        "OR NOT",
        "-foo",
        "   ",
        "",
        "a*b",
        "NEAR(x y)",
        "title:x",
        "^start",
        "(",
        ")",
        "{col}",
        "\u0000",
    ],
)
def test_hostile_search_never_raises(db: sqlite_utils.Database, query: str) -> None:
    """What a user types reaches the full-text index as data, never as FTS5 syntax."""
    add_article(db, NewArticle(title="U.S. figures", text="O'Brien said 3.5% AND more."))
    index_pending(db)
    search_corpus(db, query)


def test_search_finds_punctuated_words(db: sqlite_utils.Database) -> None:
    aid, _ = add_article(db, NewArticle(title="U.S. figures", text="O'Brien said 3.5% and more."))
    index_pending(db)
    for query in ("3.5%", "O'Brien", "o'bri", "AND", "O'Brien said"):
        assert [m.article_id for m in search_corpus(db, query)] == [aid], query
    assert search_corpus(db, "   ") == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_query_is_safe(db: sqlite_utils.Database, query: str) -> None:
    search_corpus(db, query)


def _open(path: str) -> int:
    import newsmark.annotations  # noqa: F401  (a spawned process starts without it)

    db = connect(path)
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_many_processes_open_a_new_file_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "race.db")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        versions = pool.map(_open, [path] * 12)
    assert versions == [latest_version()] * 12
    db = connect(path)
    assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == latest_version()


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("my precious notes")
    with pytest.raises(StoreError, match="not a Newsmark database"):
        connect(f)
    assert f.read_text() == "my precious notes"
    with pytest.raises(StoreError, match="is a folder"):
        connect(tmp_path)


def test_db_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"
    monkeypatch.delenv("NEWSMARK_DB")
    assert resolve_db_path(None).name == "newsmark.db"
    assert "newsmark" in str(resolve_db_path(None))


def test_write_rolls_back_everything_on_error(db: sqlite_utils.Database) -> None:
    with pytest.raises(RuntimeError), write(db):
        add_article(db, NewArticle(title="A", text="one"))
        add_article(db, NewArticle(title="B", text="two"))
        raise RuntimeError("midway")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_stored_length_follows_the_text(db: sqlite_utils.Database) -> None:
    aid, _ = add_article(db, NewArticle(title="T", text="caf\u00e9 \U0001f50e"))
    assert db.execute("SELECT chars FROM articles WHERE id = ?", [aid]).fetchone()[0] == 6
    with write(db):
        db.execute("UPDATE articles SET text = 'longer text now' WHERE id = ?", [aid])
    assert db.execute("SELECT chars FROM articles WHERE id = ?", [aid]).fetchone()[0] == 15
    with write(db):  # a title change does not touch the FTS rows of the text
        db.execute("UPDATE articles SET title = 'New' WHERE id = ?", [aid])
    assert [h.title for h in fts_hits(db, "longer")] == ["New"]


def test_a_batch_is_indexed_for_search_at_once_and_others_by_the_trigger(
    db: sqlite_utils.Database,
) -> None:
    """An import adds a batch's full-text rows in one statement (the insert trigger
    stands aside meanwhile); a program inserting a row itself is still indexed."""
    from newsmark.corpus.articles import insert_articles

    found = insert_articles(
        db,
        [
            NewArticle(title="One", text="The quarry flooded overnight."),
            NewArticle(title="Two", text="Ferries resumed after the quarry fire."),
            NewArticle(title="One again", text="The quarry flooded overnight."),  # same text
        ],
    )
    assert [added for _, added in found] == [True, True, False]
    assert found[2][0] == found[0][0]
    assert sorted(h.title for h in fts_hits(db, "quarry")) == ["One", "Two"]
    assert db.execute("SELECT count(*) FROM fts_deferred").fetchone()[0] == 0
    with write(db):  # another program, not through Newsmark
        db.execute(
            "INSERT INTO articles (title, text, sha256, imported_at)"
            " VALUES ('Raw', 'A raw quarry row.', 'abc', 'now')"
        )
    assert "Raw" in [h.title for h in fts_hits(db, "quarry")]
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
