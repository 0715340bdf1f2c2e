"""Web archives in: every HTML response of a WARC becomes an article, other records are
skipped and counted, and a damaged record is reported by its offset."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsmark.corpus.db import connect
from newsmark.corpus.storing import ImportReport
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


BOUNDARIES: set[int] = set()  # where records end in the last archive written


def _pages_archive(path: Path, gzip: bool, n: int = 20) -> bytes:
    BOUNDARIES.clear()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for i in range(n):
            body = UNDATED.replace(b"forty years", f"{i + 20} years".encode())
            _response(writer, f"https://courier.example/keeper/{i}", body)
            BOUNDARIES.add(out.tell())
    return path.read_bytes()


def _import_file(tmp_path: Path, path: Path) -> tuple[int, str]:
    db = tmp_path / f"{path.name}.db"
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(path)])
    count = connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    return count, result.output, result.exit_code  # type: ignore[return-value]


def test_a_cut_archive_says_what_it_lost_and_exits_1(tmp_path: Path) -> None:
    for gz in (False, True):
        whole = tmp_path / ("whole.warc.gz" if gz else "whole.warc")
        data = _pages_archive(whole, gz)
        for fraction in (0.37, 0.5, 0.91):
            cut = tmp_path / f"cut-{fraction}{'.warc.gz' if gz else '.warc'}"
            at = int(len(data) * fraction)
            # A cut between records is a shorter archive, and one in the first bytes of a
            # record (a gzip member's header) is another case: cut well inside a record.
            # (The writer stamps dates and ids, so where the records end varies by run.)
            near = [b for b in BOUNDARIES if 0 <= at - b < 64]
            at = near[0] + 64 if near else at
            cut.write_bytes(data[:at])
            count, out, code = _import_file(tmp_path, cut)
            assert code == 1, (gz, fraction, out)
            assert "record at byte" in out and ("cut short" in out), (gz, fraction, out)
            # no page is stored from a record that was cut: each stored text is whole
            rows = connect(tmp_path / f"{cut.name}.db").execute("SELECT text FROM articles")
            assert all(text.endswith("on the southern quay of Velmor.") for (text,) in rows)
            assert count < 20


def _with_lying_length(data: bytes, record: int) -> list[bytes]:
    import re

    records = [b"WARC/1." + r for r in data.split(b"WARC/1.")[1:]]
    lie = b"Content-Length: 999999999"
    records[record] = re.sub(rb"Content-Length: \d+", lie, records[record], count=1)
    return records


def test_a_record_claiming_a_huge_length_costs_only_itself(tmp_path: Path) -> None:
    import gzip as gz_module

    plain = tmp_path / "plain.warc"
    records = _with_lying_length(_pages_archive(plain, False), 3)
    plain.write_bytes(b"".join(records))
    packed = tmp_path / "packed.warc.gz"
    packed.write_bytes(b"".join(gz_module.compress(r) for r in records))
    for path in (plain, packed):
        count, out, code = _import_file(tmp_path, path)
        assert count == 19, (path.name, out)  # the other 19 pages were kept
        assert code == 1
        assert "declares 999,999,999 bytes" in out, out
        assert "1 rejected" in out, out
