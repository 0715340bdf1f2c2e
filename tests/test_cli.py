"""The command line, driven through click's CliRunner against a real database file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsmark.tui.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("newsmark, version ")
    for command in ([], ["import"], ["articles"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Usage:" in out


def test_articles_json_after_sample_import(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    code, _, err = run("--db", db, "import", "--sample")
    assert code == 0
    assert "10 articles imported" in err
    code, out, _ = run("--db", db, "articles", "--json")
    rows = json.loads(out)
    assert len(rows) == 10
    for row in rows:
        assert set(row) == {
            "id",
            "title",
            "outlet",
            "author",
            "url",
            "published",
            "chars",
            "annotations",
        }
        assert isinstance(row["id"], int) and isinstance(row["chars"], int)
        assert row["annotations"] == 0
    assert len({r["outlet"] for r in rows}) >= 6
    code, out, _ = run("--db", db, "articles")
    assert code == 0 and "The Calderwick Courier" in out and "annotations" in out


def test_cli_commands_never_add_the_sample(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    run("--db", db, "link")  # a writing command makes the database, without the sample
    code, out, _err = run("--db", db, "articles", "--json")
    assert code == 0 and json.loads(out) == []


def test_env_var_selects_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "env.db"))
    run("import", "--sample")
    assert (tmp_path / "env.db").exists()


def test_import_exit_status_and_report(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    good = tmp_path / "good.txt"
    good.write_text("A headline\n\nA body.")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = run("--db", db, "import", str(good))
    assert code == 0 and "1 article imported" in err
    code, _, err = run("--db", db, "import", str(good), str(empty))
    assert code == 1
    assert f"{empty}: empty file" in err
    assert "0 articles imported, 1 already present, 1 rejected" in err


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    notdb = tmp_path / "x.db"
    notdb.write_text("hello")
    code, _out, err = run("--db", str(notdb), "articles")
    assert code == 1
    assert err.strip().count("\n") == 0 and "not a Newsmark database" in err
    assert "Traceback" not in err
    code, _, err = run("--db", str(tmp_path / "n.db"), "import")
    assert code == 2 and "name at least one PATH" in err
