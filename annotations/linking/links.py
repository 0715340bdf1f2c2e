"""Stored links between an annotation and the same words in other articles.

A link is *suggested* by the matcher, then *accepted* (the same-label annotation is created
in the other article and linked) or *rejected* (never offered again for that place).
Recomputing suggestions replaces only the suggested ones.

Why one module of ~550 lines: every way a link changes (suggested, accepted, rejected, made
by hand, clustered into a claim) writes the same table under the same rules (one decision
per place, the target annotation kept in step), and those rules read best side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlite_utils

from newsmark.annotations.linking.matching import (
    REWORDED_CANDIDATES,
    Match,
    Matcher,
    claim_candidates,
)
from newsmark.annotations.linking.normtext import normalise
from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import write
from newsmark.corpus.errors import NewsmarkError

_COLUMNS = (
    'id, annotation_uuid, target_article_id, start, "end", text, score, status,'
    " target_annotation_uuid, created, decided_at, meaning, confidence"
)


class LinkError(NewsmarkError):
    """A link that cannot be accepted or rejected (gone, already decided...)."""


@dataclass(frozen=True)
class Link:
    id: int
    annotation_uuid: str
    target_article_id: int
    start: int
    end: int
    text: str
    score: float
    status: str
    target_annotation_uuid: str | None
    created: str
    decided_at: str | None
    meaning: float | None = None  # closeness in meaning (0-1), when the model measured it
    confidence: float | None = None  # the "same claim" decision (0-1), when measured


def _rows(db: sqlite_utils.Database, where: str, params: Iterable[object]) -> list[Link]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM links WHERE {where}", list(params)).fetchall()
    return [Link(*r) for r in rows]


def get_link(db: sqlite_utils.Database, link_id: int) -> Link | None:
    found = _rows(db, "id = ?", [link_id])
    return found[0] if found else None


def _existing(db: sqlite_utils.Database, link_id: int) -> Link:
    link = get_link(db, link_id)
    if link is None:
        raise LinkError(f"link {link_id} no longer exists")
    return link


def links_for(
    db: sqlite_utils.Database, uuid: str, include_rejected: bool = False, both_ways: bool = False
) -> list[Link]:
    """An annotation's links, surest first; a decision does not move a link in the order.

    ``both_ways`` is what the user sees: links are symmetric, so an accepted link made from
    the other annotation shows here too, as accepted, pointing back at it (same id:
    deciding it decides the one link). Exports list each stored link once.
    """
    where = "annotation_uuid = ?" + ("" if include_rejected else " AND status != 'rejected'")
    links = _rows(db, where, [uuid]) + (_reverse(db, uuid) if both_ways else [])
    return sorted(links, key=surest_first)


def surest_first(link: Link) -> tuple[float, float, int, int]:
    """The order suggestions are offered in: the decision's surest first (unmeasured
    ones after), then the closest strings."""
    sure = -1.0 if link.confidence is None else link.confidence
    return (-sure, -link.score, link.target_article_id, link.start)


def _reverse(db: sqlite_utils.Database, uuid: str) -> list[Link]:
    """Accepted links whose copy is ``uuid``, seen from the copy."""
    rows = db.execute(
        'SELECT l.id, a.uuid, a.article_id, a.start, a."end", a.quote, l.score,'
        " l.status, l.created, l.decided_at, l.meaning, l.confidence FROM links l"
        " JOIN annotations a ON a.uuid = l.annotation_uuid"
        " WHERE l.target_annotation_uuid = ? AND l.status = 'accepted'",
        [uuid],
    ).fetchall()
    return [
        Link(lid, uuid, article, start, end, quote, score, status, source, created, decided, *m)
        for lid, source, article, start, end, quote, score, status, created, decided, *m in rows
    ]


def link_counts(db: sqlite_utils.Database, article_id: int) -> dict[str, int]:
    """For each annotation of the article: how many other articles carry it (accepted
    links count from both ends)."""
    rows = db.execute(
        "SELECT uuid, count(DISTINCT other) FROM ("
        "  SELECT l.annotation_uuid AS uuid, l.target_article_id AS other FROM links l"
        "  JOIN annotations a ON a.uuid = l.annotation_uuid"
        "  WHERE a.article_id = ? AND l.status != 'rejected'"
        "  UNION ALL"
        "  SELECT l.target_annotation_uuid, s.article_id FROM links l"
        "  JOIN annotations s ON s.uuid = l.annotation_uuid"
        "  JOIN annotations t ON t.uuid = l.target_annotation_uuid"
        "  WHERE t.article_id = ? AND l.status = 'accepted'"
        ") GROUP BY uuid",
        [article_id, article_id],
    ).fetchall()
    return {str(u): int(n) for u, n in rows}


def cluster_of(db: sqlite_utils.Database, uuid: str) -> set[str]:
    """``uuid`` and every annotation joined to it through accepted links (either way)."""
    seen = {uuid}
    todo = [uuid]
    while todo:
        current = todo.pop()
        rows = db.execute(
            "SELECT target_annotation_uuid FROM links WHERE annotation_uuid = ?"
            " AND status = 'accepted' AND target_annotation_uuid IS NOT NULL"
            " UNION SELECT annotation_uuid FROM links WHERE target_annotation_uuid = ?"
            " AND status = 'accepted'",
            [current, current],
        ).fetchall()
        for (other,) in rows:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _decided_places(db: sqlite_utils.Database, members: set[str]) -> list[tuple[int, int, int]]:
    """(article, start, end) the user has decided on for any annotation of a cluster: its
    accepted and rejected links' passages, and the cluster's own annotations."""
    marks = ", ".join("?" * len(members))
    rows = db.execute(
        f'SELECT target_article_id, start, "end" FROM links WHERE annotation_uuid IN ({marks})'
        " AND status != 'suggested'"
        f' UNION SELECT article_id, start, "end" FROM annotations WHERE uuid IN ({marks})',
        [*members, *members],
    ).fetchall()
    return [(int(a), int(s), int(e)) for a, s, e in rows]


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def suggest(
    db: sqlite_utils.Database,
    matcher: Matcher,
    ann: Annotation,
    restrict: set[int] | None = None,
) -> list[Link]:
    """Recompute the suggested links of one annotation (one transaction)."""
    matches: list[Match] = []
    if matcher.linkable(ann.quote):
        found = matcher.find(ann.quote, exclude={ann.article_id}, restrict=restrict)
        matches = matcher.confident(ann.quote, found)
        # The full-text slots go to articles the string tier found nothing in: a claim
        # copied by many outlets used to spend all of them on its verbatim copies. An
        # article whose weak match the decision dropped may be looked at again, by meaning.
        taken = {m.article_id for m in matches} | {ann.article_id}
        candidates = _full_text_candidates(db, ann.quote, restrict, taken)
        matches += matcher.confident(ann.quote, matcher.align_in(ann.quote, candidates))
        matches += matcher.reworded(ann.quote, candidates, matches)
        matches = matcher.rated(ann.quote, matches)
    with write(db):
        if store.get_annotation(db, ann.uuid) is None:
            return []  # deleted meanwhile (e.g. by an undo while a worker ran)
        # What the user decided for any annotation of the claim's accepted cluster holds
        # for all of them: a copy does not suggest its own source, nor a rejected passage.
        decided = _decided_places(db, cluster_of(db, ann.uuid))
        if restrict is None:
            db.execute(
                "DELETE FROM links WHERE annotation_uuid = ? AND status = 'suggested'",
                [ann.uuid],
            )
        stamp = now_iso()
        for m in matches:
            add_suggestion(db, ann.uuid, m, decided, stamp)
    return links_for(db, ann.uuid)


def add_suggestion(
    db: sqlite_utils.Database,
    uuid: str,
    match: Match,
    decided: list[tuple[int, int, int]] | None = None,
    stamp: str | None = None,
) -> bool:
    """Store one suggestion for annotation ``uuid`` (inside the caller's transaction),
    unless the user already decided a passage there for the claim's cluster (a copy does
    not suggest its own source, nor a rejected passage) or it is stored already. True if
    it was added. ``newsmark link`` and ``newsmark import-links`` both come through here."""
    if decided is None:
        decided = _decided_places(db, cluster_of(db, uuid))
    if any(
        article == match.article_id and _overlaps(start, end, match.start, match.end)
        for article, start, end in decided
    ):
        return False
    cursor = db.execute(
        'INSERT OR IGNORE INTO links (annotation_uuid, target_article_id, start, "end",'
        " text, score, status, created, meaning, confidence)"
        " VALUES (?, ?, ?, ?, ?, ?, 'suggested', ?, ?, ?)",
        [
            uuid,
            match.article_id,
            match.start,
            match.end,
            match.text,
            match.score,
            stamp or now_iso(),
            match.meaning,
            match.confidence,
        ],
    )
    return bool(cursor.rowcount)


def _full_text_candidates(
    db: sqlite_utils.Database, quote: str, restrict: set[int] | None, taken: set[int]
) -> list[int]:
    """For a claim long enough to be reworded (10 words), the articles sharing its rare
    words in any order, other than ``taken``: the n-gram index needs a run of 6 words in
    common, which a reworded or re-translated report may not have ("to save the Belarusian
    dictator" / "to rescue the Belarusian dictator")."""
    found = claim_candidates(db, normalise(quote).words, REWORDED_CANDIDATES, taken)
    return [a for a in found if restrict is None or a in restrict]


def accept(db: sqlite_utils.Database, link_id: int, annotator: str) -> Annotation:
    """Create the same-label annotation in the other article and link it, atomically."""
    with write(db):
        link = _existing(db, link_id)
        if link.status == "accepted" and link.target_annotation_uuid:
            existing = store.get_annotation(db, link.target_annotation_uuid)
            if existing:
                return existing
        source = store.get_annotation(db, link.annotation_uuid)
        if source is None:
            raise LinkError("the annotation of this link no longer exists")
        target = store.create_annotation(
            db, link.target_article_id, link.start, link.end, source.label, annotator
        )
        db.execute(
            "UPDATE links SET status = 'accepted', target_annotation_uuid = ?, decided_at = ?"
            " WHERE id = ?",
            [target.uuid, now_iso(), link_id],
        )
    return target


def link_by_hand(db: sqlite_utils.Database, source_uuid: str, target_uuid: str) -> Link:
    """Link two annotations the matcher did not (or could not) link: an accepted link, as
    if its suggestion had been accepted. Linking them again (either way) changes nothing;
    a rejected link between them becomes accepted."""
    from newsmark.annotations.linking.fuzzy import fuzz

    with write(db):
        source = store.get_annotation(db, source_uuid)
        target = store.get_annotation(db, target_uuid)
        if source is None or target is None:
            raise LinkError("one of the two annotations no longer exists")
        if source.article_id == target.article_id:
            raise LinkError("both annotations are in the same article; links join articles")
        existing = _rows(
            db,
            "(annotation_uuid = ? AND target_annotation_uuid = ?)"
            " OR (annotation_uuid = ? AND target_annotation_uuid = ?)",
            [source.uuid, target.uuid, target.uuid, source.uuid],
        )
        stamp = now_iso()
        if existing:
            link = existing[0]
            if link.status != "accepted":
                db.execute(
                    "UPDATE links SET status = 'accepted', decided_at = ? WHERE id = ?",
                    [stamp, link.id],
                )
            found = get_link(db, link.id)
            assert found is not None
            return found
        db.execute(  # a suggestion of the same passage becomes this link
            "DELETE FROM links WHERE annotation_uuid = ? AND target_article_id = ?"
            ' AND start = ? AND "end" = ?',
            [source.uuid, target.article_id, target.start, target.end],
        )
        cursor = db.execute(
            'INSERT INTO links (annotation_uuid, target_article_id, start, "end", text, score,'
            " status, target_annotation_uuid, created, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?)",
            [
                source.uuid,
                target.article_id,
                target.start,
                target.end,
                target.quote,
                round(fuzz.ratio(source.quote.lower(), target.quote.lower()), 1),
                target.uuid,
                stamp,
                stamp,
            ],
        )
        found = get_link(db, int(cursor.lastrowid or 0))
        assert found is not None
        return found


def reject(db: sqlite_utils.Database, link_id: int) -> None:
    """Reject a passage for an annotation, and for every annotation of its accepted cluster
    (their suggestions of the same passage go too)."""
    with write(db):
        link = _existing(db, link_id)
        stamp = now_iso()
        db.execute(
            "UPDATE links SET status = 'rejected', decided_at = ? WHERE id = ?", [stamp, link_id]
        )
        members = cluster_of(db, link.annotation_uuid) - {link.annotation_uuid}
        if members:
            marks = ", ".join("?" * len(members))
            db.execute(
                f"UPDATE links SET status = 'rejected', decided_at = ?"
                f" WHERE annotation_uuid IN ({marks}) AND status = 'suggested'"
                ' AND target_article_id = ? AND start < ? AND "end" > ?',
                [stamp, *members, link.target_article_id, link.end, link.start],
            )


@dataclass(frozen=True)
class Pending:
    """One suggestion waiting for a decision, with the annotation it was suggested for."""

    link: Link
    annotation: Annotation


def pending(db: sqlite_utils.Database, by_article: bool = False) -> list[Pending]:
    """Every suggestion in the corpus not yet decided: surest first (the decision's
    confidence, then the string score), or grouped by the
    annotated article (in text order) with ``by_article``. One query, however many."""
    order = (
        'a.article_id, a.start, a."end", coalesce(l.confidence, -1) DESC, l.score DESC, l.id'
        if by_article
        else "coalesce(l.confidence, -1) DESC, l.score DESC, a.article_id, a.start, l.id"
    )
    link_columns = ", ".join(f"l.{c.strip()}" for c in _COLUMNS.split(","))
    width = len(_COLUMNS.split(","))
    rows = db.execute(
        f"SELECT {link_columns}, {store.columns('a')} FROM links l"
        " JOIN annotations a ON a.uuid = l.annotation_uuid"
        f" WHERE l.status = 'suggested' ORDER BY {order}"
    ).fetchall()
    return [Pending(Link(*row[:width]), store.from_row(row[width:])) for row in rows]


def status_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many links are suggested (pending), accepted and rejected, corpus-wide."""
    counts = dict(db.execute("SELECT status, count(*) FROM links GROUP BY status").fetchall())
    return {s: int(counts.get(s, 0)) for s in ("suggested", "accepted", "rejected")}


def counts_by_annotation(db: sqlite_utils.Database, article_id: int) -> dict[str, dict[str, int]]:
    """For each annotation of an article: its links by status (what the panel shows)."""
    rows = db.execute(
        "SELECT l.annotation_uuid, l.status, count(*) FROM links l"
        " JOIN annotations a ON a.uuid = l.annotation_uuid WHERE a.article_id = ?"
        " GROUP BY l.annotation_uuid, l.status",
        [article_id],
    ).fetchall()
    out: dict[str, dict[str, int]] = {}
    for uuid, status, n in rows:
        out.setdefault(str(uuid), {})[str(status)] = int(n)
    return out


def undecide(db: sqlite_utils.Database, link_id: int) -> None:
    """Take a decision back: the link is a suggestion again, and the annotation accepting
    it created in the other article is removed (undo in a review)."""
    with write(db):
        link = _existing(db, link_id)
        if link.status == "accepted" and link.target_annotation_uuid:
            copy = store.get_annotation(db, link.target_annotation_uuid)
            if copy is not None:
                store.delete_annotation(db, copy.uuid)
        db.execute(
            "UPDATE links SET status = 'suggested', target_annotation_uuid = NULL,"
            " decided_at = NULL WHERE id = ?",
            [link_id],
        )


def all_annotations(db: sqlite_utils.Database) -> list[Annotation]:
    ids = [r[0] for r in db.execute("SELECT DISTINCT article_id FROM annotations")]
    return [a for article_id in ids for a in store.list_annotations(db, article_id)]


def link_all(
    db: sqlite_utils.Database,
    matcher: Matcher,
    progress: Callable[[int], None] | None = None,
    restrict: set[int] | None = None,
) -> int:
    """Suggestions for every annotation (only against ``restrict`` articles, if given).

    Returns how many suggestions are new.
    """

    def suggested() -> int:
        return int(
            db.execute("SELECT count(*) FROM links WHERE status = 'suggested'").fetchone()[0]
        )

    before = suggested()
    for ann in all_annotations(db):
        suggest(db, matcher, ann, restrict)
        if progress:
            progress(1)
    return max(0, suggested() - before)


@dataclass(frozen=True)
class ClusterMember:
    article_id: int
    title: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    text: str
    status: str  # "annotated", "accepted" or "suggested"


@dataclass(frozen=True)
class Cluster:
    quote: str
    label: str
    members: list[ClusterMember]
    labels: tuple[str, ...] = ()  # every label its annotations have (more than one: mixed)

    @property
    def articles(self) -> int:
        """Articles that carry it by the user's say: annotated there, or linked by accepting.
        Suggestions are not counted; see :attr:`suggested`."""
        return len({m.article_id for m in self.members if m.status != "suggested"})

    @property
    def suggested(self) -> int:
        confirmed = {m.article_id for m in self.members if m.status != "suggested"}
        return len({m.article_id for m in self.members} - confirmed)

    @property
    def firsts(self) -> list[ClusterMember]:
        """The earliest-published articles carrying it (several on a tie; unknown dates
        last), among those the user confirmed."""
        confirmed = [m for m in self.members if m.status != "suggested"] or self.members
        key = min((m.published is None, m.published or "") for m in confirmed)
        tied = [m for m in confirmed if (m.published is None, m.published or "") == key]
        return sorted(tied, key=lambda m: m.article_id)

    @property
    def first(self) -> ClusterMember:
        return self.firsts[0]


def clusters(db: sqlite_utils.Database) -> list[Cluster]:
    """Annotations with links, grouped through accepted links: how one claim spread."""
    links = _rows(db, "status != 'rejected'", [])
    if not links:
        return []
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        find(link.annotation_uuid)
        if link.status == "accepted" and link.target_annotation_uuid:
            parent[find(link.target_annotation_uuid)] = find(link.annotation_uuid)
    articles = {
        r[0]: r[1:]
        for r in db.execute("SELECT id, title, outlet, published FROM articles").fetchall()
    }
    groups: dict[str, dict[tuple[int, int, int], ClusterMember]] = {}
    heads: dict[str, Annotation] = {}
    labels: dict[str, set[str]] = {}
    for uuid in list(parent):
        ann = store.get_annotation(db, uuid)
        if ann is None:
            continue
        root = find(uuid)
        title, outlet, published = articles[ann.article_id]
        member = ClusterMember(
            ann.article_id, title, outlet, published, ann.start, ann.end, ann.quote, "annotated"
        )
        groups.setdefault(root, {})[(ann.article_id, ann.start, ann.end)] = member
        labels.setdefault(root, set()).add(ann.label)
        head = heads.get(root)
        if head is None or (ann.created, ann.id or 0) < (head.created, head.id or 0):
            heads[root] = ann
    for link in links:
        if link.status == "accepted":
            continue
        root = find(link.annotation_uuid)
        if root not in groups:
            continue
        title, outlet, published = articles[link.target_article_id]
        key = (link.target_article_id, link.start, link.end)
        groups[root].setdefault(
            key,
            ClusterMember(
                link.target_article_id,
                title,
                outlet,
                published,
                link.start,
                link.end,
                link.text,
                "suggested",
            ),
        )
    out = [
        Cluster(
            heads[root].quote,
            heads[root].label,
            sorted(
                members.values(),
                key=lambda m: (m.published is None, m.published or "", m.article_id),
            ),
            tuple(sorted(labels.get(root, {heads[root].label}))),
        )
        for root, members in groups.items()
        if root in heads
    ]
    return sorted(out, key=lambda c: (-c.articles, c.quote))
