"""Annotation files, corpus files and config files as an attacker or a careless tool writes
them (issue 10): nothing stored can drive a terminal, nothing crashes, nothing is dropped."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.annotations.formats.export import Filters, export_to_file
from newsmark.annotations.settings.config import ConfigError, load_config
from newsmark.annotations.spans import store
from newsmark.annotations.spans.limits import MAX_NOTE_CHARS
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.cli import main

# ESC, 8-bit CSI, BEL, RLO: anything that reaches a terminal raw is a failure
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT = "The minister denied everything on Tuesday, the council said."


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def record(**over: object) -> dict[str, object]:
    quote = "minister denied everything"
    start = TEXT.index(quote)
    base: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "article": {"title": "Story", "url": "https://news.example/a"},
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "label": "claim",
        "note": "",
        "annotator": "sam",
    }
    base.update(over)
    return base


def write_jsonl(path: Path, records: list[dict[str, object]] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def story_db(tmp_path: Path) -> str:
    db = connect(tmp_path / "n.db")
    add_article(db, NewArticle(title="Story", url="https://news.example/a", text=TEXT))
    db.close()
    return str(tmp_path / "n.db")


# --- injection through annotation files ---------------------------------------------------


def test_escapes_in_annotation_fields_are_neutralised_or_refused(
    story_db: str, tmp_path: Path
) -> None:
    bad_label = write_jsonl(tmp_path / "l.jsonl", [record(label="claim\x1b[41m")])
    code, _, err = run("--db", story_db, "import-annotations", str(bad_label))
    assert code == 1 and "is not a label name" in err and not UNSAFE.search(err)

    hostile = record(note="see \x1b]0;PWNED\x07 here \u202eevil", annotator="eve\x1b[2J\x9b")
    f = write_jsonl(tmp_path / "a.jsonl", [hostile])
    code, _, err = run("--db", story_db, "import-annotations", str(f))
    assert code == 0, err
    db = connect(story_db)
    (ann,) = store.list_annotations(db, 1)
    assert not UNSAFE.search(ann.note + ann.annotator)
    assert ann.note == "see \ufffd]0;PWNED\ufffd here \ufffdevil"  # one for one
    export_to_file(db, "brat", Filters(), tmp_path / "brat", force=False)
    assert not UNSAFE.search((tmp_path / "brat" / "1.ann").read_text())


def test_everything_printed_from_an_old_database_is_sanitised(
    story_db: str, tmp_path: Path
) -> None:
    """A database written before import neutralised annotation fields: what the CLI prints
    from it still cannot drive the terminal (one sanitising path)."""
    db = connect(story_db)
    db.execute("DROP TRIGGER IF EXISTS annotations_quote_ins")
    evil = "\x1b]0;TITLE\x07\x1b[41m\u202e"
    db.execute("UPDATE articles SET title = ?, outlet = ? WHERE id = 1", [evil, evil])
    db.execute(
        "INSERT INTO orphans (uuid, article_title, quote, label, note, annotator, reason,"
        " source, record, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', 'now')",
        [str(uuid.uuid4()), evil, evil, evil, evil, evil, evil, f"file{evil}.jsonl:1"],
    )
    db.close()
    for args in (("articles",), ("orphans",), ("orphans", "--json"), ("articles", "--json")):
        code, out, err = run("--db", story_db, *args)
        assert code == 0, err
        assert not UNSAFE.search(out + err), args
    code, out, _ = run("--db", story_db, "articles", "--json")
    assert json.loads(out)[0]["title"] == evil  # JSON keeps the data, escaped


def test_file_names_with_escapes_are_printed_safely(story_db: str, tmp_path: Path) -> None:
    name = tmp_path / "report\x1b[2J\x1b]0;x\x07.txt"
    name.write_text("")
    code, _, err = run("--db", story_db, "import", str(name))
    assert code == 1 and "empty file" in err and not UNSAFE.search(err)
    code, _, err = run("--db", story_db, "import-annotations", str(name))
    assert not UNSAFE.search(err)


def test_prodigy_import_sets_the_annotator(story_db: str, tmp_path: Path) -> None:
    start = TEXT.index("minister")
    doc = {"text": TEXT, "spans": [{"start": start, "end": start + 8, "label": "claim"}]}
    f = write_jsonl(tmp_path / "p.jsonl", [doc])
    code, _, err = run("--db", story_db, "import-annotations", "--annotator", "ana", str(f))
    assert code == 0, err
    (ann,) = store.list_annotations(connect(story_db), 1)
    assert ann.annotator == "ana"


# --- input that crashed -------------------------------------------------------------------


def test_lone_surrogates_and_deep_nesting_in_a_corpus(tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text(
        json.dumps({"title": "ok", "text": "Good one."})
        + '\n{"title": "emoji cut", "text": "half \\ud83d here"}\n'
        + "[" * 100_000
        + "]" * 100_000
        + "\n"
        + json.dumps({"title": "after", "text": "Still read."})
        + "\n"
    )
    second = tmp_path / "b.txt"
    second.write_text("Second file\n\nIt is read too.")
    code, _, err = run("--db", str(tmp_path / "n.db"), "import", str(first), str(second))
    assert code == 1
    assert f"{first}:2: 'text' holds a lone surrogate at character 5" in err
    assert f"{first}:3: invalid JSON (nested too deeply)" in err
    assert "3 articles imported" in err and "Traceback" not in err


def test_lone_surrogates_and_nesting_in_annotation_files(story_db: str, tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "a.jsonl",
        [record(), '{"id": "x", "note": "\\udc00"}', "[" * 50_000 + "]" * 50_000],
    )
    code, _, err = run("--db", story_db, "import-annotations", str(f))
    assert code == 1 and "Traceback" not in err
    assert f"{f}:2:" in err and f"{f}:3: invalid JSON (nested too deeply)" in err
    assert store.list_annotations(connect(story_db), 1) == []  # all or nothing
    g = write_jsonl(tmp_path / "g.jsonl", [record(note="ok \ud800")])
    code, _, err = run("--db", story_db, "import-annotations", str(g))
    assert code == 1 and "'note' holds a lone surrogate" in err


def test_a_deeply_nested_config_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(f)
    code, _, err = run("--config", str(f), "--db", str(tmp_path / "n.db"), "export")
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_long_lines_do_not_stop_a_corpus(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(
        json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "Short one."}) + "\n"
    )
    code, _, err = run("--db", str(tmp_path / "n.db"), "import", "--max-size", "1000", str(f))
    assert code == 1
    assert f"{f}:1: line too long (over 1,000 characters)" in err
    assert "1 article imported" in err


def test_note_limit(story_db: str, tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "n.jsonl", [record(note="n" * (MAX_NOTE_CHARS + 1))])
    code, _, err = run("--db", story_db, "import-annotations", str(f))
    assert code == 1 and f"'note' is {MAX_NOTE_CHARS + 1:,} characters" in err
    db = connect(story_db)
    ann = store.create_annotation(db, 1, 0, 3, "claim", "s")
    with pytest.raises(store.AnnotationError, match="notes are limited"):
        store.set_note(db, ann.uuid, "n" * (MAX_NOTE_CHARS + 1))


def test_query_limits(story_db: str) -> None:
    code, _, err = run("--db", story_db, "search", "q" * 2001)
    assert code == 2 and "at most 2,000" in err
    code, _, err = run("--db", story_db, "search", "--min-score", "nan", "minister")
    assert code == 2 and "nan is not a score" in err


# --- duplicate ids ------------------------------------------------------------------------


def test_a_changed_duplicate_is_a_conflict_until_the_user_chooses(
    story_db: str, tmp_path: Path
) -> None:
    first = record(label="claim")
    f = write_jsonl(tmp_path / "a.jsonl", [first])
    assert run("--db", story_db, "import-annotations", str(f))[0] == 0
    same = write_jsonl(tmp_path / "same.jsonl", [first])
    code, _, err = run("--db", story_db, "import-annotations", str(same))
    assert code == 0 and "1 already present" in err
    changed = write_jsonl(tmp_path / "b.jsonl", [{**first, "label": "denial"}])
    code, _, err = run("--db", story_db, "import-annotations", str(changed))
    assert code == 1
    assert (
        f"{changed}:1: annotation {first['id']} conflicts with the stored one"
        " (label claim, incoming denial)" in err
    )
    labels = lambda: [a.label for a in store.list_annotations(connect(story_db), 1)]  # noqa: E731
    assert labels() == ["claim"]
    code, _, err = run(
        "--db", story_db, "import-annotations", "--on-conflict", "keep", str(changed)
    )
    assert code == 0 and "1 conflicts kept as stored" in err and labels() == ["claim"]
    code, _, err = run(
        "--db", story_db, "import-annotations", "--on-conflict", "replace", str(changed)
    )
    assert code == 0 and "1 replaced" in err and labels() == ["denial"]
    change = store.undo(connect(story_db), 1)  # a replace is undoable
    assert change is not None and labels() == ["claim"]


def test_conflicts_within_one_file(story_db: str, tmp_path: Path) -> None:
    first = record(note="a")
    f = write_jsonl(tmp_path / "a.jsonl", [first, {**first, "note": "b"}])
    code, _, err = run("--db", story_db, "import-annotations", str(f))
    assert code == 1 and f"{f}:2: annotation {first['id']} conflicts with line 1" in err
    assert "note a, incoming b" in err
    assert store.list_annotations(connect(story_db), 1) == []


# --- orphans ------------------------------------------------------------------------------


def test_orphans_are_placed_when_their_articles_arrive(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    recs = [record(), record(label="denial")]
    f = write_jsonl(tmp_path / "a.jsonl", recs)
    code, _, err = run("--db", db, "import-annotations", str(f))
    assert code == 0 and "2 orphaned" in err and "newsmark orphans" in err
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"title": "Story", "url": "https://news.example/a", "text": TEXT}) + "\n"
    )
    code, _, err = run("--db", db, "import", str(corpus))
    assert code == 0 and "2 orphaned annotations placed" in err
    assert len(store.list_annotations(connect(db), 1)) == 2
    assert "No orphaned annotations" in run("--db", db, "orphans")[2]
    assert "2 already present" in run("--db", db, "import-annotations", str(f))[2]


def test_orphans_retry_and_reimport_place_them(tmp_path: Path) -> None:
    db_path = tmp_path / "n.db"
    f = write_jsonl(tmp_path / "a.jsonl", [record()])
    run("--db", str(db_path), "import-annotations", str(f))
    db = connect(db_path)
    add_article(db, NewArticle(title="Story", url="https://news.example/a", text=TEXT))
    db.close()
    code, _, err = run("--db", str(db_path), "import-annotations", str(f))
    assert code == 0 and "1 earlier orphans placed" in err
    g = write_jsonl(tmp_path / "g.jsonl", [record(article={"title": "Later"})])
    run("--db", str(db_path), "import-annotations", str(g))
    db = connect(db_path)
    add_article(db, NewArticle(title="Later", text="Later: " + TEXT))
    db.close()
    code, _, err = run("--db", str(db_path), "orphans", "--retry")
    assert code == 0 and "1 orphaned annotation placed" in err
    assert "No orphaned annotations" in err


# --- config -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (
            '"reader.delet" = "d"',
            "'reader.delet' is not a binding id; did you mean 'reader.delete'",
        ),
        ('"reader.delete" = "ctrl+"', "'ctrl+' is not a key name"),
        ('"reader.delete" = "control+d"', "'control+d' is not a key name"),
        ('"reader.delete" = "u"', "the key 'u' is bound to both 'reader.delete' and 'reader.undo'"),
        ('"label.claim" = "x"', "bound to both 'label.claim' and 'reader.delete'"),
    ],
)
def test_key_mistakes_are_reported_with_the_entry(tmp_path: Path, keys: str, message: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text("[keys]\n" + keys + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(f)
    assert str(f) in str(info.value) and message in str(info.value)
    code, _, err = run("--config", str(f), "--db", str(tmp_path / "n.db"), "export")
    assert code == 1 and message in err


def test_good_key_names_pass(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        '[keys]\n"reader.delete" = "d,ctrl+d"\n"app.help" = "question_mark,?,f1"\n'
        '"reader.search" = "/"\n"reader.top" = "shift+home"\n'
    )
    assert load_config(f).keys["reader.delete"] == "d,ctrl+d"


def test_many_unknown_settings_are_listed_briefly(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text("".join(f"setting{n:02d} = 1\n" for n in range(25)))
    with pytest.raises(ConfigError) as info:
        load_config(f)
    text = str(info.value)
    assert "setting09" in text and "setting10" not in text and "and 15 more" in text
