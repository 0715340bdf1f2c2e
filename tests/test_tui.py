"""Pilot tests: every reader flow against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from newsmark.annotations.settings.config import Config
from newsmark.annotations.settings.labels import Label
from newsmark.annotations.spans import store
from newsmark.corpus.db import connect
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.screens.note import NoteScreen
from newsmark.tui.screens.text_page import HelpScreen
from newsmark.tui.widgets.reader import Reader
from tests.tui_helpers import SIZE, TEXT, make_app


def saved(db_path: Path, article_id: int = 1) -> list[tuple[str, str, str]]:
    db = connect(db_path)
    try:
        return [(a.quote, a.label, a.note) for a in store.list_annotations(db, article_id)]
    finally:
        db.close()


def styles_at(reader: Reader, row: int, column: int) -> list[str]:
    line = reader.get_line(row)
    return [str(span.style) for span in line.spans if span.start <= column < span.end]


async def test_opens_focused_on_reader_with_first_article(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Reader)
        assert app.reader_screen.reader.text == TEXT
        assert app.reader_screen.article.title == "Test article"


async def test_select_and_tag_with_keyboard(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "e", "e", "1")
        assert saved(db_path) == [("Mayor Ilse Varga", "claim", "")]
        assert app.reader_screen.reader.visual is False
        assert any("#2563eb" in s for s in styles_at(app.reader_screen.reader, 0, 3))
        assert styles_at(app.reader_screen.reader, 0, 20) == []
        # shift+arrows select too, and the selection snaps inward past spaces
        await pilot.press("g", "w", "w", "w", "left")
        await pilot.press(*["shift+right"] * 6, "4")
        assert saved(db_path)[-1] == ("said", "figure", "")


async def test_tag_counts_are_shown_in_article_list(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1")
        await pilot.pause()
        assert app.reader_screen.article_list.counts[1] == 1
        assert "1" in str(app.reader_screen.panel.border_subtitle)


async def test_select_with_mouse_drag_and_double_click(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.mouse_down("#reader", offset=(2 + 6, 1))
        await pilot.hover("#reader", offset=(2 + 16, 1))
        await pilot.mouse_up("#reader", offset=(2 + 16, 1))
        assert app.reader_screen.reader.selected_text == "Ilse Varga"
        await pilot.press("3")
        assert saved(db_path) == [("Ilse Varga", "source", "")]
        await pilot.double_click("#reader", offset=(2 + 27, 1))
        assert app.reader_screen.reader.selected_text == "water"
        await pilot.press("4")
        assert ("water", "figure", "") in saved(db_path)


async def test_relabel_without_selection(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1", "2")
        assert saved(db_path) == [("Mayor", "denial", "")]


async def test_overlap_cycle_and_delete(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "e", "e", "e", "1")  # Mayor Ilse Varga said
        await pilot.press("w", "v", "e", "e", "3")  # Ilse Varga (inside)
        assert saved(db_path) == [
            ("Mayor Ilse Varga said", "claim", ""),
            ("Ilse Varga", "source", ""),
        ]
        under = [a.label for a in app.reader_screen._under_cursor()]
        assert under == ["source", "claim"]
        # the inner span is drawn underlined so both stay distinguishable
        assert any("underline" in s for s in styles_at(app.reader_screen.reader, 0, 7))
        assert app.reader_screen.current_annotation().label == "source"
        await pilot.press("space")
        assert app.reader_screen.current_annotation().label == "claim"
        await pilot.press("x")
        assert saved(db_path) == [("Ilse Varga", "source", "")]


async def test_note_modal_saves_and_cancels(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1", "i")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"named", "enter")
        assert saved(db_path) == [("Mayor", "claim", "named")]
        await pilot.press("enter")
        assert app.screen.query_one(Input).value == "named"
        await pilot.press("backspace", "escape")
        assert saved(db_path) == [("Mayor", "claim", "named")]


async def test_resize_both_edges(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "v", "e", "1")
        assert saved(db_path)[0][0] == "Ilse"
        await pilot.press("greater_than_sign")
        assert saved(db_path)[0][0] == "Ilse Varga"
        await pilot.press("less_than_sign")
        assert saved(db_path)[0][0] == "Ilse"
        await pilot.press("comma")  # "," and "." move the start edge
        assert saved(db_path)[0][0] == "Mayor Ilse"
        await pilot.press("full_stop")
        assert saved(db_path)[0][0] == "Ilse"
        await pilot.press("less_than_sign")  # cannot shrink to nothing
        assert saved(db_path)[0][0] == "Ilse"


async def test_undo_redo_and_after_restart(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "1", "2")
        assert saved(db_path) == [("Mayor", "denial", "")]
        await pilot.press("u")
        assert saved(db_path) == [("Mayor", "claim", "")]
        await pilot.press("ctrl+r")
        assert saved(db_path) == [("Mayor", "denial", "")]
        await pilot.press("u", "u")
        assert saved(db_path) == []
        await pilot.press("q")
    again = NewsmarkApp(db_path, Config(annotator="tester"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        assert saved(db_path) == [("Mayor", "claim", "")]
        await pilot.press("ctrl+r", "u", "u", "ctrl+r")
        assert saved(db_path) == [("Mayor", "claim", "")]


async def test_search_in_article(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"WATER", "enter")
        hits = [i for i in range(len(TEXT)) if TEXT.lower().startswith("water", i)]
        assert len(hits) == 3
        assert app.reader_screen.reader.cursor_offset == hits[0]
        await pilot.press("n")
        assert app.reader_screen.reader.cursor_offset == hits[1]
        await pilot.press("n", "n")
        assert app.reader_screen.reader.cursor_offset == hits[0]  # wraps
        await pilot.press("N")
        assert app.reader_screen.reader.cursor_offset == hits[2]
        # a query that is markup or regex syntax is plain text
        await pilot.press("slash", *["backspace"] * 5, *"[bold]", "enter")
        assert app.reader_screen.reader.cursor_offset == TEXT.index("[bold]")


async def test_navigation_keys(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        r = app.reader_screen.reader
        await pilot.press("w")
        assert r.cursor_offset == TEXT.index("Ilse")
        await pilot.press("e")
        assert r.cursor_offset == TEXT.index(" Varga")
        await pilot.press("b")
        assert r.cursor_offset == TEXT.index("Ilse")
        await pilot.press("right_curly_bracket")
        assert r.cursor_offset == TEXT.index("The plant")
        await pilot.press("right_parenthesis")
        assert r.cursor_offset == TEXT.index("Markup")
        await pilot.press("left_parenthesis")
        assert r.cursor_offset == TEXT.index("The plant")
        await pilot.press("left_curly_bracket")
        assert r.cursor_offset == 0
        await pilot.press("G")
        assert r.cursor_offset == len(TEXT)
        await pilot.press("g", "j")
        assert r.cursor_location[0] == 1
        await pilot.press("k", "l", "l", "h")
        assert r.cursor_offset == 1
        # ] and [ jump between annotations
        await pilot.press("g", "w", "v", "e", "1", "G", "left_square_bracket")
        assert r.cursor_offset == TEXT.index("Ilse")
        await pilot.press("g", "right_square_bracket")
        assert r.cursor_offset == TEXT.index("Ilse")


async def test_visual_mode_and_escape(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "w", "w")
        assert app.reader_screen.reader.selected_text == "Mayor Ilse "
        await pilot.press("escape")
        assert app.reader_screen.reader.selected_text == ""
        assert app.reader_screen.reader.visual is False
        await pilot.press("4")  # nothing selected, nothing under cursor: nothing happens
        assert saved(db_path) == []


async def test_config_labels_and_remapped_key(db_path: Path) -> None:
    config = Config(
        annotator="tester",
        labels=(Label("quote", "5", "#7e22ce"), Label("claim", "c", "#2563eb")),
        keys={"reader.delete": "d"},
    )
    app = make_app(db_path, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "e", "5")
        assert saved(db_path) == [("Mayor", "quote", "")]
        assert any("#7e22ce" in s for s in styles_at(app.reader_screen.reader, 0, 1))
        await pilot.press("1")  # not a label any more
        assert saved(db_path) == [("Mayor", "quote", "")]
        await pilot.press("c")
        assert saved(db_path) == [("Mayor", "claim", "")]
        await pilot.press("x")  # remapped away
        assert saved(db_path) == [("Mayor", "claim", "")]
        await pilot.press("d")
        assert saved(db_path) == []


async def test_markup_in_text_is_literal(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        row = TEXT.split("\n").index(next(line for line in TEXT.split("\n") if "[bold]" in line))
        assert "[@click=app.quit]x[/]" in app.reader_screen.reader.get_line(row).plain
        col = TEXT.split("\n")[row].index("[@click")
        await pilot.click("#reader", offset=(2 + col + 3, 1 + row))
        await pilot.pause()
        assert app.is_running


async def test_restores_last_article_and_cursor(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+tab")
        assert app.focused is app.reader_screen.article_list
        await pilot.press("down", "enter")
        assert app.reader_screen.article.title == "Second article"
        await pilot.press("w", "w", "w")
        offset = app.reader_screen.reader.cursor_offset
        await pilot.press("q")
    again = NewsmarkApp(db_path, Config(annotator="tester"))
    async with again.run_test(size=SIZE):
        assert again.reader_screen.article.title == "Second article"
        assert again.reader_screen.reader.cursor_offset == offset


async def test_article_list_filter(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("shift+tab", *"chess")
        assert app.reader_screen.article_list.count == 1
        assert "chess" in str(app.reader_screen.article_list.border_title)
        await pilot.press("escape")
        assert app.reader_screen.article_list.count == 2
        await pilot.press(*"weekly", "enter")
        assert app.reader_screen.article.title == "Second article"
        assert isinstance(app.focused, Reader)


async def test_annotations_panel_enter_jumps(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "w", "v", "e", "2", "G", "tab")
        assert app.focused is app.reader_screen.panel
        await pilot.press("enter")
        assert app.reader_screen.reader.cursor_offset == TEXT.index("Varga")
        assert isinstance(app.focused, Reader)


async def test_panes_hide_and_resize(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.reader_screen
        await pilot.press("f4")
        await pilot.pause()
        assert screen.reader.region.width == SIZE[0]
        await pilot.press("f4", "f2")
        await pilot.pause()
        assert not screen.article_list.display and screen.side.display
        width = screen.side.size.width
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.side.size.width > width
        await pilot.press("f2", "f3")
        await pilot.pause()
        assert not screen.side.display and screen.article_list.display


async def test_help_lists_every_binding(db_path: Path) -> None:
    config = Config(annotator="tester", keys={"reader.delete": "d"})
    app = make_app(db_path, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        flat = {desc: keys for _, rows in app.help_sections() for keys, desc in rows}
        for binding in Reader.BINDINGS:
            assert binding.description in flat
        assert flat["Delete"] == "d"
        assert any("claim" in d for d in flat)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_opens_article_by_title(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Second article")
        from textual.widgets import OptionList

        for _ in range(100):  # the palette searches asynchronously
            await pilot.pause(0.05)
            found = app.screen.query(OptionList)
            if found and found.first().option_count:
                break
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader_screen.article.title == "Second article"
