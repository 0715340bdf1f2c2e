"""Full-text search over titles and texts, safe for anything a user types.

User input is never passed to FTS5 as syntax: each whitespace-separated chunk becomes a
quoted phrase of its word characters (``U.S.`` -> ``"U S"``, ``O'Brien`` -> ``"O Brien"``),
so operators, quotes and punctuation are just text. The last chunk is a prefix match, which
is what search-as-you-type needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

_WORD_RE = re.compile(r"\w+")
MAX_QUERY_CHUNKS = 32


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    outlet: str | None
    rank: float


def fts_query(user_query: str, prefix_last: bool = True) -> str | None:
    """Build a safe FTS5 MATCH expression, or ``None`` when there is nothing to search."""
    phrases: list[str] = []
    for chunk in user_query.split()[:MAX_QUERY_CHUNKS]:
        words = _WORD_RE.findall(chunk)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    if not phrases:
        return None
    if prefix_last:
        phrases[-1] += "*"
    return " ".join(phrases)


def search_articles(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[SearchHit]:
    """Articles matching every word of ``query``, best first (BM25, titles weighted up)."""
    match = fts_query(query)
    if match is None:
        return []
    rows = db.execute(
        "SELECT a.id, a.title, a.outlet, bm25(articles_fts, 5.0, 1.0) AS rank"
        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
        [match, limit],
    ).fetchall()
    return [SearchHit(*row) for row in rows]
