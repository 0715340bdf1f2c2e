"""Linking against an archive too big for the database: reading its articles on Spark's
executors, and bringing the links home.

Nothing here imports Spark. The claims come as an annotations export, with their 3-grams
indexed; :mod:`~newsmark.annotations.linking.farplan` holds the passes that find what
``newsmark link`` would find; :func:`import_links` adds what they found to a database,
checking every field (the folder may come from anywhere).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import Match, linkable, tier_of
from newsmark.annotations.linking.normtext import normalise, shingle_hashes
from newsmark.annotations.spans import store
from newsmark.corpus.articles import MAX_TITLE_CHARS, NewArticle, add_article
from newsmark.corpus.dates import now_iso, parse_published
from newsmark.corpus.db import write
from newsmark.corpus.errors import ImportRejected, NewsmarkError
from newsmark.corpus.importer import article_from_json, check_unicode, loads_strict
from newsmark.corpus.normalise import normalise_text

Result = tuple[str, Any]  # ("link", record) / ("bad", (where, why)) / ("read", n) / ("skipped", n)


@dataclass(frozen=True)
class Claim:
    id: str  # the annotation's uuid
    quote: str
    label: str
    source_sha256: str  # its own article is not linked to itself


@dataclass(frozen=True)
class Claims:
    claims: list[Claim]
    index: dict[int, list[int]]  # 3-gram hash -> the claims that have it


def read_claims(path: Path) -> Claims:
    """The linkable annotations of a Newsmark JSONL export, and their 3-gram index."""
    claims: list[Claim] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsmarkError(f"{path}: cannot read the annotations export ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsmarkError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(obj, dict) or "format" in obj:
            continue  # the header line
        try:
            claim = Claim(
                str(obj["id"]), str(obj["quote"]), str(obj["label"]), str(obj["article"]["sha256"])
            )
        except (KeyError, TypeError) as exc:
            raise NewsmarkError(f"{path}:{number}: not a Newsmark annotation (no {exc})") from exc
        if linkable(claim.quote):
            claims.append(claim)
    index: dict[int, list[int]] = {}
    for i, claim in enumerate(claims):
        for h in set(shingle_hashes(normalise(claim.quote).words)):
            index.setdefault(h, []).append(i)
    return Claims(claims, index)


def link_record(
    article: NewArticle,
    claim: Claim,
    start: int,
    end: int,
    score: float,
    meaning: float | None = None,
    confidence: float | None = None,
) -> dict:
    """One link as ``newsmark spark link`` writes it: everything ``import-links`` needs
    to add the article and the suggestion, the article's whole text included."""
    text = article.text[start:end]
    return {
        "annotation": claim.id,
        "label": claim.label,
        "article": {
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published,
            "author": article.author,
            "language": article.language,
            "sha256": article.sha256,
            "text": article.text,
        },
        "start": start,
        "end": end,
        "text": text,
        "score": score,
        "meaning": meaning,
        "confidence": confidence,
        "tier": tier_of(claim.quote, text, score),
    }


def jsonl_articles(lines: Iterable[tuple[str, str]]) -> Iterator[tuple[str, NewArticle | str]]:
    """(where, line) of a JSONL corpus -> articles, as ``newsmark import`` reads them."""
    for where, line in lines:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            yield where, article_from_json(obj, Path(where.rsplit(":", 1)[0]), "utf-8")
        except json.JSONDecodeError as exc:
            yield where, f"not JSON ({exc.msg})"
        except ImportRejected as exc:
            yield where, str(exc)


def row_articles(rows: Iterable[tuple[str, dict]]) -> Iterator[tuple[str, NewArticle | str]]:
    """(where, a Parquet row as a dict with the JSONL columns) -> articles."""
    for where, row in rows:
        try:
            clean = {k: v for k, v in row.items() if v is not None}
            yield where, article_from_json(clean, Path(where), "utf-8")
        except ImportRejected as exc:
            yield where, str(exc)


def warc_articles(name: str, data: bytes) -> Iterator[tuple[str, NewArticle | str] | Result]:
    """The pages of one WARC file's bytes, extracted as ``newsmark import`` does; skipped
    records are counted (yielded as ``("skipped", n)``)."""
    from newsmark.corpus.warc import WarcCounts, extract, read_pages_from

    counts = WarcCounts()
    for page in read_pages_from(io.BytesIO(data), counts):
        yield f"{name}@{page.offset}", extract(page)
    for offset, why in counts.bad:
        yield f"{name}@{offset}", why
    yield ("skipped", counts.skipped)


# --- bringing the results home ----------------------------------------------------------


@dataclass
class Brought:
    articles_added: int = 0
    links_added: int = 0
    already: int = 0
    missing: set[str] = field(default_factory=set)  # annotations not in this database
    bad: list[str] = field(default_factory=list)  # "part-00000:12: why", every one
    parts: int = 0


MAX_PART_BYTES = 8 * 2**30  # one part of Spark's output; a larger "part" is not one
MAX_LINE_BYTES = 2 * 64 * 2**20  # one link record: its article (at most 64 MiB) and some
MAX_SCORE = 100.0
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _string(obj: dict, key: str, required: bool = False, limit: int = 0) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ImportRejected(f"'{key}' must be a{' non-empty' if required else ''} string")
    check_unicode(value, key)
    if limit and len(value) > limit:
        raise ImportRejected(f"'{key}' is longer than {limit:,} characters")
    return value


def _detail(value: str | None) -> str | None:
    """A title, outlet or byline from another machine: one line, nothing that drives a
    terminal (replaced one for one, as at import)."""
    if value is None:
        return None
    return " ".join(normalise_text(value).split()) or None


def _fraction(rec: dict, key: str, low: float) -> float | None:
    """An optional number from ``low`` to 1 (a cosine, a confidence)."""
    value = rec.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not low <= value <= 1
    ):
        raise ImportRejected(f"'{key}' must be empty or a finite number from {low:g} to 1")
    return float(value)


def parse_link_record(line: str) -> tuple[NewArticle, str, Match]:
    """One line of a ``links/part-*`` file, checked field by field: (article, annotation
    uuid, the passage: its ``article_id`` is 0), or :class:`ImportRejected` saying which
    field is wrong."""
    try:
        rec = loads_strict(line)
    except ValueError as exc:
        raise ImportRejected(f"not JSON ({exc})") from None
    if not isinstance(rec, dict):
        raise ImportRejected("not a link record (expected a JSON object)")
    uuid = _string(rec, "annotation", required=True, limit=200) or ""
    art = rec.get("article")
    if not isinstance(art, dict):
        raise ImportRejected("'article' must be an object")
    text = _string(art, "text", required=True) or ""
    if normalise_text(text) != text:
        raise ImportRejected(
            "the article text holds control characters or unnormalised line breaks"
            " (newsmark spark link never writes those)"
        )
    sha = _string(art, "sha256", required=True) or ""
    if not _HEX64.fullmatch(sha):
        raise ImportRejected("'sha256' is not a SHA-256 hex digest")
    try:
        published = parse_published(art.get("published"))
    except ImportRejected as exc:
        raise ImportRejected(f"article {exc}") from None
    article = NewArticle(
        title=(_detail(_string(art, "title", required=True, limit=10_000)) or "")[:MAX_TITLE_CHARS],
        text=text,
        outlet=_detail(_string(art, "outlet", limit=1000)),
        url=_detail(_string(art, "url", limit=4000)),
        published=published,
        author=_detail(_string(art, "author", limit=1000)),
        language=_detail(_string(art, "language", limit=50)),
    )
    if article.sha256 != sha:
        raise ImportRejected("'sha256' is not the SHA-256 of the article's text")
    start, end = rec.get("start"), rec.get("end")
    for key, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ImportRejected(f"'{key}' must be a whole number")
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        raise ImportRejected(
            f"offsets {start}-{end} are not a passage of the article (0 <= start < end"
            f" <= {len(text):,})"
        )
    if rec.get("text") != text[start:end]:
        raise ImportRejected("'text' is not the article's text at start-end")
    score = rec.get("score")
    if (
        not isinstance(score, (int, float))
        or isinstance(score, bool)
        or not math.isfinite(score)
        or not 0 <= score <= MAX_SCORE
    ):
        raise ImportRejected(f"'score' must be a finite number from 0 to {MAX_SCORE:g}")
    meaning = _fraction(rec, "meaning", -1.0)
    sure = _fraction(rec, "confidence", 0.0)
    for key in ("label", "tier"):
        _string(rec, key, limit=200)
    passage = Match(0, start, end, text[start:end], float(score), meaning, sure)
    return article, uuid, passage


def _part_lines(part: Path, brought: Brought) -> Iterator[tuple[str, str]]:
    """(where, line) of one part, read a line at a time: only a regular file (a link to
    ``/dev/zero`` or a FIFO is refused before a byte is read), at most ``MAX_PART_BYTES``,
    a line at most ``MAX_LINE_BYTES``; a bad line is reported and the next one read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(part, flags)
    except OSError as exc:
        why = "a symbolic link (not followed)" if part.is_symlink() else exc.strerror
        brought.bad.append(f"{part.name}: not read ({why})")
        return
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            brought.bad.append(f"{part.name}: not read (not a regular file)")
            return
        if st.st_size > MAX_PART_BYTES:
            brought.bad.append(
                f"{part.name}: not read ({st.st_size:,} bytes; a part is at most"
                f" {MAX_PART_BYTES:,})"
            )
            return
        brought.parts += 1
        number = 0
        while True:
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            where = f"{part.name}:{number}"
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                brought.bad.append(f"{where}: line longer than {MAX_LINE_BYTES:,} bytes")
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                brought.bad.append(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if line.strip():
                yield where, line


def import_links(db: sqlite_utils.Database, folder: Path) -> Brought:
    """Each target article added (by sha256, as any import), each link a suggestion on its
    annotation, as if ``newsmark link`` had found it; twice adds nothing. Every field of
    every line is checked (the folder may come from anywhere); a bad line is reported with
    its place and the run goes on."""
    from newsmark.annotations.linking.links import add_suggestion

    links = folder / "links"
    if not links.is_dir():
        raise NewsmarkError(
            f"{folder}: no links/ folder (is it the output of newsmark spark link?)"
        )
    brought = Brought()
    stamp = now_iso()
    for part in sorted(links.glob("part-*")):
        for where, line in _part_lines(part, brought):
            try:
                article, uuid, passage = parse_link_record(line)
            except ImportRejected as exc:
                brought.bad.append(f"{where}: {exc}")
                continue
            if store.get_annotation(db, uuid) is None:
                brought.missing.add(uuid)
                continue
            with write(db):
                article_id, added = add_article(db, article)
                brought.articles_added += added
                match = dataclasses.replace(passage, article_id=article_id)
                if add_suggestion(db, uuid, match, stamp=stamp):
                    brought.links_added += 1
                else:
                    brought.already += 1  # stored, or decided by the user before
    index_pending(db)
    return brought
