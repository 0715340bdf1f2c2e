"""Issue 23, interchange with Datasette: ``datasette newsmark.db`` offers a search box on
the articles, because its own detection (``datasette.utils.detect_fts``) finds the index.
It did not before schema 15 (the content table was named in single quotes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from datasette.utils import detect_fts

import newsmark.annotations  # noqa: F401  (its migrations)
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.corpus.migrations import migrate
from tests.fts_helpers import fts_hits


def _detected(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        return detect_fts(conn, "articles")
    finally:
        conn.close()


def test_datasette_finds_the_full_text_index_of_a_new_file(db_path: Path) -> None:
    connect(db_path).close()
    assert _detected(db_path) == "articles_fts"


def test_an_older_file_is_upgraded_and_keeps_its_search(db_path: Path) -> None:
    old = sqlite_utils.Database(db_path)
    migrate(old, target=14)
    add_article(old, NewArticle(title="Water safe, says mayor", text="The mayor of Calderwick."))
    add_article(old, NewArticle(title="Chess", text="Ada Lindqvist won the title."))
    old.close()
    assert _detected(db_path) is None  # what Datasette saw before
    db = connect(db_path)  # opening upgrades it
    assert _detected(db_path) == "articles_fts"
    assert [hit.title for hit in fts_hits(db, "Calderwick")] == ["Water safe, says mayor"]
    terms = dict(db.execute("SELECT term, doc FROM articles_fts_vocab").fetchall())
    assert terms["lindqvist"] == 1 and terms["mayor"] == 1
    add_article(db, NewArticle(title="Later", text="Calderwick again."))  # triggers still work
    assert len(fts_hits(db, "Calderwick")) == 2


async def test_the_metadata_gives_datasette_search_and_canned_queries(db_path: Path) -> None:
    """Datasette itself loads ``newsmark datasette-metadata``: search works, each canned
    query runs, the sign-in hashes and arbitrary SQL are refused."""
    import json

    from click.testing import CliRunner
    from datasette.app import Datasette

    from newsmark.annotations.desk.users import add_user
    from newsmark.annotations.linking import links
    from newsmark.annotations.spans import store
    from newsmark.tui.cli import main

    db = connect(db_path)
    first, _ = add_article(db, NewArticle(title="Mayor", text="Mayor Ilse Varga said it is safe."))
    second, _ = add_article(db, NewArticle(title="Echo", text="Ilse Varga said it is safe, again."))
    claim = store.create_annotation(db, first, 6, 32, "claim", "maria")
    from newsmark.annotations.linking.matching import Match
    from newsmark.corpus.db import write

    with write(db):
        links.add_suggestion(
            db, claim.uuid, Match(second, 0, 26, "Ilse Varga said it is safe", 97.0)
        )
    add_user(db, "maria", "maria-password")
    db.close()
    result = CliRunner().invoke(main, ["--db", str(db_path), "datasette-metadata"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.output)
    ds = Datasette([str(db_path)], metadata=meta)
    name = db_path.stem
    found = await ds.client.get(f"/{name}/articles.json?_search=Varga&_shape=array")
    assert found.status_code == 200 and {r["title"] for r in found.json()} == {"Mayor", "Echo"}
    for query in meta["databases"][name]["queries"]:
        response = await ds.client.get(f"/{name}/{query}.json?_shape=array&label=&words=Varga")
        assert response.status_code == 200, (query, response.text)
    claims = (await ds.client.get(f"/{name}/claims.json?_shape=array&label=claim")).json()
    assert [(c["quote"], c["suggested"]) for c in claims] == [("Ilse Varga said it is safe", 1)]
    assert (await ds.client.get(f"/{name}/desk_users.json")).status_code == 403
    sql = await ds.client.get(f"/{name}.json?sql=select+*+from+desk_users")
    assert sql.status_code in (400, 403)
