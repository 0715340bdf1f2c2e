"""Exporting annotations: our JSONL, Prodigy/spaCy JSONL, W3C Web Annotation, brat standoff.

Every format counts offsets in Unicode code points over the stored article text, end
exclusive (the W3C model and brat count the same way; JavaScript tools count UTF-16 units,
so they must convert). Files are written atomically: a temporary file in the same folder,
fsync, rename, fsync of the folder; an interrupted export leaves the old file as it was.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from newsmark.annotations.formats.brat import write_brat
from newsmark.annotations.formats.names import FOLDER_FORMATS, FORMATS
from newsmark.annotations.formats.selection import ArticleInfo, article_infos, selected
from newsmark.annotations.formats.selection import Filters as Filters  # part of this module's API
from newsmark.annotations.linking.links import Link, links_for
from newsmark.annotations.linking.matching import tier_of
from newsmark.annotations.settings.labels import DEFAULT_LABELS, Label
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus import outputs
from newsmark.corpus.db import database_path
from newsmark.corpus.errors import NewsmarkError, is_disk_full

FORMAT_NAME = "newsmark-annotations"
FORMAT_VERSION = 2  # 2: typed records (article, label, curation) beside the annotations
READABLE_VERSIONS = (1, 2)
OFFSET_UNIT = "codepoint"
HEADER = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "offsets": OFFSET_UNIT}


class ExportError(NewsmarkError):
    """The export cannot be written where asked."""


# --- our JSONL ---------------------------------------------------------------------------


def jsonl_records(db: sqlite_utils.Database, filters: Filters) -> Iterator[dict[str, Any]]:
    anns = selected(db, filters)
    all_links = {a.uuid: links_for(db, a.uuid, include_rejected=True) for a in anns}
    targets = {k.target_article_id for ks in all_links.values() for k in ks}
    articles = article_infos(db, {a.article_id for a in anns} | targets)
    for ann in anns:
        art = articles[ann.article_id]
        yield {
            "id": ann.uuid,
            "article": art.details(),
            "start": ann.start,
            "end": ann.end,
            "quote": ann.quote,
            "prefix": ann.prefix,
            "suffix": ann.suffix,
            "label": ann.label,
            "note": ann.note,
            "annotator": ann.annotator,
            "created": ann.created,
            "updated": ann.updated,
            "links": [
                _link_record(k, articles, ann.quote)
                for k in sorted(
                    all_links[ann.uuid], key=lambda k: (k.target_article_id, k.start, k.end)
                )
            ],
        }


def _link_record(link: Link, articles: dict[int, ArticleInfo], quote: str) -> dict[str, Any]:
    target = articles[link.target_article_id]
    return {
        "target_article": target.ref(),
        "start": link.start,
        "end": link.end,
        "text": link.text,
        "score": link.score,
        "status": link.status,
        "tier": tier_of(quote, link.text, link.score),
        "meaning": link.meaning,
        "confidence": link.confidence,
        "created": link.created,
        "decided_at": link.decided_at,
        "target_annotation": link.target_annotation_uuid,  # the accepted copy's id
    }


def dumps(record: object) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False, allow_nan=False)


def write_jsonl(db: sqlite_utils.Database, filters: Filters, out: IO[str]) -> int:
    """The header; with ``with_articles`` the label set and every article (text and all);
    the annotations; then the curators' settled passages (if any). Returns annotations
    written. A plain export stays what readers of version 1 expect unless a curator has
    settled something."""
    out.write(dumps(HEADER) + "\n")
    if filters.with_articles:
        for record in label_records(db):
            out.write(dumps(record) + "\n")
        for record in article_records(db, filters):
            out.write(dumps(record) + "\n")
    count = 0
    for record in jsonl_records(db, filters):
        out.write(dumps(record) + "\n")
        count += 1
    for record in curation_records(db, filters):
        out.write(dumps(record) + "\n")
    return count


def label_records(db: sqlite_utils.Database) -> Iterator[dict[str, Any]]:
    """The file's label set (names, keys, colours, what each means), in its order."""
    for name, key, colour, description, position in db.execute(
        "SELECT name, key, colour, description, position FROM labels ORDER BY position"
    ):
        yield {
            "record": "label",
            "name": name,
            "key": key,
            "colour": colour,
            "description": description,
            "position": position,
        }


def article_records(db: sqlite_utils.Database, filters: Filters) -> Iterator[dict[str, Any]]:
    """Whole articles: every one when nothing narrows the export, otherwise those the
    exported annotations are in or link to."""
    narrowed = filters.labels or filters.articles or filters.since or filters.annotators
    if narrowed:
        anns = selected(db, filters)
        ids = {a.article_id for a in anns} | {
            k.target_article_id for a in anns for k in links_for(db, a.uuid, True)
        }
    else:
        ids = {int(r[0]) for r in db.execute("SELECT id FROM articles")}
    for article_id in sorted(ids):
        row = db.execute(
            "SELECT path, encoding, imported_at FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        info = article_infos(db, [article_id]).get(article_id)
        if info is None or row is None:
            continue
        yield {
            "record": "article",
            **info.details(),
            "path": row[0],
            "encoding": row[1],
            "imported_at": row[2],
            "text": info.text,
        }


def curation_records(db: sqlite_utils.Database, filters: Filters) -> Iterator[dict[str, Any]]:
    """The passages a curator settled between two annotators (kept into the gold layer),
    for the articles exported."""
    from newsmark.annotations.desk.agreement import settled_passages

    wanted = set(filters.articles)
    for article_id, first, second, spans in settled_passages(db):
        if wanted and article_id not in wanted:
            continue
        info = article_infos(db, [article_id]).get(article_id)
        if info is None:
            continue
        yield {
            "record": "curation",
            "article": info.ref(),
            "first": first,
            "second": second,
            "settled": [list(span) for span in spans],
        }


# --- Prodigy / spaCy ---------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+|[^\w\s]|\s+")


def tokens_for(text: str, cuts: set[int]) -> list[dict[str, Any]]:
    """Tokens (words, punctuation, and whitespace other than one trailing space) also split
    at every span boundary, so that every span starts and ends on a token boundary, as
    ``Doc.char_span`` needs, and the tokens with their ``ws`` rebuild the text exactly,
    line breaks included (as spaCy keeps them: a whitespace token)."""
    pieces: list[tuple[int, int]] = []
    for m in _TOKEN_RE.finditer(text):
        start, end = m.start(), m.end()
        follows_word = pieces and pieces[-1][1] == start and not text[pieces[-1][0]].isspace()
        if text[start] == " " and follows_word:
            start += 1  # one space: the previous token's trailing whitespace (ws)
            if start == end:
                continue
        for stop in [*sorted(c for c in cuts if start < c < end), end]:
            pieces.append((start, stop))
            start = stop
    tokens: list[dict[str, Any]] = []
    for i, (start, end) in enumerate(pieces):
        nxt = pieces[i + 1][0] if i + 1 < len(pieces) else len(text)
        tokens.append(
            {
                "text": text[start:end],
                "start": start,
                "end": end,
                "id": i,
                "ws": nxt == end + 1 and text[end] == " ",
            }
        )
    return tokens


def prodigy_records(db: sqlite_utils.Database, filters: Filters) -> Iterator[dict[str, Any]]:
    anns = selected(db, filters)
    articles = article_infos(db, {a.article_id for a in anns})
    by_article: dict[int, list[Annotation]] = {}
    for ann in anns:
        by_article.setdefault(ann.article_id, []).append(ann)
    for article_id, group in by_article.items():
        art = articles[article_id]
        tokens = tokens_for(art.text, {c for a in group for c in (a.start, a.end)})
        starts = {t["start"]: t["id"] for t in tokens}
        ends = {t["end"]: t["id"] for t in tokens}
        spans = []
        for ann in group:
            s = _snap_token(ann.start, starts, forward=True)
            e = _snap_token(ann.end, ends, forward=False)
            spans.append(
                {
                    "start": ann.start,
                    "end": ann.end,
                    "label": ann.label,
                    "token_start": s,
                    "token_end": e,
                    "id": ann.uuid,
                }
            )
        yield {
            "text": art.text,
            "tokens": tokens,
            "spans": spans,
            "meta": {
                "article_id": art.id,
                "title": art.title,
                "outlet": art.outlet,
                "url": art.url,
                "sha256": art.sha256,
                "offsets": OFFSET_UNIT,
            },
        }


def _snap_token(offset: int, table: dict[int, int], forward: bool) -> int:
    if offset in table:
        return table[offset]
    keys = sorted(table)
    later = [k for k in keys if k >= offset] if forward else [k for k in keys if k <= offset]
    if not later:
        return table[keys[-1]] if keys else 0
    return table[later[0] if forward else later[-1]]


def write_prodigy(db: sqlite_utils.Database, filters: Filters, out: IO[str]) -> int:
    count = 0
    for record in prodigy_records(db, filters):
        out.write(dumps(record) + "\n")
        count += len(record["spans"])
    return count


# --- W3C Web Annotation ------------------------------------------------------------------

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _w3c_target(
    art: ArticleInfo, start: int, end: int, exact: str, prefix: str, suffix: str
) -> dict[str, Any]:
    return {
        "source": art.url or f"urn:newsmark:sha256:{art.sha256}",
        "selector": [
            {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }


def w3c_document(db: sqlite_utils.Database, filters: Filters) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    anns = selected(db, filters)
    all_links = {a.uuid: links_for(db, a.uuid) for a in anns}
    targets = {k.target_article_id for ks in all_links.values() for k in ks}
    articles = article_infos(db, {a.article_id for a in anns} | targets)
    for ann in anns:
        art = articles[ann.article_id]
        body: list[dict[str, Any]] = [
            {"type": "TextualBody", "purpose": "tagging", "value": ann.label}
        ]
        if ann.note:
            body.append(
                {
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": ann.note,
                    "format": "text/plain",
                }
            )
        items.append(
            {
                "id": f"urn:uuid:{ann.uuid}",
                "type": "Annotation",
                "motivation": "tagging",
                "creator": {"type": "Person", "nickname": ann.annotator},
                "created": ann.created,
                "modified": ann.updated,
                "body": body,
                "target": _w3c_target(art, ann.start, ann.end, ann.quote, ann.prefix, ann.suffix),
            }
        )
        for link in all_links[ann.uuid]:
            if link.status != "accepted":
                continue
            other = articles[link.target_article_id]
            text = other.text
            items.append(
                {
                    "id": f"urn:newsmark:link:{ann.uuid}:{link.target_article_id}:{link.start}",
                    "type": "Annotation",
                    "motivation": "linking",
                    "created": link.decided_at or link.created,
                    "target": [
                        _w3c_target(art, ann.start, ann.end, ann.quote, ann.prefix, ann.suffix),
                        _w3c_target(
                            other,
                            link.start,
                            link.end,
                            link.text,
                            text[max(0, link.start - 32) : link.start],
                            text[link.end : link.end + 32],
                        ),
                    ],
                }
            )
    return {
        "@context": W3C_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Newsmark annotations",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def write_w3c(db: sqlite_utils.Database, filters: Filters, out: IO[str]) -> int:
    doc = w3c_document(db, filters)
    out.write(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    return int(doc["total"])


def export_to_file(
    db: sqlite_utils.Database,
    fmt: str,
    filters: Filters,
    dest: Path,
    force: bool,
    labels: tuple[Label, ...] = DEFAULT_LABELS,
) -> int:
    """Write ``fmt`` to ``dest`` atomically (a folder for brat). Returns annotations written.

    What may be written where is :mod:`corpus.outputs`' call: never the open database or a
    folder holding it, a device or FIFO only written through, a folder replaced only if an
    earlier export made it. A killed export's temporary files are removed first.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    source = database_path(db)
    database = Path(source) if source else None
    if fmt in FOLDER_FORMATS:
        target = outputs.check_folder_target(dest, database, force)
        outputs.remove_leftovers(target.path, folder=True)
        if not target.exists:  # the leftovers' clean-up may have put a cut swap back
            target = outputs.check_folder_target(dest, database, force)
        return _export_folder(db, fmt, filters, target.path, labels)
    target = outputs.check_file_target(dest, database, force)
    if target.through:
        fd = outputs.open_through(target.path)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            return write_stream(db, fmt, filters, out)
    outputs.remove_leftovers(target.path)
    with outputs.temp_file(target.path) as (fd, tmp):
        try:
            with open(fd, "w", encoding="utf-8", newline="\n", closefd=False) as out:
                count = write_stream(db, fmt, filters, out)
                out.flush()
                os.fsync(fd)
            os.replace(tmp, target.path)
            outputs.fsync_dir(target.path.parent)
        except OSError as exc:
            raise ExportError(_failed(dest, exc)) from exc
    return count


def _failed(dest: Path, exc: OSError) -> str:
    if is_disk_full(exc):
        return (
            f"{dest}: export failed: the disk is full; nothing was replaced (free some space"
            " and export again)"
        )
    return f"{dest}: export failed, nothing was replaced ({exc.strerror})"


def _export_folder(
    db: sqlite_utils.Database, fmt: str, filters: Filters, dest: Path, labels: tuple[Label, ...]
) -> int:
    """A folder format (brat, xmi, label-studio) written beside ``dest`` and swapped in
    whole."""
    with outputs.temp_folder(dest) as tmp:
        try:
            if fmt == "brat":
                count = write_brat(db, filters, tmp, labels)
            elif fmt == "label-studio":
                from newsmark.annotations.formats.labelstudio import write_label_studio

                count = write_label_studio(db, selected(db, filters), tmp, labels)
            else:
                from newsmark.annotations.formats.xmi import write_xmi

                count = write_xmi(db, selected(db, filters), tmp)
            for f in tmp.iterdir():
                with f.open("rb") as fh:
                    os.fsync(fh.fileno())
            outputs.fsync_dir(tmp)
            outputs.replace_folder(tmp, dest)
        except OSError as exc:
            raise ExportError(_failed(dest, exc)) from exc
    return count


def write_stream(db: sqlite_utils.Database, fmt: str, filters: Filters, out: IO[str]) -> int:
    if fmt == "jsonl":
        return write_jsonl(db, filters, out)
    if fmt == "prodigy":
        return write_prodigy(db, filters, out)
    if fmt == "w3c":
        return write_w3c(db, filters, out)
    raise ExportError(f"the {fmt} format writes a folder: give one with -o")


@contextmanager
def snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """Read everything in one transaction so a concurrent writer cannot tear the export."""
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.execute("ROLLBACK")
