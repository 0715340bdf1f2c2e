"""Every annotation in the corpus, filtered and sorted: the annotations browser and
``newsmark annotations``.

Every filter but the text is SQL (indexes on label and annotator), so the rows a screen
shows come back fast at 100,000 annotations; the text filter is fuzzy (rapidfuzz, in C)
over the quotes and notes the other filters left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils
from rapidfuzz import fuzz, process

from newsmark.corpus.errors import StoreError

SORTS = ("article", "date", "label")
LINK_STATES = ("any", "none", "pending", "accepted")
TEXT_CUTOFF = 80.0  # partial_ratio: a typo or two in a word still finds it
_ORDER = {
    "article": 'a.article_id, a.start, a."end"',
    "date": 'ar.published IS NULL, ar.published, a.article_id, a.start, a."end"',
    "label": 'a.label, a.article_id, a.start, a."end"',
}


@dataclass(frozen=True)
class Query:
    labels: Sequence[str] = ()
    outlets: Sequence[str] = ()
    annotators: Sequence[str] = ()
    articles: Sequence[int] = ()
    text: str = ""
    links: str = "any"  # any, none (no link at all), pending, accepted
    sort: str = "article"


@dataclass(frozen=True)
class Row:
    id: str  # the annotation's uuid: stable across exports and databases
    article_id: int
    title: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    quote: str
    label: str
    note: str
    annotator: str
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "title": self.title,
            "outlet": self.outlet,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "label": self.label,
            "note": self.note,
            "annotator": self.annotator,
        }


def _in(column: str, values: Sequence[object], where: list[str], params: list[object]) -> None:
    if values:
        where.append(f"{column} IN ({', '.join('?' * len(values))})")
        params.extend(values)


def find(db: sqlite_utils.Database, query: Query, limit: int | None = None) -> list[Row]:
    if query.sort not in SORTS:
        raise StoreError(f"unknown sort {query.sort!r} (use {', '.join(SORTS)})")
    if query.links not in LINK_STATES:
        raise StoreError(f"unknown link state {query.links!r} (use {', '.join(LINK_STATES)})")
    where: list[str] = []
    params: list[object] = []
    _in("a.label", list(query.labels), where, params)
    _in("ar.outlet", list(query.outlets), where, params)
    _in("a.annotator", list(query.annotators), where, params)
    _in("a.article_id", [int(a) for a in query.articles], where, params)
    if query.links == "none":
        where.append(
            "NOT EXISTS (SELECT 1 FROM links l WHERE l.annotation_uuid = a.uuid"
            " OR l.target_annotation_uuid = a.uuid)"
        )
    elif query.links == "pending":
        where.append(
            "EXISTS (SELECT 1 FROM links l WHERE l.annotation_uuid = a.uuid"
            " AND l.status = 'suggested')"
        )
    elif query.links == "accepted":
        where.append(
            "EXISTS (SELECT 1 FROM links l WHERE (l.annotation_uuid = a.uuid"
            " OR l.target_annotation_uuid = a.uuid) AND l.status = 'accepted')"
        )
    sql = (
        'SELECT a.uuid, a.article_id, ar.title, ar.outlet, ar.published, a.start, a."end",'
        " a.quote, a.label, a.note, a.annotator"
        " FROM annotations a JOIN articles ar ON ar.id = a.article_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY {_ORDER[query.sort]}"
    )
    text = " ".join(query.text.split())
    if limit is not None and not text:
        sql += " LIMIT ?"
        params.append(limit)
    rows = [Row(*r) for r in db.execute(sql, params)]
    if text:
        rows = _fuzzy(rows, text)[:limit] if limit is not None else _fuzzy(rows, text)
    return rows


def _fuzzy(rows: list[Row], text: str) -> list[Row]:
    """Rows whose quote or note carries ``text`` (closely), in their order."""
    needle = text.casefold()
    choices = [f"{r.quote}\n{r.note}".casefold() for r in rows]
    hits = process.extract(
        needle,
        choices,
        scorer=fuzz.partial_ratio,
        score_cutoff=TEXT_CUTOFF,
        limit=None,
    )
    keep = sorted(index for _choice, _score, index in hits)
    return [rows[i] for i in keep]


def values(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """What the filters can choose from: labels, outlets and annotators in use."""
    return {
        "labels": [r[0] for r in db.execute("SELECT DISTINCT label FROM annotations ORDER BY 1")],
        "outlets": [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT ar.outlet FROM articles ar WHERE ar.outlet IS NOT NULL"
                " AND EXISTS (SELECT 1 FROM annotations a WHERE a.article_id = ar.id) ORDER BY 1"
            )
        ],
        "annotators": [
            r[0] for r in db.execute("SELECT DISTINCT annotator FROM annotations ORDER BY 1")
        ],
    }
