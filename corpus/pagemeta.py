"""A web page's own declarations (``og:`` tags, JSON-LD, ``<title>``), to check and fill in
what the extractor found.

Extractors get details wrong on real news pages in ways a reader spots at once: the title
is the content system's name ("escenic"), the byline is a placeholder ("No Author") or the
outlet and a date run together ("CBS News February 3"), the address is missing although
the page declares ``og:url``, and a page yields only a photo caption. Each such value is
refused here and the page's own declaration used instead; a text far too small for its
page is kept but warned about.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# Content systems whose name ends up where a headline or an outlet should be.
CMS_NAMES = frozenset(
    {
        "escenic",
        "wordpress",
        "wordpress vip",
        "drupal",
        "joomla",
        "arc publishing",
        "arc xp",
        "brightspot",
        "ghost",
        "blogger",
        "squarespace",
        "wix",
        "typo3",
        "sitecore",
        "adobe experience manager",
        "contentful",
        "polopoly",
        "methode",
        "naviga",
        "atex",
        "newspack",
        "hugo",
        "jekyll",
        "gatsby",
    }
)
PLACEHOLDER_AUTHORS = frozenset(
    {
        "no author",
        "unknown",
        "unknown author",
        "author",
        "admin",
        "administrator",
        "none",
        "null",
        "n/a",
        "anonymous",
        "staff",
        "editor",
        "web editor",
        "webmaster",
    }
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_WORDS = re.compile(rf"\b(?:{_MONTHS})\b|\d", re.I)
HEAD_CHARS = 400_000  # declarations sit in the head: never parse a huge page twice for them
TINY_TEXT = 600  # characters of article text below which a big page is suspicious
TINY_RATIO = 10  # ... when the page shows this many times more text


@dataclass(frozen=True)
class PageMeta:
    title_tag: str | None = None
    og_title: str | None = None
    og_url: str | None = None
    og_site_name: str | None = None
    generator: str | None = None
    ld_headline: str | None = None
    ld_url: str | None = None
    ld_publisher: str | None = None
    ld_authors: tuple[str, ...] = field(default=())
    visible_chars: int = 0  # the page's text without scripts and styles


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _ld_objects(data: object) -> list[dict]:
    """Every object in a JSON-LD block (lists and ``@graph`` flattened)."""
    out: list[dict] = []
    stack = [data]
    while stack and len(out) < 200:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            out.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])
    return out


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [n for n in [_clean(value.get("name"))] if n]
    if isinstance(value, list):
        return [n for v in value[:20] for n in _names(v)]
    return []


def _is_article(obj: dict) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds)


def read_meta(html: str) -> PageMeta:
    """What the page declares about itself (all values untrusted, whitespace folded)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html[:HEAD_CHARS] or "<html></html>")
    except Exception:  # not parseable markup: nothing declared
        return PageMeta()
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        value = _clean(element.get("content"))
        if key and value and key not in meta:
            meta[key] = value
    title_tag = None
    for element in root.iter("title"):
        title_tag = _clean(element.text_content())
        break
    headline = ld_url = publisher = None
    authors: list[str] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for obj in _ld_objects(data):
            if not _is_article(obj):
                continue
            headline = headline or _clean(obj.get("headline"))
            url = obj.get("url") or obj.get("mainEntityOfPage")
            if isinstance(url, dict):
                url = url.get("@id")
            ld_url = ld_url or _clean(url)
            publisher = publisher or next(iter(_names(obj.get("publisher"))), None)
            authors += [a for a in (_clean(n) for n in _names(obj.get("author"))) if a]
    for element in root.iter("script", "style", "noscript", "template"):
        element.text = ""
    visible = len(" ".join(root.text_content().split()))
    return PageMeta(
        title_tag=title_tag,
        og_title=meta.get("og:title") or meta.get("twitter:title"),
        og_url=meta.get("og:url"),
        og_site_name=meta.get("og:site_name"),
        generator=meta.get("generator"),
        ld_headline=headline,
        ld_url=ld_url,
        ld_publisher=publisher,
        ld_authors=tuple(dict.fromkeys(authors)),
        visible_chars=visible,
    )


def is_cms_name(value: str | None, meta: PageMeta) -> bool:
    """A content system's name where a headline or an outlet should be."""
    if not value:
        return False
    low = value.strip().lower()
    generator = (meta.generator or "").strip().lower()
    if low in CMS_NAMES:
        return True
    return bool(generator) and low in (generator, generator.split()[0])


def plausible_title(value: str | None, meta: PageMeta) -> bool:
    return bool(value and value.strip()) and not is_cms_name(value, meta)


def plausible_author(value: str | None, outlet: str | None) -> str | None:
    """A byline, or ``None`` for a placeholder ("No Author"), an outlet and a date run
    together ("CBS News February"), or anything with a number in it. A month alone is no
    reason: April Ryan and Theresa May are bylines."""
    if not value:
        return None
    name = " ".join(value.split()).strip(" ,;|-")
    low = name.lower()
    if outlet and low.startswith(outlet.lower()):
        rest = name[len(outlet) :].strip(" ,;|-")
        if not rest or _DATE_WORDS.search(rest):
            return None
    if low in PLACEHOLDER_AUTHORS or low.removeprefix("by ").strip() in PLACEHOLDER_AUTHORS:
        return None
    if any(ch.isdigit() for ch in name):  # a date or a number is not part of a name
        return None
    return name or None


def http_url(value: str | None) -> str | None:
    return value if value and value.lower().startswith(("http://", "https://")) else None


def tiny_text_warning(text: str, meta: PageMeta) -> str | None:
    """Why the extracted text may be only a caption or a teaser of the page, if it may."""
    chars = len(text)
    if chars < TINY_TEXT and meta.visible_chars >= TINY_RATIO * max(chars, 1):
        return (
            f"only {chars:,} characters of article text from a page showing"
            f" {meta.visible_chars:,}: perhaps a caption or a teaser, not the article"
            " (check it; save the page as shown, or import its text as .txt)"
        )
    return None
