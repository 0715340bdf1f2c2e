"""The records an annotations file holds (our JSONL, Prodigy's), read and checked line by
line before anything is written: every string neutralised one character for one (so offsets
hold), labels that are label names, notes within their limit, ids that are UUIDs. What is
done with them is :mod:`annotations.formats.importing`'s."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsmark.annotations.formats.export import FORMAT_NAME, FORMAT_VERSION, READABLE_VERSIONS
from newsmark.annotations.settings.labels import parse_colour, valid_label_name
from newsmark.annotations.spans.limits import MAX_ANNOTATOR_CHARS, MAX_NOTE_CHARS
from newsmark.corpus.articles import sha256_text
from newsmark.corpus.dates import now_iso
from newsmark.corpus.errors import ImportRejected, NewsmarkError
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
