"""Textual bindings made from the one key registry (:mod:`newsmark.annotations.settings.keymap`).

Widgets and screens take their ``BINDINGS`` from here, the config is checked against the same
table, and the help screen lists it with the keys in force: a key is declared once.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import App
from textual.binding import Binding

from newsmark.annotations.settings.keymap import FOOTER_GROUPS, SPECS, KeySpec, specs_for
from newsmark.annotations.settings.labels import Label

_GROUPS = {name: Binding.Group(description) for name, description in FOOTER_GROUPS.items()}


def _binding(spec: KeySpec) -> Binding:
    return Binding(
        spec.keys,
        spec.action,
        spec.description,
        show=spec.show,
        id=spec.id,
        group=_GROUPS.get(spec.footer) if spec.footer else None,
    )


def bindings(*places: str) -> list[Binding]:
    """The bindings of these places, in registry order."""
    return [_binding(spec) for place in places for spec in specs_for(place)]


_BY_ID = {spec.id: spec for spec in SPECS}


def hint(app: App[object], *parts: tuple[str, str] | str) -> Text:
    """A dialog's hint line from the registry: ``(binding id, what it does)`` pairs show
    the keys in force (a remapped key as remapped), plain strings stand as written (keys
    an input owns, such as enter and tab)."""
    keys_for = getattr(app, "keys_for", None)
    said = []
    for part in parts:
        if isinstance(part, str):
            said.append(part)
            continue
        binding_id, what = part
        default = _BY_ID[binding_id].keys
        keys = keys_for(binding_id, default) if keys_for else default
        said.append(f"{keys}: {what}")
    return Text("   ".join(said))


def label_bindings(labels: Iterable[Label]) -> list[Binding]:
    """One binding per label (``label.NAME``), tagging the selection with it."""
    return [
        Binding(
            label.key,
            f"screen.tag({label.name!r})",
            f"Tag {label.name}",
            show=False,
            id=f"label.{label.name}",
            group=Binding.Group("Tag"),
        )
        for label in labels
        if label.key  # a label whose key another took (see labelset) is tagged by relabelling
    ]


# Bindings of the "app" place that work on every screen (the rest are the main screen's).
GLOBAL_IDS = ("app.quit", "app.help")

# The places the help screen lists, in this order, with a heading each.
HELP_PLACES = (
    ("reader", "Reader"),
    ("app", "Anywhere on the main screen"),
    ("articles", "Article list"),
    ("list", "Annotations and matches panels"),
    ("compare", "Compare view"),
    ("review", "Review queue"),
    ("corpus_search", "Search all articles"),
    ("claims", "Claims view"),
    ("orphans", "Orphaned annotations"),
    ("note", "Note editor"),
    ("search", "Search this article"),
    ("export", "Export dialog"),
    ("details", "Edit article details"),
    ("annotator", "Switch annotator"),
    ("browser", "Annotations browser"),
    ("stats", "Statistics"),
    ("agreement", "Agreement between annotators"),
    ("timeline", "How a claim spread"),
    ("page", "Help and other pages"),
)
