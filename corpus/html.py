"""Web pages in: the article's main text and its details, without the page around it.

A saved news page is mostly not the article: navigation, cookie banners, related links,
comments. ``trafilatura`` (the extractor research and Common Crawl pipelines use) finds the
body and reads the page's metadata (``og:`` tags, JSON-LD, bylines, ``<time>``). What it
returns is untrusted text like any other: it is normalised here exactly as a ``.txt`` is,
so a title with escape sequences or bidi controls is stored harmless.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from newsmark.corpus.articles import MAX_TITLE_CHARS, NewArticle
from newsmark.corpus.decode import Decoded, decode_bytes
from newsmark.corpus.errors import ImportRejected
from newsmark.corpus.normalise import normalise_text
from newsmark.corpus.pagemeta import (
    http_url,
    is_cms_name,
    plausible_author,
    plausible_title,
    read_meta,
    tiny_text_warning,
)

HTML_SUFFIXES = (".html", ".htm")
MIN_WORDS = 15  # fewer words of main text than this is not an article
MAX_DETAIL_CHARS = 500  # an author, outlet or URL longer than this is not one


def _detail(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(normalise_text(value).split())
    return cleaned[:MAX_DETAIL_CHARS] or None


_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)", re.I)


def _declared_language(html: str) -> str | None:
    """The page's own ``<html lang>``: the extractor detects a language only with an
    optional detector installed."""
    found = _LANG.search(html[:20_000])
    return found.group(1).lower() if found else None


def decode_page(body: bytes, charset: str | None) -> Decoded:
    """A fetched or archived page's text: in the charset its headers name when that is a
    known one that reads it, else detected (servers name the wrong one often enough)."""
    known = None
    if charset:
        try:
            known = codecs.lookup(charset).name
        except LookupError:
            known = None
    if known:
        try:
            return decode_bytes(body, known)
        except ImportRejected:
            pass
    return decode_bytes(body)


def article_from_html(
    html: str, source: str, encoding: str | None = None, url: str | None = None
) -> NewArticle:
    """The article in one web page. ``source`` is where it came from (a file, or the
    address asked for), stored as its path; ``url`` is where a fetched page was found
    (after redirects), the stored address when the page declares no canonical one."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
        )
    except Exception as exc:  # a parser failure on hostile markup is the page's fault
        raise ImportRejected(f"could not read the page: {type(exc).__name__}") from exc
    body = getattr(doc, "text", None) if doc is not None else None
    if not isinstance(body, str) or len(body.split()) < MIN_WORDS:
        # a menu or a login page: what is left is a few link labels ("Home"), not news
        raise ImportRejected("no article text found in the page")
    # one paragraph a line from the extractor; a blank line between them, as in a .txt
    text = "\n\n".join(line for line in normalise_text(body).split("\n") if line.strip())
    meta = read_meta(html)
    title = next(
        (
            t
            for t in map(
                _detail,
                (getattr(doc, "title", None), meta.og_title, meta.ld_headline, meta.title_tag),
            )
            if plausible_title(t, meta)
        ),
        None,
    )
    if not title:
        first = text.split("\n", 1)[0]
        title = first if first.strip() else Path(source).stem
    outlet = next(
        (
            o
            for o in map(
                _detail,
                (
                    getattr(doc, "sitename", None),
                    meta.og_site_name,
                    meta.ld_publisher,
                    getattr(doc, "hostname", None),
                ),
            )
            if o and not is_cms_name(o, meta)
        ),
        None,
    )
    author = next(
        (
            a
            for a in (
                plausible_author(_detail(name), outlet)
                for name in (getattr(doc, "author", None), *meta.ld_authors)
            )
            if a
        ),
        None,
    )
    date = getattr(doc, "date", None)
    warning = tiny_text_warning(text, meta)
    return NewArticle(
        title=title[:MAX_TITLE_CHARS],
        text=text,
        outlet=outlet,
        url=next(
            (
                u
                for u in map(_detail, (getattr(doc, "url", None), meta.og_url, meta.ld_url))
                if http_url(u)
            ),
            url,
        ),
        published=date[:10] if isinstance(date, str) and len(date) >= 10 else None,
        path=source,
        encoding=encoding,
        author=author,
        language=_detail(getattr(doc, "language", None)) or _declared_language(html),
        warnings=(warning,) if warning else (),
    )
