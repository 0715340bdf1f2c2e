"""``newsmark import-links`` on a folder that may come from anywhere: every field checked,
only regular files read, a bad line reported with its place and the run going on. No Spark
needed: the folder is written here, line by line, as an attacker would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.annotations.linking.farlink import Claim, link_record
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.cli import main

QUOTE = "the northern pier will stay closed until the spring"
SOURCE = f"Harbour news. The authority said {QUOTE}, and repairs begin on Monday."
TARGET = f"Ferry news. Officials confirmed that {QUOTE} because of storm damage."
OTHER = f"Evening bulletin. The port office repeated that {QUOTE} after the storm."


def _good(claim: Claim, text: str, title: str = "Ferry news") -> dict:
    article = NewArticle(title=title, text=text, outlet="Osk Courier", published="2026-03-16")
    start = text.index(QUOTE)
    return link_record(article, claim, start, start + len(QUOTE), 100.0)


@pytest.fixture
def home(tmp_path: Path) -> tuple[Path, Claim]:
    path = tmp_path / "home.db"
    db = connect(path)
    article_id, _ = add_article(db, NewArticle(title="Harbour", text=SOURCE))
    start = SOURCE.index(QUOTE)
    ann = store.create_annotation(db, article_id, start, start + len(QUOTE), "claim", "me")
    claim = Claim(ann.uuid, QUOTE, "claim", NewArticle(title="", text=SOURCE).sha256)
    db.close()
    return path, claim


def _run(db: Path, folder: Path) -> object:
    return CliRunner().invoke(main, ["--db", str(db), "import-links", str(folder)])


def test_every_bad_line_is_reported_and_the_good_ones_imported(
    tmp_path: Path, home: tuple[Path, Claim]
) -> None:
    db_path, claim = home
    good = _good(claim, TARGET)

    def edit(**changes: object) -> str:
        record = json.loads(json.dumps(good))
        for key, value in changes.items():
            if key.startswith("article_"):
                record["article"][key[len("article_") :]] = value
            else:
                record[key] = value
        return json.dumps(record)

    n = len(TARGET)
    bad_lines = {
        "negative offsets": edit(start=-5, end=3),
        "swapped offsets": edit(start=good["end"], end=good["start"]),
        "past the text": edit(start=n - 2, end=n + 40),
        "boolean offset": edit(start=True),
        "string offset": edit(end="12"),
        "NaN score": json.dumps(good).replace('"score": 100.0', '"score": NaN'),
        "infinite score": json.dumps(good).replace('"score": 100.0', '"score": 1e999'),
        "score over 100": edit(score=250),
        "invalid date": edit(article_published="2026-13-45"),
        "not an object": "[1, 2, 3]",
        "article a string": edit(article="nope"),
        "no title": edit(article_title=None),
        "lone surrogate": edit(annotation="\ud800"),
        "deep nesting": "[" * 100_000 + "]" * 100_000,
        "raw escape in text": edit(article_text=TARGET.replace("Ferry", "\x1b[2J\x1b]0;x\x07")),
        "wrong sha": edit(article_sha256="0" * 64),
        "not JSON": "{oops",
        "duplicate keys": '{"score": 1, "score": 2}',
    }
    links = tmp_path / "out" / "links"
    links.mkdir(parents=True)
    lines = list(bad_lines.values())
    # a hostile title is stored harmless, not refused: it arrives as a JSON escape
    hostile = _good(claim, OTHER, title="Bulletin \x1b]0;owned\x07 \u202eevil")
    lines += [json.dumps(hostile), json.dumps(good)]
    (links / "part-00000").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (links / "part-00001").write_bytes(b"\xff\xfe not utf-8\n" + json.dumps(good).encode())
    result = _run(db_path, tmp_path / "out")
    out = result.output  # type: ignore[attr-defined]
    assert "Traceback" not in out and "\x1b" not in out
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    for number in range(1, len(bad_lines) + 1):
        assert f"part-00000:{number}: " in out, (number, list(bad_lines)[number - 1], out)
    assert "part-00001:1: not UTF-8" in out
    assert "2 articles added, 2 link suggestions added, 1 already there" in out
    assert f"{len(bad_lines) + 1} bad lines skipped (from 2 parts)" in out
    db = connect(db_path)
    titles = [t for (t,) in db.execute("SELECT title FROM articles ORDER BY id")]
    assert all("\x1b" not in t and "\x07" not in t and "\u202e" not in t for t in titles)
    rows = db.execute(
        'SELECT l.start, l."end", l.text, l.score, a.text FROM links l'
        " JOIN articles a ON a.id = l.target_article_id"
    ).fetchall()
    assert len(rows) == 2
    for start, end, text, score, article_text in rows:
        assert article_text[start:end] == text and 0 <= score <= 100


def test_only_regular_files_are_read(tmp_path: Path, home: tuple[Path, Claim]) -> None:
    db_path, claim = home
    links = tmp_path / "out" / "links"
    links.mkdir(parents=True)
    (links / "part-00000").symlink_to("/dev/zero")
    os.mkfifo(links / "part-00001")
    (links / "part-00002").write_text(json.dumps(_good(claim, TARGET)) + "\n")
    result = _run(db_path, tmp_path / "out")  # /dev/zero took 2.6 GB, a FIFO hung for ever
    out = result.output  # type: ignore[attr-defined]
    assert "part-00000: not read (a symbolic link (not followed))" in out
    assert "part-00001: not read (not a regular file)" in out
    assert "1 link suggestions added" in out


def test_a_line_over_the_cap_is_skipped_not_held(
    tmp_path: Path, home: tuple[Path, Claim], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsmark.annotations.linking import farlink

    monkeypatch.setattr(farlink, "MAX_LINE_BYTES", 4096)
    db_path, claim = home
    links = tmp_path / "out" / "links"
    links.mkdir(parents=True)
    huge = json.dumps({"annotation": "x", "padding": "y" * 100_000})
    (links / "part-00000").write_text(huge + "\n" + json.dumps(_good(claim, TARGET)) + "\n")
    out = _run(db_path, tmp_path / "out").output  # type: ignore[attr-defined]
    assert "part-00000:1: line longer than 4,096 bytes" in out
    assert "1 link suggestions added" in out
