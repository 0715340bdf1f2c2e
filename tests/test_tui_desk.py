"""The annotator's desk in the app: the annotations browser, statistics, article progress
and switching annotator, driven with Pilot, and snapshots of the two screens."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from newsmark.annotations import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.browser import AnnotationRows, BrowserScreen, FilterError, parse_filter
from newsmark.tui.screens.stats import StatsScreen, outlet_bars
from tests.tui_helpers import SIZE, make_app, seed


def _annotated(db_path: Path) -> NewsmarkApp:
    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 16, "claim", "ann")  # "Mayor Ilse Varga"
    store.create_annotation(db, 1, 17, 21, "source", "bob")  # "said"
    store.create_annotation(db, 2, 39, 52, "figure", "ann")  # "Ada Lindqvist"
    store.set_note(db, store.list_annotations(db, 2)[0].uuid, "check her age")
    db.close()
    return make_app(db_path, seed_db=False)


async def _settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_filter_words_parse() -> None:
    q = parse_filter('label:claim by:ann outlet:"The Test Post" links:none sort:date water safe')
    assert (q.labels, q.annotators, q.outlets, q.links, q.sort, q.text) == (
        ["claim"],
        ["ann"],
        ["The Test Post"],
        "none",
        "date",
        "water safe",
    )
    assert parse_filter("time: 5pm").text == "time: 5pm"  # not a filter word: text
    for bad in ("links:maybe", "sort:size", "article:x"):
        try:
            parse_filter(bad)
        except FilterError:
            continue
        raise AssertionError(bad)


async def test_the_browser_filters_and_opens_an_annotation(db_path: Path) -> None:
    app = _annotated(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("f9")
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        rows = screen.query_one(AnnotationRows)
        assert [r.quote for r in rows.rows] == ["Mayor Ilse Varga", "said", "Ada Lindqvist"]
        await pilot.press(*"by:ann her age")
        await pilot.pause(0.3)
        await _settle(pilot)
        assert [r.quote for r in rows.rows] == ["Ada Lindqvist"]  # the note matched
        assert rows.border_subtitle == "1 annotation"
        await pilot.press("enter", "enter")
        await _settle(pilot)
        main = app.reader_screen
        assert app.screen is main and main.article.id == 2
        assert main.reader.selection_offsets == (39, 52)


async def test_statistics_and_progress(db_path: Path) -> None:
    app = _annotated(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        main = app.reader_screen
        listed = main.article_list
        assert listed.states == {1: "in progress"}  # opened: started
        assert "0 of 2 done" in str(listed.border_title)
        await pilot.press("D")
        assert listed.states == {1: "done"}
        assert "1 of 2 done" in str(listed.border_title)
        listed.focus()
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # to do, in progress, done
        assert [r.id for r in listed.shown] == [1]
        await pilot.press("ctrl+t")  # all again
        assert len(listed.shown) == 2
        await pilot.press("f10")
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.found is not None
        assert screen.found["articles"]["done"] == 1
        summary = str(screen.query_one("#summary").render())
        assert "1 done" in summary and "Annotations: 3" in summary
        await pilot.press("escape")
        assert app.screen is main


def test_outlet_bars_keep_the_biggest_and_sum_the_rest() -> None:
    found = {
        "labels": {"claim": 4, "denial": 2},
        "outlets": {
            "A": {"claim": 3},
            "B": {"claim": 1, "denial": 1},
            "C\x1b[2J": {"denial": 1},
        },
    }
    names, labels, counts = outlet_bars(found, max_outlets=2)
    assert names == ["A", "B", "1 other outlets"]
    assert labels == ["claim", "denial"]
    assert counts == [[3, 1, 0], [0, 1, 1]]
    names, _, _ = outlet_bars(found)
    assert "\x1b" not in "".join(names)


async def test_switching_annotator(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        main = app.reader_screen
        assert main.status.annotator == "tester"
        main.action_switch_annotator()
        await pilot.pause()
        app.screen.query_one(Input).value = "Rosa"
        await pilot.press("enter")
        await pilot.pause()
        assert main.status.annotator == "Rosa" and app.config.annotator == "Rosa"
        await pilot.press("v", "e", "1")
        await pilot.pause()
    db = connect(db_path)
    assert [a.annotator for a in store.list_annotations(db, 1)] == ["Rosa"]
    assert [r[0] for r in db.execute("SELECT annotator FROM history")] == ["Rosa"]


def test_snapshot_browser(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        await pilot.press("f9")
        await _settle(pilot)
        await pilot.press(*"label:claim")
        await pilot.pause(0.3)
        await _settle(pilot)

    assert snap_compare(_annotated(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_statistics(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)

    assert snap_compare(_annotated(db_path), terminal_size=SIZE, run_before=before)
