"""Web archives in: every HTML page a ``.warc`` or ``.warc.gz`` file holds becomes an article.

Crawls and newsroom archives keep pages as WARC files (Common Crawl's news crawl is one).
Each ``response`` record whose payload is HTML is extracted like a saved page; its target
URI is its address and its WARC date the publication date when the page gives none. Other
records (requests, metadata, images, redirects) are skipped and counted. Extraction is the
slow part (~20-35 ms a page), so it runs in a pool of processes, one per core, while this
process reads the archive and stores what comes back in batches, each one transaction.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import sqlite_utils

from newsmark.corpus.articles import NewArticle
from newsmark.corpus.errors import ImportRejected
from newsmark.corpus.fetch import CHUNK, MAX_PAGE_BYTES
from newsmark.corpus.html import article_from_html, decode_page
from newsmark.corpus.storing import ImportReport, store_articles

WARC_SUFFIXES = (".warc", ".warc.gz")
BATCH = 200  # articles stored per transaction
IN_FLIGHT = 64  # pages handed to the pool ahead of the one being stored: bounded memory


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class Page:
    offset: int  # of its record in the (compressed) file
    uri: str
    date: str | None
    body: bytes
    charset: str | None


@dataclass
class WarcCounts:
    pages: int = 0
    skipped: int = 0  # records that are not HTML responses
    bad: list[tuple[int, str]] = field(default_factory=list)


def read_pages(path: Path, counts: WarcCounts, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Page]:
    """The HTML responses of an archive file, in order (see :func:`read_pages_from`)."""
    with open(path, "rb") as stream:
        yield from read_pages_from(stream, counts, max_bytes)


def read_pages_from(
    stream: BinaryIO, counts: WarcCounts, max_bytes: int = MAX_PAGE_BYTES
) -> Iterator[Page]:
    """The HTML responses of an archive, in order. Every record that cannot be read whole is
    counted in ``counts.bad`` with its offset and never yielded (a page cut short is not
    stored as if complete):

    - a record whose body ends before its declared length (the file was cut, or the length
      is a lie);
    - a header cut short, and bytes at the end that are no complete record (a ``.warc.gz``
      cut inside a gzip member, which the reader would otherwise end on without a word).

    In a plain ``.warc`` a record that claims more bytes than the file holds would swallow
    every record after it: reading starts again at the next ``WARC/1.x`` line after it. In a
    ``.warc.gz`` each record is its own gzip member, so the next one is read as usual.
    """
    base = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(base)
    compressed = stream.read(2) == b"\x1f\x8b"
    while base is not None and base < size:
        stream.seek(base)
        base = yield from _read_run(stream, base, size, compressed, counts, max_bytes)


_NEXT_RECORD = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")


def _resume_after(stream: BinaryIO, offset: int) -> int | None:
    """Where the next record header starts after ``offset`` in a plain WARC, if anywhere."""
    stream.seek(offset + 1)
    tail = b""
    at = offset + 1
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        found = _NEXT_RECORD.search(window)
        if found:
            return at - len(tail) + found.start(1)
        tail = window[-16:]
        at += len(chunk)
    return None


def _read_run(
    stream: BinaryIO,
    base: int,
    size: int,
    compressed: bool,
    counts: WarcCounts,
    max_bytes: int,
) -> Iterator[Page]:
    """Records from ``base`` on; returns where to start again after a record that ran past
    the end of a plain file (``None`` when the file is done)."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream, check_digests=False)
    records.INC_RECORD = ""  # warcio's own warning on stderr: reported below instead
    stray = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio raises many kinds for a damaged file
            at = records.offset
            counts.bad.append((at, _why(exc)))
            return None if compressed else _resume_after(stream, at)
        offset = records.offset  # absolute; get_record_offset() would read the record away
        if records.err_count > stray:
            stray = records.err_count
            counts.bad.append(
                (offset, "stray bytes before this record (the one before is longer than it says)")
            )
        raw = record.raw_stream
        if record.length is None or not hasattr(raw, "limit"):
            counts.bad.append((offset, "a record header cut short (the file ends in it)"))
            continue
        if not compressed and offset + record.length > size:
            counts.bad.append((offset, _past_end(record.length, size - offset)))
            return _resume_after(stream, offset)
        try:
            page = _page(record, offset, max_bytes)
            while raw.read(CHUNK):  # the rest of a record not read for its page
                pass
        except ImportRejected as exc:
            counts.bad.append((offset, str(exc)))
            continue
        except Exception as exc:
            counts.bad.append((offset, _why(exc)))
            continue
        if raw.limit > 0:
            counts.bad.append((offset, _past_end(record.length, record.length - raw.limit)))
            continue
        if page is None:
            counts.skipped += 1
            continue
        counts.pages += 1
        yield page
    end = records.offset
    if end < size:
        counts.bad.append(
            (end, f"the last {size - end:,} bytes are no complete record (the file is cut short)")
        )
    return None


def _past_end(declared: int, there: int) -> str:
    return (
        f"cut short: the record declares {declared:,} bytes and only {max(0, there):,}"
        " follow in the file (not imported)"
    )


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:120]
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"unreadable record, damaged or cut short ({detail})"


def _page(record: object, offset: int, max_bytes: int) -> Page | None:
    if record.rec_type != "response" or record.http_headers is None:  # type: ignore[attr-defined]
        return None
    headers = record.http_headers  # type: ignore[attr-defined]
    status = headers.get_statuscode()
    kind = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if status != "200" or kind not in ("text/html", "application/xhtml+xml"):
        return None
    stream = record.content_stream()  # type: ignore[attr-defined]
    parts: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):  # warcio's readers return nothing for a huge read
        size += len(chunk)
        if size > max_bytes:
            raise ImportRejected(f"page larger than {max_bytes / 2**20:g} MiB (too big)")
        parts.append(chunk)
    body = b"".join(parts)
    charset = None
    content_type = headers.get_header("Content-Type") or ""
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    warc = record.rec_headers  # type: ignore[attr-defined]
    return Page(
        offset,
        warc.get_header("WARC-Target-URI") or "",
        warc.get_header("WARC-Date"),
        body,
        charset or None,
    )


def extract(page: Page) -> NewArticle | str:
    """One page's article, or why not (runs in a worker process)."""
    try:
        decoded = decode_page(page.body, page.charset)
        article = article_from_html(decoded.text, page.uri, decoded.encoding, url=page.uri)
    except ImportRejected as exc:
        return str(exc)
    if article.published is None and page.date and len(page.date) >= 10:
        article = replace(article, published=page.date[:10])
    return article


def import_warc(
    db: sqlite_utils.Database,
    path: Path,
    report: ImportReport,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> WarcCounts:
    """Import every HTML page of one archive; what could not be read goes to ``report``
    as ``PATH: record at byte N: reason``. ``progress`` gets the offset read up to."""
    from newsmark.corpus.web import stored_url

    counts = WarcCounts()
    name = str(path)
    batch: list[NewArticle] = []

    def store(result: NewArticle | str, page_offset: int) -> None:
        if isinstance(result, str):
            report.rejected.append((name, f"record at byte {page_offset}: {result}"))
        else:
            batch.append(result)
            if len(batch) >= BATCH:
                store_articles(db, batch, report)
                batch.clear()
        if progress:
            progress(page_offset)

    def fresh() -> Iterator[Page]:
        for page in read_pages(path, counts):
            if page.uri and stored_url(db, page.uri):
                report.duplicates += 1
                if progress:
                    progress(page.offset)
                continue
            yield page

    processes = workers or os.cpu_count() or 1
    if processes <= 1:
        for page in fresh():
            store(extract(page), page.offset)
    else:
        from newsmark.corpus.pool import worker_pool

        with worker_pool(processes) as pool:
            pending: list[tuple[int, object]] = []
            for page in fresh():
                pending.append((page.offset, pool.submit(extract, page)))
                if len(pending) >= IN_FLIGHT:
                    offset, future = pending.pop(0)
                    store(future.result(), offset)  # type: ignore[attr-defined]
            for offset, future in pending:
                store(future.result(), offset)  # type: ignore[attr-defined]
    if batch:
        store_articles(db, batch, report)
    for offset, reason in counts.bad:
        report.rejected.append((name, f"record at byte {offset}: {reason}"))
    return counts
