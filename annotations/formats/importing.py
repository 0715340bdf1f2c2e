"""Importing annotations from our JSONL or Prodigy JSONL: idempotent, all or nothing per file.

Every line is checked before anything is written; one bad line stops the whole file unless
``skip_bad`` is set. Annotations keep their ids, so importing twice adds nothing and two
annotators' exports merge. Each annotation is attached by the article's sha256 when the text
is identical, otherwise found by id/url/title and re-anchored
(:mod:`annotations.linking.anchoring`); one that cannot be placed confidently is kept as an
orphan, never dropped or misplaced, and placed later when its article arrives
(:func:`retry_orphans`).

Everything read from a file is untrusted and is checked as it is read
(:mod:`annotations.formats.records`). An id that comes back with other content is a
conflict, never silently dropped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmark.annotations.formats.records import (
    ArticleRecord,
    ArticleRef,
    ImportResult,
    LabelRecord,
    Record,
    TypedRecord,
    parse_prodigy,
    parse_record,
    read_file,
)
from newsmark.annotations.linking.anchoring import reanchor
from newsmark.annotations.settings.labels import parse_colour
from newsmark.annotations.spans.model import Annotation, context
from newsmark.annotations.spans.store import get_annotation, insert_annotation, replace_annotation
from newsmark.corpus.dates import now_iso, parse_published
from newsmark.corpus.db import write
from newsmark.corpus.errors import ImportRejected, StoreError
from newsmark.corpus.importer import loads_strict
from newsmark.corpus.normalise import one_line

# --- placing and writing -------------------------------------------------------------------


def _find_article(db: sqlite_utils.Database, ref: ArticleRef) -> tuple[int, str, bool] | None:
    """(id, text, identical) for the article a record names; identical means same sha256."""
    if ref.sha256:
        row = db.execute("SELECT id, text FROM articles WHERE sha256 = ?", [ref.sha256]).fetchone()
        if row:
            return int(row[0]), str(row[1]), True
    if ref.id is not None:
        row = db.execute(
            "SELECT id, text, title, url FROM articles WHERE id = ?", [ref.id]
        ).fetchone()
        if row and ((ref.url and row[3] == ref.url) or (ref.title and row[2] == ref.title)):
            return int(row[0]), str(row[1]), False
    for column, value in (("url", ref.url), ("title", ref.title)):
        if value:
            row = db.execute(
                f"SELECT id, text FROM articles WHERE {column} = ? ORDER BY id", [value]
            ).fetchone()
            if row:
                return int(row[0]), str(row[1]), False
    return None


def _place(
    db: sqlite_utils.Database,
    ref: ArticleRef,
    start: int,
    end: int,
    quote: str,
    prefix: str = "",
    suffix: str = "",
) -> tuple[int, int, int] | str:
    """(article id, start, end) or the reason it cannot be placed."""
    found = _find_article(db, ref)
    if found is None:
        return "its article is not in this database"
    article_id, text, identical = found
    if identical:
        if end > len(text):
            raise ImportRejected(f"offsets [{start}, {end}) are outside the article text")
        if text[start:end] != quote:
            raise ImportRejected(f"the quote does not match the article text at [{start}, {end})")
        return article_id, start, end
    placed = reanchor(text, quote, start, prefix, suffix)
    if placed is None:
        return "the quote is no longer in the article (edited text)"
    return article_id, placed[0], placed[1]


def import_file(
    db: sqlite_utils.Database,
    path: Path,
    fmt: str | None = None,
    skip_bad: bool = False,
    on_conflict: str | None = None,
    annotator: str = "",
) -> ImportResult:
    """Import one file, all or nothing (unless ``skip_bad``).

    ``on_conflict`` says what to do with an id that is already stored (or earlier in the
    file) with other content: ``keep`` the stored one, ``replace`` it (undoably), or, when
    ``None``, report the line as a problem. ``annotator`` is given to Prodigy spans, which
    carry none.
    """
    result = ImportResult(str(path))
    records, problems = read_file(path, fmt, annotator)
    result.problems = problems
    if problems and not skip_bad:
        return result
    try:
        _apply(db, path, records, skip_bad, on_conflict, result)
    except _Rollback:
        result.added = result.present = result.orphaned = result.links = 0
        result.placed = result.kept = result.replaced = 0
        return result
    result.applied = True
    return result


def _apply(
    db: sqlite_utils.Database,
    path: Path,
    records: list[Record],
    skip_bad: bool,
    on_conflict: str | None,
    result: ImportResult,
) -> None:
    """Everything of one file in one transaction; :class:`_Rollback` undoes it all."""
    with write(db):
        placed_records: list[Record] = []
        pending: list[tuple[str, str]] = []
        first_seen: dict[str, Record] = {}
        for rec in records:
            where = f"{path}:{rec.line}"
            if not isinstance(rec, Record):
                try:
                    _apply_typed(db, rec, result)
                except (ImportRejected, StoreError) as exc:
                    pending.append((where, str(exc)))
                continue
            earlier = first_seen.setdefault(rec.uuid, rec)
            if earlier is not rec:
                diff = _differences(rec, earlier.label, earlier.note, earlier.quote)
                if not diff:
                    result.present += 1
                    continue
                if on_conflict != "replace":
                    if on_conflict == "keep":
                        result.kept += 1
                    else:
                        pending.append(
                            (
                                where,
                                f"annotation {rec.uuid} conflicts with line {earlier.line}"
                                f" of this file ({diff}); --on-conflict keep|replace chooses",
                            )
                        )
                    continue
            try:
                outcome = _settle(db, rec, on_conflict, path)
            except ImportRejected as exc:
                pending.append((where, str(exc)))
                continue
            if outcome in ("added", "placed", "replaced"):
                placed_records.append(rec)
            if outcome in ("added", "placed", "replaced", "present"):
                result.details += _restore_article(db, rec)
            setattr(result, outcome, getattr(result, outcome) + 1)
        if pending:
            result.problems.extend(pending)
            if not skip_bad:
                raise _Rollback()
        for rec in placed_records:
            result.links += _restore_links(db, rec)


def _apply_typed(db: sqlite_utils.Database, rec: TypedRecord, result: ImportResult) -> None:
    if isinstance(rec, ArticleRecord):
        found = _find_article(db, ArticleRef(None, None, None, rec.ref.sha256))
        if found is None:
            _add_whole_article(db, rec)
            result.articles += 1
        else:
            result.details += _bring_details(db, found[0], rec.ref)
    elif isinstance(rec, LabelRecord):
        result.labels += _add_label(db, rec)
    else:
        found = _find_article(db, ArticleRef(None, None, None, rec.article.sha256))
        if found is None:
            raise ImportRejected("a curator's decision for an article that is not here")
        from newsmark.annotations.desk.agreement import settle

        result.curated += settle(db, found[0], rec.first, rec.second, list(rec.settled))


def _add_whole_article(db: sqlite_utils.Database, rec: ArticleRecord) -> None:
    """The article as it was stored there: same text, details and import time."""

    db.execute(
        "INSERT INTO articles (title, outlet, url, published, path, text, sha256, encoding,"
        " imported_at, chars, author, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rec.ref.title,
            rec.outlet,
            rec.ref.url,
            parse_published(rec.published),
            rec.path,
            rec.text,
            rec.ref.sha256,
            rec.encoding,
            rec.imported_at or now_iso(),
            len(rec.text),
            rec.author,
            rec.language,
        ],
    )
    article_id = db.execute("SELECT id FROM articles WHERE sha256 = ?", [rec.ref.sha256])
    _put_state(db, int(article_id.fetchone()[0]), rec.ref)


def _add_label(db: sqlite_utils.Database, rec: LabelRecord) -> int:
    """A label this file's set has and this database's lacks (the set here wins where
    both have it: names, keys and colours people already tag with)."""
    have = {str(r[0]): str(r[1]) for r in db.execute("SELECT name, key FROM labels")}
    if rec.name in have:
        return 0
    key = rec.key if rec.key and rec.key not in have.values() else ""
    db.execute(
        "INSERT INTO labels (name, key, colour, description, position) VALUES (?, ?, ?, ?, ?)",
        [rec.name, key, parse_colour(rec.colour), rec.description, len(have)],
    )
    return 1


def _put_state(db: sqlite_utils.Database, article_id: int, ref: ArticleRef) -> bool:
    """The exported progress, who set it and when, where this database has none."""
    if not ref.state or ref.state == "todo":
        return False
    cursor = db.execute(
        "INSERT OR IGNORE INTO article_state (article_id, state, annotator, updated)"
        " VALUES (?, ?, ?, ?)",
        [article_id, ref.state, ref.state_by, ref.state_at or now_iso()],
    )
    return cursor.rowcount > 0


def _bring_details(db: sqlite_utils.Database, article_id: int, ref: ArticleRef) -> int:
    """Edited details and the state of the same text (its sha256), only what differs."""
    from newsmark.corpus.articles import get_article, update_details

    article = get_article(db, article_id)
    if article is None or ref.sha256 != article.sha256:
        return 0
    changes = {
        key: value for key, value in ref.details if value and value != getattr(article, key, None)
    }
    changed = False
    if changes:
        try:
            update_details(db, article.id, changes)
            changed = True
        except StoreError:
            pass  # a detail this database cannot take (a bad date): the rest is imported
    return int(_put_state(db, article.id, ref) or changed)


def _restore_article(db: sqlite_utils.Database, rec: Record) -> int:
    """The details (an edited outlet, a date) and the state (done) the exported article
    had, brought to the same article here: only when it is the same text (its sha256),
    only what differs, and a state only where this database has none. 1 if anything
    changed."""
    ann = get_annotation(db, rec.uuid)
    if ann is None:
        return 0
    ref = rec.article
    if not ref.state_by:  # files before version 2: the state is the annotator's
        ref = replace(ref, state_by=rec.annotator)
    return _bring_details(db, ann.article_id, ref)


def _settle(db: sqlite_utils.Database, rec: Record, on_conflict: str | None, path: Path) -> str:
    """Store one record; say what happened as an :class:`ImportResult` counter's name."""
    stored = get_annotation(db, rec.uuid)
    if stored is not None:
        diff = _differences(rec, stored.label, stored.note, stored.quote)
        if not diff:
            return "present"
        if on_conflict is None:
            raise ImportRejected(
                f"annotation {rec.uuid} conflicts with the stored one ({diff});"
                " --on-conflict keep|replace chooses"
            )
        if on_conflict == "keep":
            return "kept"
        place = _place(db, rec.article, rec.start, rec.end, rec.quote, rec.prefix, rec.suffix)
        if isinstance(place, str):
            raise ImportRejected(f"annotation {rec.uuid} cannot replace the stored one: {place}")
        replace_annotation(db, stored, _annotation(db, rec, *place))
        return "replaced"
    orphan = db.execute("SELECT label, note, quote FROM orphans WHERE uuid = ?", [rec.uuid])
    row = orphan.fetchone()
    if row is not None:
        diff = _differences(rec, *row)
        if diff and on_conflict is None:
            raise ImportRejected(
                f"annotation {rec.uuid} conflicts with the stored orphan ({diff});"
                " --on-conflict keep|replace chooses"
            )
        if diff and on_conflict == "keep":
            return "kept"
        # the same annotation again (or its replacement): its article may be here now
        place = _place(db, rec.article, rec.start, rec.end, rec.quote, rec.prefix, rec.suffix)
        if isinstance(place, str):
            if diff:
                db.execute("DELETE FROM orphans WHERE uuid = ?", [rec.uuid])
                _orphan(db, rec, place, path)
                return "replaced"
            return "present"
        db.execute("DELETE FROM orphans WHERE uuid = ?", [rec.uuid])
        _insert(db, _annotation(db, rec, *place))
        return "replaced" if diff else "placed"
    place = _place(db, rec.article, rec.start, rec.end, rec.quote, rec.prefix, rec.suffix)
    if isinstance(place, str):
        _orphan(db, rec, place, path)
        return "orphaned"
    _insert(db, _annotation(db, rec, *place))
    return "added"


def _differences(rec: Record, label: str, note: str, quote: str) -> str:
    """What differs between an incoming record and what is stored under its id ("" if none)."""
    out = []
    for what, stored, incoming in (
        ("label", label, rec.label),
        ("note", note, rec.note),
        ("quote", quote, rec.quote),
    ):
        if stored != incoming:
            out.append(f"{what} {_short(stored)}, incoming {_short(incoming)}")
    return "; ".join(out)


def _short(value: str) -> str:
    line = one_line(value, 30)
    return line if line and " " not in line else f"\u201c{line}\u201d"


def _annotation(
    db: sqlite_utils.Database, rec: Record, article_id: int, start: int, end: int
) -> Annotation:
    text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    quote, prefix, suffix = context(text, start, end)
    return Annotation(
        rec.uuid,
        article_id,
        start,
        end,
        quote,
        prefix,
        suffix,
        rec.label,
        rec.note,
        rec.annotator,
        rec.created,
        rec.updated,
    )


class _Rollback(Exception):
    """A line failed while placing it and the file must not be applied in part."""


def _orphan(db: sqlite_utils.Database, rec: Record, reason: str, path: Path) -> None:
    db.execute(
        "INSERT OR IGNORE INTO orphans (uuid, article_title, article_url, article_sha256, quote,"
        " label, note, annotator, reason, source, record, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rec.uuid,
            rec.article.title,
            rec.article.url,
            rec.article.sha256,
            rec.quote,
            rec.label,
            rec.note,
            rec.annotator,
            reason,
            f"{path}:{rec.line}",
            rec.raw,
            now_iso(),
        ],
    )


def retry_orphans(db: sqlite_utils.Database) -> int:
    """Place every orphan whose article has arrived; return how many were placed.

    Run after articles are imported (CLI, app start) and by ``newsmark orphans --retry``.
    Each orphan is read again from the line it came from, so it is placed exactly as a
    fresh import of that line would place it, links included.
    """
    if db.execute("SELECT 1 FROM orphans LIMIT 1").fetchone() is None:
        return 0
    placed = 0
    with write(db):
        rows = db.execute("SELECT uuid, record, annotator FROM orphans ORDER BY id").fetchall()
        for uuid, raw, annotator in rows:
            rec = _orphan_record(str(uuid), str(raw), str(annotator))
            if rec is None:
                continue
            try:
                place = _place(
                    db, rec.article, rec.start, rec.end, rec.quote, rec.prefix, rec.suffix
                )
            except ImportRejected:
                continue
            if isinstance(place, str) or get_annotation(db, rec.uuid) is not None:
                continue
            db.execute("DELETE FROM orphans WHERE uuid = ?", [rec.uuid])
            _insert(db, _annotation(db, rec, *place))
            _restore_links(db, rec)
            placed += 1
    return placed


def _orphan_record(uuid: str, raw: str, annotator: str) -> Record | None:
    """The record an orphan was made from (a Prodigy line holds several: the one with its id)."""
    try:
        obj = loads_strict(raw)
        if isinstance(obj, dict) and "spans" in obj and "quote" not in obj:
            found = [r for r in parse_prodigy(obj, 0, raw, annotator) if r.uuid == uuid]
            return found[0] if found else None
        return parse_record(obj, 0, raw)
    except (ValueError, ImportRejected):
        return None


def _insert(db: sqlite_utils.Database, ann: Annotation) -> None:
    """Store an imported annotation, and make it the copy of any accepted link that points
    at its place without one: a copy imported (or placed as an orphan) after its source's
    link was restored would otherwise not be joined to it, and would suggest its own
    source back ("verbatim 100")."""
    insert_annotation(db, ann)
    db.execute(
        "UPDATE links SET target_annotation_uuid = ? WHERE status = 'accepted'"
        " AND target_annotation_uuid IS NULL AND target_article_id = ? AND start = ?"
        ' AND "end" = ?',
        [ann.uuid, ann.article_id, ann.start, ann.end],
    )


def _restore_links(db: sqlite_utils.Database, rec: Record) -> int:
    added = 0
    for link in rec.links:
        try:
            place = _place(db, link.target, link.start, link.end, link.text)
        except ImportRejected:
            continue
        if isinstance(place, str):
            continue
        article_id, start, end = place
        text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        target_uuid = None
        if link.status == "accepted" and link.target_annotation:
            row = db.execute(
                "SELECT uuid FROM annotations WHERE uuid = ? AND article_id = ? AND start = ?"
                ' AND "end" = ?',
                [link.target_annotation, article_id, start, end],
            ).fetchone()
            target_uuid = row[0] if row else None
        if link.status == "accepted" and target_uuid is None:
            row = db.execute(
                'SELECT uuid FROM annotations WHERE article_id = ? AND start = ? AND "end" = ?'
                " ORDER BY id LIMIT 1",
                [article_id, start, end],
            ).fetchone()
            target_uuid = row[0] if row else None
        cursor = db.execute(
            'INSERT OR IGNORE INTO links (annotation_uuid, target_article_id, start, "end", text,'
            " score, status, target_annotation_uuid, created, decided_at, meaning, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                rec.uuid,
                article_id,
                start,
                end,
                text[start:end],
                link.score,
                link.status,
                target_uuid,
                link.created or now_iso(),
                None if link.status == "suggested" else (link.decided_at or now_iso()),
                link.meaning,
                link.confidence,
            ],
        )
        added += cursor.rowcount
    return added


def list_orphans(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT uuid, article_title, article_url, quote, label, note, annotator, reason, source,"
        " imported_at FROM orphans ORDER BY id"
    ).fetchall()
    keys = (
        "id",
        "article_title",
        "article_url",
        "quote",
        "label",
        "note",
        "annotator",
        "reason",
        "source",
        "imported_at",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]
