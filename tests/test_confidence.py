"""Precision first: every suggestion carries how sure the "same claim" decision is; the
queue and the panel offer the surest first; the user sets how sure a suggestion must be
(``newsmark link --min-confidence``, ``min_confidence`` in the config, Spark alike)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmark.annotations.linking import links
from newsmark.annotations.linking.farlink import read_claims
from newsmark.annotations.linking.farplan import link_archive
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.settings.config import ConfigError, parse_config
from newsmark.corpus.db import connect
from newsmark.tui.cli import main
from tests.test_farplan import archive_of, db_links, record_links, story_world


def test_suggestions_are_rated_and_the_queue_is_surest_first(tmp_path: Path) -> None:
    db, _export = story_world(tmp_path)
    queue = links.pending(db)
    sure = [p.link.confidence for p in queue]
    assert len(sure) >= 20 and all(c is not None and 0 <= c <= 1 for c in sure)
    assert sure == sorted(sure, reverse=True)  # surest first, whatever the string score
    scores = [p.link.score for p in queue]
    assert scores != sorted(scores, reverse=True)  # (the old order would differ)
    # the panel too: each annotation's links, surest first
    for p in queue[:5]:
        shown = [k.confidence for k in links.links_for(db, p.annotation.uuid)]
        assert shown == sorted(shown, reverse=True)


def test_min_confidence_keeps_only_the_sure_ones_here_and_on_spark(tmp_path: Path) -> None:
    db, export = story_world(tmp_path)
    every = db_links(db)
    matcher = Matcher(db)
    matcher.min_confidence = 0.8
    links.link_all(db, matcher)
    kept = db_links(db)
    assert kept == {k for k in every if k[6] is not None and k[6] >= 0.8}
    assert 0 < len(kept) < len(every)
    records, _ = link_archive(archive_of(db), read_claims(export), "wordllama", min_confidence=0.8)
    assert record_links(records) == kept


def test_the_link_command_and_the_config_set_it(tmp_path: Path) -> None:
    db, _export = story_world(tmp_path)
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    every = db_links(db)
    db.close()
    runner = CliRunner()
    config = tmp_path / "config.toml"
    config.write_text("min_confidence = 0.9\n")
    done = runner.invoke(main, ["--db", str(db_path), "--config", str(config), "link"])
    assert done.exit_code == 0, done.output
    with_config = db_links(connect(db_path))
    assert with_config == {k for k in every if (k[6] or 0) >= 0.9}
    done = runner.invoke(
        main,
        ["--db", str(db_path), "--config", str(config), "link", "--min-confidence", "0"],
    )
    assert done.exit_code == 0 and db_links(connect(db_path)) == every  # the flag wins
    off = runner.invoke(
        main,
        ["--db", str(db_path), "link", "--min-confidence", "0.5"],
        env={"NEWSMARK_MEANING": "off"},
    )
    assert "suggestions were not rated and none was left out" in off.output
    bad = runner.invoke(main, ["--db", str(db_path), "link", "--min-confidence", "2"])
    assert bad.exit_code == 2 and "0<=x<=1" in bad.output


@pytest.mark.parametrize("value", ["1.5", '"high"', "true", "-0.1"])
def test_a_bad_min_confidence_in_the_config_says_so(value: str) -> None:
    import tomllib

    with pytest.raises(ConfigError, match="'min_confidence' must be a number from 0 to 1"):
        parse_config(tomllib.loads(f"min_confidence = {value}\n"))
