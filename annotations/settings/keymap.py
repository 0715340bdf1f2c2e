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
from dataclasses import dataclass


@dataclass(frozen=True)
class KeySpec:
    """One binding: where it fires, its default keys, what it does and how it is shown.

    ``place`` groups the bindings that can fire for the same keypress (one widget's or
    screen's own); ``action`` is the Textual action string; ``footer`` names the footer
    group it is folded into, if any.
    """

    id: str
    place: str
    keys: str
    action: str
    description: str
    show: bool = False
    footer: str | None = None


def _spec(*args: object, **kwargs: object) -> KeySpec:
    return KeySpec(*args, **kwargs)  # type: ignore[arg-type]


SPECS: tuple[KeySpec, ...] = (
    # anywhere on the main screen (ids keep the "app." prefix: configs name them so)
    _spec("app.quit", "app", "q", "app.quit", "Quit", show=True),
    _spec("app.help", "app", "question_mark,f1", "app.help", "Help", show=True),
    _spec("app.toggle_articles", "app", "f2", "screen.toggle_pane('articles')", "Articles"),
    _spec("app.toggle_annotations", "app", "f3", "screen.toggle_pane('side')", "Annotations"),
    _spec("app.full_width", "app", "f4", "screen.full_width", "Full width"),
    _spec("app.corpus_search", "app", "ctrl+f", "screen.corpus_search", "Search all", show=True),
    _spec("app.claims", "app", "f5", "screen.claims", "Claims"),
    _spec("app.review", "app", "f8", "screen.review", "Review queue"),
    _spec("app.browser", "app", "f9", "screen.browser", "Annotations"),
    _spec("app.stats", "app", "f10", "screen.stats", "Statistics"),
    _spec("app.panes_narrower", "app", "alt+left", "screen.resize_panes(-4)", "Panes narrower"),
    _spec("app.panes_wider", "app", "alt+right", "screen.resize_panes(4)", "Panes wider"),
    # the reader
    _spec("reader.left", "reader", "h", "cursor_left", "Left", footer="move"),
    _spec("reader.down", "reader", "j", "cursor_down", "Down", footer="move"),
    _spec("reader.up", "reader", "k", "cursor_up", "Up", footer="move"),
    _spec("reader.right", "reader", "l", "cursor_right", "Right", footer="move"),
    _spec("reader.word_forward", "reader", "w", "motion('word_forward')", "Next word"),
    _spec("reader.word_back", "reader", "b", "motion('word_back')", "Previous word"),
    _spec("reader.word_end", "reader", "e", "motion('word_end')", "End of word"),
    _spec(
        "reader.sentence_forward",
        "reader",
        "right_parenthesis",
        "motion('sentence_forward')",
        "Next sentence",
    ),
    _spec(
        "reader.sentence_back",
        "reader",
        "left_parenthesis",
        "motion('sentence_back')",
        "Previous sentence",
    ),
    _spec(
        "reader.paragraph_forward",
        "reader",
        "right_curly_bracket",
        "motion('paragraph_forward')",
        "Next paragraph",
    ),
    _spec(
        "reader.paragraph_back",
        "reader",
        "left_curly_bracket",
        "motion('paragraph_back')",
        "Previous paragraph",
    ),
    _spec("reader.top", "reader", "g", "top", "Top"),
    _spec("reader.bottom", "reader", "G", "bottom", "Bottom"),
    _spec("reader.select_page_up", "reader", "shift+pageup", "page_up_select", "Select page up"),
    _spec(
        "reader.select_page_down",
        "reader",
        "shift+pagedown",
        "page_down_select",
        "Select page down",
    ),
    _spec("reader.visual", "reader", "v", "toggle_visual", "Visual", show=True),
    _spec("reader.clear", "reader", "escape", "clear_selection", "Clear selection"),
    _spec("reader.delete", "reader", "x", "screen.delete_annotation", "Delete", show=True),
    _spec("reader.cycle", "reader", "space", "screen.cycle_annotation", "Next overlapping"),
    _spec("reader.note", "reader", "enter,i", "screen.edit_note", "Note", show=True),
    _spec(
        "reader.end_right",
        "reader",
        "greater_than_sign",
        "screen.resize('end', 1)",
        "End one word right",
        footer="resize",
    ),
    _spec(
        "reader.end_left",
        "reader",
        "less_than_sign",
        "screen.resize('end', -1)",
        "End one word left",
        footer="resize",
    ),
    # "," and "." are "<" and ">" unshifted: the start edge. Alt with punctuation is not
    # sent by common terminals (ESC + ">" arrives as a plain ">").
    _spec(
        "reader.start_right",
        "reader",
        "full_stop",
        "screen.resize('start', 1)",
        "Start one word right",
        footer="resize",
    ),
    _spec(
        "reader.start_left",
        "reader",
        "comma",
        "screen.resize('start', -1)",
        "Start one word left",
        footer="resize",
    ),
    _spec("reader.undo", "reader", "u", "screen.undo", "Undo", show=True),
    _spec("reader.redo", "reader", "ctrl+r", "screen.redo", "Redo"),
    _spec(
        "reader.next_annotation",
        "reader",
        "right_square_bracket",
        "screen.next_annotation(1)",
        "Next annotation",
    ),
    _spec(
        "reader.prev_annotation",
        "reader",
        "left_square_bracket",
        "screen.next_annotation(-1)",
        "Previous annotation",
    ),
    _spec("reader.search", "reader", "slash", "screen.search", "Search", show=True),
    _spec("reader.compare", "reader", "m", "screen.compare", "Compare", show=True),
    _spec("reader.link", "reader", "L", "screen.link_by_hand", "Link by hand"),
    _spec("reader.toggle_done", "reader", "D", "screen.toggle_done", "Article done"),
    _spec("reader.relabel_copies", "reader", "R", "screen.relabel_copies", "Relabel linked copies"),
    _spec("reader.corpus_search", "reader", "s", "screen.corpus_search", "Search all"),
    _spec("reader.search_next", "reader", "n", "screen.search_next(1)", "Next match"),
    _spec("reader.search_prev", "reader", "N", "screen.search_next(-1)", "Previous match"),
    # lists and dialogs
    _spec("articles.clear_filter", "articles", "escape", "clear_filter", "Clear filter"),
    _spec("articles.edit_details", "articles", "ctrl+e", "screen.edit_details", "Edit details"),
    _spec("articles.toggle_done", "articles", "ctrl+d", "screen.toggle_done", "Done / not done"),
    _spec("articles.state_filter", "articles", "ctrl+t", "cycle_state_filter", "Filter by state"),
    _spec("list.up", "list", "k", "move(-1)", "Up"),
    _spec("list.down", "list", "j", "move(1)", "Down"),
    _spec("claims.close", "claims", "escape,q", "dismiss_none", "Close", show=True),
    _spec("claims.timeline", "claims", "t", "timeline", "Timeline", show=True),
    _spec("timeline.close", "timeline", "escape,q", "close", "Close", show=True),
    _spec("compare.accept", "compare", "a", "accept", "Accept", show=True),
    _spec("compare.reject", "compare", "r", "reject", "Reject", show=True),
    _spec("compare.next", "compare", "right_square_bracket", "step(1)", "Next match", show=True),
    _spec(
        "compare.prev", "compare", "left_square_bracket", "step(-1)", "Previous match", show=True
    ),
    _spec("compare.back", "compare", "escape,q", "app.pop_screen", "Back", show=True),
    _spec("review.accept", "review", "a", "accept", "Accept", show=True),
    _spec("review.reject", "review", "r", "reject", "Reject", show=True),
    _spec("review.skip", "review", "n,right_square_bracket", "step(1)", "Skip", show=True),
    _spec("review.prev", "review", "left_square_bracket", "step(-1)", "Previous", show=True),
    _spec("review.undo", "review", "u", "undo", "Undo", show=True),
    _spec("review.order", "review", "o", "order", "Surest first / by article", show=True),
    _spec("review.back", "review", "escape,q", "close", "Back", show=True),
    _spec("corpus_search.close", "corpus_search", "escape", "dismiss_none", "Close", show=True),
    _spec("browser.close", "browser", "escape", "dismiss_none", "Close", show=True),
    _spec("browser.rows", "browser", "down", "focus_rows", "List"),
    _spec("stats.close", "stats", "escape,q", "close", "Close", show=True),
    _spec("agreement.keep_first", "agreement", "1", "keep('left')", "Keep first", show=True),
    _spec("agreement.keep_second", "agreement", "2", "keep('right')", "Keep second", show=True),
    _spec("agreement.keep_both", "agreement", "3", "keep('both')", "Keep both", show=True),
    _spec("agreement.undo", "agreement", "u", "undo_keep", "Undo keep", show=True),
    _spec("agreement.edit", "agreement", "e", "edit_gold", "Edit in gold", show=True),
    _spec("agreement.next_pair", "agreement", "p", "next_pair", "Next pair", show=True),
    _spec("agreement.close", "agreement", "escape,q", "close", "Close", show=True),
    _spec("corpus_search.results", "corpus_search", "down", "focus_results", "Results"),
    _spec("export.cancel", "export", "escape", "cancel", "Cancel", show=True),
    _spec("help.close", "help", "question_mark,f1", "dismiss", "Close"),
    _spec("note.cancel", "note", "escape", "cancel", "Cancel", show=True),
    _spec("details.cancel", "details", "escape", "cancel", "Cancel", show=True),
    _spec("annotator.cancel", "annotator", "escape", "cancel", "Cancel", show=True),
    _spec("orphans.retry", "orphans", "r", "retry", "Retry placing", show=True),
    _spec("search.cancel", "search", "escape", "cancel", "Cancel", show=True),
    _spec("page.close", "page", "escape,q", "dismiss", "Close", show=True),
)
BINDINGS: dict[str, tuple[str, str]] = {s.id: (s.place, s.keys) for s in SPECS}
FOOTER_GROUPS = {"move": "Move", "resize": "Resize"}


def specs_for(place: str) -> list[KeySpec]:
    return [s for s in SPECS if s.place == place]


@dataclass(frozen=True)
class PaletteCommand:
    """One entry of the command palette (ctrl+p).

    An entry with a ``binding`` runs that binding's action and shows its keys in force, so
    the palette, the help screen and the footer can never disagree about a key. ``action`` is
    only for commands that have no key: ``app.NAME`` runs on the app, ``screen.NAME`` on the
    reader screen (the palette is opened over it)."""

    title: str
    help: str
    binding: str | None = None
    action: str | None = None

    @property
    def runs(self) -> str:
        if self.binding is not None:
            return SPEC_BY_ID[self.binding].action
        assert self.action is not None
        return self.action


SPEC_BY_ID: dict[str, KeySpec] = {s.id: s for s in SPECS}

# In the order the palette lists them when nothing is typed.
PALETTE: tuple[PaletteCommand, ...] = (
    PaletteCommand("Help: keys", "Show every key binding", binding="app.help"),
    PaletteCommand(
        "Export annotations…",
        "Write annotations to a file (jsonl, prodigy, w3c, brat, xmi or label-studio)",
        action="app.export",
    ),
    PaletteCommand(
        "Orphaned annotations",
        "Imported annotations that could not be placed",
        action="app.orphans",
    ),
    PaletteCommand(
        "Search all articles", "Fuzzy search across the corpus", binding="app.corpus_search"
    ),
    PaletteCommand("Claims view", "How linked claims spread across outlets", binding="app.claims"),
    PaletteCommand("Review queue", "Every pending suggestion, surest first", binding="app.review"),
    PaletteCommand(
        "Annotations browser",
        "Every annotation in the corpus, filtered by label, outlet, annotator, text",
        binding="app.browser",
    ),
    PaletteCommand(
        "Agreement between annotators",
        "Figures for every pair; this article's disagreements, to keep one version",
        action="screen.agreement",
    ),
    PaletteCommand(
        "Switch annotator…",
        "Who the next tags and decisions belong to (this session)",
        action="screen.switch_annotator",
    ),
    PaletteCommand(
        "Statistics",
        "Annotations per label, outlet and annotator; progress; links",
        binding="app.stats",
    ),
    PaletteCommand(
        "Edit article details",
        "Title, outlet, date, URL and author of the article (not its text)",
        binding="articles.edit_details",
    ),
    PaletteCommand(
        "Toggle article list", "Show or hide the article list", binding="app.toggle_articles"
    ),
    PaletteCommand(
        "Toggle annotations panel",
        "Show or hide the annotations panel",
        binding="app.toggle_annotations",
    ),
    PaletteCommand(
        "Reader full width", "Hide both side panes (again to show)", binding="app.full_width"
    ),
    PaletteCommand("Undo", "Undo the last annotation change", binding="reader.undo"),
    PaletteCommand("Redo", "Redo the last undone change", binding="reader.redo"),
    PaletteCommand("Search this article", "Find text in the open article", binding="reader.search"),
    PaletteCommand(
        "Next annotation", "Jump to the next annotation", binding="reader.next_annotation"
    ),
    PaletteCommand(
        "Previous annotation",
        "Jump to the previous annotation",
        binding="reader.prev_annotation",
    ),
)


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
