"""Web archives in: every HTML response of a WARC becomes an article, other records are
skipped and counted, and a damaged record is reported by its offset."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsmark.corpus.db import connect
from newsmark.corpus.importer import ImportReport
from newsmark.corpus.warc import import_warc
from newsmark.tui.cli import main
from tests.test_web import PAGE, SECOND

UNDATED = b"""<html><head><title>Lighthouse keeper retires</title></head><body><article>
<p>After forty years at the Osk Point light, its keeper handed over the keys on Friday and
said he would spend his first free summer mending nets on the southern quay of Velmor.</p>
</article></body></html>"""


def _response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    kind: str = "text/html",
    status: str = "200 OK",
    date: str = "2026-03-20T10:00:00Z",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def _archive(path: Path, gzip: bool, damaged: bool = False) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _response(writer, "https://gazette.example/pier", PAGE)
        _response(writer, "https://courier.example/ferry", SECOND)
        _response(writer, "https://courier.example/logo.png", b"\x89PNG....", "image/png")
        _response(
            writer, "https://courier.example/gone", b"<html>gone</html>", status="404 Not Found"
        )
        _response(
            writer, "https://courier.example/menu", b"<html><body><nav>Home</nav></body></html>"
        )
        _response(writer, "https://courier.example/keeper", UNDATED)
        if damaged:
            out.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ntruncated")


def test_an_archive_imports_its_pages(tmp_path: Path) -> None:
    for gzip, name in ((True, "crawl.warc.gz"), (False, "crawl.warc")):
        path = tmp_path / name
        _archive(path, gzip)
        db_path = tmp_path / f"{name}.db"
        result = CliRunner().invoke(main, ["--db", str(db_path), "import", str(tmp_path / name)])
        out = result.output
        assert result.exit_code == 1, out  # the menu page has no article
        assert f"{path}: record at byte " in out and "no article text found in the page" in out
        assert "3 articles imported, 0 already present, 1 rejected (from 1 file)" in out
        db = connect(db_path)
        rows = list(db.execute("SELECT title, url, published, path FROM articles ORDER BY id"))
        assert [r[0] for r in rows] == [
            "Pier closed until spring, harbour authority says",
            "Ferry timetable changes for the spring",
            "Lighthouse keeper retires",
        ]
        assert rows[0][1] == "https://gazette.example/news/2026/03/pier-closed"  # canonical
        assert rows[0][2] == "2026-03-14"  # the page's own date
        assert rows[2][1:] == (  # no date in the page: the archive's
            "https://courier.example/keeper",
            "2026-03-20",
            "https://courier.example/keeper",
        )
        again = CliRunner().invoke(main, ["--db", str(db_path), "import", str(path)])
        assert "0 articles imported, 3 already present" in again.output


def test_a_damaged_record_is_reported_by_offset_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    _archive(path, gzip=False, damaged=True)
    db = connect(tmp_path / "d.db")
    report = ImportReport()
    counts = import_warc(db, path, report, workers=1)
    assert counts.pages == 4 and counts.skipped == 3  # warcinfo, image, 404
    damaged = [r for r in report.rejected if "unreadable record" in r[1]]
    assert len(damaged) == 1 and damaged[0][1].startswith("record at byte ")
    assert report.added == 3
