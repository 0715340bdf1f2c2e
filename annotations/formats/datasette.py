"""Metadata for browsing a Newsmark file with Datasette: the articles' search box, the
index tables out of sight, sign-in hashes shut away, and canned queries for the questions
a fact-checker asks of the file (which claims, carried by whom; what awaits review).

``newsmark datasette-metadata > metadata.json`` then
``datasette newsmark.db -m metadata.json``. Arbitrary SQL is off for the file in this
metadata (a query could read ``desk_users``); the canned queries are read-only.
"""

from __future__ import annotations

from typing import Any

# The match and full-text indexes: nothing a person reads.
HIDDEN = (
    "ngrams",
    "ngram_articles",
    "postings",
    "articles_fts",
    "articles_fts_data",
    "articles_fts_idx",
    "articles_fts_docsize",
    "articles_fts_config",
    "articles_fts_vocab",
    "migrations",
    "history",
    "app_state",
)

CLAIMS = """
SELECT a.label, a.quote, a.annotator, art.title AS article, art.outlet, art.published,
  (SELECT count(*) FROM links l WHERE l.annotation_uuid = a.uuid AND l.status = 'accepted')
    AS carried_by,
  (SELECT count(*) FROM links l WHERE l.annotation_uuid = a.uuid AND l.status = 'suggested')
    AS suggested,
  a.note, a.uuid
FROM annotations a JOIN articles art ON art.id = a.article_id
WHERE a.label = coalesce(nullif(:label, ''), a.label)
ORDER BY carried_by DESC, art.published, a.start
"""

CARRIED = """
SELECT a.quote AS claim, src.outlet AS said_by, src.published AS first_seen,
  dst.outlet AS carried_by, dst.published AS carried_on, l.text AS passage,
  round(l.score, 1) AS score, round(l.confidence, 2) AS sure, l.decided_at
FROM links l
JOIN annotations a ON a.uuid = l.annotation_uuid
JOIN articles src ON src.id = a.article_id
JOIN articles dst ON dst.id = l.target_article_id
WHERE l.status = 'accepted' AND a.quote LIKE '%' || :words || '%'
ORDER BY a.quote, dst.published
"""

REVIEW = """
SELECT a.label, a.quote AS claim, dst.title AS article, dst.outlet, l.text AS passage,
  round(l.score, 1) AS score, round(l.meaning, 2) AS meaning, round(l.confidence, 2) AS sure
FROM links l
JOIN annotations a ON a.uuid = l.annotation_uuid
JOIN articles dst ON dst.id = l.target_article_id
WHERE l.status = 'suggested'
ORDER BY l.confidence IS NULL, l.confidence DESC, l.score DESC
"""

WHO = """
SELECT a.annotator, a.label, count(*) AS annotations, count(DISTINCT a.article_id) AS articles
FROM annotations a GROUP BY a.annotator, a.label ORDER BY a.annotator, annotations DESC
"""


def metadata(database: str, title: str | None = None) -> dict[str, Any]:
    """Datasette metadata for the file whose name (without ``.db``) is ``database``."""
    tables: dict[str, Any] = {name: {"hidden": True} for name in HIDDEN}
    tables["articles"] = {
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "sort_desc": "published",
        "description": "The articles, their text as stored (offsets count in it).",
    }
    tables["annotations"] = {
        "description": "Tagged passages: [start, end) in code points of the article text.",
        "facets": ["label", "annotator"],
    }
    tables["links"] = {
        "description": "Passages of other articles carrying an annotation's words.",
        "facets": ["status"],
    }
    tables["desk_users"] = {"hidden": True, "allow": False}  # sign-in hashes: never shown
    return {
        "title": title or f"Newsmark: {database}",
        "description": "Annotations of news articles, from newsmark datasette-metadata.",
        "databases": {
            database: {
                "allow_sql": False,
                "tables": tables,
                "queries": {
                    "claims": {
                        "title": "Annotations and how far they travelled",
                        "description": "Each annotation (of a label, or all), with how many"
                        " other articles carry it (accepted links) and how many wait.",
                        "sql": CLAIMS.strip(),
                    },
                    "carried": {
                        "title": "Who carried a claim, and when",
                        "description": "Accepted links of the claims whose words include"
                        " these, in order of publication.",
                        "sql": CARRIED.strip(),
                    },
                    "review": {
                        "title": "Suggestions waiting for review, surest first",
                        "sql": REVIEW.strip(),
                    },
                    "annotators": {
                        "title": "Annotations per annotator and label",
                        "sql": WHO.strip(),
                    },
                },
            }
        },
    }
