"""The corpus in numbers: annotations per label, outlet and annotator; articles by state;
links by decision. One pass of grouped SQL each, at any size."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from newsmark.annotations.desk.progress import counts as state_counts

UNKNOWN_OUTLET = "(unknown outlet)"


def stats(db: sqlite_utils.Database) -> dict[str, Any]:
    labels = {
        str(k): int(v)
        for k, v in db.execute(
            "SELECT label, count(*) FROM annotations GROUP BY label ORDER BY count(*) DESC, label"
        )
    }
    outlets: dict[str, dict[str, int]] = {}
    for outlet, label, n in db.execute(
        "SELECT ar.outlet, a.label, count(*) FROM annotations a"
        " JOIN articles ar ON ar.id = a.article_id GROUP BY ar.outlet, a.label"
        " ORDER BY ar.outlet IS NULL, ar.outlet, a.label"
    ):
        outlets.setdefault(outlet or UNKNOWN_OUTLET, {})[str(label)] = int(n)
    annotators = {
        str(k): int(v)
        for k, v in db.execute(
            "SELECT annotator, count(*) FROM annotations GROUP BY annotator"
            " ORDER BY count(*) DESC, annotator"
        )
    }
    states = state_counts(db)
    total = int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    annotated = int(db.execute("SELECT count(DISTINCT article_id) FROM annotations").fetchone()[0])
    decided = dict(db.execute("SELECT status, count(*) FROM links GROUP BY status").fetchall())
    return {
        "labels": labels,
        "outlets": outlets,
        "annotators": annotators,
        "articles": {
            "total": total,
            "annotated": annotated,
            "done": states["done"],
            "in_progress": states["in progress"],
            "todo": states["todo"],
        },
        "links": {k: int(decided.get(k, 0)) for k in ("suggested", "accepted", "rejected")},
    }
