"""Importing real-world files: encodings, hostile bytes, bad files, folders, JSONL, re-import."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sqlite_utils

from newsmark.corpus.articles import get_article, list_articles
from newsmark.corpus.db import connect
from newsmark.corpus.importer import import_paths
from newsmark.corpus.normalise import REPLACEMENT

STORY = "Mayor says water is safe\n\nThe mayor of Calderwick said the water was safe to drink.\n"


def _only_article(db: sqlite_utils.Database):
    (summary,) = list_articles(db)
    article = get_article(db, summary.id)
    assert article is not None
    return article


def test_utf8_without_bom(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("Café owner quoted\n\nÉlodie said «non».\n".encode())
    report = import_paths(db, [str(f)])
    assert (report.added, report.rejected) == (1, [])
    art = _only_article(db)
    assert art.text == "Café owner quoted\n\nÉlodie said «non»."
    assert art.title == "Café owner quoted"
    assert art.encoding == "utf-8"
    assert art.path == str(f)


def test_utf8_with_bom_is_stripped(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + STORY.encode())
    import_paths(db, [str(f)])
    art = _only_article(db)
    assert not art.text.startswith("\ufeff")
    assert art.title == "Mayor says water is safe"
    assert art.encoding == "utf-8-sig"


def test_cp1251_is_detected(db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = (
        "Мэр заявила, что вода безопасна\n\n"
        "Мэр города Калдервик заявила во вторник, что водопроводная вода безопасна для питья, "
        "и пообещала первой выпить её на глазах у сомневающихся жителей."
    )
    f = tmp_path / "ru.txt"
    f.write_bytes(text.encode("cp1251"))
    report = import_paths(db, [str(f)])
    assert report.rejected == []
    art = _only_article(db)
    assert art.text == text
    assert art.encoding == "cp1251"


def test_latin1_with_override(db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = "Señora Müller à Zürich\n\nElle a déclaré: «l'eau est sûre», selon le maire."
    f = tmp_path / "fr.txt"
    f.write_bytes(text.encode("latin-1"))
    report = import_paths(db, [str(f)], encoding="latin-1")
    assert report.rejected == []
    art = _only_article(db)
    assert art.text == text
    assert art.encoding == "iso8859-1"


def test_latin1_detected_without_override(db: sqlite_utils.Database, tmp_path: Path) -> None:
    text = (
        "Le maire déclare que l'eau est sûre\n\nLe maire a déclaré mardi que l'eau du robinet "
        "était sûre à boire, et qu'elle serait la première à en boire devant les sceptiques."
    )
    f = tmp_path / "fr.txt"
    f.write_bytes(text.encode("latin-1"))
    import_paths(db, [str(f)])
    assert _only_article(db).text == text


def test_unknown_encoding_override_is_reported(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    report = import_paths(db, [str(f)], encoding="klingon-8")
    assert report.rejected == [(str(f), "unknown encoding 'klingon-8'")]


def test_crlf_becomes_lf(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "crlf.txt"
    f.write_bytes(STORY.replace("\n", "\r\n").encode())
    import_paths(db, [str(f)])
    art = _only_article(db)
    assert "\r" not in art.text
    assert art.text == STORY.strip("\n")


def test_escape_sequences_and_rtl_override_are_neutralised_same_length(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    body = (
        "Hostile text\n\nclipboard \x1b]52;c;ZWNobyBoaQ==\x07 link \x1b]8;;http://x\x1b\\y"
        "\x1b]8;;\x1b\\ title \x1b]0;pwned\x07 clear \x1b[2J c1 \x9b1m rtl \u202egnp.exe"
    )
    f = tmp_path / "hostile.txt"
    f.write_bytes(body.encode())
    report = import_paths(db, [str(f)])
    assert report.rejected == []
    art = _only_article(db)
    assert len(art.text) == len(body)
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in art.text
    assert art.text.count(REPLACEMENT) == sum(body.count(c) for c in "\x1b\x07\x9b\u202e")
    # Everything else is exactly where it was.
    for i, (a, b) in enumerate(zip(body, art.text, strict=True)):
        assert b in (a, REPLACEMENT), i


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n\t ", "empty file (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (contains NUL bytes)"),
    ],
)
def test_bad_files_are_rejected_with_reason(
    db: sqlite_utils.Database, tmp_path: Path, content: bytes, reason: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    report = import_paths(db, [str(bad), str(good)])
    assert report.rejected == [(str(bad), reason)]
    assert report.added == 1


def test_too_big_file(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text("x" * 2000)
    report = import_paths(db, [str(f)], max_bytes=1000)
    assert report.rejected == [(str(f), "too big (2,000 bytes; the limit is 1,000)")]


def test_fifo_is_skipped_without_blocking(db: sqlite_utils.Database, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    report = import_paths(db, [str(fifo)])
    assert report.rejected == [(str(fifo), "not a regular file (a FIFO)")]


def test_symlink_is_skipped(db: sqlite_utils.Database, tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text(STORY)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    dev = tmp_path / "dev.txt"
    dev.symlink_to("/dev/zero")
    report = import_paths(db, [str(link), str(dev)])
    reason = "symbolic link (not followed; import its target instead)"
    assert report.rejected == [(str(link), reason), (str(dev), reason)]
    assert report.added == 0


def test_missing_path_and_unsupported_type(db: sqlite_utils.Database, tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    report = import_paths(db, [str(tmp_path / "nope.txt"), str(pdf)])
    assert report.rejected == [
        (str(tmp_path / "nope.txt"), "no such file or folder"),
        (
            str(pdf),
            "unsupported file type '.pdf'; use .txt, .md, .jsonl, .html, .htm, .warc or .warc.gz",
        ),
    ]


def test_folder_recursive_and_glob(db: sqlite_utils.Database, tmp_path: Path) -> None:
    (tmp_path / "corpus" / "deep").mkdir(parents=True)
    (tmp_path / "corpus" / "one.txt").write_text("One headline\n\nFirst body.")
    (tmp_path / "corpus" / "deep" / "two.md").write_text("# Two headline\n\nSecond body.")
    (tmp_path / "corpus" / "notes.pdf").write_bytes(b"%PDF")  # ignored inside folders
    (tmp_path / "corpus" / ".hidden.txt").write_text("Hidden\n\nNot imported.")
    report = import_paths(db, [str(tmp_path / "corpus")])
    assert (report.added, report.rejected) == (2, [])
    assert sorted(a.title for a in list_articles(db)) == ["One headline", "Two headline"]
    (tmp_path / "g1.txt").write_text("Glob one\n\nBody g1.")
    (tmp_path / "g2.txt").write_text("Glob two\n\nBody g2.")
    report = import_paths(db, [str(tmp_path / "g*.txt")])
    assert report.added == 2
    report = import_paths(db, [str(tmp_path / "zz*.txt")])
    assert report.rejected == [(str(tmp_path / "zz*.txt"), "no file matches this pattern")]


def test_markdown_front_matter(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text(
        "---\ntitle: Front title\noutlet: The Test Post\nurl: https://t.example/a\n"
        "published: 2026-03-04\n---\n\nBody line.\n"
    )
    import_paths(db, [str(f)])
    art = _only_article(db)
    assert (art.title, art.outlet, art.url, art.published, art.text) == (
        "Front title",
        "The Test Post",
        "https://t.example/a",
        "2026-03-04",
        "Body line.",
    )


def test_title_only_when_it_looks_like_one(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "no-title.txt"
    f.write_text("The mayor said on Tuesday that the water was safe to drink.\nMore text.")
    import_paths(db, [str(f)])
    assert _only_article(db).title == "no-title"


def test_jsonl_with_malformed_lines(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps(
            {
                "text": "First body.",
                "title": "First",
                "source": "Wire",
                "url": "u1",
                "published": "2026-03-04",
            }
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "Second body.", "outlet": "Paper", "published": "yesterday"}),
        '{"text": "dup", "text": "keys"}',
        '{"text": "nan", "score": NaN}',
        json.dumps({"text": "Third body.\r\nWith CRLF"}),
    ]
    f.write_text("\n".join(lines) + "\n")
    report = import_paths(db, [str(f)])
    assert report.added == 2
    locations = [loc for loc, _ in report.rejected]
    assert locations == [f"{f}:2", f"{f}:3", f"{f}:5", f"{f}:6", f"{f}:7"]
    reasons = dict(report.rejected)
    assert reasons[f"{f}:2"].startswith("invalid JSON")
    assert reasons[f"{f}:3"] == "missing 'text' (a non-empty string)"
    assert "not an ISO 8601 date" in reasons[f"{f}:5"]
    assert "duplicate key 'text'" in reasons[f"{f}:6"]
    assert "NaN is not allowed" in reasons[f"{f}:7"]
    first, third = (get_article(db, a.id) for a in list_articles(db))
    assert first is not None and third is not None
    assert (first.title, first.outlet, first.url, first.published) == (
        "First",
        "Wire",
        "u1",
        "2026-03-04",
    )
    assert third.text == "Third body.\nWith CRLF"


def test_reimport_adds_nothing(db: sqlite_utils.Database, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(STORY.replace("\n", "\r\n").encode())  # same text once normalised
    assert import_paths(db, [str(f)]).added == 1
    report = import_paths(db, [str(f), str(copy)])
    assert (report.added, report.duplicates) == (0, 2)
    assert len(list_articles(db)) == 1


def test_bad_line_rolls_back_nothing_good(db: sqlite_utils.Database, tmp_path: Path) -> None:
    """A file whose storing fails midway stores none of its articles."""
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"text": "A."}) + "\n" + json.dumps({"text": "B."}) + "\n")
    db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON articles WHEN new.text = 'B.'"
        " BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    with pytest.raises(Exception, match="boom"):
        import_paths(db, [str(f)])
    assert list_articles(db) == []


def test_a_large_folder_is_parsed_on_every_core_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past PARALLEL_MIN files, parsing runs in worker processes: the same articles, in the
    same order, the same rejections, as one process gives."""
    from newsmark.corpus import importer

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02d}.txt").write_text(f"Headline {n}\n\nBody of article {n}.\n")
    (folder / "05.txt").write_bytes(b"")  # empty: rejected
    (folder / "09.txt").write_bytes(b"\x00\x01binary")  # binary: rejected
    results = []
    for parallel_min in (1000, 3):
        monkeypatch.setattr(importer, "PARALLEL_MIN", parallel_min)
        monkeypatch.setattr(importer, "PARALLEL_CHUNK", 2)
        db = connect(tmp_path / f"p{parallel_min}.db")
        report = importer.import_paths(db, [str(folder)])
        titles = [r[0] for r in db.execute("SELECT title FROM articles ORDER BY id")]
        results.append((report.added, [(Path(p).name, why) for p, why in report.rejected], titles))
        db.close()
    assert results[0] == results[1]
    assert results[0][0] == 10
    assert [name for name, _ in results[0][1]] == ["05.txt", "09.txt"]
