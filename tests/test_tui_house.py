"""The reader screen's newer behaviour: keys, dialogs, layout memory, live refresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from newsmark.annotations.settings.config import Config
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.export import ExportScreen
from tests.tui_helpers import SIZE, TEXT, make_app, seed


def _labels(db_path: Path) -> list[tuple[int, int, str]]:
    db = connect(db_path)
    try:
        return [(a.start, a.end, a.label) for a in store.list_annotations(db, 1)]
    finally:
        db.close()


async def test_tagging_the_same_span_twice_is_a_no_op(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1")
        await pilot.press("0", "v", "e", "1")
        await pilot.pause()
        assert _labels(db_path) == [(0, 5, "claim")]
        status = app.reader_screen.query_one("#status").text.plain
        assert "You tagged claim here already" in status
        await pilot.press("v", "e", "2")  # another label on the same span is a new one
        assert sorted(_labels(db_path)) == [(0, 5, "claim"), (0, 5, "denial")]


async def test_search_extends_the_selection_in_visual_mode(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.reader_screen
        await pilot.press("v", "slash")
        await pilot.press(*"water", "enter")
        await pilot.pause()
        first = TEXT.index("water")
        assert screen.reader.selection_offsets == (0, first)
        await pilot.press("n")
        second = TEXT.index("water", first + 1)
        assert screen.reader.selection_offsets == (0, second)
        await pilot.press("N")
        assert screen.reader.selection_offsets == (0, first)
        await pilot.press("escape", "n")  # out of visual mode, n just moves
        assert screen.reader.selection_offsets == (second, second)


async def test_export_dialog_shows_target_replaces_and_keeps_errors(
    db_path: Path, tmp_path: Path
) -> None:
    app = make_app(db_path)
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1")
        app.action_export()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        box = screen.query_one("#path", Input)
        box.value = str(target)
        await pilot.pause()
        assert f"Writes the file {target}" in str(screen.query_one("#target", Static).render())
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if "already exists" in str(screen.query_one("#error", Static).render()):
                break
        assert app.screen is screen and box.value == str(target)  # still open, as typed
        assert "use --force" in str(screen.query_one("#error", Static).render())
        screen.query_one("#force", Checkbox).value = True
        box.focus()
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if app.screen is not screen:
                break
        assert app.screen is not screen
    assert target.read_text().startswith('{"format": "newsmark-annotations"')


async def test_pane_layout_is_remembered(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2", "alt+right")
        await pilot.pause()
        width = app.reader_screen.side.size.width
    again = NewsmarkApp(db_path, Config(annotator="t"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.reader_screen
        assert not screen.article_list.display
        assert screen.side.size.width == width


async def test_narrow_terminal_brings_the_list_back_on_f2(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.reader_screen
        assert not screen.article_list.display and screen.side.display
        assert screen.reader.content_size.width >= 40
        await pilot.press("f2")
        await pilot.pause()
        assert screen.article_list.display and not screen.side.display
        await pilot.press("f2")
        await pilot.pause()
        assert not screen.article_list.display and screen.side.display


async def test_articles_imported_elsewhere_appear(db_path: Path) -> None:
    seed(db_path)
    app = NewsmarkApp(db_path, Config(annotator="t"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.reader_screen
        assert len(screen.article_rows) == 2
        other = connect(db_path)  # another program, another connection
        add_article(other, NewArticle(title="Arrived later", text="Brand new text here."))
        other.close()
        for _ in range(60):
            await pilot.pause(0.1)
            if len(screen.article_rows) == 3:
                break
        assert [r.title for r in screen.article_rows][-1] == "Arrived later"


async def test_help_lists_the_compare_keys_and_ctrl_q(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sections = dict(app.help_sections())
        compare = dict((d, k) for k, d in sections["Compare view"])
        assert compare["Accept"] == "a" and compare["Reject"] == "r"
        keys = {k for _, rows in sections.items() for k, _ in rows}
        assert any("ctrl+q" in k for k in keys)
        reader = {d: k for k, d in sections["Reader"]}
        assert reader["Start one word left"] == "," and reader["Start one word right"] == "."


async def test_cached_rows_match_a_fresh_render(db_path: Path) -> None:
    """The reader and the lists keep rendered rows across keys; what they show after moves,
    a visual selection, a tag and an undo is what a cold render shows."""
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.reader_screen
        reader = screen.reader

        def rows() -> list[str]:
            return [reader.render_line(y).text for y in range(reader.size.height)]

        def cold() -> list[str]:
            reader._strip_cache.clear()
            reader._styled_lines.clear()
            reader._row_cache.clear()
            reader.notify_style_update()
            return rows()

        for keys in (("w", "w"), ("v", "e", "e"), ("1",), ("j", "k"), ("u",), ("G",), ("g",)):
            await pilot.press(*keys)
            await pilot.pause()
            warm = rows()
            assert warm == cold(), keys
            styles_warm = [reader.render_line(y) for y in range(reader.size.height)]
            reader._strip_cache.clear()
            styles_cold = [reader.render_line(y) for y in range(reader.size.height)]
            assert [list(s) for s in styles_warm] == [list(s) for s in styles_cold], keys
            for pane in (screen.panel, screen.article_list, screen.matches):
                warm_rows = [list(pane.render_line(y)) for y in range(pane.size.height)]
                pane._strips.clear()
                cold_rows = [list(pane.render_line(y)) for y in range(pane.size.height)]
                assert warm_rows == cold_rows, (keys, type(pane).__name__)


async def test_a_pane_that_stepped_aside_comes_back_when_there_is_room(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f2")  # the list in, the annotations pane steps aside
        await pilot.pause()
        screen = app.reader_screen
        assert screen.article_list.display and not screen.side.display
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert screen.article_list.display and screen.side.display


async def test_routine_feedback_is_on_the_status_line_until_the_next_move(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1", "u")
        await pilot.pause()
        status = app.reader_screen.query_one("#status")
        assert "Undid create of claim." in status.text.plain
        assert not [n for n in app._notifications if "Undid" in n.message]  # no toast
        await pilot.press("l")
        assert "Undid" not in status.text.plain


def _screen_text(svg: str) -> list[tuple[str, ...]]:
    """What a screenshot shows, whatever order its style classes were numbered in: every
    text run and background rectangle with its position and its style."""
    import re

    styles = dict(re.findall(r"\.(terminal-[a-z0-9-]+-r\d+) \{([^}]*)\}", svg))
    texts = [
        (y, x, styles.get(cls, ""), body)
        for cls, x, y, body in re.findall(
            r'<text class="([^"]+)" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
        )
    ]
    rects = re.findall(r'<rect fill="([^"]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg)
    return sorted(texts) + sorted(rects)


async def _cold_screen(app: NewsmarkApp, pilot: object) -> list[tuple[str, ...]]:
    """The screen after every cache is emptied and everything is painted again."""
    screen = app.reader_screen
    reader = screen.reader
    reader._strip_cache.clear()
    reader._styled_lines.clear()
    reader._row_cache.clear()
    for widget in screen.query("*"):
        if hasattr(widget, "_strips"):
            widget._strips.clear()
        widget._styles_cache.clear()
        widget.refresh()
        if getattr(widget, "show_vertical_scrollbar", False):
            bar = widget.vertical_scrollbar  # type: ignore[attr-defined]
            bar._styles_cache.clear()
            bar.refresh()
    await pilot.pause()  # type: ignore[attr-defined]
    return _screen_text(app.export_screenshot())


async def _each_step_repaints_like_cold(
    app: NewsmarkApp, pilot: object, steps: list[tuple[str, ...]]
) -> None:
    """After each step's keys, the screen (partly repainted) is what a cold repaint shows."""
    for keys in steps:
        await pilot.press(*keys)  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        warm = _screen_text(app.export_screenshot())
        assert warm == await _cold_screen(app, pilot), keys


@pytest.mark.slow
async def test_partial_repaints_leave_no_stale_rows_on_screen(db_path: Path) -> None:
    """Keys repaint only the rows they change; the screen then is what a full repaint of
    everything shows (checked by clearing every cache and comparing the screenshots)."""
    app = make_app(db_path)

    async with app.run_test(size=SIZE) as pilot:
        steps = [
            ("v", "e", "1"),
            ("w", "w", "v", "e", "2"),
            ("0", "j"),
            ("k",),
            ("u",),
            ("ctrl+r",),
            ("right_square_bracket",),
            ("space",),
            ("x",),
            ("u",),
            ("G", "b", "v", "e", "3"),
            ("g", "w", "w", "w", "v", "e", "4"),  # before others: the list rows shift
            ("x",),
            ("u",),
            ("j", "j", "k", "l", "l", "h"),
            ("v", "j", "j", "k"),
            ("escape",),
            ("v", "w", "w", "b"),
            ("e",),
            ("escape", "G", "k", "k"),
            ("v", "g"),
            ("escape",),
        ]
        await _each_step_repaints_like_cold(app, pilot, steps)


async def test_a_new_span_repaints_the_spans_it_makes_nested_on_other_rows(
    db_path: Path,
) -> None:
    """A longer span crossing into a shorter one underlines the shorter one everywhere,
    also on a row the new span does not reach; that row must be painted again."""
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.reader_screen
        reader = screen.reader
        line = TEXT.split("\n").index(TEXT.split("\n")[-1])
        assert len(reader.wrapped_document.get_offsets(line)) >= 1  # it wraps
        boundary = reader.index.line_start(line) + reader.wrapped_document.get_offsets(line)[0]
        assert screen.article is not None
        db = screen.db
        short = store.create_annotation(
            db, screen.article.id, boundary - 5, boundary + 10, "claim", "t"
        )
        screen._reload_annotations(changed=short.uuid)
        await pilot.pause()
        longer = store.create_annotation(
            db, screen.article.id, boundary - 30, boundary - 2, "denial", "t"
        )
        screen._reload_annotations(changed=longer.uuid)
        await pilot.pause()
        warm = _screen_text(app.export_screenshot())
        assert warm == await _cold_screen(app, pilot)


async def test_the_status_line_is_filled_from_the_first_screen_and_follows_visual_mode(
    db_path: Path,
) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = app.reader_screen.query_one("#status")
        assert "Test article" in status.text.plain  # before any key
        await pilot.press("v")
        assert "VISUAL" in status.text.plain  # at once, not at the next move
        await pilot.press("escape")
        assert "VISUAL" not in status.text.plain


async def test_the_readers_quick_height_is_the_wrapped_documents_height(db_path: Path) -> None:
    """The reader's wrapped document counts its rows from the row table; Textual sums the
    wrap points. They must agree at every width, or rows would be cut off or invented."""
    from textual.document._wrapped_document import WrappedDocument

    from newsmark.tui.widgets.text_view import RowTableDocument

    long_text = "\n".join(" ".join(f"word{i}-{j}" for j in range(i * 7 % 90)) for i in range(60))
    seed(db_path, [("Long", "Outlet", long_text)])
    app = make_app(db_path, seed_db=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wrapped = app.reader_screen.reader.wrapped_document
        assert isinstance(wrapped, RowTableDocument)
        for width in (80, 61, 17, 3):
            wrapped.wrap(width)
            assert wrapped.height == WrappedDocument.height.fget(wrapped) > 60, width


@pytest.mark.slow
async def test_a_long_lists_scrollbar_follows_each_new_item(db_path: Path) -> None:
    """The annotations list repaints its scrollbar only when the thumb would change; after
    each of many tags the bar is what a cold repaint draws."""
    app = make_app(db_path)
    ids = seed(db_path)
    db = connect(db_path)
    for n in range(40):
        store.create_annotation(db, ids[0], n % 30, n % 30 + 4 + n % 3, "claim", "t")
    db.close()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        panel = app.reader_screen.panel
        assert panel.show_vertical_scrollbar
        steps = [("w", "v", "e", str(1 + n % 4)) for n in range(12)]
        await _each_step_repaints_like_cold(app, pilot, steps)


async def test_the_key_bar_follows_focus_and_repaints_only_when_its_keys_change(
    db_path: Path,
) -> None:
    from newsmark.tui.widgets.key_bar import KeyBar

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.reader_screen.query_one(KeyBar)

        def shown() -> set[str]:
            return {key.description for key in bar.keys}

        assert {"Visual", "Undo", "Quit"} <= shown()
        assert "Visual" in bar.render().plain and "palette" in bar.render().plain
        repainted = 0
        original = bar.refresh

        def counting(*regions: object, **kwargs: object) -> KeyBar:
            nonlocal repainted
            repainted += 1
            return original(*regions, **kwargs)  # type: ignore[arg-type]

        bar.refresh = counting  # type: ignore[method-assign]
        await pilot.press("j", "w", "v", "e", "escape")
        app.reader_screen.refresh_bindings()  # a signal that changes no key
        await pilot.pause()
        assert repainted == 0
        app.reader_screen.article_list.focus()
        await pilot.pause()
        assert repainted == 1 and "Visual" not in shown() and "Quit" in shown()
        app.reader_screen.reader.focus()
        await pilot.pause()
        assert repainted == 2 and "Visual" in shown()


async def test_clicking_a_key_in_the_key_bar_presses_it(db_path: Path) -> None:
    from newsmark.tui.widgets.key_bar import KeyBar

    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.reader_screen.query_one(KeyBar)
        bar.render()
        column = next(start for start, _end, key in bar._spans if key == "v")
        await pilot.click(KeyBar, offset=(column + 1, 0))
        await pilot.pause()
        assert app.reader_screen.reader.visual


async def test_opening_a_shorter_article_from_deep_in_a_long_one(db_path: Path) -> None:
    """Loading a text moves the cursor from where it was in the old text, whose lines the
    new one may not have; repainting the rows it left must not look them up in the new
    text (opening a short article from a link's compare view crashed)."""
    from textual.widgets.text_area import Selection

    long_text = "\n\n".join(f"Paragraph {n} of the long article." for n in range(40))
    ids = seed(db_path, [("Long", "Outlet", long_text), ("Short", "Outlet", "One line only.")])
    app = make_app(db_path, seed_db=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.reader_screen.open_article(ids[1])
        await pilot.pause()
        reader = app.reader_screen.reader
        # what TextArea.load_text does: the cursor moves from the old text's (60, 3)
        reader._watch_selection(Selection((60, 3), (60, 3)), Selection((0, 0), (0, 0)))
        await pilot.press("l")
        await pilot.pause()
        assert reader.text == "One line only." and reader.cursor_location == (0, 1)


async def test_a_status_message_is_readable_at_80_columns(db_path: Path) -> None:
    """A long title gave way to nothing: at 80x24 "Nothing to undo." showed as "No"."""
    from tests.tui_helpers import seed

    long_title = "Calderwick residents told the tap water is safe after a night of alarm"
    seed(db_path, [(long_title, "The Test Post", "Mayor Ilse Varga said the water is safe.")])
    app = NewsmarkApp(db_path, Config(annotator="maria.hernandez-luz"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = app.reader_screen.status
        await pilot.press("v", "e", "e", "u")  # a selection on the line too
        await pilot.pause()
        shown = status.render_line(0).text  # the line as painted, cut to the width
        assert "Nothing to undo." in shown, shown
        await pilot.press("j")  # the message goes with the next move; the title is back
        await pilot.pause()
        assert "Calderwick residents" in status.render_line(0).text


async def test_the_chosen_theme_is_remembered(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme != "nord"
        app.theme = "nord"  # as the palette's "Change theme" does
        await pilot.pause()
    again = NewsmarkApp(db_path, Config(annotator="t"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


def test_every_hook_of_the_reader_core_is_filled_by_a_part() -> None:
    """The reader screen is put together from parts (tui/screens/reader/); the core
    declares, for type checkers only, the methods it calls on them. One that no part
    defines would fail only when first used."""
    from newsmark.tui.screens.reader import base
    from newsmark.tui.screens.reader_screen import ReaderScreen

    assert len(base.HOOKS) == 8
    for name in base.HOOKS:
        assert name not in vars(base.ReaderBase), name  # declared only for type checkers
        owners = [c for c in ReaderScreen.__mro__ if name in vars(c)]
        assert owners and owners[0].__module__.startswith("newsmark.tui.screens.reader."), name
