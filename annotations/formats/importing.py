"""Importing annotations from our JSONL or Prodigy JSONL: idempotent, all or nothing per file.

Every line is checked before anything is written; one bad line stops the whole file unless
``skip_bad`` is set. Annotations keep their ids, so importing twice adds nothing and two
annotators' exports merge. Each annotation is attached by the article's sha256 when the text
is identical, otherwise found by id/url/title and re-anchored
(:mod:`annotations.linking.anchoring`);
one that cannot be placed confidently is kept as an orphan, never dropped or misplaced, and
placed later when its article arrives (:func:`retry_orphans`).

Everything read from a file is untrusted: strings are neutralised one character for one
(so offsets hold) exactly as article text is, labels must be label names, notes have a
limit. An id that comes back with other content is a conflict, never silently dropped.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmark.annotations.formats.export import FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS
from newsmark.annotations.linking.anchoring import reanchor
from newsmark.annotations.settings.labels import parse_colour, valid_label_name
from newsmark.annotations.spans.limits import MAX_ANNOTATOR_CHARS, MAX_NOTE_CHARS
from newsmark.annotations.spans.model import Annotation, context
from newsmark.annotations.spans.store import get_annotation, insert_annotation, replace_annotation
from newsmark.corpus.articles import sha256_text
from newsmark.corpus.dates import now_iso, parse_published
from newsmark.corpus.db import write
from newsmark.corpus.errors import ImportRejected, NewsmarkError, StoreError
from newsmark.corpus.importer import check_unicode, loads_strict, read_regular_file
from newsmark.corpus.normalise import neutralise, normalise_text, one_line

NAMESPACE = uuidlib.UUID("6f1c3a52-7d0e-4c1b-9a55-2f7b8e0d4c11")
MAX_BYTES = 256 * 1024 * 1024


class AnnotationImportError(NewsmarkError):
    """A file that cannot be imported at all (unreadable, unknown format)."""


@dataclass
class ImportResult:
    path: str
    added: int = 0
    present: int = 0
    orphaned: int = 0
    links: int = 0
    placed: int = 0  # orphans of earlier imports placed now
    kept: int = 0  # conflicts resolved by keeping the stored annotation
    replaced: int = 0  # conflicts resolved by taking the incoming one
    details: int = 0  # articles whose details or state the file brought back
    articles: int = 0  # whole articles the file brought (an export --with-articles)
    labels: int = 0  # labels of the file's set this database did not have
    curated: int = 0  # passages a curator had settled
    problems: list[tuple[str, str]] = field(default_factory=list)
    applied: bool = False


@dataclass(frozen=True)
class ArticleRef:
    id: int | None
    title: str | None
    url: str | None
    sha256: str | None
    # what an export of this version carries besides: the article's details and state
    details: tuple[tuple[str, str | None], ...] = ()
    state: str | None = None
    state_by: str = ""
    state_at: str | None = None


DETAILS = ("title", "outlet", "url", "author", "published")  # what newsmark edit can change


@dataclass(frozen=True)
class LinkRecord:
    target: ArticleRef
    start: int
    end: int
    text: str
    score: float
    status: str
    meaning: float | None = None
    confidence: float | None = None
    created: str | None = None  # when it was suggested, and decided (exports since v2)
    decided_at: str | None = None
    target_annotation: str | None = None  # an accepted link's copy


@dataclass(frozen=True)
class ArticleRecord:
    """A whole article (``export --with-articles``): added where its text is missing."""

    line: int
    ref: ArticleRef
    text: str
    outlet: str | None
    author: str | None
    published: str | None
    language: str | None
    path: str | None
    encoding: str | None
    imported_at: str | None


@dataclass(frozen=True)
class LabelRecord:
    line: int
    name: str
    key: str
    colour: str
    description: str


@dataclass(frozen=True)
class CurationRecord:
    line: int
    article: ArticleRef
    first: str
    second: str
    settled: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Record:
    line: int
    uuid: str
    article: ArticleRef
    start: int
    end: int
    quote: str
    label: str
    note: str
    annotator: str
    created: str
    updated: str
    links: tuple[LinkRecord, ...]
    raw: str
    prefix: str = ""
    suffix: str = ""


# --- reading and checking ------------------------------------------------------------------


def _lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines: a regular file only, its size checked before a byte is read (a
    file over the limit costs nothing; it used to be read whole first)."""
    try:
        data = read_regular_file(path, MAX_BYTES)
    except ImportRejected as exc:
        raise AnnotationImportError(f"{path}: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is fine
    except UnicodeDecodeError as exc:
        raise AnnotationImportError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    return [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _int(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ImportRejected(f"'{key}' must be an integer")
    return value


def _checked(value: str, key: str) -> str:
    """A string from a file, made safe: no lone surrogate, unsafe characters neutralised."""
    check_unicode(value, key)
    return neutralise(value)


def _str(
    obj: dict[str, Any],
    key: str,
    required: bool = True,
    default: str = "",
    limit: int | None = None,
) -> str:
    value = obj.get(key)
    if value is None and not required:
        return default
    if not isinstance(value, str):
        raise ImportRejected(f"'{key}' must be a string")
    if limit is not None and len(value) > limit:
        raise ImportRejected(f"'{key}' is {len(value):,} characters; the limit is {limit:,}")
    return _checked(value, key)


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise ImportRejected(f"'{key}' must be a string or null")
    return None if value is None else _checked(value, key)


def _label(value: str, key: str = "label") -> str:
    if not valid_label_name(value):
        raise ImportRejected(
            f"'{key}' {one_line(value, 40)!r} is not a label name (1-32 letters, digits,"
            " spaces or dashes)"
        )
    return value


def _annotator(value: str) -> str:
    return one_line(value, MAX_ANNOTATOR_CHARS)


def _article_ref(obj: object, key: str) -> ArticleRef:
    if not isinstance(obj, dict):
        raise ImportRejected(f"'{key}' must be an object")
    article_id = obj.get("id")
    if article_id is not None and (not isinstance(article_id, int) or isinstance(article_id, bool)):
        raise ImportRejected(f"'{key}.id' must be an integer")
    state = _opt_str(obj, "state")
    if state is not None and state not in ("todo", "in progress", "done"):
        raise ImportRejected(f"'{key}.state' must be todo, in progress or done")
    details = tuple((k, _opt_str(obj, k)) for k in DETAILS if k in obj)
    ref = ArticleRef(
        article_id,
        _opt_str(obj, "title"),
        _opt_str(obj, "url"),
        _opt_str(obj, "sha256"),
        details,
        state,
        _annotator(_opt_str(obj, "state_by") or ""),
        _opt_str(obj, "state_at"),
    )
    if not (ref.sha256 or ref.url or ref.title or ref.id is not None):
        raise ImportRejected(f"'{key}' must name the article (sha256, url, title or id)")
    return ref


def _span(obj: dict[str, Any], quote: str) -> tuple[int, int]:
    start, end = _int(obj, "start"), _int(obj, "end")
    if start < 0 or end <= start:
        raise ImportRejected(f"offsets [{start}, {end}) are not a non-empty span")
    if end - start != len(quote):
        raise ImportRejected(
            f"offsets [{start}, {end}) do not fit the quote ({len(quote)} characters)"
        )
    return start, end


def parse_record(obj: object, line: int, raw: str) -> Record:
    if not isinstance(obj, dict):
        raise ImportRejected("expected a JSON object")
    uuid = _str(obj, "id")
    try:
        uuidlib.UUID(uuid)
    except ValueError as exc:
        raise ImportRejected(f"'id' is not a UUID: {uuid[:40]!r}") from exc
    quote = _str(obj, "quote")
    start, end = _span(obj, quote)
    label = _label(_str(obj, "label"))
    links_raw = obj.get("links", [])
    if not isinstance(links_raw, list):
        raise ImportRejected("'links' must be a list")
    links = []
    for i, item in enumerate(links_raw):
        if not isinstance(item, dict):
            raise ImportRejected(f"links[{i}] must be an object")
        text = _str(item, "text")
        ls, le = _span(item, text)
        score = item.get("score")
        if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= 100:
            raise ImportRejected(f"links[{i}].score must be a number from 0 to 100")
        status = _str(item, "status")
        if status not in ("suggested", "accepted", "rejected"):
            raise ImportRejected(f"links[{i}].status must be suggested, accepted or rejected")
        meaning = item.get("meaning")
        if meaning is not None and (
            not isinstance(meaning, (int, float))
            or isinstance(meaning, bool)
            or not 0 <= meaning <= 1
        ):
            raise ImportRejected(f"links[{i}].meaning must be null or a number from 0 to 1")
        sure = item.get("confidence")
        if sure is not None and (
            not isinstance(sure, (int, float)) or isinstance(sure, bool) or not 0 <= sure <= 1
        ):
            raise ImportRejected(f"links[{i}].confidence must be null or a number from 0 to 1")
        links.append(
            LinkRecord(
                _article_ref(item.get("target_article"), "target_article"),
                ls,
                le,
                text,
                float(score),
                status,
                None if meaning is None else float(meaning),
                None if sure is None else float(sure),
                _opt_str(item, "created"),
                _opt_str(item, "decided_at"),
                _opt_uuid(item, "target_annotation"),
            )
        )
    stamp = now_iso()
    return Record(
        line,
        uuid,
        _article_ref(obj.get("article"), "article"),
        start,
        end,
        quote,
        label,
        _str(obj, "note", required=False, limit=MAX_NOTE_CHARS),
        _annotator(_str(obj, "annotator", required=False)),
        _str(obj, "created", required=False, default=stamp),
        _str(obj, "updated", required=False, default=stamp),
        tuple(links),
        raw,
        _str(obj, "prefix", required=False),
        _str(obj, "suffix", required=False),
    )


def _opt_uuid(obj: dict[str, Any], key: str) -> str | None:
    value = _opt_str(obj, key)
    if value is not None and not _is_uuid(value):
        raise ImportRejected(f"'{key}' is not a UUID: {value[:40]!r}")
    return value


TypedRecord = ArticleRecord | LabelRecord | CurationRecord


def parse_typed(obj: dict[str, Any], line: int) -> TypedRecord:
    """A line with a ``record`` kind: a whole article, a label, or a curator's decision."""
    kind = obj.get("record")
    if kind == "article":
        text = _str(obj, "text")
        ref = _article_ref(obj, "article")
        if ref.sha256 != sha256_text(text):
            raise ImportRejected("the article's 'text' does not match its 'sha256'")
        if normalise_text(text) != text or not _str(obj, "title").strip():
            raise ImportRejected(
                "the article's text is not as Newsmark stores it (or it has no title)"
            )
        return ArticleRecord(
            line,
            ref,
            text,
            _opt_str(obj, "outlet"),
            _opt_str(obj, "author"),
            _opt_str(obj, "published"),
            _opt_str(obj, "language"),
            _opt_str(obj, "path"),
            _opt_str(obj, "encoding"),
            _opt_str(obj, "imported_at"),
        )
    if kind == "label":
        name = _label(_str(obj, "name"), "name")
        colour = _str(obj, "colour")
        if parse_colour(colour) is None:
            raise ImportRejected(f"'colour' {colour[:30]!r} is not #rrggbb or a colour name")
        return LabelRecord(
            line,
            name,
            one_line(_str(obj, "key", required=False), 20),
            colour,
            one_line(_str(obj, "description", required=False), 200),
        )
    if kind == "curation":
        spans = obj.get("settled")
        if not isinstance(spans, list) or not all(
            isinstance(s, list)
            and len(s) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in s)
            and 0 <= s[0] < s[1]
            for s in spans
        ):
            raise ImportRejected("'settled' must be a list of [start, end] offsets")
        return CurationRecord(
            line,
            _article_ref(obj.get("article"), "article"),
            _annotator(_str(obj, "first")),
            _annotator(_str(obj, "second")),
            tuple((int(a), int(b)) for a, b in spans),
        )
    raise ImportRejected(f"unknown record kind {str(kind)[:30]!r} (article, label or curation)")


def parse_prodigy(obj: object, line: int, raw: str, annotator: str = "") -> list[Record]:
    if not isinstance(obj, dict):
        raise ImportRejected("expected a JSON object")
    text = _str(obj, "text")
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        raise ImportRejected("'spans' must be a list")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ImportRejected("'meta' must be an object")
    sha = sha256_text(text)
    article_id = meta.get("article_id")
    ref = ArticleRef(
        article_id if isinstance(article_id, int) else None,
        _opt_str(meta, "title"),
        _opt_str(meta, "url"),
        sha,
    )
    records = []
    for i, span in enumerate(spans):
        if not isinstance(span, dict):
            raise ImportRejected(f"spans[{i}] must be an object")
        start, end = _int(span, "start"), _int(span, "end")
        if not 0 <= start < end <= len(text):
            raise ImportRejected(f"spans[{i}]: [{start}, {end}) is outside the text")
        label = _label(_str(span, "label"))
        given = span.get("id")
        uid = (
            given
            if isinstance(given, str) and _is_uuid(given)
            else str(uuidlib.uuid5(NAMESPACE, f"{sha}:{start}:{end}:{label}"))
        )
        stamp = now_iso()
        records.append(
            Record(
                line,
                uid,
                ref,
                start,
                end,
                text[start:end],
                label,
                "",
                _annotator(annotator),
                stamp,
                stamp,
                (),
                raw,
            )
        )
    return records


def _is_uuid(value: str) -> bool:
    try:
        uuidlib.UUID(value)
    except ValueError:
        return False
    return True


def detect_format(first: object) -> str:
    if isinstance(first, dict) and first.get("format") == FORMAT_NAME:
        return "jsonl"
    if isinstance(first, dict) and "text" in first and "spans" in first:
        return "prodigy"
    if isinstance(first, dict) and "quote" in first and "article" in first:
        return "jsonl"
    raise ImportRejected("not a Newsmark or Prodigy JSONL file (use --format to say which)")


def read_file(
    path: Path, fmt: str | None, annotator: str = ""
) -> tuple[list[Record | TypedRecord], list[tuple[str, str]]]:
    """Every record of the file, and every problem as (``file:line``, reason)."""
    lines = _lines(path)
    records: list[Record | TypedRecord] = []
    problems: list[tuple[str, str]] = []
    if not lines:
        return [], [(str(path), "empty file")]
    parsed: list[tuple[int, str, object]] = []
    for n, line in lines:
        try:
            parsed.append((n, line, loads_strict(line)))
        except ValueError as exc:
            problems.append((f"{path}:{n}", f"invalid JSON ({exc})"))
    if not parsed:
        return [], problems
    if fmt is None:
        try:
            fmt = detect_format(parsed[0][2])
        except ImportRejected as exc:
            return [], [*problems, (f"{path}:{parsed[0][0]}", str(exc))]
    for n, line, obj in parsed:
        if fmt == "jsonl" and isinstance(obj, dict) and "format" in obj:
            if obj.get("format") != FORMAT_NAME:
                problems.append((f"{path}:{n}", f"unknown format {obj.get('format')!r}"))
            elif obj.get("version") not in READABLE_VERSIONS:
                problems.append(
                    (
                        f"{path}:{n}",
                        f"format version {obj.get('version')!r} is not one this Newsmark"
                        f" reads (1 to {FORMAT_VERSION}): a newer Newsmark wrote it",
                    )
                )
            continue
        try:
            if fmt == "jsonl" and isinstance(obj, dict) and "record" in obj:
                records.append(parse_typed(obj, n))
            elif fmt == "jsonl":
                records.append(parse_record(obj, n, line))
            else:
                records.extend(parse_prodigy(obj, n, line, annotator))
        except ImportRejected as exc:
            problems.append((f"{path}:{n}", str(exc)))
    return records, problems


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
