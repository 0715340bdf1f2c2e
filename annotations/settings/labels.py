"""Labels: what a span says (claim, denial, source, figure), with a key and a colour each."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME_RE = re.compile(r"^[\w][\w \-]{0,31}$")

# Names a colour may be given as in the config file, besides #rrggbb.
NAMED_COLOURS = {
    "blue": "#2563eb",
    "red": "#b91c1c",
    "green": "#15803d",
    "amber": "#a16207",
    "yellow": "#a16207",
    "orange": "#c2410c",
    "purple": "#7e22ce",
    "magenta": "#a21caf",
    "pink": "#be185d",
    "teal": "#0f766e",
    "cyan": "#0e7490",
    "grey": "#4b5563",
    "gray": "#4b5563",
    "brown": "#7c4a1e",
}
UNKNOWN_LABEL_COLOUR = "#4b5563"


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    colour: str  # "#rrggbb", used as a background behind light text
    description: str = ""  # what the label means, for everyone sharing the file


DEFAULT_LABELS: tuple[Label, ...] = (
    Label("claim", "1", NAMED_COLOURS["blue"]),
    Label("denial", "2", NAMED_COLOURS["red"]),
    Label("source", "3", NAMED_COLOURS["green"]),
    Label("figure", "4", NAMED_COLOURS["amber"]),
)


def parse_colour(value: str) -> str | None:
    """``#rrggbb`` or a name from :data:`NAMED_COLOURS`; ``None`` when it is neither."""
    value = value.strip().lower()
    if _HEX_RE.match(value):
        return value
    return NAMED_COLOURS.get(value)


def valid_label_name(name: str) -> bool:
    return bool(_NAME_RE.match(name))
