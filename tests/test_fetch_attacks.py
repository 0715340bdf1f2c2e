"""The fetcher against servers that attack it (all on 127.0.0.x): a status line with escape
codes, a flood of headers, a server that trickles a byte at a time, internal addresses in
every form and through feeds and redirects, and passwords in addresses. Each case is
bounded in time; the run always goes on to the next URL."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.corpus import fetch as fetch_module
from newsmark.corpus.db import connect
from newsmark.corpus.fetch import Access, FetchError, fetch, redact
from newsmark.tui.cli import main

PAGE = (Path(__file__).parent / "pages" / "harbour-gazette.html").read_bytes()
TRICKLE_SECONDS = 20  # how long a trickling server would go on (the test never waits it)


class Attacker(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    # per path, how a trickle ended: "client left" (it gave up) or "server ran out"
    trickles: dict[str, str] = {}

    def log_message(self, *args: object) -> None:
        pass

    def _raw(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass

    def _trickle(self, head: bytes, then: bytes) -> None:
        self._raw(head)
        ends = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < ends:
            try:
                self.wfile.write(then)
                self.wfile.flush()
            except OSError:
                Attacker.trickles[self.path] = "client left"  # it gave up, as it should
                return
            time.sleep(0.2)
        Attacker.trickles[self.path] = "server ran out"

    def do_GET(self) -> None:
        Attacker.hits[self.path] += 1
        port = self.server.server_address[1]
        if self.path == "/page":
            body = PAGE
            self._raw(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                % len(body)
                + body
            )
        elif self.path == "/escape-status":
            self._raw(b"HTTP/1.1 2\x1b]0;owned\x07\x1b[2J00 OK\r\nContent-Length: 0\r\n\r\n")
        elif self.path == "/garbage":
            self._raw(b"\x1b[31mHELLO\x1b[0m there\r\n\r\n")
        elif self.path == "/headers":
            many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
            self._raw(b"HTTP/1.1 200 OK\r\n" + many + b"Content-Length: 0\r\n\r\n")
        elif self.path == "/slow-headers":
            self._trickle(b"HTTP/1.1 200 OK\r\n", b"X")
        elif self.path == "/slow-body":
            self._trickle(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>", b" ")
        elif self.path == "/to-loopback":
            self._raw(
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/page\r\n"
                b"Content-Length: 0\r\n\r\n" % port
            )
        elif self.path == "/feed.xml":
            items = "".join(
                f"<item><link>{u}</link></item>"
                for u in (
                    f"http://127.0.0.1:{port}/page",
                    f"http://localhost:{port}/page",
                    "http://169.254.169.254/latest/meta-data/",
                )
            )
            body = f'<?xml version="1.0"?><rss><channel>{items}</channel></rss>'.encode()
            self._raw(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body) + body
            )
        else:
            self._raw(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


def _serve(host: str) -> Iterator[tuple[str, int]]:
    httpd = ThreadingHTTPServer((host, 0), Attacker)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield host, httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback() -> Iterator[tuple[str, int]]:
    Attacker.hits.clear()
    yield from _serve("127.0.0.1")


@pytest.fixture
def other() -> Iterator[tuple[str, int]]:
    """A second server on 127.0.0.2: the one address a test's fetcher is allowed."""
    yield from _serve("127.0.0.2")


ONLY_OTHER = Access(networks=(ipaddress.ip_network("127.0.0.2/32"),))
ANY = Access(allow_private=True)


def _import(db: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--db", str(db), "import", *args])


def _lines_for(out: str, url: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(url + ":")]


def test_a_hostile_status_line_is_one_clean_line_and_the_run_goes_on(
    tmp_path: Path, loopback: tuple[str, int]
) -> None:
    host, port = loopback
    base = f"http://{host}:{port}"
    db = tmp_path / "a.db"
    bad = ["/escape-status", "/garbage", "/headers"]
    result = _import(db, "--allow-private", *(base + p for p in bad), f"{base}/page")
    out = result.output  # type: ignore[attr-defined]
    assert "Traceback" not in out and "\x1b" not in out and "\x07" not in out
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "not an HTTP answer (bad status line)" in _lines_for(out, base + "/escape-status")[0]
    assert "bad status line" in _lines_for(out, base + "/garbage")[0]
    assert "too many headers" in _lines_for(out, base + "/headers")[0]
    # the page after the bad servers was fetched, and the run ended with its summary
    assert "1 article imported, 0 already present, 3 rejected (from 4 URLs)" in out
    assert connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
def test_the_deadline_holds_against_a_trickling_server(
    loopback: tuple[str, int], path: str
) -> None:
    """Per-read timeouts alone kept reading a byte every 0.2 s for as long as the server
    went on (300 s); the whole-page deadline gives up. What shows it is the server's side:
    the client left before the trickle ran out (no clock in the client is asserted)."""
    host, port = loopback
    Attacker.trickles.pop(path, None)
    with pytest.raises(FetchError, match=r"took longer than 1\.5 s \(timed out\)"):
        fetch(f"http://{host}:{port}{path}", timeout=1.0, deadline=1.5, access=ANY)
    while path not in Attacker.trickles:  # the server notices at its next write
        time.sleep(0.05)
    assert Attacker.trickles[path] == "client left"


@pytest.mark.slow
def test_the_import_command_keeps_the_page_deadline(
    tmp_path: Path, loopback: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "DEADLINE", 1.5)
    host, port = loopback
    base = f"http://{host}:{port}"
    Attacker.trickles.pop("/slow-body", None)
    result = _import(tmp_path / "d.db", "--allow-private", f"{base}/slow-body", f"{base}/page")
    out = result.output  # type: ignore[attr-defined]
    assert "took longer than 1.5 s (timed out)" in _lines_for(out, f"{base}/slow-body")[0]
    while "/slow-body" not in Attacker.trickles:
        time.sleep(0.05)
    assert Attacker.trickles["/slow-body"] == "client left"
    assert "1 article imported" in out


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "0.0.0.0",
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f000001",  # ... in hex
        "0177.0.0.1",  # ... in octal
        "127.1",
        "localhost",
        "169.254.169.254",  # cloud metadata
        "[::ffff:127.0.0.1]",
        "10.0.0.1",
    ],
)
def test_internal_addresses_are_refused_before_connecting(
    loopback: tuple[str, int], host: str
) -> None:
    _, port = loopback
    with pytest.raises(FetchError, match=r"refused: the host is .*--allow-private"):
        fetch(f"http://{host}:{port}/page", timeout=1.0, deadline=3)
    assert Attacker.hits["/page"] == 0  # never connected


def test_allow_private_fetches_them(loopback: tuple[str, int]) -> None:
    host, port = loopback
    assert fetch(f"http://{host}:{port}/page", access=ANY).body == PAGE


def test_a_redirect_to_an_internal_address_is_refused(
    loopback: tuple[str, int], other: tuple[str, int]
) -> None:
    host, port = other
    with pytest.raises(FetchError, match="refused: the host is a loopback address"):
        fetch(f"http://{host}:{port}/to-loopback", timeout=1.0, deadline=3, access=ONLY_OTHER)
    assert Attacker.hits["/page"] == 0


def test_feed_items_at_internal_addresses_are_refused(
    tmp_path: Path, loopback: tuple[str, int], other: tuple[str, int]
) -> None:
    from newsmark.corpus.storing import ImportReport
    from newsmark.corpus.web import import_feed

    host, port = other
    report = ImportReport()
    db = connect(tmp_path / "f.db")
    import_feed(db, f"http://{host}:{port}/feed.xml", report, timeout=1.0, access=ONLY_OTHER)
    reasons = dict(report.rejected)
    assert len(reasons) == 3, reasons
    assert all(reason.startswith("refused: the host is") for reason in reasons.values())
    assert Attacker.hits["/page"] == 0
    assert report.added == 0


def test_a_password_in_an_address_is_never_echoed(tmp_path: Path) -> None:
    url = "http://reader:s3cret-pass@news.example/page"
    assert redact(url) == "http://***@news.example/page"
    result = _import(tmp_path / "p.db", url)
    out = result.output  # type: ignore[attr-defined]
    assert "s3cret" not in out and "reader" not in out
    line = _lines_for(out, "http://***@news.example/page")[0]
    assert "user name or password" in line
    assert "host not found" not in line


def test_a_password_in_a_url_list_is_not_echoed(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("ftp://reader:s3cret-pass@news.example/page\n")
    result = _import(tmp_path / "p.db", "--urls", str(listing))
    assert "s3cret" not in result.output  # type: ignore[attr-defined]


def test_an_unresolvable_name_is_said_plainly() -> None:
    with pytest.raises(FetchError, match="host not found"):
        fetch("http://newsmark-test.invalid/page.html", timeout=2)


def test_the_loopback_port_is_really_closed_for_refusals() -> None:
    """The refusal is not a connection error in disguise: a closed port with
    --allow-private says 'connection refused'."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(FetchError, match="connection refused"):
        fetch(f"http://127.0.0.1:{port}/", timeout=1, access=ANY)
    with pytest.raises(FetchError, match="refused: the host is a loopback"):
        fetch(f"http://127.0.0.1:{port}/", timeout=1)
