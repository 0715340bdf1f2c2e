"""The binding table the config is checked against is the one the TUI really declares."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from pathlib import Path

from textual.binding import Binding
from textual.keys import Keys, _character_to_key

import newsmark.tui.screens
import newsmark.tui.widgets
from newsmark.annotations.settings.keymap import (
    BINDINGS,
    NAMED_KEYS,
    SPECS,
    character_key,
    normalise_key,
)
from newsmark.tui.docgen import shown_key


def _declared() -> dict[str, str]:
    found: dict[str, str] = {}
    modules = [import_module("newsmark.tui.app")] + [
        import_module(f"{package.__name__}.{info.name}")
        for package in (newsmark.tui.widgets, newsmark.tui.screens)
        for info in pkgutil.iter_modules(package.__path__)
    ]
    for module in modules:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for b in cls.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and b.id:
                    found[b.id] = b.key
    return found


def test_registry_matches_the_tui() -> None:
    assert {k: v for k, (_g, v) in BINDINGS.items()} == _declared()


def test_key_names_agree_with_textual() -> None:
    plain = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    assert plain - {"ctrl-at", "return"} <= NAMED_KEYS
    for code in range(0x21, 0x7F):
        char = chr(code)
        assert character_key(char) == _character_to_key(char)
        assert normalise_key(char) == _character_to_key(char)
        assert normalise_key(_character_to_key(char)) == _character_to_key(char)
    for _id, (_group, keys) in BINDINGS.items():
        for key in keys.split(","):
            assert normalise_key(key) is not None, key
    for bad in ("", "ctrl+", "ctrl+ctrl+a", "foo", "shift+nokey", "\x1b", " "):
        assert normalise_key(bad) is None, bad


def test_readme_documents_every_binding() -> None:
    """The reader's and the configuration's pages of the manual (docs/) explain them."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    readme = "".join(
        (docs / page).read_text() for page in ("reader.md", "configuration.md", "linking.md")
    )
    for spec in SPECS:
        if spec.place in ("reader", "app", "compare") or spec.id.startswith("reader."):
            assert f"`{spec.id}`" in readme, spec.id
        if spec.place in ("reader", "compare"):
            for key in spec.keys.split(","):
                shown = shown_key(key)
                assert f"`{shown}`" in readme or f"{shown} " in readme, (spec.id, key)


def test_no_main_screen_key_is_taken_by_the_reader_first() -> None:
    """The reader is a TextArea, whose own keys (f6 selects the line, f7 everything) come
    before the screen's: a main-screen key bound there would never arrive."""
    from newsmark.tui.widgets.reader import Reader

    taken = set(Reader._merge_bindings().key_to_bindings)
    for spec in SPECS:
        if spec.place == "app":
            assert not set(spec.keys.split(",")) & taken, spec.id


def test_the_help_screen_has_a_section_for_every_place() -> None:
    """A new screen's keys must show in the help (the help screen's own close key aside)."""
    from newsmark.tui.bindings import HELP_PLACES

    shown = {place for place, _title in HELP_PLACES}
    assert {spec.place for spec in SPECS} - shown == {"help"}
