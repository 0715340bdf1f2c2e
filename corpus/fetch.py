"""Fetching a page or a feed over HTTP(S), with limits that a hostile server cannot get past.

Pages come from addresses found in other people's content (feeds, URL lists, redirects), so
the fetcher trusts none of them:

- Only ``http`` and ``https``, at most a few redirects, each hop checked like the first.
- The host is resolved here and every address it resolves to is checked: loopback,
  private, link-local (cloud metadata at 169.254.169.254), unspecified, multicast and
  reserved addresses are refused unless the user allows private addresses. The connection
  goes to the address that was checked, so a name cannot resolve differently in between.
- One deadline per page covers connecting, the headers and the body. A watchdog shuts the
  socket when it passes: a server sending one byte a second is cut off on time (a per-read
  timeout alone never fires for it).
- The body is counted as it arrives and again as it is decompressed (a gzip bomb).
- Every failure is one :class:`FetchError` whose message is a few plain words, safe to
  print: never the server's raw bytes, never a password from the address.

The standard library's ``http.client`` does the HTTP; the connection, redirects and limits
are ours. urllib3 and httpx were considered: their timeouts are per operation too, and
connecting to a pre-checked address needs the same custom connection classes in either.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit, urlunsplit

from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import normalise_text, one_line

TIMEOUT = 15.0  # seconds for connecting, and for any one read
DEADLINE = 60.0  # seconds for the whole page: connect, headers and body, all hops
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
REDIRECT_CODES = (301, 302, 303, 307, 308)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(NewsmarkError):
    """A URL that could not be fetched; the message is the reason (no URL in it)."""


@dataclass(frozen=True)
class Access:
    """Which addresses may be fetched. By default only public ones: ``--allow-private``
    (for an intranet, or a server on this machine) lifts that; ``networks`` allows a few
    ranges by name and nothing else (tests, and a trusted internal host)."""

    allow_private: bool = False
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=())

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` is not fetched, or ``None`` if it may be."""
        if self.allow_private or any(address in net for net in self.networks):
            return None
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        for test, what in (
            ("is_unspecified", "an unspecified address"),
            ("is_loopback", "a loopback address (this machine)"),
            ("is_link_local", "a link-local address (cloud metadata lives there)"),
            ("is_multicast", "a multicast address"),
            ("is_private", "a private-network address"),
            ("is_reserved", "a reserved address"),
        ):
            if getattr(address, test):
                return what
        if not address.is_global:
            return "not a public address"
        return None


PUBLIC_ONLY = Access()


@dataclass(frozen=True)
class Fetched:
    url: str  # where the body came from, after redirects
    body: bytes
    content_type: str  # lower-case media type, without parameters
    charset: str | None


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def redact(url: str) -> str:
    """``url`` fit to print: a user name and password in it are replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def check_url(url: str) -> SplitResult:
    """The parts of an address that may be fetched, or why it may not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port that is not a number, an unbalanced [
        raise FetchError(f"not a valid address ({_clean(str(exc))})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https addresses are fetched, not {_clean(parts.scheme)!r}")
    if not parts.hostname:
        raise FetchError("no host in the address")
    if parts.username is not None or parts.password is not None:
        raise FetchError(
            "the address holds a user name or password, which Newsmark does not send"
            " (remove it; it is not shown here)"
        )
    if port == 0:
        raise FetchError("port 0 is not a port")
    return parts


def _resolve(host: str, port: int, access: Access, deadline: _Watchdog) -> list[tuple]:
    """Every address ``host`` resolves to; all must be allowed (a name that resolves to one
    public and one private address is refused: which one a connection takes is not ours)."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        infos = [
            (
                socket.AF_INET6 if literal.version == 6 else socket.AF_INET,
                (str(literal), port) if literal.version == 4 else (str(literal), port, 0, 0),
            )
        ]
    else:
        try:
            found = deadline.run(
                lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), "DNS"
            )
        except socket.gaierror:
            raise FetchError("host not found (DNS)") from None
        except UnicodeError:
            raise FetchError("the host name is not valid") from None
        infos = [(family, sockaddr) for family, _t, _p, _c, sockaddr in found]
    if not infos:
        raise FetchError("host not found (DNS)")
    for _family, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        why = access.refusal(address)
        if why is not None:
            raise FetchError(
                f"refused: the host is {why}, {address} (--allow-private fetches such addresses)"
            )
    return infos


class _Watchdog:
    """One deadline for a whole fetch. When it passes, the socket in use is shut down, so a
    blocked read returns at once whatever the server does."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return self.ends - time.monotonic()

    def check(self) -> None:
        if self.fired or self.left() <= 0:
            self.fired = True
            raise FetchError(f"took longer than {self.seconds:g} s (timed out)")

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.fired and sock is not None:
                _shut(sock)

    def run(self, call, what: str):  # type: ignore[no-untyped-def]
        """``call()`` in a helper thread, given up at the deadline (DNS look-ups cannot be
        interrupted any other way)."""
        box: dict[str, object] = {}

        def target() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:
                box["error"] = exc

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(max(0.0, self.left()))
        if thread.is_alive():
            self.fired = True
            raise FetchError(f"{what} took longer than {self.seconds:g} s (timed out)")
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                _shut(self._sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


def _connect(
    parts: SplitResult, access: Access, timeout: float, watchdog: _Watchdog
) -> http.client.HTTPConnection:
    host = parts.hostname or ""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    infos = _resolve(host, port, access, watchdog)
    last: OSError | None = None
    for family, sockaddr in infos:
        watchdog.check()
        sock = socket.socket(family, socket.SOCK_STREAM)
        watchdog.watch(sock)
        sock.settimeout(max(0.05, min(timeout, watchdog.left())))
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        if https:
            context = ssl.create_default_context()
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except (OSError, ssl.SSLError):
                sock.close()
                raise
            watchdog.watch(sock)
        conn = (http.client.HTTPSConnection if https else http.client.HTTPConnection)(
            host, port, timeout=timeout
        )
        conn.sock = sock  # connected to the address that was checked, never re-resolved
        return conn
    assert last is not None
    raise last


def fetch(
    url: str,
    accept: tuple[str, ...] = HTML_TYPES,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT,
    deadline: float | None = None,
    access: Access = PUBLIC_ONLY,
) -> Fetched:
    """GET ``url``; its body if it is one of the ``accept`` media types and within limits."""
    watchdog = _Watchdog(DEADLINE if deadline is None else deadline)
    try:
        return _fetch(url, accept, max_bytes, timeout, access, watchdog)
    except FetchError:
        raise
    except Exception as exc:
        if watchdog.fired or watchdog.left() < 0.25:  # the last read's timeout was the deadline
            raise FetchError(f"took longer than {watchdog.seconds:g} s (timed out)") from None
        raise FetchError(_reason(exc)) from None
    finally:
        watchdog.cancel()
        watchdog.watch(None)


def _fetch(
    url: str,
    accept: tuple[str, ...],
    max_bytes: int,
    timeout: float,
    access: Access,
    watchdog: _Watchdog,
) -> Fetched:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accept) + ";q=1.0, */*;q=0.1",
        "Accept-Encoding": "gzip, identity",
    }
    for _hop in range(MAX_REDIRECTS + 1):
        parts = check_url(url)
        conn = _connect(parts, access, timeout, watchdog)
        try:
            target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
            sock = conn.sock  # the connection lets go of it once the answer says "close"
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            if response.status in REDIRECT_CODES:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} redirect with no Location")
                url = urldefrag(urljoin(url, location.strip()))[0]
                scheme = urlsplit(url).scheme.lower()
                if scheme not in ("http", "https"):
                    raise FetchError(
                        f"redirected to a {_clean(scheme) or 'relative'}: address, which is refused"
                    )
                continue
            if not 200 <= response.status < 300:
                raise FetchError(f"HTTP {response.status} {_clean(response.reason or '')}".strip())
            media = response.msg.get_content_type().lower()
            charset = response.msg.get_content_charset()
            encoding = (response.getheader("Content-Encoding") or "identity").lower().strip()
            declared = response.getheader("Content-Length") or ""
            if declared.strip().isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_big(max_bytes))
            raw = _read(response, sock, max_bytes, timeout, watchdog)
        finally:
            conn.close()
        body = _decode(raw, encoding, max_bytes)
        if media not in accept and not _looks_like(body, accept):
            kind = "HTML" if accept == HTML_TYPES else "a feed"
            raise FetchError(f"not {kind} (the server says {_clean(media)})")
        return Fetched(url, body, media, charset)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _read(
    response: http.client.HTTPResponse,
    sock: socket.socket | None,
    max_bytes: int,
    timeout: float,
    watchdog: _Watchdog,
) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        watchdog.check()
        if sock is not None:
            sock.settimeout(max(0.05, min(timeout, watchdog.left())))
        chunk = response.read1(CHUNK)
        if not chunk:
            watchdog.check()  # the end of the body, or the watchdog shut the socket
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_big(max_bytes))
        parts.append(chunk)


def _decode(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"content encoding {_clean(encoding)!r} is not supported")
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


def _reason(exc: BaseException) -> str:
    """An exception from the network or the server's answer, in a few plain words (never
    the answer's own bytes: a status line can hold escape sequences)."""
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed before the page was complete ({len(exc.partial):,} bytes)"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        return "not an HTTP answer (bad status line)"
    if isinstance(exc, http.client.LineTooLong):
        return "not a usable HTTP answer (a header line too long)"
    if isinstance(exc, http.client.HTTPException):
        if "headers" in str(exc):
            return "not a usable HTTP answer (too many headers)"
        return f"not a usable HTTP answer ({type(exc).__name__})"
    if isinstance(exc, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer (timed out)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS failed: {_clean(exc.verify_message or 'certificate not trusted')}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {_clean(getattr(exc, 'reason', None) or type(exc).__name__)}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "the server reset the connection"
    if isinstance(exc, OSError) and exc.strerror:
        return _clean(exc.strerror.lower())
    return f"failed ({type(exc).__name__})"
