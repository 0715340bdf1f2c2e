"""Issue 22, lossless round trips: what an import brings back must not invent links."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations import links, store
from newsmark.annotations.matching import Matcher
from newsmark.annotations.model import Annotation
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
    from newsmark.annotations.progress import state_of
    from newsmark.corpus.articles import get_article, update_details

    runner = CliRunner()
    home, fresh, export = tmp_path / "home.db", tmp_path / "fresh.db", tmp_path / "a.jsonl"
    db, aid, _ann = _annotated_home(runner, home)
    update_details(db, aid, {"outlet": "Calderwick Courier (print)", "published": "2026-03-09"})
    from newsmark.annotations.progress import set_state

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
