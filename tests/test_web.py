"""Importing from the web, against a real HTTP server on 127.0.0.1: pages by URL, lists of
URLs and feeds, and servers that misbehave (each a one-line reason, never a hang)."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.corpus.db import connect
from newsmark.corpus.fetch import Access, FetchError, fetch
from newsmark.corpus.web import feed_links
from newsmark.tui.cli import main

PAGE = (Path(__file__).parent / "pages" / "harbour-gazette.html").read_bytes()
SECOND = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ferry timetable changes for the spring</title>
<meta property="og:site_name" content="Osk Island Courier">
<meta name="author" content="Pell Andor">
<meta property="article:published_time" content="2026-03-16">
</head><body><nav><a href="/">Home</a> <a href="/ads">Advertise with us</a></nav>
<article><h1>Ferry timetable changes for the spring</h1>
<p>The Osk Island ferry will leave from the southern quay of Velmor from Monday, the
operator said, because the northern pier is closed for repairs until the spring.</p>
<p>Two extra crossings will run on market days, and the last boat of the evening will
leave half an hour later than before, at a quarter past nine.</p></article>
<footer>Osk Island Courier, all rights reserved</footer></body></html>"""
BOMB = gzip.compress(b"\0" * (64 * 2**20), compresslevel=9)


class Handler(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, body: bytes, kind: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        Handler.hits[self.path] += 1
        port = self.server.server_address[1]
        base = f"http://127.0.0.1:{port}"
        if self.path == "/pier.html":
            self._send(PAGE)
        elif self.path == "/second.html":
            self._send(SECOND)
        elif self.path == "/moved":
            self._redirect("/second.html")
        elif self.path == "/feed.xml":
            self._send(
                f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>Pier</title><link>{base}/pier.html</link></item>
<item><title>Ferry</title><link>/second.html</link></item>
<item><title>Gone</title><link>{base}/missing</link></item>
</channel></rss>""".encode(),
                "application/rss+xml",
            )
        elif self.path == "/atom.xml":
            self._send(
                b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title>
<entry><title>Ferry</title><link rel="alternate" href="/second.html"/></entry>
</feed>""",
                "application/atom+xml",
            )
        elif self.path == "/missing":
            self.send_error(404, "Not Found")
        elif self.path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/pdf":
            self._send(b"%PDF-1.7 not a page", "application/pdf")
        elif self.path == "/bomb":
            self._send(BOMB, "text/html", Content_Encoding="gzip")
        elif self.path == "/huge":  # 50 MB, with no length declared
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"word " * 20_000 + b"</p>"
            try:
                for _ in range(50 * 2**20 // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client gave up, as it should
        elif self.path == "/silent":
            time.sleep(4)  # never answers in time
        elif self.path == "/hostile":
            self._send(
                b"<html><head><title>Big \x1b[2J\x1b]0;owned\x07news \xe2\x80\xae</title></head>"
                b"<body><article><p>"
                + b"Reporting on the harbour and its pier and its repair at length. "
                * 4
                + b"</p><script>document.location='javascript:alert(1)'</script>"
                b"<iframe src='javascript:alert(2)'></iframe></article></body></html>"
            )
        else:
            self.send_error(404, "Not Found")


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _run(db: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--db", str(db), "import", "--allow-private", *args])


def test_pages_by_url_are_imported_and_not_fetched_twice(tmp_path: Path, server: str) -> None:
    db = tmp_path / "w.db"
    result = _run(db, f"{server}/pier.html", f"{server}/moved")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "2 articles imported, 0 already present, 0 rejected (from 2 URLs)" in (
        result.output  # type: ignore[attr-defined]
    )
    rows = connect(db).execute("SELECT title, outlet, url, author FROM articles ORDER BY id")
    assert list(rows) == [
        (
            "Pier closed until spring, harbour authority says",
            "The Velmor Harbour Gazette",
            "https://gazette.example/news/2026/03/pier-closed",  # the canonical address
            "Ines Marlowe",
        ),
        # no canonical address: where the page was fetched from, after the redirect
        (
            "Ferry timetable changes for the spring",
            "Osk Island Courier",
            f"{server}/second.html",
            "Pell Andor",
        ),
    ]
    before = sum(Handler.hits.values())
    again = _run(db, f"{server}/second.html")
    assert "0 articles imported, 1 already present" in again.output  # type: ignore[attr-defined]
    assert sum(Handler.hits.values()) == before  # known URL: not fetched again


def test_each_failure_is_one_line_and_the_rest_imported(tmp_path: Path, server: str) -> None:
    db = tmp_path / "w.db"
    cases = {
        "/missing": "HTTP 404 Not Found",
        "/to-file": "redirected to a file: address, which is refused",
        "/loop": "more than 5 redirects",
        "/pdf": "not HTML (the server says application/pdf)",
        "/bomb": "larger than 16 MiB (too big) once decompressed",
        "/huge": "larger than 16 MiB (too big)",
        "/silent": "timed out",
    }
    result = _run(db, "--timeout", "1", *(server + p for p in cases), f"{server}/pier.html")
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "Traceback" not in out
    for path, reason in cases.items():
        line = next(line for line in out.splitlines() if line.startswith(server + path + ":"))
        assert reason in line, (path, line)
    assert "1 article imported, 0 already present, 7 rejected (from 8 URLs)" in out
    assert "passwd" not in "".join(r[0] for r in connect(db).execute("SELECT text FROM articles"))


def test_unreachable_hosts_and_other_schemes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="host not found"):
        fetch("http://newsmark-test.invalid/page.html", timeout=2)
    with pytest.raises(FetchError, match="only http and https"):
        fetch("ftp://127.0.0.1/page.html")
    with pytest.raises(FetchError, match="connection refused"):
        fetch("http://127.0.0.1:9/page.html", timeout=2, access=Access(allow_private=True))


def test_a_hostile_page_is_stored_harmless(tmp_path: Path, server: str) -> None:
    db = tmp_path / "w.db"
    result = _run(db, f"{server}/hostile")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    title, text = connect(db).execute("SELECT title, text FROM articles").fetchone()
    for value in (title, text):
        assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
    assert "javascript" not in text and "alert" not in text


def test_a_feed_imports_its_items_once(tmp_path: Path, server: str) -> None:
    db = tmp_path / "w.db"
    result = _run(db, "--feed", f"{server}/feed.xml")
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # one item is gone
    assert f"{server}/missing: HTTP 404 Not Found" in out
    assert "2 articles imported, 0 already present, 1 rejected (from 3 URLs)" in out
    again = _run(db, "--feed", f"{server}/atom.xml", "--feed", f"{server}/feed.xml")
    assert "0 articles imported" in again.output  # type: ignore[attr-defined]
    assert Handler.hits["/second.html"] == 1 and Handler.hits["/pier.html"] == 1


def test_feed_links_read_rss_and_atom() -> None:
    rss = (
        b"<rss><channel><item><link> /a#x </link></item>"
        b"<item><link>/a</link></item></channel></rss>"
    )
    assert feed_links(rss, "http://h/feed") == ["http://h/a"]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/s"/>'
        b'<link href="/b"/></entry></feed>'
    )
    assert feed_links(atom, "http://h/feed") == ["http://h/b"]
    with pytest.raises(FetchError, match="not a readable feed"):
        feed_links(b"<html>not xml", "http://h/feed")


def test_a_list_of_urls(tmp_path: Path, server: str) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# reading list\n{server}/pier.html\n\n{server}/second.html\n")
    db = tmp_path / "w.db"
    result = _run(db, "--urls", str(listing))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "2 articles imported" in result.output  # type: ignore[attr-defined]
    bad = tmp_path / "bad.txt"
    bad.write_text("file:///etc/passwd\n")
    result = _run(db, "--urls", str(bad))
    assert result.exit_code == 1
    assert "line 1 is not an http(s) address" in result.output  # type: ignore[attr-defined]
