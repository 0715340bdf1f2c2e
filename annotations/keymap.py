"""Binding ids, the keys they have by default, and checking a user's ``[keys]`` table.

Textual ignores a binding id it does not know and a key name no terminal sends, so a typo in
the config would silently leave a key dead. Every command that reads the config checks it
here (no Textual needed), the same way the app does: unknown ids get a close-match hint, key
names are checked against what Textual can deliver, and two bindings that would fight for
one key in one place are refused. ``tests/test_keymap.py`` keeps this table equal to the
bindings the TUI really declares.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping

# id -> (where it fires, default keys). A group is the set of bindings that can fire for
# the same keypress: one widget's or screen's own bindings.
BINDINGS: dict[str, tuple[str, str]] = {
    "app.quit": ("app", "q"),
    "app.help": ("app", "question_mark,f1"),
    "app.toggle_articles": ("app", "f2"),
    "app.toggle_annotations": ("app", "f3"),
    "app.full_width": ("app", "f4"),
    "app.corpus_search": ("app", "ctrl+f"),
    "app.claims": ("app", "f5"),
    "app.panes_narrower": ("app", "alt+left"),
    "app.panes_wider": ("app", "alt+right"),
    "reader.left": ("reader", "h"),
    "reader.down": ("reader", "j"),
    "reader.up": ("reader", "k"),
    "reader.right": ("reader", "l"),
    "reader.word_forward": ("reader", "w"),
    "reader.word_back": ("reader", "b"),
    "reader.word_end": ("reader", "e"),
    "reader.sentence_forward": ("reader", "right_parenthesis"),
    "reader.sentence_back": ("reader", "left_parenthesis"),
    "reader.paragraph_forward": ("reader", "right_curly_bracket"),
    "reader.paragraph_back": ("reader", "left_curly_bracket"),
    "reader.top": ("reader", "g"),
    "reader.bottom": ("reader", "G"),
    "reader.select_page_up": ("reader", "shift+pageup"),
    "reader.select_page_down": ("reader", "shift+pagedown"),
    "reader.visual": ("reader", "v"),
    "reader.clear": ("reader", "escape"),
    "reader.delete": ("reader", "x"),
    "reader.cycle": ("reader", "space"),
    "reader.note": ("reader", "enter,i"),
    "reader.end_right": ("reader", "greater_than_sign"),
    "reader.end_left": ("reader", "less_than_sign"),
    "reader.start_right": ("reader", "alt+greater_than_sign"),
    "reader.start_left": ("reader", "alt+less_than_sign"),
    "reader.undo": ("reader", "u"),
    "reader.redo": ("reader", "ctrl+r"),
    "reader.next_annotation": ("reader", "right_square_bracket"),
    "reader.prev_annotation": ("reader", "left_square_bracket"),
    "reader.search": ("reader", "slash"),
    "reader.compare": ("reader", "m"),
    "reader.corpus_search": ("reader", "s"),
    "reader.search_next": ("reader", "n"),
    "reader.search_prev": ("reader", "N"),
    "articles.clear_filter": ("articles", "escape"),
    "claims.close": ("claims", "escape,q"),
    "compare.accept": ("compare", "a"),
    "compare.reject": ("compare", "r"),
    "compare.next": ("compare", "right_square_bracket"),
    "compare.prev": ("compare", "left_square_bracket"),
    "compare.back": ("compare", "escape,q"),
    "corpus_search.close": ("corpus_search", "escape"),
    "export.cancel": ("export", "escape"),
    "help.close": ("help", "question_mark,f1"),
    "note.cancel": ("note", "escape"),
    "orphans.retry": ("orphans", "r"),
    "search.cancel": ("search", "escape"),
    "page.close": ("page", "escape,q"),
}
# Label keys are bound on the reader as ``label.NAME``.
LABEL_GROUP = "reader"
# A key of a focused widget's own group shadows an app-wide one (Textual's design: the
# reader may take "q" for a label); within one group two bindings of a key are ambiguous.
# Screens that inherit another group's bindings:
SHARED = {"help": ("page",), "orphans": ("page",)}

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    {
        "up",
        "down",
        "left",
        "right",
        "home",
        "end",
        "pageup",
        "pagedown",
        "insert",
        "delete",
        "backspace",
        "tab",
        "enter",
        "escape",
        "space",
        *(f"f{n}" for n in range(1, 25)),
    }
)
# Textual's friendlier names for a few characters (its keys module says the same).
_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_CHARACTER_NAMES = {v: k for k, v in _REPLACEMENTS.items()}


def character_key(character: str) -> str:
    """A one-character key as Textual names it (``?`` is ``question_mark``)."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _REPLACEMENTS.get(name, name)


def _named_character(name: str) -> bool:
    """``question_mark``, ``left_square_bracket``, ``slash``: a character by its name."""
    lookup = _CHARACTER_NAMES.get(name, name)
    for candidate in (lookup.replace("_", " "), lookup.replace("_", "-")):
        try:
            char = unicodedata.lookup(candidate.upper())
        except KeyError:
            continue
        if len(char) == 1 and char.isprintable() and not char.isspace():
            return character_key(char) == name
    # Unicode names that mix spaces and hyphens ("LESS-THAN SIGN")
    return any(character_key(chr(code)) == name for code in range(0x21, 0x7F))


def normalise_key(key: str) -> str | None:
    """The key as Textual compares it, or ``None`` when no terminal can send such a key."""
    key = key.strip()
    if not key:
        return None
    if len(key) == 1:
        return character_key(key) if key.isprintable() and not key.isspace() else None
    *mods, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return None
    if len(base) == 1:
        base = character_key(base) if base.isprintable() and not base.isspace() else ""
    elif base not in NAMED_KEYS and not _named_character(base):
        return None
    return "+".join([*mods, base]) if base else None


def split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",")]


def check_keymap(keys: Mapping[str, str], label_keys: Mapping[str, str], where: str) -> list[str]:
    """Every problem with a ``[keys]`` table, as ``where: ...`` messages (empty when fine).

    ``label_keys`` maps each label's name to its key from the label set.
    """
    problems: list[str] = []
    known = {k: v for k, (_g, v) in BINDINGS.items()}
    known.update({f"label.{name}": key for name, key in label_keys.items()})
    for binding_id, value in keys.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, list(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else " (see the help screen, ?)"
            problems.append(f"{where}: [keys] {binding_id!r} is not a binding id{hint}")
            continue
        for key in split_keys(value):
            if normalise_key(key) is None:
                problems.append(
                    f"{where}: [keys] {binding_id!r}: {key!r} is not a key name Newsmark can"
                    ' receive (e.g. "d", "ctrl+d", "f6", "question_mark")'
                )
    if problems:
        return problems
    effective = {**known, **{k: v for k, v in keys.items() if k in known}}
    user_set = set(keys) | {f"label.{name}" for name in label_keys}
    return _conflicts(effective, user_set, where)


def _group(binding_id: str) -> str:
    if binding_id.startswith("label."):
        return LABEL_GROUP
    return BINDINGS[binding_id][0]


def _conflicts(effective: Mapping[str, str], remapped: set[str], where: str) -> list[str]:
    by_group: dict[str, dict[str, list[str]]] = {}
    for binding_id, keys in effective.items():
        group = _group(binding_id)
        places = [group, *(g for g, shared in SHARED.items() if group in shared)]
        for place in places:
            for key in split_keys(keys):
                norm = normalise_key(key) or key
                by_group.setdefault(place, {}).setdefault(norm, []).append(binding_id)
    problems = []
    for _group_name, keys in sorted(by_group.items()):
        for key, ids in sorted(keys.items()):
            clash = sorted(set(ids))
            if len(clash) > 1 and remapped & set(clash):
                problems.append(_clash(where, key, clash))
    return sorted(set(problems))


def _clash(where: str, key: str, ids: Iterable[str]) -> str:
    names = " and ".join(repr(i) for i in sorted(set(ids)))
    return f"{where}: [keys] the key {key!r} is bound to both {names} in the same place"
