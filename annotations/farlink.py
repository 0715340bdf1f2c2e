"""Linking against an archive too big for the database: the work one Spark task does, and
bringing its results home.

Nothing here imports Spark: a task gets the claims (an annotations export) and their hashed
3-grams, and scans its share of the articles with the same normalisation, candidate rule
and alignment as ``newsmark link``: an article is aligned against a claim when they share a
3-gram the database's index would keep of the article (every 4th; any shared run of 6
words is still found), and a passage is a link when
:func:`~newsmark.annotations.matching.align` scores it at the claim's floor. What a task
cannot do without the corpus is the full-text and meaning search for reworded claims: the
archive has no full-text index, so those tiers stay with ``newsmark link``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmark.annotations import store
from newsmark.annotations.matching import (
    DEFAULT_THRESHOLDS,
    Match,
    Thresholds,
    align,
    floor_for,
    index_pending,
    linkable,
    tier_of,
)
from newsmark.annotations.normtext import index_hashes, normalise, shingle_hashes
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import write
from newsmark.corpus.errors import ImportRejected, NewsmarkError
from newsmark.corpus.importer import article_from_json
from newsmark.corpus.migrations import now_iso

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


def link_record(article: NewArticle, claim: Claim, start: int, end: int, score: float) -> dict:
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
        "tier": tier_of(claim.quote, text, score),
    }


def scan(
    article: NewArticle, claims: Claims, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[dict]:
    """Every claim this article carries, as link records."""
    doc = normalise(article.text)
    hits: set[int] = set()
    for h in index_hashes(article.text):  # what the database's index would keep of it
        hits.update(claims.index.get(h, ()))
    sha = article.sha256
    out = []
    for i in sorted(hits):
        claim = claims.claims[i]
        if claim.source_sha256 == sha:
            continue
        query = normalise(claim.quote)
        aligned = align(query, doc, floor_for(query, thresholds))
        if aligned is None:
            continue
        score, first, last = aligned
        start, end = doc.original_span(first, last)
        out.append(link_record(article, claim, start, end, round(score, 1)))
    return out


def scan_articles(
    items: Iterable[tuple[str, NewArticle | str]], claims: Claims
) -> Iterator[Result]:
    """(where, article or why it is not one) -> tagged results; counts as it goes."""
    read = 0
    for where, item in items:
        if isinstance(item, str):
            yield ("bad", (where, item))
            continue
        read += 1
        for record in scan(item, claims):
            yield ("link", record)
    yield ("read", read)


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
    bad: list[str] = field(default_factory=list)


def import_links(db: sqlite_utils.Database, folder: Path) -> Brought:
    """Each target article added (by sha256, as any import), each link a suggestion on its
    annotation, as if ``newsmark link`` had found it; twice adds nothing."""
    from newsmark.annotations.links import add_suggestion

    parts = sorted((folder / "links").glob("part-*"))
    if not (folder / "links").is_dir():
        raise NewsmarkError(
            f"{folder}: no links/ folder (is it the output of newsmark spark link?)"
        )
    brought = Brought()
    stamp = now_iso()
    for part in parts:
        for number, line in enumerate(part.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{part.name}:{number}"
            try:
                rec = json.loads(line)
                art = rec["article"]
                article = NewArticle(
                    title=art["title"],
                    text=art["text"],
                    outlet=art.get("outlet"),
                    url=art.get("url"),
                    published=art.get("published"),
                    author=art.get("author"),
                    language=art.get("language"),
                )
                start, end = int(rec["start"]), int(rec["end"])
                uuid = str(rec["annotation"])
                score = float(rec["score"])
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                brought.bad.append(f"{where}: not a link record ({exc})")
                continue
            if article.sha256 != art.get("sha256") or article.text[start:end] != rec.get("text"):
                brought.bad.append(f"{where}: the passage does not match the article's text")
                continue
            if store.get_annotation(db, uuid) is None:
                brought.missing.add(uuid)
                continue
            with write(db):
                article_id, added = add_article(db, article)
                brought.articles_added += added
                match = Match(article_id, start, end, article.text[start:end], score)
                if add_suggestion(db, uuid, match, stamp=stamp):
                    brought.links_added += 1
                else:
                    brought.already += 1  # stored, or decided by the user before
    index_pending(db)
    return brought
