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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from newsmark.annotations.formats.names import FOLDER_FORMATS, FORMATS
from newsmark.annotations.linking.links import Link, links_for
from newsmark.annotations.linking.matching import tier_of
from newsmark.annotations.settings.labels import DEFAULT_LABELS, UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus import outputs
from newsmark.corpus.db import database_path
from newsmark.corpus.errors import NewsmarkError, is_disk_full
from newsmark.corpus.normalise import neutralise

FORMAT_NAME = "newsmark-annotations"
FORMAT_VERSION = 2  # 2: typed records (article, label, curation) beside the annotations
READABLE_VERSIONS = (1, 2)
OFFSET_UNIT = "codepoint"
HEADER = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "offsets": OFFSET_UNIT}


class ExportError(NewsmarkError):
    """The export cannot be written where asked."""


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


def _articles(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, ArticleInfo]:
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


# --- our JSONL ---------------------------------------------------------------------------


def jsonl_records(db: sqlite_utils.Database, filters: Filters) -> Iterator[dict[str, Any]]:
    anns = selected(db, filters)
    all_links = {a.uuid: links_for(db, a.uuid, include_rejected=True) for a in anns}
    targets = {k.target_article_id for ks in all_links.values() for k in ks}
    articles = _articles(db, {a.article_id for a in anns} | targets)
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
        info = _articles(db, [article_id]).get(article_id)
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
        info = _articles(db, [article_id]).get(article_id)
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
    articles = _articles(db, {a.article_id for a in anns})
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
    articles = _articles(db, {a.article_id for a in anns} | targets)
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


# --- brat standoff -----------------------------------------------------------------------

BRAT_LINKS_FILE = "cross-article-links.tsv"


def brat_type(label: str) -> str:
    """brat entity types cannot contain spaces."""
    return re.sub(r"\s+", "_", label.strip()) or "label"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """brat spans cannot cross a newline: split into fragments, skipping blank ones."""
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if stop > pos:
            out.append((pos, stop))
        pos = stop + 1
    return out


def write_brat(
    db: sqlite_utils.Database,
    filters: Filters,
    folder: Path,
    labels: tuple[Label, ...] = DEFAULT_LABELS,
) -> int:
    """One ``<article id>.txt`` and ``.ann`` per article, brat's two configuration files (so
    brat shows the label set in its colours), and the cross-article links file."""
    anns = selected(db, filters)
    all_links = {a.uuid: links_for(db, a.uuid, include_rejected=True) for a in anns}
    articles = _articles(db, {a.article_id for a in anns})
    t_ids: dict[str, tuple[int, str]] = {}
    per_article: dict[int, list[Annotation]] = {}
    for ann in anns:
        per_article.setdefault(ann.article_id, []).append(ann)
    for article_id, group in per_article.items():
        art = articles[article_id]
        (folder / f"{article_id}.txt").write_text(art.text, encoding="utf-8", newline="\n")
        lines = []
        # Annotators who tagged the same span with the same label are one brat entity (brat
        # readers such as pybrat refuse two entities on one span); their notes are joined.
        same: dict[tuple[int, int, str], list[Annotation]] = {}
        for ann in group:
            same.setdefault((ann.start, ann.end, brat_type(ann.label)), []).append(ann)
        for n, ((start, end, kind), anns_here) in enumerate(same.items(), start=1):
            for ann in anns_here:
                t_ids[ann.uuid] = (article_id, f"T{n}")
            frags = _fragments(art.text, start, end)
            offsets = ";".join(f"{s} {e}" for s, e in frags)
            shown = " ".join(art.text[s:e] for s, e in frags)
            lines.append(f"T{n}\t{kind} {offsets}\t{neutralise(shown)}")
            notes = dict.fromkeys(" ".join(neutralise(a.note).split()) for a in anns_here)
            note = " | ".join(n for n in notes if n)
            if note:
                lines.append(f"#{n}\tAnnotatorNotes T{n}\t{note}")
        relations: dict[tuple[str, str], None] = {}
        for ann in group:
            for link in all_links[ann.uuid]:
                target = link.target_annotation_uuid
                if link.status == "accepted" and target in t_ids and t_ids[target][0] == article_id:
                    pair = (t_ids[ann.uuid][1], t_ids[target][1])
                    if pair[0] != pair[1]:
                        relations[pair] = None
        for r, (arg1, arg2) in enumerate(relations, start=1):
            lines.append(f"R{r}\tLinked Arg1:{arg1} Arg2:{arg2}")
        (folder / f"{article_id}.ann").write_text(
            "\n".join(lines) + "\n", encoding="utf-8", newline="\n"
        )
    _write_brat_links(db, folder, anns, all_links, t_ids)
    _write_brat_conf(folder, labels, sorted({a.label for a in anns}))
    return len(anns)


BRAT_LINK_COLUMNS = (
    "source_file",
    "source_id",
    "target_file",
    "target_id",
    "target_start",
    "target_end",
    "status",
    "score",
    "source_annotation",
    "target_annotation",
    "tier",
    "meaning",
)


def _write_brat_links(
    db: sqlite_utils.Database,
    folder: Path,
    anns: list[Annotation],
    all_links: dict[str, list[Link]],
    t_ids: dict[str, tuple[int, str]],
) -> None:
    """Links between articles (brat relations stay inside one document), every status.

    ``target_annotation`` is the annotation whose span the target passage is (the one an
    accept created, or one tagged there by hand); ``target_id`` its T-number when it was
    exported too.
    """
    rows = ["\t".join(BRAT_LINK_COLUMNS)]
    articles_out = {a.article_id for a in anns}
    for ann in anns:
        for link in sorted(
            all_links[ann.uuid], key=lambda k: (k.target_article_id, k.start, k.end)
        ):
            target = link.target_annotation_uuid or _annotation_at(
                db, link.target_article_id, link.start, link.end
            )
            if target in t_ids and t_ids[target][0] == ann.article_id:
                continue  # written as an R line in the .ann file
            tid = t_ids[target][1] if target in t_ids else ""
            # a file name only for an article this export wrote (the UUIDs name the rest)
            exported = link.target_article_id in articles_out
            target_file = f"{link.target_article_id}.ann" if exported else ""
            rows.append(
                f"{ann.article_id}.ann\t{t_ids[ann.uuid][1]}\t{target_file}\t"
                f"{tid}\t{link.start}\t{link.end}\t{link.status}\t{link.score}\t"
                f"{ann.uuid}\t{target or ''}\t{tier_of(ann.quote, link.text, link.score)}\t"
                f"{'' if link.meaning is None else link.meaning}"
            )
    (folder / BRAT_LINKS_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8", newline="\n")


def _annotation_at(db: sqlite_utils.Database, article_id: int, start: int, end: int) -> str | None:
    row = db.execute(
        'SELECT uuid FROM annotations WHERE article_id = ? AND start = ? AND "end" = ?'
        " ORDER BY id LIMIT 1",
        [article_id, start, end],
    ).fetchone()
    return str(row[0]) if row else None


def _write_brat_conf(folder: Path, labels: tuple[Label, ...], used: list[str]) -> None:
    """``annotation.conf`` declares the entity types and the ``Linked`` relation;
    ``visual.conf`` gives each its colour (labels not in the label set are grey)."""
    colours = {brat_type(lab.name): lab.colour for lab in labels}
    for name in used:
        colours.setdefault(brat_type(name), UNKNOWN_LABEL_COLOUR)
    conf = ["[entities]", *colours, "", "[relations]"]
    # Newsmark's spans may overlap and nest (two annotators, a figure inside a claim):
    # brat refuses overlapping entities unless the configuration allows them.
    conf += [
        "Linked\tArg1:<ENTITY>, Arg2:<ENTITY>",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        "",
    ]
    (folder / "annotation.conf").write_text("\n".join(conf), encoding="utf-8", newline="\n")
    visual = ["[labels]", *(f"{t} | {t.replace('_', ' ')}" for t in colours), "Linked | Linked"]
    visual += ["", "[drawing]"]
    visual += [f"{t}\tbgColor:{c}, fgColor:white" for t, c in colours.items()]
    visual += ["Linked\tcolor:#374151", ""]
    (folder / "visual.conf").write_text("\n".join(visual), encoding="utf-8", newline="\n")


# --- writing safely ----------------------------------------------------------------------


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
