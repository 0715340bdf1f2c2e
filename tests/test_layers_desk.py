"""Issue 22, layers per annotator: the same passage tagged by two people is two
annotations, so agreement measures agreement (not who tagged first)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from newsmark.annotations.desk.agreement import agreement, alpha_by_word
from newsmark.annotations.linking.links import add_suggestion
from newsmark.annotations.linking.matching import Match
from newsmark.annotations.settings.config import Config
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect, write
from newsmark.tui.screens.browser import BrowserScreen
from tests.tui_helpers import SECOND, TEXT, make_app, seed, until

PASSAGES = ["Mayor Ilse Varga", "The plant denied it", "Fourteen people were treated"]


async def _tag_all(db_path: Path, annotator: str) -> list[str]:
    app = make_app(db_path, Config(annotator=annotator), seed_db=False)
    said: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.reader_screen
        original = screen.say
        screen.say = lambda message: (said.append(message), original(message))  # type: ignore[method-assign]
        for n, passage in enumerate(PASSAGES):
            start = TEXT.index(passage)
            screen.reader.select_offsets(start, start + len(passage))
            await pilot.press(str(1 + n % 3))
            await pilot.pause()
    return said


async def test_a_second_annotator_tags_what_the_first_tagged(db_path: Path) -> None:
    seed(db_path)
    assert not await _tag_all(db_path, "root")
    said = await _tag_all(db_path, "maria")
    assert not any("nothing changed" in s for s in said)  # the old code refused maria
    db = connect(db_path)
    mine = {(a.start, a.end, a.label, a.annotator) for a in store.list_annotations(db, 1)}
    assert len(mine) == 2 * len(PASSAGES)
    (pair,) = agreement(db)
    assert pair.exact_f1 == 1.0 and all(k == 1.0 for k in pair.kappa.values())
    assert all(v == 1.0 for v in alpha_by_word(db).values())
    # tagging it again as maria is what changes nothing
    again = await _tag_all(db_path, "maria")
    assert sum("tagged" in s and "already" in s for s in again) == len(PASSAGES)


async def test_a_label_added_elsewhere_tags_in_an_open_app(db_path: Path) -> None:
    """``newsmark labels set`` in another terminal: the open app's keys know the label
    within a second or so (before, its key did nothing until a restart)."""
    from newsmark.annotations.settings.labelset import set_label

    app = make_app(db_path, Config(annotator="sam"))
    async with app.run_test(size=(120, 36)) as pilot:
        other = connect(db_path)
        set_label(other, "quote", key="5", colour="purple")
        other.close()
        await pilot.pause(1.5)  # the screen looks for other programs' changes every second
        assert "quote" in {lab.name for lab in app.config.labels}
        start = TEXT.index("Mayor Ilse Varga")
        app.reader_screen.reader.select_offsets(start, start + len("Mayor Ilse Varga"))
        await pilot.press("5")
        await pilot.pause()
        db = connect(db_path)
        assert [a.label for a in store.list_annotations(db, 1)] == ["quote"]


@pytest.mark.slow
async def test_blind_mode_hides_the_others_work(db_path: Path) -> None:
    """The curator's ``newsmark blind on``: each annotator sees only their own spans, and
    the screens with the others' work stay shut; ``off`` shows everything again, in an
    app that is already open."""
    from click.testing import CliRunner

    from newsmark.tui.cli import main

    seed(db_path)
    await _tag_all(db_path, "root")
    runner = CliRunner()
    said = runner.invoke(main, ["--db", str(db_path), "blind", "on"]).output
    assert "blind mode is on" in said
    app = make_app(db_path, Config(annotator="maria"), seed_db=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.reader_screen
        assert screen.annotations == ()  # root's three are hidden from maria
        start = TEXT.index("Mayor Ilse Varga")
        screen.reader.select_offsets(start, start + len("Mayor Ilse Varga"))
        await pilot.press("1")
        await pilot.pause()
        assert [a.annotator for a in screen.annotations] == ["maria"]
        screen.action_agreement()
        await pilot.pause()
        assert app.screen is screen  # the disagreements stay shut
        assert "(blind)" in screen.status.annotator
        screen.action_browser()  # the browser lists maria's own, whatever she types
        await pilot.pause()
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        browser.query_one(Input).value = "by:root"
        await until(pilot, lambda: browser.answered == "by:root", "the filter answered")
        shown = browser.query_one("#rows").rows  # type: ignore[attr-defined]
        assert shown == []  # root's work is not shown to maria, even asked for
        browser.query_one(Input).value = ""
        await until(pilot, lambda: browser.answered == "", "the empty filter answered")
        assert [r.annotator for r in browser.query_one("#rows").rows] == ["maria"]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        # a suggestion for each annotator's "Mayor Ilse Varga": maria reviews her own only
        other = connect(db_path)
        with write(other):
            for ann in store.list_annotations(other, 1):
                if ann.start == 0:
                    passage = Match(2, 0, 6, SECOND[0:6], 80.0)
                    add_suggestion(other, ann.uuid, passage)
        other.close()
        screen.action_review()
        await pilot.pause()
        queue = app.screen.queue  # type: ignore[attr-defined]
        assert [p.annotation.annotator for p in queue] == ["maria"]
        await pilot.press("escape")
        await pilot.pause()
        runner.invoke(main, ["--db", str(db_path), "blind", "off"])
        await pilot.pause(1.5)
        assert sorted(a.annotator for a in screen.annotations) == ["maria"] + ["root"] * 3
    assert "blind mode is off" in runner.invoke(main, ["--db", str(db_path), "blind"]).output
    db = connect(db_path)
    assert len(store.list_annotations(db, 1)) == 4  # nothing of root's was touched


def test_blind_in_the_config() -> None:
    import tomllib

    from newsmark.annotations.settings.config import ConfigError, parse_config

    assert parse_config(tomllib.loads("blind = true\n")).blind
    try:
        parse_config(tomllib.loads('blind = "yes"\n'))
    except ConfigError as exc:
        assert "'blind' must be true or false" in str(exc)
    else:
        raise AssertionError("a bad blind setting was accepted")


@pytest.mark.slow
async def test_a_teammates_tags_appear_in_the_open_article(db_path: Path) -> None:
    """Another terminal or browser session tags the article you are reading: it appears
    within a second or so, as a reload would show it; in blind mode it stays hidden."""
    from newsmark.annotations.desk.state import BLIND, set_state

    app = make_app(db_path, Config(annotator="sam"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.reader_screen
        assert screen.annotations == ()
        other = connect(db_path)
        start = TEXT.index("Mayor Ilse Varga")
        store.create_annotation(other, 1, start, start + len("Mayor Ilse Varga"), "source", "maria")
        await pilot.pause(1.5)  # the screen looks for other programs' changes every second
        assert [(a.annotator, a.label) for a in screen.annotations] == [("maria", "source")]
        assert screen.reader.annotation(screen.annotations[0].uuid) is not None
        set_state(other, {BLIND: "on"})
        start = TEXT.index("The plant denied it")
        end = start + len("The plant denied it")
        store.create_annotation(other, 1, start, end, "denial", "maria")
        other.close()
        await pilot.pause(1.5)
        assert screen.annotations == ()  # blind: nobody else's work, new or old


def test_a_kept_version_brings_its_link_decisions_into_the_gold_layer(db_path: Path) -> None:
    """Links belong to layers: keeping maria's claim copies her accepted and rejected
    links to the gold copy (not her open suggestions); taking the keep back removes them."""
    from newsmark.annotations.desk.agreement import GOLD, disagreements, keep, unkeep
    from newsmark.annotations.linking.links import accept, links_for, reject

    seed(db_path)
    db = connect(db_path)
    start = TEXT.index("Mayor Ilse Varga said the water is safe")
    mine = store.create_annotation(db, 1, start, start + 39, "claim", "maria")
    store.create_annotation(db, 1, start, start + 16, "source", "root")
    second_start = SECOND.index("Ada Lindqvist")
    with write(db):
        for offset in (0, second_start):
            add_suggestion(db, mine.uuid, Match(2, offset, offset + 13, SECOND[offset:][:13], 80.0))
        add_suggestion(db, mine.uuid, Match(2, 2, 10, SECOND[2:10], 70.0))
    found = {k.start: k.id for k in links_for(db, mine.uuid)}
    accept(db, found[second_start], "maria")
    reject(db, found[0])
    (dispute,) = disagreements(db, 1, "maria", "root")
    made = keep(db, dispute, "left", "maria", "root")
    (gold,) = [a for a in store.list_annotations(db, 1) if a.annotator == GOLD]
    assert made == [gold.uuid]
    copied = {(k.start, k.status) for k in links_for(db, gold.uuid, include_rejected=True)}
    assert copied == {(second_start, "accepted"), (0, "rejected")}  # not the open one at 2
    assert disagreements(db, 1, "maria", "root") == []
    unkeep(db, dispute, made, "maria", "root")
    assert (
        db.execute("SELECT count(*) FROM links WHERE annotation_uuid = ?", [gold.uuid]).fetchone()[
            0
        ]
        == 0
    )
    assert len(disagreements(db, 1, "maria", "root")) == 1
    assert len(links_for(db, mine.uuid, include_rejected=True)) == 3  # hers untouched
