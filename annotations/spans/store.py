"""Creating and changing annotations, each change one committed transaction with history.

Every change writes the annotation row and a ``history`` row (state before and after) in the
same ``BEGIN IMMEDIATE`` transaction, so undo and redo survive a restart and a crash can
never leave an annotation without its history. Undo/redo is per article: the newest
not-undone change is undone first; a new change discards what was undone (the redo stack).

One action can change several annotations, in several articles (``R`` gives an annotation's
label to its linked copies). Its rows share a ``batch`` and name the article it was done
from (``batch_article``); undo and redo take the whole batch as one step, from that article
or from any article it touched.
"""

from __future__ import annotations

import json
import uuid as uuidlib
import weakref
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

import sqlite_utils

from newsmark.annotations.spans.limits import MAX_NOTE_CHARS
from newsmark.annotations.spans.model import CONTEXT_CHARS, Annotation, context
from newsmark.corpus.articles import get_article
from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import write
from newsmark.corpus.errors import NewsmarkError

# The columns are the dataclass's fields (``id`` aside): listed once, in the dataclass.
FIELDS = tuple(f.name for f in dataclass_fields(Annotation) if f.name != "id")


def _q(name: str) -> str:
    return f'"{name}"'


_FIELD_LIST = ", ".join(_q(n) for n in FIELDS)
_COLUMNS = f"id, {_FIELD_LIST}"


class AnnotationError(NewsmarkError):
    """A change that cannot be made (a span outside the text, an unknown annotation...)."""


@dataclass(frozen=True)
class Change:
    """What an undo or redo did, so the reader can show it and move the cursor there."""

    action: str
    annotation: Annotation
    undone: bool
    count: int = 1  # annotations the step changed (a batch's, more than one)


def columns(alias: str) -> str:
    """The columns :func:`from_row` reads, qualified by a table alias (for joins)."""
    return ", ".join(f"{alias}.{c}" for c in ["id", *(_q(n) for n in FIELDS)])


def from_row(row: tuple[object, ...]) -> Annotation:
    """An annotation from a row selected as :func:`columns` (or ``_COLUMNS``)."""
    return _from_row(row)


def _from_row(row: tuple[object, ...]) -> Annotation:
    """A row selected as ``_COLUMNS`` (``id`` first, then the dataclass's fields)."""
    id_, *values = row
    return Annotation(*values, id=int(id_))  # type: ignore[arg-type]


def list_annotations(db: sqlite_utils.Database, article_id: int) -> list[Annotation]:
    """The article's annotations in text order (longer first where they start together)."""
    rows = db.execute(
        f'SELECT {_COLUMNS} FROM annotations WHERE article_id = ? ORDER BY start, "end" DESC, id',
        [article_id],
    ).fetchall()
    return [_from_row(r) for r in rows]


def get_annotation(db: sqlite_utils.Database, uuid: str) -> Annotation | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM annotations WHERE uuid = ?", [uuid]).fetchone()
    return _from_row(row) if row else None


def counts_by_article(db: sqlite_utils.Database) -> dict[int, int]:
    return dict(
        db.execute("SELECT article_id, count(*) FROM annotations GROUP BY article_id").fetchall()
    )


def _article_text(db: sqlite_utils.Database, article_id: int) -> str:
    article = get_article(db, article_id)
    if article is None:
        raise AnnotationError(f"article {article_id} does not exist")
    return article.text


def _check_span(text: str, start: int, end: int) -> None:
    if not (0 <= start < end <= len(text)):
        raise AnnotationError(
            f"span [{start}, {end}) is outside the article text (0-{len(text)}) or empty"
        )


def _span_context(
    db: sqlite_utils.Database, article_id: int, start: int, end: int
) -> tuple[str, str, str]:
    """(quote, prefix, suffix) of a span, checked against the stored text.

    Reads only the span and its context: SQLite's ``length`` and ``substr`` count
    characters as Python's offsets do, and a tag should not copy a whole long article out
    of the database. Anything unexpected (a NUL, which stops SQLite's count) falls back to
    reading the text whole.
    """
    lo, hi = max(0, start - CONTEXT_CHARS), end + CONTEXT_CHARS
    row = db.execute(  # chars: the stored length, kept by a trigger (counting reads it all)
        "SELECT coalesce(chars, length(text)), substr(text, ?, ?) FROM articles WHERE id = ?",
        [lo + 1, max(0, hi - lo), article_id],
    ).fetchone()
    if row is not None and 0 <= start < end <= row[0]:
        length, window = row
        if isinstance(window, str) and len(window) == min(hi, length) - lo:
            a, b = start - lo, end - lo
            return window[a:b], window[:a], window[b:]
    text = _article_text(db, article_id)
    _check_span(text, start, end)
    return context(text, start, end)


_ACTORS: weakref.WeakKeyDictionary[sqlite_utils.Database, str] = weakref.WeakKeyDictionary()


def set_actor(db: sqlite_utils.Database, annotator: str) -> None:
    """Who is making the changes made through ``db`` (the app's current annotator): every
    history row says so. Without it, a change is put down to the annotation's annotator."""
    _ACTORS[db] = annotator


def _drop_redo(db: sqlite_utils.Database, article_id: int) -> None:
    """A new change in an article discards what was undone there (batches done from it too)."""
    db.execute(
        "DELETE FROM history WHERE undone = 1 AND (article_id = ? OR batch_article = ?)",
        [article_id, article_id],
    )


def _record(
    db: sqlite_utils.Database,
    action: str,
    before: Annotation | None,
    after: Annotation | None,
    links: dict[str, Any] | None = None,
    batch: tuple[str, int] | None = None,
) -> None:
    """One history row. ``links`` (a deletion's) is kept with ``before`` for its undo;
    ``batch`` is (batch id, the article the action was done from)."""
    ann = after or before
    assert ann is not None
    saved = {**before.as_row(), "links": links} if before and links else None
    _drop_redo(db, ann.article_id)
    if batch is not None and batch[1] != ann.article_id:
        _drop_redo(db, batch[1])
    db.execute(
        "INSERT INTO history (article_id, action, annotation_uuid, before, after, at, annotator,"
        " batch, batch_article) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ann.article_id,
            action,
            ann.uuid,
            json.dumps(saved or before.as_row()) if before else None,
            json.dumps(after.as_row()) if after else None,
            now_iso(),
            _ACTORS.get(db, ann.annotator),
            *(batch or (None, None)),
        ],
    )


def insert_annotation(db: sqlite_utils.Database, ann: Annotation) -> Annotation:
    """Insert ``ann`` exactly as given (id, times, annotator): for undo and for imports.

    Records no history; the caller is inside a transaction.
    """
    row = ann.as_row()
    cursor = db.execute(
        f"INSERT INTO annotations ({_FIELD_LIST}) VALUES ({', '.join('?' * len(FIELDS))})",
        [row[name] for name in FIELDS],
    )
    return replace(ann, id=cursor.lastrowid)


def _update(db: sqlite_utils.Database, ann: Annotation) -> None:
    row = ann.as_row()
    changed = [name for name in FIELDS if name not in ("uuid", "article_id")]
    db.execute(
        f"UPDATE annotations SET {', '.join(f'{_q(n)} = ?' for n in changed)} WHERE uuid = ?",
        [*(row[name] for name in changed), ann.uuid],
    )


def _check_note(note: str) -> None:
    if len(note) > MAX_NOTE_CHARS:
        raise AnnotationError(
            f"the note is {len(note):,} characters; notes are limited to {MAX_NOTE_CHARS:,}"
        )


def replace_annotation(db: sqlite_utils.Database, before: Annotation, after: Annotation) -> None:
    """Put ``after`` in place of ``before`` (same uuid), undoably: an import's ``replace``.

    The caller is inside a transaction. Moving to another article is a deletion there and a
    creation here, so each article's undo history stays its own.
    """
    _check_note(after.note)
    if before.article_id == after.article_id:
        _update(db, after)
        _record(db, "replace", before, after)
        return
    links = _links_of(db, before.uuid)
    db.execute("DELETE FROM annotations WHERE uuid = ?", [before.uuid])
    _record(db, "delete", before, None, links)
    insert_annotation(db, after)
    _record(db, "create", None, after)


def create_annotation(
    db: sqlite_utils.Database,
    article_id: int,
    start: int,
    end: int,
    label: str,
    annotator: str,
    note: str = "",
) -> Annotation:
    """Tag ``[start, end)`` of the stored text with ``label``."""
    _check_note(note)
    with write(db):
        quote, prefix, suffix = _span_context(db, article_id, start, end)
        stamp = now_iso()
        ann = Annotation(
            uuid=str(uuidlib.uuid4()),
            article_id=article_id,
            start=start,
            end=end,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            label=label,
            note=note,
            annotator=annotator,
            created=stamp,
            updated=stamp,
        )
        ann = insert_annotation(db, ann)
        _record(db, "create", None, ann)
    return ann


def _modify(
    db: sqlite_utils.Database,
    uuid: str,
    action: str,
    batch: tuple[str, int] | None = None,
    **changes: object,
) -> Annotation:
    with write(db):
        before = get_annotation(db, uuid)
        if before is None:
            raise AnnotationError(f"annotation {uuid} does not exist")
        after = replace(before, **changes, updated=now_iso())  # type: ignore[arg-type]
        if "start" in changes or "end" in changes:
            quote, prefix, suffix = _span_context(db, before.article_id, after.start, after.end)
            after = replace(after, quote=quote, prefix=prefix, suffix=suffix)
        if after == replace(before, updated=after.updated):
            return before
        _update(db, after)
        _record(db, action, before, after, batch=batch)
    return after


def relabel(db: sqlite_utils.Database, uuid: str, label: str) -> Annotation:
    return _modify(db, uuid, "relabel", label=label)


def relabel_all(
    db: sqlite_utils.Database, uuids: list[str], label: str, from_article: int
) -> list[Annotation]:
    """Give ``label`` to every annotation of ``uuids`` (linked copies, in any article) in one
    transaction and one undo step, undoable from ``from_article`` or where each copy is."""
    batch = (str(uuidlib.uuid4()), from_article)
    with write(db):
        return [_modify(db, uuid, "relabel", batch=batch, label=label) for uuid in uuids]


def set_note(db: sqlite_utils.Database, uuid: str, note: str) -> Annotation:
    _check_note(note)
    return _modify(db, uuid, "note", note=note)


def resize(db: sqlite_utils.Database, uuid: str, start: int, end: int) -> Annotation:
    return _modify(db, uuid, "resize", start=start, end=end)


def delete_annotation(db: sqlite_utils.Database, uuid: str) -> Annotation:
    with write(db):
        before = get_annotation(db, uuid)
        if before is None:
            raise AnnotationError(f"annotation {uuid} does not exist")
        links = _links_of(db, uuid)
        db.execute("DELETE FROM annotations WHERE uuid = ?", [uuid])
        _record(db, "delete", before, None, links)
    return before


# The links table belongs to annotations.linking.links, which builds on this module; deleting an
# annotation drops its links (and unsets the ones it was created from), so a deletion keeps
# them here, as rows, for its undo: accepted and rejected decisions come back with it.


def _links_of(db: sqlite_utils.Database, uuid: str) -> dict[str, Any]:
    cursor = db.execute("SELECT * FROM links WHERE annotation_uuid = ? ORDER BY id", [uuid])
    columns = [d[0] for d in cursor.description]
    own = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    made_by = db.execute("SELECT id FROM links WHERE target_annotation_uuid = ?", [uuid])
    return {"own": own, "made_by": [r[0] for r in made_by.fetchall()]}


def _restore_links(db: sqlite_utils.Database, uuid: str, saved: dict[str, Any]) -> None:
    for link in saved.get("own", []):
        if not db.execute(
            "SELECT 1 FROM articles WHERE id = ?", [link["target_article_id"]]
        ).fetchone():
            continue  # the other article was removed meanwhile
        made = link.get("target_annotation_uuid")
        if made and get_annotation(db, made) is None:
            link = {**link, "target_annotation_uuid": None}
        columns = [c for c in link if c != "id"]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        db.execute(
            f"INSERT INTO links ({names}) VALUES ({marks})"
            ' ON CONFLICT (annotation_uuid, target_article_id, start, "end") DO UPDATE SET'
            " status = excluded.status, target_annotation_uuid ="
            " excluded.target_annotation_uuid, decided_at = excluded.decided_at",
            [link[c] for c in columns],
        )
    ids = saved.get("made_by", [])
    if ids:
        marks = ", ".join("?" * len(ids))
        db.execute(
            f"UPDATE links SET target_annotation_uuid = ? WHERE id IN ({marks})"
            " AND target_annotation_uuid IS NULL",
            [uuid, *ids],
        )


def _restore(db: sqlite_utils.Database, uuid: str, state: str | None) -> Annotation | None:
    """Make the annotation ``uuid`` look like ``state`` (a JSON row, or None for absent)."""
    current = get_annotation(db, uuid)
    if state is None:
        if current is not None:
            db.execute("DELETE FROM annotations WHERE uuid = ?", [uuid])
        return current
    saved_links = json.loads(state).get("links")
    target = _annotation_in(state)
    if current is None:
        restored = insert_annotation(db, target)
        if saved_links:
            _restore_links(db, uuid, saved_links)
        return restored
    _update(db, target)
    return replace(target, id=current.id)


def _annotation_in(state: str) -> Annotation:
    """The annotation a history state holds (a deletion's also holds its links)."""
    fields = json.loads(state)
    fields.pop("links", None)
    return Annotation(**fields)


def undo(db: sqlite_utils.Database, article_id: int) -> Change | None:
    """Undo the newest change to the article's annotations; ``None`` if there is none."""
    return _step(db, article_id, undoing=True)


def redo(db: sqlite_utils.Database, article_id: int) -> Change | None:
    """Redo the oldest undone change; ``None`` if nothing was undone."""
    return _step(db, article_id, undoing=False)


def _step(db: sqlite_utils.Database, article_id: int, undoing: bool) -> Change | None:
    """Move one step through the history: restore ``before`` (undo) or ``after`` (redo).

    The step is the article's newest not-undone row (undo) or oldest undone one (redo),
    counting batches done from this article; a batch's rows go together."""
    order = "DESC" if undoing else "ASC"
    flag = 0 if undoing else 1
    with write(db):
        found = [
            db.execute(
                f"SELECT id, batch FROM history WHERE {column} = ? AND undone = ?"
                f" ORDER BY id {order} LIMIT 1",
                [article_id, flag],
            ).fetchone()
            for column in ("article_id", "batch_article")  # each has its index
        ]
        candidates = [r for r in found if r is not None]
        if not candidates:
            return None
        row = (max if undoing else min)(candidates, key=lambda r: r[0])
        first, batch = row
        if batch is None:
            rows = db.execute(
                "SELECT id, action, annotation_uuid, before, after FROM history WHERE id = ?",
                [first],
            ).fetchall()
        else:
            rows = db.execute(
                "SELECT id, action, annotation_uuid, before, after FROM history"
                f" WHERE batch = ? AND undone = ? ORDER BY id {order}",
                [batch, flag],
            ).fetchall()
            if undoing:
                _check_batch_on_top(db, rows)
        shown: Annotation | None = None
        for hid, _action, uuid, before, after in rows:
            target, other = (before, after) if undoing else (after, before)
            ann = _restore(db, uuid, target)
            db.execute("UPDATE history SET undone = ? WHERE id = ?", [1 - flag, hid])
            done = ann or _annotation_in(other or target)
            if shown is None or (shown.article_id != article_id and done.article_id == article_id):
                shown = done  # the reader shows one in the open article, where there is one
    assert shown is not None
    return Change(rows[0][1], shown, undone=undoing, count=len(rows))


def _check_batch_on_top(db: sqlite_utils.Database, rows: list[tuple[Any, ...]]) -> None:
    """Undoing a batch restores each annotation's ``before``: refuse when one of them was
    changed again since (that later change would be lost), naming where to undo first."""
    ids = [r[0] for r in rows]
    marks = ", ".join("?" * len(ids))
    later = db.execute(
        "SELECT h.article_id FROM history h JOIN history b ON b.annotation_uuid ="
        f" h.annotation_uuid WHERE b.id IN ({marks}) AND h.id > b.id AND h.undone = 0"
        f" AND h.id NOT IN ({marks}) LIMIT 1",
        [*ids, *ids],
    ).fetchone()
    if later is not None:
        title = db.execute("SELECT title FROM articles WHERE id = ?", [later[0]]).fetchone()
        where = f"“{title[0]}”" if title and title[0] else f"article {later[0]}"
        raise AnnotationError(
            f"a copy this step relabelled was changed again since, in {where}:"
            " undo that change there first"
        )


def count_annotations(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM annotations").fetchone()[0])


def annotators(db: sqlite_utils.Database) -> list[str]:
    """Everyone who has annotated in this file."""
    return [str(r[0]) for r in db.execute("SELECT DISTINCT annotator FROM annotations")]


def corpus_signature(db: sqlite_utils.Database) -> tuple[int, ...]:
    """What the article list shows changing: articles added or removed, annotations."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT max(id) FROM articles),"
        " (SELECT count(*) FROM annotations)"
    ).fetchone()
    return tuple(int(v or 0) for v in row)
