"""The articles table: the one place that reads and writes article rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import sqlite_utils

from newsmark.corpus.dates import now_iso, parse_published
from newsmark.corpus.db import write
from newsmark.corpus.errors import StoreError
from newsmark.corpus.migrations import LISTING_ORDER
from newsmark.corpus.normalise import normalise_text, one_line

MAX_TITLE_CHARS = 400  # what is stored (a long headline whole); lists cut it for display


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    outlet: str | None
    url: str | None
    published: str | None
    path: str | None
    text: str
    sha256: str
    encoding: str | None
    imported_at: str
    author: str | None = None
    language: str | None = None


class ArticleSummary(NamedTuple):
    """An article without its text: what lists need, cheap to load for a large corpus (a
    named tuple: 10,000 frozen dataclasses took 7 ms to make, these 2 ms)."""

    id: int
    title: str
    outlet: str | None
    url: str | None
    published: str | None
    chars: int


@dataclass(frozen=True)
class NewArticle:
    """An article ready to store: text already normalised."""

    title: str
    text: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None
    encoding: str | None = None
    author: str | None = None
    language: str | None = None
    # Said to the user when the article is stored (a web page whose text looks too small);
    # never stored.
    warnings: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_article(db: sqlite_utils.Database, article: NewArticle) -> tuple[int, bool]:
    """Store ``article`` unless the same text is already there. Returns (id, added)."""
    with write(db):
        return _insert(db, article)


def _insert(db: sqlite_utils.Database, article: NewArticle) -> tuple[int, bool]:
    digest = article.sha256
    row = db.execute("SELECT id FROM articles WHERE sha256 = ?", [digest]).fetchone()
    if row:
        return int(row[0]), False
    cursor = db.execute(
        "INSERT INTO articles (title, outlet, url, published, path, text, sha256,"
        " encoding, imported_at, chars, author, language)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            article.title,
            article.outlet,
            article.url,
            article.published,
            article.path,
            article.text,
            digest,
            article.encoding,
            now_iso(),
            len(article.text),
            article.author,
            article.language,
        ],
    )
    return int(cursor.lastrowid or 0), True


def insert_articles(
    db: sqlite_utils.Database, articles: list[NewArticle]
) -> list[tuple[int, bool]]:
    """Store many articles in one transaction (the caller's, if it holds one): for each,
    (id, added) as :func:`add_article` says. Their full-text index rows are added in one
    statement at the end, which FTS5 builds in memory: through the insert trigger, row by
    row, the index cost twice the rest of an import (see ``fts_deferred``)."""
    with write(db):
        db.execute("INSERT INTO fts_deferred (since) VALUES (0)")
        found = [_insert(db, article) for article in articles]
        new = [i for i, added in found if added]
        if new:
            db.execute(
                "INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text"
                " FROM articles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                [json.dumps(new)],
            )
        db.execute("DELETE FROM fts_deferred")
    return found


def get_article(db: sqlite_utils.Database, article_id: int) -> Article | None:
    row = db.execute(
        "SELECT id, title, outlet, url, published, path, text, sha256, encoding, imported_at,"
        " author, language FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    return Article(*row) if row else None


def list_articles(db: sqlite_utils.Database, limit: int = -1) -> list[ArticleSummary]:
    """All articles (or the first ``limit``), ordered by publication date (unknown last),
    then title: read from the ``articles_listing`` index alone (it holds every column asked
    for here, in this order, so the first few cost no more than a few)."""
    rows = db.execute(
        f"SELECT id, title, outlet, url, published, chars FROM articles ORDER BY {LISTING_ORDER}"
        " LIMIT ?",
        [limit],
    ).fetchall()
    return list(map(ArticleSummary._make, rows))


def count_articles(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def delete_article(db: sqlite_utils.Database, article_id: int) -> bool:
    """Remove an article (and, through the foreign keys, everything attached to it).

    The match index is a layer above: use ``annotations.linking.index.remove_article``, which
    also drops the article's postings.
    """
    with write(db):
        cursor = db.execute("DELETE FROM articles WHERE id = ?", [article_id])
        return cursor.rowcount > 0


def source_line(title: str | None, outlet: str | None = None, published: str | None = None) -> str:
    """ "Outlet · Title · date", each part only when known: lists never say "unknown outlet"."""
    parts = [one_line(p, 200) for p in (outlet, title, (published or "")[:10]) if p and p.strip()]
    return " \u00b7 ".join(parts)


EDITABLE = ("title", "outlet", "published", "url", "author")


def update_details(
    db: sqlite_utils.Database, article_id: int, changes: dict[str, str | None]
) -> Article:
    """Change an article's details (never its text, so every annotation stays where it is).

    ``None`` or an empty string clears a detail; a title cannot be cleared. Values are
    normalised like imported text; ``published`` must be an ISO 8601 date.
    """

    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise StoreError(f"cannot edit {', '.join(unknown)} (editable: {', '.join(EDITABLE)})")
    values: dict[str, str | None] = {}
    for key, raw in changes.items():
        value = " ".join(normalise_text(raw).split()) if raw else None
        if key == "title":
            if not value:
                raise StoreError("the title cannot be empty")
            value = value[:MAX_TITLE_CHARS]
        elif key == "published" and value:
            value = parse_published(value)
        values[key] = value
    with write(db):
        if get_article(db, article_id) is None:
            raise StoreError(f"no article with id {article_id}")
        if values:
            assignments = ", ".join(f"{key} = ?" for key in values)
            db.execute(
                f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id]
            )
    found = get_article(db, article_id)
    assert found is not None
    return found


def authors(db: sqlite_utils.Database) -> dict[int, str]:
    """Each article's byline, where it has one."""
    rows = db.execute("SELECT id, author FROM articles WHERE author IS NOT NULL")
    return {int(i): str(a) for i, a in rows}


def titles(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    """(title, outlet) of these articles only (not of the whole corpus)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.execute(
        f"SELECT id, title, outlet FROM articles WHERE id IN ({', '.join('?' * len(wanted))})",
        wanted,
    )
    return {int(i): (str(t), o) for i, t, o in rows}


def article_text(db: sqlite_utils.Database, article_id: int) -> str:
    """The stored text ('' for an article that is gone)."""
    row = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
    return str(row[0]) if row else ""
