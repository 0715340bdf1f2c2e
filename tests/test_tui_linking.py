"""Pilot and snapshot tests of the matches panel, compare view, corpus search and claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsmark.annotations.linking.links import links_for
from newsmark.annotations.settings.config import Config
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.claims import ClaimsScreen
from newsmark.tui.screens.compare import CompareScreen
from newsmark.tui.screens.corpus_search import CorpusSearchScreen
from tests.tui_helpers import SIZE, seed

QUOTE = "At no point did any material leave our site"
ARTICLES = [
    (
        "Plant denies leak",
        "The Courier",
        f"The company spoke on Tuesday.\n\n\u201c{QUOTE},\u201d said Tomas Reyle, a spokesman.",
    ),
    (
        "Regulator opens inquiry",
        "Business Daily",
        "Shares fell.\n\nThe company repeated: "
        "at no point did any material leave its site, a spokesman said.",
    ),
    (
        "Letters",
        "The Courier",
        f"Sir - The company says \u201c{QUOTE.lower()}\u201d. Then where did it come from?",
    ),
    ("Chess final", "Herald", "A fourteen-year-old won the open on tie-break."),
]


async def wait_for_results(pilot: Pilot) -> None:
    """The search is debounced and runs on a worker: wait until its results are shown."""
    results = pilot.app.screen.query_one("#results")
    for _ in range(100):
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
        if results.count:
            break
    await pilot.pause()


def make(db_path: Path) -> NewsmarkApp:
    seed(db_path, ARTICLES)
    return NewsmarkApp(db_path, Config(annotator="tester"))


async def tag_quote(app: NewsmarkApp, pilot: Pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    start = app.reader_screen.article.text.index(QUOTE)
    app.reader_screen.reader.select_offsets(start, start + len(QUOTE))
    await pilot.press("2")
    for _ in range(100):  # links are computed on a worker started after the repaint
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        if app.reader_screen.link_counts:
            break
    await pilot.pause()


async def test_matches_panel_lists_other_articles(db_path: Path) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        titles = [row.title for row in app.reader_screen.match_rows]
        assert sorted(titles) == ["Letters", "Regulator opens inquiry"]
        assert app.reader_screen.matches.count == 2
        assert app.reader_screen.link_counts == {app.reader_screen.current_uuid: 2}
        assert "\u21c42" in app.reader_screen.panel.item_lines(0)[0].plain
        # the reworded passage has its differing word marked
        index = titles.index("Regulator opens inquiry")
        head, passage = app.reader_screen.matches.item_lines(index)
        assert " edited " in head.plain  # "its site": one word differs
        verbatim = app.reader_screen.matches.item_lines(titles.index("Letters"))[0]
        assert " verbatim " in verbatim.plain  # case and quote marks aside
        marked = [passage.plain[s.start : s.end] for s in passage.spans]
        assert "its" in marked


async def test_compare_accept_and_reject(db_path: Path) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        first = app.reader_screen.match_rows[0]
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        db = connect(db_path)
        created = store.list_annotations(db, first.link.target_article_id)
        assert [(a.label, a.quote) for a in created] == [("denial", first.link.text)]
        await pilot.press("right_square_bracket", "r")
        await pilot.pause()
        uuid = app.reader_screen.current_uuid
        statuses = sorted(k.status for k in links_for(db, uuid, include_rejected=True))
        assert statuses == ["accepted", "rejected"]
        await pilot.press("escape")
        assert not isinstance(app.screen, CompareScreen)
        assert [r.link.status for r in app.reader_screen.match_rows] == ["accepted"]


async def test_the_copy_shows_its_accepted_source_and_does_not_suggest_it(
    db_path: Path,
) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        source_article = app.reader_screen.article
        assert source_article is not None
        await pilot.press("m")
        await pilot.pause()
        target = app.reader_screen.match_rows[0].link.target_article_id
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        db = connect(db_path)
        copy = store.list_annotations(db, target)[0]
        app.reader_screen.open_article(target, cursor=copy.start)
        for _ in range(50):
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
        rows = app.reader_screen.match_rows
        back = [r for r in rows if r.link.target_article_id == source_article.id]
        assert [r.link.status for r in back] == ["accepted"]
        assert all(
            r.link.status != "suggested" or r.link.target_article_id != source_article.id
            for r in rows
        )
        index = rows.index(back[0])
        app.reader_screen.decide(index, accept=True)  # accepting it again changes nothing
        assert "Already accepted" in app.reader_screen.query_one("#status").text.plain
        assert len(store.list_annotations(db, source_article.id)) == 1


async def test_link_by_hand_to_a_passage_in_another_article(db_path: Path) -> None:
    """L marks the annotation; L on a selected passage elsewhere tags it with the same label
    and links the two: what the matcher cannot find, the user can still link."""
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        screen = app.reader_screen
        source = screen.current_annotation()
        assert source is not None
        await pilot.press("L")
        status = screen.query_one("#status")
        assert "LINK" in status.text.plain
        chess = 4
        screen.open_article(chess)
        await pilot.pause()
        screen.reader.select_offsets(2, 20)
        await pilot.press("L")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Linked by hand" in status.text.plain and "LINK " not in status.text.plain
        db = connect(db_path)
        (tagged,) = store.list_annotations(db, chess)
        assert tagged.label == source.label and tagged.quote == screen.article.text[2:20].strip()
        back = [r.link for r in screen.match_rows]
        assert [(k.status, k.target_article_id) for k in back] == [("accepted", 1)]
        mine = links_for(db, source.uuid)
        assert any(k.target_annotation_uuid == tagged.uuid for k in mine)


async def test_review_queue_walks_every_pending_suggestion(db_path: Path) -> None:
    """f8: surest first; a accepts (tags the other article), r rejects, n skips, u takes the
    last decision back; the counts follow, and the panel shows them per annotation."""
    from newsmark.tui.screens.review import ReviewScreen

    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        await pilot.press("f8")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        info = review.query_one("#info")

        def shown() -> str:
            return str(info.render())

        assert "2 pending" in shown() and "Suggestion 1 of 2" in shown()
        scores = [p.link.score for p in review.queue]
        assert scores == sorted(scores, reverse=True)  # best first
        first = review.queue[0].link
        await pilot.press("a")
        await pilot.pause()
        assert "1 pending" in shown() and "1 accepted" in shown()
        db = connect(db_path)
        assert len(store.list_annotations(db, first.target_article_id)) == 1
        await pilot.press("u")  # undo: the accept and its tag go
        await pilot.pause()
        assert "2 pending" in shown() and "0 accepted" in shown()
        assert store.list_annotations(db, first.target_article_id) == []
        await pilot.press("n", "r")  # skip the first, reject the second
        await pilot.pause()
        assert "1 pending" in shown() and "1 rejected" in shown()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        head = app.reader_screen.panel.item_lines(0)[0].plain
        assert "(1? 1\u2717)" in head


async def test_relabelling_offers_to_relabel_linked_copies(db_path: Path) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)  # a denial
        screen = app.reader_screen
        await pilot.press("m")
        await pilot.pause()
        target = screen.match_rows[0].link.target_article_id
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape", "1")  # no selection: relabel the current one a claim
        await pilot.pause()
        status = screen.query_one("#status").text.plain
        assert "1 linked copy" in status and "press R" in status
        db = connect(db_path)
        assert [a.label for a in store.list_annotations(db, target)] == ["denial"]
        await pilot.press("R")
        await pilot.pause()
        assert [a.label for a in store.list_annotations(db, target)] == ["claim"]
        assert "Relabelled 1 linked copy" in screen.query_one("#status").text.plain


async def test_corpus_search_opens_article_at_match(db_path: Path) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, CorpusSearchScreen)
        await pilot.press(*"fourten year old")
        await wait_for_results(pilot)
        results = app.screen.query_one("#results")
        assert results.count >= 1
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.reader_screen.article.title == "Chess final"
        assert app.reader_screen.reader.selected_text.lower().startswith("fourteen")


async def test_claims_view(db_path: Path) -> None:
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ClaimsScreen)
        (cluster,) = app.screen.clusters
        assert (cluster.articles, cluster.suggested) == (1, 2)  # only accepted links count
        line = app.screen.query_one("#claims").item_lines(0)[0].plain
        assert line.startswith("1 article (+2 suggested)")
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader_screen.article.title == cluster.first.title


def test_snapshot_matches_panel(snap_compare, db_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await tag_quote(pilot.app, pilot)

    assert snap_compare(make(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_compare_view(snap_compare, db_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await tag_quote(pilot.app, pilot)
        await pilot.press("m")
        await pilot.pause()

    assert snap_compare(make(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_search_screen(snap_compare, db_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()  # the index is up to date first
        await pilot.press("ctrl+f", *"material leave")
        await wait_for_results(pilot)

    assert snap_compare(make(db_path), terminal_size=SIZE, run_before=before)


def test_snapshot_claims_view(snap_compare, db_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await tag_quote(pilot.app, pilot)
        await pilot.press("f5")
        await pilot.pause()

    assert snap_compare(make(db_path), terminal_size=SIZE, run_before=before)


async def test_export_from_palette_and_orphans(db_path: Path, tmp_path: Path) -> None:
    from newsmark.tui.screens.export import ExportScreen
    from newsmark.tui.screens.text_page import OrphansScreen

    app = make(db_path)
    target = tmp_path / "from-app.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        app.action_export()
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        field = app.screen.query_one("#path")
        field.value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2 and '"label": "denial"' in lines[1]
        app.action_orphans()
        await pilot.pause()
        assert isinstance(app.screen, OrphansScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, OrphansScreen)


async def test_articles_imported_since_last_run_are_indexed_and_linked_at_start(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list shows at once; a large backlog is indexed on every core, with a notice."""
    first = seed(db_path, ARTICLES)[0]
    db = connect(db_path)
    text = db.execute("SELECT text FROM articles WHERE id = ?", [first]).fetchone()[0]
    start = text.index(QUOTE)
    ann = store.create_annotation(db, first, start, start + len(QUOTE), "claim", "tester")
    db.close()
    monkeypatch.setattr("newsmark.tui.screens.reader.watching.BULK_MIN", 2)
    monkeypatch.setattr("newsmark.annotations.linking.index.BULK_MIN", 2)
    app = NewsmarkApp(db_path, Config(annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.reader_screen.link_counts:
                break
        messages = [n.message for n in app._notifications]
        assert "Indexing 4 articles for cross-article matches\u2026" in messages
        assert app.reader_screen.link_counts == {ann.uuid: 2}
        assert len(app.reader_screen.article_rows) == 4
        for _ in range(100):
            if "Match index ready." in [n.message for n in app._notifications]:
                break
            await pilot.pause(0.05)
        assert "Match index ready." in [n.message for n in app._notifications]


async def test_a_failing_index_update_at_start_is_reported_and_reading_goes_on(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_args: object, **_kw: object) -> None:
        raise OSError(28, "No space left on device")

    seed(db_path, ARTICLES)
    monkeypatch.setattr("newsmark.annotations.linking.index.BULK_MIN", 1)
    monkeypatch.setattr("newsmark.annotations.linking.index.bulk_index", full_disk)
    app = NewsmarkApp(db_path, Config(annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1
        assert errors[0].startswith("The match index could not be updated: [Errno 28] No space")
        assert "run `newsmark link` to retry" in errors[0]
        assert len(app.reader_screen.article_rows) == 4 and app.is_running
        await pilot.press("j")  # still reading


FIGURE = "The fuel spill reached 5 villages along the lower river by Tuesday night"
FIGURE_ARTICLES = [
    ("Spill spreads", "The Courier", f"Update.\n\n{FIGURE}, the agency said."),
    ("Spill count rises", "Herald", "Update.\n\n" + FIGURE.replace("5", "7") + ", officials said."),
]


async def test_a_match_with_another_figure_says_so(db_path: Path) -> None:
    seed(db_path, FIGURE_ARTICLES)
    app = NewsmarkApp(db_path, Config(annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        start = app.reader_screen.article.text.index(FIGURE)
        app.reader_screen.reader.select_offsets(start, start + len(FIGURE))
        await pilot.press("1")
        for _ in range(100):
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            if app.reader_screen.link_counts:
                break
        await pilot.pause()
        head, passage = app.reader_screen.matches.item_lines(0)
        assert passage.plain.startswith("figure differs: 5 vs 7 \u00b7 ")
        assert "Spill count rises" in head.plain


async def test_escape_gives_focus_back_to_the_reader(db_path: Path) -> None:
    """After compare (m) or the details dialog opened over the reader, Escape leaves the
    keys with the reader: `/` searches the article, it does not type into a list's filter."""
    from newsmark.tui.screens.details import DetailsScreen
    from newsmark.tui.screens.find import SearchScreen
    from newsmark.tui.widgets.reader import Reader

    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)
        assert isinstance(app.focused, Reader)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, Reader), app.focused
        app.reader_screen.action_edit_details()  # as the palette does, over the reader
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, Reader), app.focused
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_relabelling_copies_undoes_in_one_step(db_path: Path) -> None:
    """R relabels the copies in two other articles; one u puts both back."""
    app = make(db_path)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await tag_quote(app, pilot)  # a denial, with two matches
        screen = app.reader_screen
        original = screen.say
        screen.say = lambda message: (said.append(message), original(message))  # type: ignore[method-assign]
        await pilot.press("m", "a", "right_square_bracket", "a", "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        db = connect(db_path)
        copies = [r.link.target_annotation_uuid for r in screen.match_rows]
        assert len(copies) == 2 and all(copies)

        def labels() -> list[str]:
            return [store.get_annotation(db, u).label for u in copies]  # type: ignore[arg-type,union-attr]

        assert labels() == ["denial", "denial"]
        await pilot.press("1")  # the source becomes a claim; its copies are not
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert labels() == ["claim", "claim"]
        await pilot.press("u")
        await pilot.pause()
        assert labels() == ["denial", "denial"]
        assert said[-1] == "Undid relabel of 2 linked copies."
        assert store.get_annotation(db, screen.current_uuid).label == "claim"  # type: ignore[arg-type,union-attr]


async def test_a_span_too_short_to_link_starts_no_links_worker(db_path: Path) -> None:
    """A word tagged on its own cannot be looked for in other articles: no worker, no
    connection, no repaint of links (a fifth of such a keypress's CPU)."""
    app = make(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        started: list[list[str]] = []
        screen = app.reader_screen
        original = screen._compute_links
        screen._compute_links = lambda uuids: started.append(uuids) or original(uuids)  # type: ignore[method-assign]
        text = screen.article.text  # type: ignore[union-attr]
        at = text.index("company")
        screen.reader.select_offsets(at, at + len("company"))
        await pilot.press("1")
        await pilot.pause()
        assert screen.annotations and started == []
        start = text.index(QUOTE)
        screen.reader.select_offsets(start, start + len(QUOTE))
        await pilot.press("2")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert len(started) == 1 and screen.link_counts  # a quote: looked for
