"""Importing files, folders and globs of ``.txt``, ``.md`` and ``.jsonl`` into the store.

Each input is read only if it is a regular file under the size cap, decoded (see
:mod:`corpus.decode`), normalised (see :mod:`corpus.normalise`) and stored in its own
transaction, so one bad file never costs the good ones and a crash never leaves half a file.
"""

from __future__ import annotations

import codecs
import dataclasses
import glob
import io
import itertools
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from newsmark.corpus.articles import MAX_TITLE_CHARS, NewArticle
from newsmark.corpus.dates import parse_published
from newsmark.corpus.decode import decode_bytes
from newsmark.corpus.errors import ImportRejected
from newsmark.corpus.html import HTML_SUFFIXES, article_from_html
from newsmark.corpus.normalise import lone_surrogate, normalise_text
from newsmark.corpus.outputs import file_kind
from newsmark.corpus.paths import DEFAULT_MAX_BYTES
from newsmark.corpus.storing import ImportReport, store_articles

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl", ".html", ".htm")
MAX_TITLE_WORDS = 60  # a tabloid headline can run to 200+ characters; lists cut it
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
KINDS = ".txt, .md, .jsonl, .html, .htm, .warc or .warc.gz"


def _supported(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in SUPPORTED_SUFFIXES or name.endswith((".warc", ".warc.gz"))


@dataclass(frozen=True)
class Source:
    """One input found from the command line: a path to read, or a reason it was skipped."""

    path: Path
    skip_reason: str | None = None


def find_sources(paths: Iterable[str]) -> Iterator[Source]:
    """Expand files, folders (recursively, supported suffixes only) and glob patterns."""
    for raw in paths:
        p = Path(raw).expanduser()
        if not os.path.lexists(p) and glob.has_magic(raw):
            matches = sorted(glob.glob(os.path.expanduser(raw), recursive=True))
            if not matches:
                yield Source(p, "no file matches this pattern")
            for match in matches:
                yield from _expand(Path(match))
            continue
        yield from _expand(p)


def _expand(p: Path) -> Iterator[Source]:
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        yield Source(p, "no such file or folder")
        return
    except OSError as exc:
        yield Source(p, f"cannot read ({exc.strerror})")
        return
    if stat.S_ISLNK(st.st_mode):
        yield Source(p, "symbolic link (not followed; import its target instead)")
    elif stat.S_ISDIR(st.st_mode):
        try:
            children = sorted(p.iterdir())
        except OSError as exc:
            yield Source(p, f"cannot list folder ({exc.strerror})")
            return
        for child in children:
            if child.name.startswith("."):
                continue
            wanted = _supported(child)
            if wanted or (child.is_dir() and not child.is_symlink()):
                yield from _expand(child)
    elif not stat.S_ISREG(st.st_mode):
        yield Source(p, f"not a regular file ({file_kind(st.st_mode)})")
    elif not _supported(p):
        kind = p.suffix or "(none)"
        yield Source(p, f"unsupported file type {kind!r}; use {KINDS}")
    else:
        yield Source(p)


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """Read ``path`` only if it is a regular file no larger than ``max_bytes``.

    ``O_NOFOLLOW | O_NONBLOCK`` and a check on the open descriptor close the gap between
    looking at the path and opening it (a FIFO never blocks us, a swapped-in link is refused).
    """
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if st.st_size > max_bytes:
            raise ImportRejected(f"too big ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportRejected(f"too big (over {max_bytes:,} bytes)")
    return data


def looks_like_title(line: str) -> bool:
    """A headline is short, and does not end like a sentence or a clause."""
    line = line.strip()
    if not line or len(line) > MAX_TITLE_CHARS or len(line.split()) > MAX_TITLE_WORDS:
        return False
    return not line.endswith((".", ",", ";", ":", "\u2026")) or line.endswith("...")


def first_line_title(text: str, fallback: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            stripped = line.strip().lstrip("#").strip()
            return stripped if looks_like_title(stripped) else fallback
    return fallback


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a ``---`` block of ``key: value`` lines from the top of a Markdown file."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta: dict[str, str] = {}
    for line in text[4:end].split("\n"):
        if ":" in line:
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip('"').strip("'")
    return meta, text[end + 5 :].lstrip("\n")


def article_from_text(raw_text: str, path: Path, encoding: str, markdown: bool) -> NewArticle:
    text = normalise_text(raw_text)
    meta: dict[str, str] = {}
    if markdown:
        meta, text = parse_front_matter(text)
    text = text.strip("\n")
    if not text.strip():
        raise ImportRejected("no article text")
    title = meta.get("title") or first_line_title(text, fallback=path.stem)
    return NewArticle(
        title=normalise_text(title)[:MAX_TITLE_CHARS],
        text=text,
        outlet=meta.get("outlet") or meta.get("source") or None,
        url=meta.get("url") or None,
        published=parse_published(meta.get("published") or meta.get("date")),
        path=str(path),
        encoding=encoding,
    )


def check_unicode(value: str, key: str) -> None:
    """Refuse a string JSON allowed but UTF-8 cannot hold (``"\\ud800"``), saying where."""
    at = lone_surrogate(value)
    if at is not None:
        raise ImportRejected(
            f"'{key}' holds a lone surrogate at character {at} (not valid Unicode;"
            " JavaScript tools write these when they cut an emoji in half)"
        )


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def loads_strict(line: str) -> object:
    """JSON as RFC 8259 means it: no NaN/Infinity, no duplicate keys; nesting too deep for
    the parser is a ``ValueError`` like any other bad line, not a ``RecursionError``."""
    try:
        return json.loads(
            line, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except RecursionError:
        raise ValueError("nested too deeply") from None


def article_from_json(obj: object, path: Path, encoding: str) -> NewArticle:
    if not isinstance(obj, dict):
        raise ImportRejected("expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ImportRejected("missing 'text' (a non-empty string)")
    for key in ("title", "source", "outlet", "url", "author", "language"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ImportRejected(f"'{key}' must be a string")
    for key in ("text", "title", "source", "outlet", "url", "published", "author", "language"):
        value = obj.get(key)
        if isinstance(value, str):
            check_unicode(value, key)
    body = normalise_text(text).strip("\n")
    title = obj.get("title") or first_line_title(body, fallback=path.stem)
    outlet = obj.get("outlet") or obj.get("source")
    return NewArticle(
        title=normalise_text(str(title)).strip()[:MAX_TITLE_CHARS] or path.stem,
        text=body,
        outlet=normalise_text(outlet) if outlet else None,
        url=normalise_text(obj["url"]) if obj.get("url") else None,
        published=parse_published(obj.get("published")),
        path=str(path),
        encoding=encoding,
        author=normalise_text(obj["author"]) if obj.get("author") else None,
        language=normalise_text(obj["language"]) if obj.get("language") else None,
    )


def parse_file(path: Path, encoding: str | None, max_bytes: int) -> NewArticle:
    """The article in one ``.txt`` or ``.md`` file (JSONL goes through :func:`import_jsonl`)."""
    data = read_regular_file(path, max_bytes)
    decoded = decode_bytes(data, encoding)
    if path.suffix.lower() in HTML_SUFFIXES:
        return article_from_html(decoded.text, str(path), decoded.encoding)
    markdown = path.suffix.lower() in (".md", ".markdown")
    return article_from_text(decoded.text, path, decoded.encoding, markdown)


def import_paths(
    db: sqlite_utils.Database,
    paths: Iterable[str],
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_source: Callable[[Source], None] | None = None,
    sources: list[Source] | None = None,
    report: ImportReport | None = None,
    details: dict[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import everything ``paths`` names; report, never raise, for a bad input.

    ``details`` (``outlet``, ``published``) fill in what a ``.txt`` or ``.md`` file does
    not say itself."""
    report = report if report is not None else ImportReport()
    # Single-file articles are stored a batch at a time (one transaction each, as a JSONL
    # corpus is): a commit per file was a third of a large import. Each file is still
    # whole or absent, and an interrupted import is completed by running it again.
    batch: list[NewArticle] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if batch:
            store_articles(db, batch, report)
            batch.clear()
            size = 0

    listed = list(sources if sources is not None else find_sources(paths))
    plain = [s.path for s in listed if not s.skip_reason and _single_file(s.path)]
    parsed = _parsed(plain, encoding, max_bytes)
    for source in listed:
        if on_source:
            on_source(source)
        if source.skip_reason:
            report.rejected.append((str(source.path), source.skip_reason))
            continue
        report.files += 1
        try:
            if source.path.name.lower().endswith((".warc", ".warc.gz")):
                from newsmark.corpus.warc import import_warc

                flush()
                import_warc(db, source.path, report, progress=on_progress)
                continue
            if source.path.suffix.lower() == ".jsonl":
                flush()
                import_jsonl(db, source.path, encoding, max_bytes, report)
                continue
            article = next(parsed)
            if isinstance(article, str):
                raise ImportRejected(article)
            if details and source.path.suffix.lower() in TEXT_SUFFIXES:
                filled = {k: v for k, v in details.items() if not getattr(article, k)}
                article = dataclasses.replace(article, **filled)
        except ImportRejected as exc:
            report.rejected.append((str(source.path), str(exc)))
            continue
        batch.append(article)
        size += len(article.text)
        if len(batch) >= JSONL_BATCH_ARTICLES or size >= JSONL_BATCH_CHARS:
            flush()
    flush()
    return report


PARALLEL_MIN = 500  # files: fewer are parsed here, more on every core
PARALLEL_CHUNK = 64  # files a worker parses per task (fewer round trips)
PARALLEL_AHEAD = 8  # tasks in flight: parsed articles waiting are bounded, not the corpus


def _single_file(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith((".warc", ".warc.gz", ".jsonl"))


def _parse_many(paths: list[Path], encoding: str | None, max_bytes: int) -> list[NewArticle | str]:
    out: list[NewArticle | str] = []
    for path in paths:
        try:
            out.append(parse_file(path, encoding, max_bytes))
        except ImportRejected as exc:
            out.append(str(exc))
    return out


def _parsed(paths: list[Path], encoding: str | None, max_bytes: int) -> Iterator[NewArticle | str]:
    """Each file's article (or why not), in order: reading, decoding and normalising a large
    folder runs on every core while this process stores what is ready."""
    cores = os.cpu_count() or 1
    if len(paths) < PARALLEL_MIN or cores < 2:
        for path in paths:
            yield from _parse_many([path], encoding, max_bytes)
        return
    from collections import deque

    from newsmark.corpus.pool import worker_pool

    chunks = iter([paths[i : i + PARALLEL_CHUNK] for i in range(0, len(paths), PARALLEL_CHUNK)])
    with worker_pool(cores) as pool:
        window = deque(
            pool.submit(_parse_many, chunk, encoding, max_bytes)
            for chunk in itertools.islice(chunks, PARALLEL_AHEAD)
        )
        while window:
            done = window.popleft()
            following = next(chunks, None)
            if following is not None:
                window.append(pool.submit(_parse_many, following, encoding, max_bytes))
            yield from done.result()


JSONL_BATCH_ARTICLES = 500
JSONL_BATCH_CHARS = 16 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024


def import_jsonl(
    db: sqlite_utils.Database,
    path: Path,
    encoding: str | None,
    max_line: int,
    report: ImportReport,
) -> None:
    """A JSONL corpus, read line by line: memory is bounded by the longest line (at most
    ``max_line`` characters; a longer one is skipped and reported), never by the file.

    Articles are stored in batches, each one transaction; importing the file again after an
    interruption adds only what is missing (articles are matched by their text).
    """
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as raw:
        sniff = raw.read(_SNIFF_BYTES)
        if not sniff.strip():
            raise ImportRejected("empty file" if not sniff else "empty file (only whitespace)")
        used = encoding or _jsonl_encoding(sniff)
        raw.seek(0)
        try:
            text = io.TextIOWrapper(raw, encoding=used, errors="strict", newline="\n")
        except LookupError as exc:
            raise ImportRejected(f"unknown encoding {used!r}") from exc
        batch: list[NewArticle] = []
        size = 0
        found = 0
        number = 0
        while True:
            try:
                line = text.readline(max_line + 1)
            except UnicodeDecodeError as exc:
                report.rejected.append(
                    (
                        f"{path}:{number + 1}",
                        f"not valid {used} ({exc.reason}); the rest of the file was not read"
                        " (--encoding NAME if you know the file's encoding)",
                    )
                )
                break
            if not line:
                break
            number += 1
            if len(line) > max_line and not line.endswith("\n"):
                _skip_rest_of_line(text)
                report.rejected.append(
                    (f"{path}:{number}", f"line too long (over {max_line:,} characters)")
                )
                continue
            if not line.strip():
                continue
            found += 1
            try:
                try:
                    obj = loads_strict(line)
                except ValueError as exc:
                    raise ImportRejected(f"invalid JSON ({exc})") from exc
                article = article_from_json(obj, path, used)
            except ImportRejected as exc:
                report.rejected.append((f"{path}:{number}", str(exc)))
                continue
            batch.append(article)
            size += len(article.text)
            if len(batch) >= JSONL_BATCH_ARTICLES or size >= JSONL_BATCH_CHARS:
                store_articles(db, batch, report)
                batch, size = [], 0
        if batch:
            store_articles(db, batch, report)
        if not found and number:
            raise ImportRejected("no articles in this JSONL file")


def _skip_rest_of_line(text: io.TextIOWrapper) -> None:
    while True:
        chunk = text.readline(1 << 20)
        if not chunk or chunk.endswith("\n"):
            return


def _jsonl_encoding(sniff: bytes) -> str:
    """JSON is UTF-8 (RFC 8259); a BOM or a failed strict decode of the start says otherwise."""
    if sniff.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sniff.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    cut = sniff[: sniff.rfind(b"\n") + 1] or sniff
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return decode_bytes(cut).encoding


def _open_regular(path: Path) -> int:
    """Open ``path`` for reading only if it is a regular file (see :func:`read_regular_file`)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ImportRejected(f"cannot open ({exc.strerror})") from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ImportRejected(f"not a regular file ({file_kind(st.st_mode)})")
    return fd
