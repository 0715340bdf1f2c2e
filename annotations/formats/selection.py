"""Which annotations an export holds (the filters), and the articles they are on, read
once for every format that writes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation


@dataclass(frozen=True)
class Filters:
    labels: tuple[str, ...] = ()
    articles: tuple[int, ...] = ()
    since: str | None = None  # ISO date or date-time; compared with ``updated``
    annotators: tuple[str, ...] = ()
    # our JSONL only: also every article's full text and details (a complete copy: an
    # import into an empty database gives back the same articles, annotations and links)
    with_articles: bool = False

    def keep(self, ann: Annotation) -> bool:
        return (
            (not self.labels or ann.label in self.labels)
            and (not self.articles or ann.article_id in self.articles)
            and (not self.since or ann.updated >= self.since)
            and (not self.annotators or ann.annotator in self.annotators)
        )


@dataclass
class ArticleInfo:
    id: int
    title: str
    outlet: str | None
    url: str | None
    sha256: str
    text: str = field(repr=False)
    author: str | None = None
    published: str | None = None
    language: str | None = None
    state: str = "todo"  # where the annotators stand with it (progress)
    state_by: str = ""  # who set the state, and when
    state_at: str | None = None

    def ref(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "sha256": self.sha256,
        }

    def details(self) -> dict[str, Any]:
        """The article as the annotation's own record carries it: every detail and its
        state, so an import into another database restores edited details and progress."""
        return {
            **self.ref(),
            "author": self.author,
            "published": self.published,
            "language": self.language,
            "state": self.state,
            "state_by": self.state_by,
            "state_at": self.state_at,
        }


def article_infos(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, ArticleInfo]:
    out: dict[int, ArticleInfo] = {}
    for article_id in sorted(set(ids)):
        row = db.execute(
            "SELECT a.id, a.title, a.outlet, a.url, a.sha256, a.text, a.author, a.published,"
            " a.language, coalesce(s.state, 'todo'), coalesce(s.annotator, ''), s.updated"
            " FROM articles a"
            " LEFT JOIN article_state s ON s.article_id = a.id WHERE a.id = ?",
            [article_id],
        ).fetchone()
        if row:
            out[article_id] = ArticleInfo(*row)
    return out


def selected(db: sqlite_utils.Database, filters: Filters) -> list[Annotation]:
    """Annotations to export, in a stable order: article, start, end, uuid."""
    ids = filters.articles or tuple(
        r[0] for r in db.execute("SELECT DISTINCT article_id FROM annotations ORDER BY 1")
    )
    anns = [a for i in ids for a in store.list_annotations(db, i) if filters.keep(a)]
    return sorted(anns, key=lambda a: (a.article_id, a.start, a.end, a.uuid))
