"""newsmark spark link on a local Spark (local[2]): JSONL, Parquet and WARC inputs, bad
records counted, the same links as newsmark link, and import-links idempotent."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.cli import main
from tests.test_farplan import archive_of, db_links, record_links, story_world
from tests.test_warc import _archive

pytestmark = pytest.mark.slow  # see conftest: run with --all (CI does)

QUOTES = [
    "At no point did any material leave our site",
    "Fourteen people were taken to Calderwick General Hospital",
    "We will not reopen a structure we cannot vouch for",
]
Link = tuple[str, str, int, int, float]


def _copy(source: Path, target: Path) -> None:
    """A whole copy of a database in WAL mode (the file alone may lack the newest pages)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def _db_links(path: Path) -> set[Link]:
    db = connect(path)
    try:
        return set(
            db.execute(
                'SELECT l.annotation_uuid, a.sha256, l.start, l."end", l.score FROM links l'
                " JOIN articles a ON a.id = l.target_article_id"
            )
        )
    finally:
        db.close()


def _spark_links(out: Path) -> set[Link]:
    found = set()
    for part in (out / "links").glob("part-*"):
        for line in part.read_text().splitlines():
            r = json.loads(line)
            assert r["article"]["text"][r["start"] : r["end"]] == r["text"]
            found.add((r["annotation"], r["article"]["sha256"], r["start"], r["end"], r["score"]))
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("spark")
    runner = CliRunner()
    db_path = root / "home.db"
    warc = root / "crawl.warc"
    _archive(warc, gzip=False, damaged=True)
    assert runner.invoke(main, ["--db", str(db_path), "import", "--sample"]).exit_code == 0
    quoting = root / "quoting.txt"
    quoting.write_text(
        "Harbour chief quoted\n\nThe chairman said: We will not reopen a structure we cannot"
        " vouch for, and left.\n"
    )
    runner.invoke(main, ["--db", str(db_path), "import", str(quoting)])
    db = connect(db_path)
    rows = db.execute("SELECT title, outlet, url, published, text FROM articles ORDER BY id")
    articles = [
        dict(zip(("title", "outlet", "url", "published", "text"), r, strict=False)) for r in rows
    ]
    for quote in QUOTES:
        aid, text = next(
            (a, t) for a, t in db.execute("SELECT id, text FROM articles ORDER BY id") if quote in t
        )
        start = text.index(quote)
        store.create_annotation(db, aid, start, start + len(quote), "claim", "me")
    db.close()
    with open(root / "corpus.jsonl", "w") as out:
        for a in articles[:6]:
            out.write(json.dumps(a) + "\n")
        out.write("{not json\n")
        out.write(json.dumps({"title": "No text"}) + "\n")
    (root / "rest.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles[6:]))
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    )
    spark.read.json(str(root / "rest.jsonl")).write.parquet(str(root / "rest.parquet"))
    spark.stop()
    assert runner.invoke(main, ["--db", str(db_path), "export", "-o", str(root / "ann.jsonl")])
    # what newsmark link finds, with the WARC's pages in the database too
    assert runner.invoke(main, ["--db", str(db_path), "import", str(warc)]).exit_code == 1
    linked = root / "linked.db"
    _copy(db_path, linked)
    env = {**os.environ, "NEWSMARK_MEANING": "off"}
    done = subprocess.run(
        [sys.executable, "-m", "newsmark.tui.cli", "--db", str(linked), "link"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = root / "out"
    result = runner.invoke(
        main,
        [
            "spark",
            "link",
            str(root / "corpus.jsonl"),
            str(root / "rest.parquet"),
            str(warc),
            "--annotations",
            str(root / "ann.jsonl"),
            "-o",
            str(out),
            "--master",
            "local[2]",
            "--bind",
            "127.0.0.1",
        ],
        env={"NEWSMARK_MEANING": "off"},  # as the newsmark link above
    )
    assert result.exit_code == 0, result.output
    return {"root": root, "home": db_path, "linked": linked, "out": out, "said": result.output}


def test_the_driver_writes_the_results_and_says_how_far_it_is(world: dict[str, Path]) -> None:
    """Executors writing their own part files left -o scattered over a cluster's machines;
    the driver writes them now (no Hadoop checksum files), and says what it is doing."""
    names = sorted(p.name for p in (world["out"] / "links").iterdir())
    assert names == ["_SUCCESS", "part-00000"]
    said = str(world["said"])
    assert "Spark started (local[2]); reading 3 inputs" in said
    assert "14 articles read; looking for 3 claims" in said
    assert "links found; written to" in said


def test_the_same_links_as_newsmark_link(world: dict[str, Path]) -> None:
    expected = _db_links(world["linked"])
    assert len(expected) >= 5
    assert _spark_links(world["out"]) == expected


def test_the_summary_counts_and_names_bad_records(world: dict[str, Path]) -> None:
    summary = json.loads((world["out"] / "summary.json").read_text())
    assert summary["annotations"] == 3
    assert summary["articles_read"] == 14  # 6 + 5 + 3 pages of the archive
    assert summary["records_skipped"] == 3  # warcinfo, image, 404
    whys = {b["why"] for b in summary["bad"]}
    assert summary["bad_records"] == 4
    assert any(w.startswith("not JSON") for w in whys)
    assert "missing 'text' (a non-empty string)" in whys
    assert "no article text found in the page" in whys
    assert any("unreadable record" in w for w in whys)


def test_import_links_brings_them_home_once(world: dict[str, Path]) -> None:
    home = world["root"] / "fresh.db"
    _copy(world["home"], home)
    runner = CliRunner()
    first = runner.invoke(main, ["--db", str(home), "import-links", str(world["out"])])
    assert first.exit_code == 0, first.output
    assert _db_links(home) == _db_links(world["linked"])
    again = runner.invoke(main, ["--db", str(home), "import-links", str(world["out"])])
    assert "0 articles added, 0 link suggestions added" in again.output
    assert _db_links(home) == _db_links(world["linked"])


def test_the_same_links_as_newsmark_link_with_reworded_copies(tmp_path: Path) -> None:
    """Both tiers, the meaning signal on: three outlets' reports of one story (every
    sentence tagged; some retold in other words), a quote many carry, 300 other notes."""
    db, export = story_world(tmp_path)
    expected = db_links(db)
    assert sum(1 for link in expected if link[5] is not None) >= 3
    corpus = tmp_path / "archive.jsonl"
    with open(corpus, "w") as out:
        for _key, a in archive_of(db):
            out.write(json.dumps({"title": a.title, "text": a.text, "outlet": a.outlet}) + "\n")
    db.close()
    out = tmp_path / "out"
    args = ["spark", "link", str(corpus), "--annotations", str(export), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--master", "local[2]", "--partitions", "3"])
    assert result.exit_code == 0, result.output
    parts = (out / "links").glob("part-*")
    records = [json.loads(line) for part in parts for line in part.read_text().splitlines()]
    assert record_links(records) == expected  # the decision's confidence too
    summary = json.loads((out / "summary.json").read_text())
    assert summary["meaning"] == "wordllama" and summary["meaning_errors"] == []


def test_the_core_runs_without_pyspark(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import newsmark.tui.cli as cli\n"
        "assert 'pyspark.sql' not in sys.modules\n"
        "cli.main(['spark', 'link', 'x.jsonl', '--annotations', 'a.jsonl', '-o', 'out'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1
    assert "PySpark is not installed: pip install 'newsmark[spark]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_sample_corpus_runs_as_the_readme_says(world: dict[str, Path]) -> None:
    out = world["root"] / "sample-out"
    args = ["spark", "link", "--sample", "--annotations", str(world["root"] / "ann.jsonl")]
    result = CliRunner().invoke(main, [*args, "-o", str(out), "--master", "local[1]"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["articles_read"] == 10 and summary["links"] >= 5
    taken = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert taken.exit_code == 1 and "already exists and is not empty" in taken.output


@pytest.mark.parametrize(
    ("master", "local"),
    [("local[2]", True), (None, True), ("local", True), ("spark://head:7077", False)],
)
def test_a_local_spark_leaves_the_cores_to_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, master: str | None, local: bool
) -> None:
    """On a local master the JVM only moves records between the Python workers: it is
    started with its quick compiler and serial collector (17% less CPU on local[2]); a
    cluster's JVMs are left as they are."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from newsmark.annotations.linking import sparkjob

    asked: dict[str, str] = {}

    class Builder:
        def appName(self, _name: str) -> Builder:
            return self

        def master(self, value: str) -> Builder:
            asked["master"] = value
            return self

        def config(self, key: str, value: str) -> Builder:
            asked[key] = value
            return self

        def getOrCreate(self) -> None:
            raise RuntimeError("no Spark in this test")

    monkeypatch.setattr(SparkSession, "builder", Builder())
    monkeypatch.delenv("MASTER", raising=False)
    export = tmp_path / "claims.jsonl"
    export.write_text('{"format": "newsmark-annotations", "version": 1}\n')
    with pytest.raises(sparkjob.SparkMissing):
        sparkjob.run([], export, tmp_path / "out", master)
    options = asked.get("spark.driver.extraJavaOptions")
    assert options == (sparkjob.LOCAL_JAVA_OPTIONS if local else None)
