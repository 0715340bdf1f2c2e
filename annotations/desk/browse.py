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

from newsmark.annotations.linking.fuzzy import fuzz, process
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
    """The annotations ``query`` asks for, in its order; at most ``limit``."""
    text = " ".join(query.text.split())
    if text:  # score only quote and note first; whole rows for the hits alone
        sql, params = _sql(query, "a.id, a.quote, a.note")
        sql += f" ORDER BY {_ORDER[query.sort]}"
        candidates = db.execute(sql, params).fetchall()
        hits = _fuzzy([f"{q}\n{n}" for _, q, n in candidates], text)
        return _rows_by_id(db, [candidates[i][0] for i in hits][:limit])
    sql, params = _sql(query, _ROW_COLUMNS)
    sql += f" ORDER BY {_ORDER[query.sort]}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Row(*r) for r in db.execute(sql, params)]


_ROW_COLUMNS = (
    'a.uuid, a.article_id, ar.title, ar.outlet, ar.published, a.start, a."end", a.quote,'
    " a.label, a.note, a.annotator"
)


def _rows_by_id(db: sqlite_utils.Database, ids: list[int]) -> list[Row]:
    """Whole rows for annotation ids, in the order given."""
    found: dict[int, Row] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in db.execute(
            f"SELECT a.id, {_ROW_COLUMNS} FROM annotations a"
            " JOIN articles ar ON ar.id = a.article_id"
            f" WHERE a.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            found[int(r[0])] = Row(*r[1:])
    return [found[i] for i in ids if i in found]


def count(db: sqlite_utils.Database, query: Query) -> int:
    """How many annotations ``query`` finds (the text filter aside: that needs the rows)."""
    sql, params = _sql(query, "count(*)")
    return int(db.execute(sql, params).fetchone()[0])


def _sql(query: Query, columns: str) -> tuple[str, list[object]]:
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
    sql = f"SELECT {columns} FROM annotations a JOIN articles ar ON ar.id = a.article_id" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    return sql, params


def _fuzzy(choices: list[str], text: str) -> list[int]:
    """Indexes of the choices that carry ``text`` closely, in their order."""
    hits = process.extract(
        text.casefold(),
        [c.casefold() for c in choices],
        scorer=fuzz.partial_ratio,
        score_cutoff=TEXT_CUTOFF,
        limit=None,
    )
    return sorted(index for _choice, _score, index in hits)


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
