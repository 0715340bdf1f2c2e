"""The annotator's desk in the app: the annotations browser, statistics, article progress
and switching annotator, driven with Pilot, and snapshots of the two screens."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.browser import AnnotationRows, BrowserScreen, FilterError, parse_filter
from newsmark.tui.screens.stats import StatsScreen, outlet_bars
from tests.tui_helpers import SIZE, make_app, seed, until


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
        await until(pilot, lambda: screen.answered == "by:ann her age", "the filter answered")
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
        browser = pilot.app.screen
        assert isinstance(browser, BrowserScreen)
        await until(pilot, lambda: browser.answered == "label:claim", "the filter answered")

    assert snap_compare(_annotated(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_statistics(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)

    assert snap_compare(_annotated(db_path), terminal_size=SIZE, run_before=before)


async def test_agreement_screen_curates_a_disagreement(db_path: Path) -> None:
    from newsmark.tui.screens.agreement import AgreementScreen, Disputes

    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 16, "claim", "ann")  # "Mayor Ilse Varga"
    store.create_annotation(db, 1, 0, 5, "source", "bob")  # "Mayor": overlaps, differs
    store.create_annotation(db, 1, 17, 21, "claim", "ann")  # "said": the same on both sides
    store.create_annotation(db, 1, 17, 21, "claim", "bob")
    db.close()
    app = make_app(db_path, seed_db=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.reader_screen.action_agreement()
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        figures = str(screen.query_one("#figures").render())
        assert "ann \u00d7 bob: 1 article, exact F1 0.50, overlap F1 0.50" in figures
        listed = screen.query_one(Disputes)
        assert len(listed.items) == 1
        assert [a.quote for a in listed.items[0].left] == ["Mayor Ilse Varga"]
        assert [a.quote for a in listed.items[0].right] == ["Mayor"]
        await pilot.press("2")  # keep bob's version: into the gold layer
        await _settle(pilot)
        assert listed.items == []
        db = connect(db_path)
        layers = sorted((a.annotator, a.quote) for a in store.list_annotations(db, 1))
        assert layers == [
            ("ann", "Mayor Ilse Varga"),  # nothing removed from anyone's layer
            ("ann", "said"),
            ("bob", "Mayor"),
            ("bob", "said"),
            ("gold", "Mayor"),
        ]
        await pilot.press("u")  # the keep taken back: listed again, the gold copy gone
        await _settle(pilot)
        assert len(listed.items) == 1
        assert [a.annotator for a in store.list_annotations(db, 1)].count("gold") == 0
        await pilot.press("3")  # keep both
        await _settle(pilot)
        gold = sorted(a.quote for a in store.list_annotations(db, 1) if a.annotator == "gold")
        assert gold == ["Mayor", "Mayor Ilse Varga"]
        # the gold layer is not a side to curate, nor an annotator in the figures
        assert "gold" not in str(screen.query_one(Disputes).border_subtitle)
        assert "gold" not in str(screen.query_one("#figures").render())
        db.close()


def _cluster() -> object:
    from newsmark.annotations.linking.links import Cluster, ClusterMember

    def member(aid: int, outlet: str | None, date: str | None, status: str) -> ClusterMember:
        return ClusterMember(aid, f"Report {aid}", outlet, date, 0, 5, "water", status)

    return Cluster(
        "the water is safe",
        "claim",
        [
            member(1, "Gazette", "2026-03-02", "annotated"),
            member(2, "Post", "2026-03-02", "accepted"),
            member(3, "Gazette", "2026-03-05", "accepted"),  # the Gazette again: counted once
            member(4, "Courier", "2026-03-04T09:00:00", "suggested"),
            member(5, "Wire", None, "accepted"),
            member(6, None, "2026-03-07", "accepted"),
        ],
    )


def test_spread_counts_each_outlet_from_its_first_day() -> None:
    from newsmark.annotations.desk.spread import spread

    steps, undated = spread(_cluster())  # type: ignore[arg-type]
    assert [(s.date, s.outlets, s.total, s.suggested) for s in steps] == [
        ("2026-03-02", ["Gazette", "Post"], 2, 0),
        ("2026-03-04", ["Courier"], 3, 1),
        ("2026-03-07", ["\u201cReport 6\u201d"], 4, 1),
    ]
    assert undated == ["Wire"]


async def test_the_timeline_screen(db_path: Path) -> None:
    from newsmark.tui.screens.timeline import TimelineScreen

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await app.push_screen(TimelineScreen(_cluster()))  # type: ignore[arg-type]
        await pilot.pause()
        days = str(app.screen.query_one("#days").render())
        assert "2026-03-02  Gazette, Post  (2 so far)" in days
        assert "2026-03-04  Courier  (3 so far, 1 only suggested)" in days
        assert "Date unknown: Wire" in days
        await pilot.press("q")
        assert app.screen is app.reader_screen


def _disagreeing(db_path: Path) -> NewsmarkApp:
    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 16, "claim", "ann")
    store.create_annotation(db, 1, 0, 5, "source", "bob")
    store.create_annotation(db, 1, 17, 21, "claim", "ann")
    store.create_annotation(db, 1, 17, 21, "claim", "bob")
    db.close()
    return make_app(db_path, seed_db=False)


def test_snapshot_agreement(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        pilot.app.reader_screen.action_agreement()  # type: ignore[attr-defined]
        await _settle(pilot)

    assert snap_compare(_disagreeing(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_timeline(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    from newsmark.tui.screens.timeline import TimelineScreen

    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        await pilot.app.push_screen(TimelineScreen(_cluster()))  # type: ignore[arg-type]
        await pilot.pause()

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_details_dialog(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await _settle(pilot)
        pilot.app.reader_screen.action_edit_details()  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=before)


async def test_a_curator_edits_the_gold_version_in_the_reader(db_path: Path) -> None:
    """Neither version is right: ``e`` keeps the first in the gold layer and opens it in
    the reader, where the span keys and a label key change the gold copy only."""
    from newsmark.tui.screens.agreement import AgreementScreen

    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 16, "claim", "ann")  # "Mayor Ilse Varga"
    store.create_annotation(db, 1, 0, 5, "source", "bob")  # "Mayor"
    db.close()
    app = make_app(db_path, seed_db=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.reader_screen
        screen.action_agreement()
        await _settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("e")
        await _settle(pilot)
        assert app.screen is screen
        current = screen.current_annotation()
        assert current is not None and (current.annotator, current.quote) == (
            "gold",
            "Mayor Ilse Varga",
        )
        await pilot.press("less_than_sign", "3")  # one word shorter, and a source
        await _settle(pilot)
    db = connect(db_path)
    layers = sorted((a.annotator, a.label, a.quote) for a in store.list_annotations(db, 1))
    assert layers == [
        ("ann", "claim", "Mayor Ilse Varga"),  # the annotators' layers untouched
        ("bob", "source", "Mayor"),
        ("gold", "source", "Mayor Ilse"),
    ]


async def test_hints_show_the_keys_in_force(db_path: Path) -> None:
    """A remapped key is shown as remapped in a dialog's hint (the hints printed the
    defaults: "u: undo" after undo had moved to z)."""
    from newsmark.annotations.settings.config import Config
    from newsmark.tui.screens.agreement import AgreementScreen
    from newsmark.tui.screens.note import NoteScreen

    seed(db_path)
    db = connect(db_path)
    store.create_annotation(db, 1, 0, 16, "claim", "ann")
    store.create_annotation(db, 1, 0, 5, "source", "bob")
    db.close()
    keys = {"agreement.undo": "z", "agreement.edit": "y", "note.cancel": "ctrl+g"}
    app = make_app(db_path, Config(annotator="ann", keys=keys), seed_db=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.reader_screen.action_agreement()
        await _settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        shown = str(app.screen.query_one(".hint").render())
        assert "z: undo" in shown and "y: keep and edit it" in shown
        assert "u: undo" not in shown
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("g", "space")  # onto the annotation
        app.reader_screen.action_edit_note()
        await _settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        assert "^g: cancel" in str(app.screen.query_one(".hint").render())


async def test_relabelling_counts_copies_where_they_are(db_path: Path) -> None:
    """A linked copy in the same article was counted "in other articles"."""
    from newsmark.annotations.linking.links import accept, add_suggestion, links_for
    from newsmark.annotations.linking.matching import Match
    from newsmark.corpus.db import write

    text = "The water is safe, the mayor said. Later: the water is safe, she said again."
    seed(db_path, [("One article", "The Post", text)])
    db = connect(db_path)
    first = text.index("water is safe")
    second = text.index("water is safe", first + 1)
    ann = store.create_annotation(db, 1, first, first + 13, "claim", "sam")
    with write(db):
        add_suggestion(
            db, ann.uuid, Match(1, second, second + 13, text[second : second + 13], 100.0)
        )
    (link,) = links_for(db, ann.uuid)
    accept(db, link.id, "sam")
    db.close()
    app = make_app(db_path, seed_db=False)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.reader_screen
        original = screen.say
        screen.say = lambda message: (said.append(message), original(message))  # type: ignore[method-assign]
        screen.reader.move_to_offset(first + 2)
        await _settle(pilot)
        await pilot.press("4")  # relabel it: figure
        await _settle(pilot)
    assert any("1 linked copy in this article is not" in s for s in said), said


async def test_the_palette_shows_the_keys_in_force(db_path: Path) -> None:
    """Each palette command with a key says which, remapped as remapped; the review
    queue, which had a key but no palette entry, has one."""
    from newsmark.annotations.settings.config import Config

    app = make_app(db_path, Config(annotator="sam", keys={"app.claims": "f6"}))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
    assert commands["Claims view"].endswith("(key: f6)")
    assert commands["Search all articles"].endswith("(key: ^f)")
    assert commands["Review queue"].endswith("(key: f8)")
    assert "key:" not in commands["Agreement between annotators"]


def test_the_timeline_draws_whole_counts_as_steps() -> None:
    from newsmark.annotations.desk.spread import spread
    from newsmark.tui.charts import integer_ticks, step_points

    steps, _ = spread(_cluster())  # type: ignore[arg-type]
    dates, counts = step_points(steps, [s.total for s in steps])
    assert list(zip(dates, counts, strict=True)) == [
        ("2026-03-02", 2),
        ("2026-03-04", 2),  # it held at 2 until the day it stepped up
        ("2026-03-04", 3),
        ("2026-03-07", 3),
        ("2026-03-07", 4),
    ]
    assert integer_ticks(4) == [0, 1, 2, 3, 4]
    assert integer_ticks(23) == [0, 5, 10, 15, 20, 23]
    assert all(isinstance(t, int) for t in integer_ticks(1))


async def test_a_claim_with_no_dated_article_shows_no_empty_chart(db_path: Path) -> None:
    from textual_plotext import PlotextPlot

    from newsmark.annotations.linking.links import Cluster
    from newsmark.tui.screens.timeline import TimelineScreen

    undated = Cluster("q", "claim", [m for m in _cluster().members if m.published is None])
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await app.push_screen(TimelineScreen(undated))
        await pilot.pause()
        assert not app.screen.query(PlotextPlot)
        assert "Date unknown: Wire" in str(app.screen.query_one("#days").render())


async def test_the_palette_is_the_registry_and_every_entry_runs(db_path: Path) -> None:
    """The palette lists keymap.PALETTE in order, nothing hand-kept beside it, and every
    entry's action exists where it runs: a renamed action would otherwise be a dead entry."""
    from textual.command import CommandList

    from newsmark.annotations.settings.keymap import PALETTE
    from newsmark.tui.screens.reader_screen import ReaderScreen

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        ours = [c.title for c in app.get_system_commands(app.screen)][-len(PALETTE) :]
        assert ours == [c.title for c in PALETTE]
        for command in PALETTE:
            where, _, call = command.runs.partition(".")
            name = call.split("(")[0]
            owner = NewsmarkApp if where == "app" else ReaderScreen
            assert callable(getattr(owner, f"action_{name}", None)), command
        main = app.reader_screen
        shown = main.article_list.display
        await pilot.press("ctrl+p", *"Toggle article list")

        def first_is_toggle() -> bool:
            found = app.screen.query(CommandList)
            return (
                bool(found)
                and found.first().option_count > 0
                and ("Toggle article list" in str(found.first().get_option_at_index(0).prompt))
            )

        await until(pilot, first_is_toggle, "the palette offered the command")
        await pilot.press("enter")
        await _settle(pilot)
        assert app.screen is main and main.article_list.display is not shown
