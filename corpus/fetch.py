"""Fetching a page or a feed over HTTP(S), with limits that a hostile server cannot get past.

Only ``http`` and ``https``; a redirect to anything else (``file:``, ``ftp:``) is refused, and
so is a chain of more than a few. Every read has a timeout, and the whole fetch a deadline
(a server that sends one byte a second never finishes otherwise). A body larger than the
limit is cut off and refused, and so is one that inflates past it (a gzip bomb): the
body is decompressed here, a piece at a time, never by trusting its declared size.
Each failure is a :class:`FetchError` whose message says why, in a few words.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import normalise_text, one_line

TIMEOUT = 15.0  # seconds for any one read, and the connection
DEADLINE = 60.0  # seconds for the whole fetch
MAX_PAGE_BYTES = 16 * 1024 * 1024  # a news page is well under 2 MB
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "newsmark/0.1 (+https://pypi.org/project/newsmark/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)


class FetchError(NewsmarkError):
    """A URL that could not be fetched; the message is the reason (no URL in it)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    body: bytes
    content_type: str  # lower-case media type, without parameters
    charset: str | None


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https addresses are fetched, not {parts.scheme!r}")
    if not parts.hostname:
        raise FetchError("no host in the address")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most ``MAX_REDIRECTS`` redirects, and only to http(s)."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(  # type: ignore[override]
        self, req: urllib.request.Request, fp: object, code: int, msg: str, headers: Message
    ) -> object:
        target = headers.get("Location") or headers.get("URI") or ""
        scheme = urlsplit(target).scheme.lower()
        if scheme and scheme not in ("http", "https"):
            raise FetchError(f"redirected to a {_clean(scheme)}: address, which is refused")
        return super().http_error_302(req, fp, code, msg, headers)  # type: ignore[arg-type]

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(  # type: ignore[override]
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"redirected to a {scheme or 'relative'}: address, which is refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _opener() -> urllib.request.OpenerDirector:
    # No proxy handler from the environment's settings would change what is allowed, but
    # the default FileHandler and FTPHandler are left out so no scheme but http(s) exists.
    return urllib.request.build_opener(
        _Redirects,
        urllib.request.HTTPHandler,
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )


def fetch(
    url: str,
    accept: tuple[str, ...] = HTML_TYPES,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
) -> Fetched:
    """GET ``url``; its body if it is one of the ``accept`` media types and within limits."""
    check_url(url)
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": ", ".join(accept) + ";q=1.0, */*;q=0.1",
            "Accept-Encoding": "gzip, identity",
        },
    )
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=timeout) as response:
            final = response.geturl()
            check_url(final)
            media = response.headers.get_content_type().lower()
            charset = response.headers.get_content_charset()
            encoding = (response.headers.get("Content-Encoding") or "identity").lower().strip()
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_big(max_bytes))
            raw = _read(response, max_bytes, started, deadline)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        raise FetchError(f"HTTP {exc.code} {_clean(str(exc.reason))}") from None
    except urllib.error.URLError as exc:
        raise FetchError(_reason(exc.reason)) from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s (timed out)") from None
    except (OSError, ValueError) as exc:  # reset connections, malformed responses
        raise FetchError(_reason(exc)) from None
    body = _decode(raw, encoding, max_bytes)
    if media not in accept and not _looks_like(body, accept):
        kind = "HTML" if accept == HTML_TYPES else "a feed"
        raise FetchError(f"not {kind} (the server says {_clean(media)})")
    return Fetched(final, body, media, charset)


def _read(response: object, max_bytes: int, started: float, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - started > deadline:
            raise FetchError(f"took longer than {deadline:g} s (timed out)")
        chunk = response.read(CHUNK)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_big(max_bytes))
        parts.append(chunk)


def _decode(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"content encoding {encoding!r} is not supported")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, max_bytes + 1)
    except zlib.error:
        raise FetchError(f"the {encoding} body is damaged") from None
    if len(body) > max_bytes or inflater.unconsumed_tail:
        raise FetchError(_too_big(max_bytes) + " once decompressed")
    return body


def _looks_like(body: bytes, accept: tuple[str, ...]) -> bool:
    """A server that says ``application/octet-stream`` (or nothing) may still send a page."""
    head = body[:1024].lstrip().lower()
    if accept == HTML_TYPES:
        return head.startswith((b"<!doctype html", b"<html"))
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head


def _clean(text: str) -> str:
    """A server's words, safe to print: one short line, no control characters."""
    return one_line(normalise_text(text))[:80]


def _too_big(max_bytes: int) -> str:
    return f"larger than {max_bytes / 2**20:g} MiB (too big)"


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "no answer (timed out)"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__
