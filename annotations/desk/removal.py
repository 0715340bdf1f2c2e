"""Removing articles, with everything that hangs off them.

An article's annotations, their undo history and every link from or to it go with it
(foreign keys), and its postings leave the match index. Annotations that an accepted link
created in *other* articles stay: they are annotations in their own right.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from newsmark.annotations.linking.index import remove_article
from newsmark.corpus.db import write


@dataclass(frozen=True)
class Impact:
    """What removing some articles would take with it."""

    articles: int
    annotations: int
    links: int
    missing: list[int]


def impact(db: sqlite_utils.Database, ids: list[int]) -> Impact:
    wanted = sorted(set(ids))
    marks = ",".join("?" * len(wanted))
    found = {r[0] for r in db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", wanted)}
    present = sorted(found)
    marks = ",".join("?" * len(present))
    annotations = links = 0
    if present:
        annotations = db.execute(
            f"SELECT count(*) FROM annotations WHERE article_id IN ({marks})", present
        ).fetchone()[0]
        links = db.execute(
            f"SELECT count(*) FROM links l JOIN annotations a ON a.uuid = l.annotation_uuid"
            f" WHERE a.article_id IN ({marks}) OR l.target_article_id IN ({marks})",
            present + present,
        ).fetchone()[0]
    return Impact(len(present), int(annotations), int(links), [i for i in wanted if i not in found])


def remove_articles(db: sqlite_utils.Database, ids: list[int]) -> int:
    """Remove the articles in one transaction: all of them or, on any error, none."""
    with write(db):
        return sum(remove_article(db, article_id) for article_id in sorted(set(ids)))
