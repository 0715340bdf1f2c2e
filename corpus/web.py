"""Importing from the web: pages by URL, and every item of an RSS or Atom feed.

A URL already stored (as fetched or as the page's canonical address) is not fetched again,
so importing a list or a feed twice adds nothing and costs no requests. Pages are fetched
a few at a time; each one that fails is reported as ``URL: reason`` (whatever went wrong,
the server's own bytes never printed) and the rest imported.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import sqlite_utils

from newsmark.corpus.articles import NewArticle
from newsmark.corpus.errors import ImportRejected
from newsmark.corpus.fetch import (
    FEED_TYPES,
    MAX_PAGE_BYTES,
    PUBLIC_ONLY,
    TIMEOUT,
    Access,
    FetchError,
    fetch,
    is_url,
    redact,
)
from newsmark.corpus.html import article_from_html, decode_page
from newsmark.corpus.storing import ImportReport, store_articles

FETCHERS = 4  # pages fetched at once: polite to one site, quick for a list of many
MAX_FEED_ITEMS = 1000


def stored_url(db: sqlite_utils.Database, url: str) -> bool:
    """Whether a page was imported from ``url``, or declared it as its canonical address
    (a fetched page's ``path`` is the address it was fetched from)."""
    row = db.execute(
        "SELECT 1 FROM articles WHERE url = ? UNION ALL SELECT 1 FROM articles WHERE path = ?"
        " LIMIT 1",
        [url, url],
    ).fetchone()
    return row is not None


def page_article(
    url: str,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT,
    access: Access = PUBLIC_ONLY,
) -> NewArticle:
    """Fetch one page and extract its article (raises :class:`FetchError` or
    :class:`ImportRejected` with the reason)."""
    fetched = fetch(url, max_bytes=max_bytes, timeout=timeout, access=access)
    decoded = decode_page(fetched.body, fetched.charset)
    return article_from_html(decoded.text, url, decoded.encoding, url=fetched.url)


def import_urls(
    db: sqlite_utils.Database,
    urls: Iterable[str],
    report: ImportReport,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT,
    on_url: Callable[[str], None] | None = None,
    access: Access = PUBLIC_ONLY,
) -> None:
    """Fetch, extract and store each URL not stored yet; failures go to ``report``."""
    wanted: list[str] = []
    for url in dict.fromkeys(u.strip() for u in urls if u.strip()):
        report.urls += 1
        if stored_url(db, url):
            report.duplicates += 1
            if on_url:
                on_url(url)
        else:
            wanted.append(url)

    def work(url: str) -> NewArticle | str:
        try:
            return page_article(url, max_bytes, timeout, access)
        except (FetchError, ImportRejected) as exc:
            return str(exc)
        except Exception as exc:  # one page's surprise never costs the rest of the list
            return f"could not import the page ({type(exc).__name__})"

    with ThreadPoolExecutor(max_workers=FETCHERS) as pool:
        for url, result in zip(wanted, pool.map(work, wanted), strict=True):
            if on_url:
                on_url(url)
            if isinstance(result, str):
                report.rejected.append((redact(url), result))
            elif result.url and result.url != url and stored_url(db, result.url):
                report.duplicates += 1  # the same page under its canonical address
            else:
                store_articles(db, [result], report)


def read_url_list(path: Path) -> Iterator[str]:
    """The URLs in a file, one a line; blank lines and ``#`` comments skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected(f"cannot read the URL list ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ImportRejected("the URL list is not UTF-8 text") from exc
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise ImportRejected(f"line {number} is not an http(s) address: {redact(line)[:60]!r}")
        yield line


def feed_links(body: bytes, feed_url: str) -> list[str]:
    """The item links of an RSS (0.9x, 1.0, 2.0) or Atom feed, in feed order, absolute."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FetchError(f"not a readable feed ({exc})") from None
    links: list[str] = []
    for element in root.iter():
        name = _local(element.tag)
        if name not in ("item", "entry"):
            continue
        link = _item_link(element)
        if link:
            absolute = urldefrag(urljoin(feed_url, link.strip()))[0]
            if is_url(absolute):
                links.append(absolute)
    return list(dict.fromkeys(links))[:MAX_FEED_ITEMS]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _item_link(item: ET.Element) -> str | None:
    fallback = None
    for child in item:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href is None:  # RSS: the address is the element's text
            return child.text
        rel = child.get("rel", "alternate")
        if rel == "alternate":
            return href
        fallback = fallback or href
    return fallback


def import_feed(
    db: sqlite_utils.Database,
    feed_url: str,
    report: ImportReport,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT,
    on_url: Callable[[str], None] | None = None,
    access: Access = PUBLIC_ONLY,
) -> None:
    """Every item of the feed not stored yet (each item's address checked as any other)."""
    try:
        fetched = fetch(
            feed_url, accept=FEED_TYPES, max_bytes=max_bytes, timeout=timeout, access=access
        )
        links = feed_links(fetched.body, fetched.url)
    except FetchError as exc:
        report.rejected.append((redact(feed_url), str(exc)))
        return
    import_urls(db, links, report, max_bytes, timeout, on_url, access)
