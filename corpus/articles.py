"""The articles table: the one place that reads and writes article rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlite_utils

from newsmark.corpus.db import write
from newsmark.corpus.migrations import now_iso
from newsmark.corpus.normalise import one_line

MAX_TITLE_CHARS = 200  # what is stored; lists cut it further for display


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


@dataclass(frozen=True)
class ArticleSummary:
    """An article without its text: what lists need, cheap to load for a large corpus."""

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

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_article(db: sqlite_utils.Database, article: NewArticle) -> tuple[int, bool]:
    """Store ``article`` unless the same text is already there. Returns (id, added)."""
    digest = article.sha256
    with write(db):
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


def get_article(db: sqlite_utils.Database, article_id: int) -> Article | None:
    row = db.execute(
        "SELECT id, title, outlet, url, published, path, text, sha256, encoding, imported_at,"
        " author, language FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    return Article(*row) if row else None


def list_articles(db: sqlite_utils.Database) -> list[ArticleSummary]:
    """All articles, ordered by publication date (unknown last), then title."""
    rows = db.execute(
        "SELECT id, title, outlet, url, published, coalesce(chars, length(text)) FROM articles"
        " ORDER BY published IS NULL, published, title COLLATE NOCASE, id"
    ).fetchall()
    return [ArticleSummary(*row) for row in rows]


def count_articles(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def delete_article(db: sqlite_utils.Database, article_id: int) -> bool:
    """Remove an article (and, through the foreign keys, everything attached to it).

    The match index is a layer above: use ``annotations.matching.remove_article``, which
    also drops the article's postings.
    """
    with write(db):
        cursor = db.execute("DELETE FROM articles WHERE id = ?", [article_id])
        return cursor.rowcount > 0


def source_line(title: str | None, outlet: str | None = None, published: str | None = None) -> str:
    """ "Outlet · Title · date", each part only when known: lists never say "unknown outlet"."""
    parts = [one_line(p, 200) for p in (outlet, title, (published or "")[:10]) if p and p.strip()]
    return " \u00b7 ".join(parts)
