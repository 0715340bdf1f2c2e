"""Issue 22, lossless round trips: what an import brings back must not invent links."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations.linking import links
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.db import connect
from newsmark.tui.cli import main

QUOTE = "Fourteen people were taken to Calderwick General Hospital"


def _links(path: Path) -> list[tuple[str, int, str, bool]]:
    db = connect(path)
    try:
        return [
            (u, t, s, bool(c))
            for u, t, s, c in db.execute(
                "SELECT annotation_uuid, target_article_id, status,"
                " target_annotation_uuid IS NOT NULL FROM links ORDER BY id"
            )
        ]
    finally:
        db.close()


def _annotated_home(runner: CliRunner, home: Path) -> tuple[sqlite_utils.Database, int, Annotation]:
    """The sample corpus, with QUOTE tagged as a claim where it is first said."""
    assert runner.invoke(main, ["--db", str(home), "import", "--sample"]).exit_code == 0
    db = connect(home)
    aid, text = next(
        (a, t) for a, t in db.execute("SELECT id, text FROM articles ORDER BY id") if QUOTE in t
    )
    start = text.index(QUOTE)
    return db, aid, store.create_annotation(db, aid, start, start + len(QUOTE), "claim", "me")


def test_an_accepted_copy_never_suggests_its_own_source_after_an_import(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSMARK_MEANING", "off")
    runner = CliRunner()
    home, fresh, export = tmp_path / "home.db", tmp_path / "fresh.db", tmp_path / "a.jsonl"
    db, _aid, ann = _annotated_home(runner, home)
    (suggestion,) = links.suggest(db, Matcher(db), ann)
    links.accept(db, suggestion.id, "me")
    db.close()
    assert runner.invoke(main, ["--db", str(home), "export", "-o", str(export)]).exit_code == 0
    # annotations first (their articles are not there: orphans), then the articles
    runner.invoke(main, ["--db", str(fresh), "import-annotations", str(export)])
    assert runner.invoke(main, ["--db", str(fresh), "import", "--sample"]).exit_code == 0
    assert runner.invoke(main, ["--db", str(fresh), "link"]).exit_code == 0
    found = _links(fresh)
    assert [(s, joined) for _u, _t, s, joined in found] == [("accepted", True)]
    assert [(s, joined) for _u, _t, s, joined in _links(home)] == [("accepted", True)]


def test_edited_details_and_progress_come_back_with_the_annotations(tmp_path: Path) -> None:
    """export -> import-annotations into a fresh database (the same articles imported
    from their files) used to lose the outlet and date edited by hand and "done"."""
    from newsmark.annotations.desk.progress import state_of
    from newsmark.corpus.articles import get_article, update_details

    runner = CliRunner()
    home, fresh, export = tmp_path / "home.db", tmp_path / "fresh.db", tmp_path / "a.jsonl"
    db, aid, _ann = _annotated_home(runner, home)
    update_details(db, aid, {"outlet": "Calderwick Courier (print)", "published": "2026-03-09"})
    from newsmark.annotations.desk.progress import set_state

    set_state(db, aid, "done", "me")
    before = get_article(db, aid)
    db.close()
    assert runner.invoke(main, ["--db", str(home), "export", "-o", str(export)]).exit_code == 0
    assert runner.invoke(main, ["--db", str(fresh), "import", "--sample"]).exit_code == 0
    done = runner.invoke(main, ["--db", str(fresh), "import-annotations", str(export)])
    assert done.exit_code == 0 and "1 articles' details or progress restored" in done.output
    db = connect(fresh)
    after = get_article(db, aid)
    assert before is not None and after is not None
    assert (after.outlet, after.published) == (before.outlet, before.published)
    assert state_of(db, aid) == "done"
    again = runner.invoke(main, ["--db", str(fresh), "import-annotations", str(export)])
    assert "restored" not in again.output  # nothing differs the second time


# --- the whole database ------------------------------------------------------------------

#: Tables an export does not carry, and why. Every other table must come back identical.
NOT_CARRIED = {
    "migrations": "when this file's schema steps ran: the new file has its own",
    "desk_users": "sign-in hashes never leave the file",
    "history": "the undo log belongs to the file it was made in",
    "ngrams": "the match index: derived from the articles, rebuilt by newsmark link",
    "ngram_articles": "the match index (which articles it covers)",
    "postings": "the match index",
    "articles_fts": "the full-text index, kept by triggers from the articles",
    "articles_fts_data": "the full-text index's storage",
    "articles_fts_idx": "the full-text index's storage",
    "articles_fts_docsize": "the full-text index's storage",
    "articles_fts_config": "the full-text index's storage",
    "articles_fts_vocab": "a view of the full-text index",
    "fts_deferred": "empty outside an importing transaction",
}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every carried table's rows, as sets of tuples without row ids (an article is named
    by its text's sha256); app_state by the curators' decisions it holds (the rest of it
    is each machine's own place: last article, cursor, pane widths)."""
    db = connect(path)
    sha = dict(db.execute("SELECT id, sha256 FROM articles").fetchall())
    tables = {
        str(r[0])
        for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    tables = {t for t in tables if not t.startswith("sqlite_")}
    carried = tables - set(NOT_CARRIED)
    assert carried == {
        "articles",
        "annotations",
        "links",
        "article_state",
        "labels",
        "app_state",
        "orphans",
    }, "a new table: say whether the export carries it"
    dump: dict[str, list[tuple[object, ...]]] = {}
    for table in sorted(carried):
        columns = [str(r[1]) for r in db.execute(f"PRAGMA table_info({table})")]
        rows = []
        for row in db.execute(f"SELECT * FROM {table}"):
            record = dict(zip(columns, row, strict=True))
            record.pop("id", None)
            for key in ("article_id", "target_article_id"):
                if key in record:
                    record[key] = sha[record[key]]
            if table == "app_state":
                if not str(record["key"]).startswith("curated:"):
                    continue
                article_id, first, second = json.loads(str(record["key"])[8:])
                record["key"] = (sha[article_id], first, second)
            rows.append(tuple(sorted(record.items())))
        dump[table] = sorted(rows, key=repr)
    db.close()
    return dump


def test_every_table_comes_back_after_export_and_import_into_an_empty_database(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Articles with edited details, two annotators' layers, a note, suggested, accepted
    and rejected links (meaning and confidence), progress, a label of the file's own, and
    a curator's gold layer: ``export --with-articles`` then ``import-annotations`` into an
    empty file gives every carried table back, row for row."""
    from newsmark.annotations.desk.agreement import disagreements, keep
    from newsmark.annotations.desk.progress import set_state
    from newsmark.annotations.linking.links import add_suggestion
    from newsmark.annotations.linking.matching import Match
    from newsmark.annotations.settings.labels import DEFAULT_LABELS
    from newsmark.annotations.settings.labelset import effective, set_label
    from newsmark.corpus.articles import update_details
    from newsmark.corpus.db import write

    monkeypatch.setenv("NEWSMARK_MEANING", "off")
    runner = CliRunner()
    home, fresh, export = tmp_path / "home.db", tmp_path / "fresh.db", tmp_path / "all.jsonl"
    db, aid, ann = _annotated_home(runner, home)
    effective(db, DEFAULT_LABELS, False)
    set_label(db, "quote", key="5", colour="#aa66cc", description="Words said, verbatim")
    other = next(i for (i,) in db.execute("SELECT id FROM articles ORDER BY id") if i != aid)
    text = db.execute("SELECT text FROM articles WHERE id = ?", [aid]).fetchone()[0]
    start = text.index(QUOTE)
    store.create_annotation(db, aid, start, start + 8, "figure", "maria", note="14, not 40")
    store.create_annotation(db, aid, start, start + len(QUOTE), "quote", "maria")
    (suggestion,) = links.suggest(db, Matcher(db), ann)
    links.accept(db, suggestion.id, "me")
    words = db.execute("SELECT text FROM articles WHERE id = ?", [other]).fetchone()[0]
    with write(db):
        add_suggestion(db, ann.uuid, Match(other, 0, 12, words[:12], 71.5, 0.61, 0.42))
        add_suggestion(db, ann.uuid, Match(other, 20, 30, words[20:30], 66.0))
    rejected = next(k for k in links.links_for(db, ann.uuid) if k.start == 20)
    links.reject(db, rejected.id)
    set_state(db, aid, "done", "maria")
    set_state(db, other, "in progress", "root")
    update_details(db, other, {"outlet": "The Brennock Bugle (print)", "author": "A. Ferrant"})
    dispute = disagreements(db, aid, "maria", "me")[0]
    keep(db, dispute, "left", "maria", "me")
    with write(db):  # times from another day: an import that stamps "now" shows
        for table, columns in (
            ("links", ("created", "decided_at")),
            ("annotations", ("created", "updated")),
            ("article_state", ("updated",)),
            ("articles", ("imported_at",)),
        ):
            for column in columns:
                db.execute(
                    f"UPDATE {table} SET {column} = '2026-01-0' || (rowid % 9 + 1)"
                    f" || 'T10:00:00+00:00' WHERE {column} IS NOT NULL"
                )
    db.close()

    result = runner.invoke(
        main, ["--db", str(home), "export", "--with-articles", "-o", str(export)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--db", str(fresh), "import-annotations", str(export)])
    assert result.exit_code == 0, result.output
    assert "10 articles added" in result.output and "1 curated passages settled" in result.output
    before, after = _dump(home), _dump(fresh)
    assert before["orphans"] == after["orphans"] == []
    for table in before:
        assert after[table] == before[table], table
    # and once more changes nothing
    again = runner.invoke(main, ["--db", str(fresh), "import-annotations", str(export)])
    assert "0 added" in again.output and _dump(fresh) == after
