"""The TOML config file: who is annotating, the label set, and remapped keys.

Example::

    annotator = "sam"

    [[labels]]          # when present, this list replaces the default label set
    name = "claim"
    key = "1"
    colour = "#2563eb"  # or a name: blue, red, green, amber, purple, teal, ...

    [keys]              # binding id = key(s), comma-separated for several
    "reader.delete" = "d"
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from newsmark.annotations.settings.keymap import check_keymap
from newsmark.annotations.settings.labels import (
    DEFAULT_LABELS,
    Label,
    parse_colour,
    valid_label_name,
)
from newsmark.annotations.spans.limits import MAX_ANNOTATOR_CHARS
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import one_line

ENV_CONFIG = "NEWSMARK_CONFIG"
MAX_LISTED = 10  # problems or unknown names listed in one error


class ConfigError(NewsmarkError):
    """The config file cannot be read or says something we cannot use."""


@dataclass(frozen=True)
class Config:
    annotator: str = field(default_factory=lambda: default_annotator())
    labels: tuple[Label, ...] = DEFAULT_LABELS
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    own_labels: bool = False  # the file has [[labels]]: they override keys and colours here
    # link suggestions the "same claim" decision is less sure of are not kept (0-1)
    min_confidence: float | None = None
    # see only your own annotations (blind double annotation), whatever the file says
    blind: bool = False

    def label(self, name: str) -> Label | None:
        return next((lab for lab in self.labels if lab.name == name), None)


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("newsmark", appauthor=False)) / "config.toml"


def resolve_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_CONFIG)
    return Path(env).expanduser() if env else default_config_path()


def load_config(path: Path, required: bool = False) -> Config:
    """Read ``path``; a missing file means the defaults unless ``required`` (given by the user)."""
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: config file not found")
        return Config(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    return parse_config(data, path)


def parse_config(data: dict[str, object], path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    unknown = sorted(set(data) - {"annotator", "labels", "keys", "min_confidence", "blind"})
    if unknown:
        shown = ", ".join(one_line(k, 40) for k in unknown[:MAX_LISTED])
        more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
        raise ConfigError(
            f"{where}: unknown setting{'s' if len(unknown) > 1 else ''} {shown}{more}"
            " (known: annotator, labels, keys, min_confidence, blind)"
        )
    annotator = data.get("annotator", default_annotator())
    if not isinstance(annotator, str) or not annotator.strip():
        raise ConfigError(f"{where}: 'annotator' must be a non-empty string")
    # the annotator is written into every annotation and export: keep it one safe line
    annotator = one_line(annotator, MAX_ANNOTATOR_CHARS)
    sure = data.get("min_confidence")
    if sure is not None and (
        isinstance(sure, bool) or not isinstance(sure, (int, float)) or not 0 <= sure <= 1
    ):
        raise ConfigError(
            f"{where}: 'min_confidence' must be a number from 0 to 1 (how sure a link"
            " suggestion must be to be kept), not {one_line(repr(sure), 40)}"
        )
    blind = data.get("blind", False)
    if not isinstance(blind, bool):
        raise ConfigError(f"{where}: 'blind' must be true or false")
    labels = DEFAULT_LABELS
    if "labels" in data:
        labels = _parse_labels(data["labels"], where)
    keys_raw = data.get("keys", {})
    if not isinstance(keys_raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in keys_raw.items()
    ):
        raise ConfigError(f"{where}: [keys] must map binding ids to key names (strings)")
    problems = check_keymap(keys_raw, {lab.name: lab.key for lab in labels}, where)
    if problems:
        more = len(problems) - MAX_LISTED
        raise ConfigError(
            "\n".join(problems[:MAX_LISTED]) + (f"\n... and {more} more" if more > 0 else "")
        )
    return Config(
        annotator=annotator.strip(),
        labels=labels,
        keys=dict(keys_raw),
        path=path,
        own_labels="labels" in data,
        min_confidence=None if sure is None else float(sure),
        blind=blind,
    )


def _parse_labels(raw: object, where: str) -> tuple[Label, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}: 'labels' must be a non-empty list of [[labels]] tables")
    labels: list[Label] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: label {number} must be a table")
        name, key, colour = item.get("name"), item.get("key"), item.get("colour", item.get("color"))
        if not isinstance(name, str) or not valid_label_name(name):
            raise ConfigError(
                f"{where}: label {number}: 'name' must be 1-32 letters, digits, spaces or dashes"
            )
        if not isinstance(key, str) or not key.strip():
            raise ConfigError(f"{where}: label {name!r}: 'key' must be a key name such as \"5\"")
        parsed = parse_colour(colour) if isinstance(colour, str) else None
        if parsed is None:
            raise ConfigError(
                f"{where}: label {name!r}: 'colour' must be #rrggbb or a colour name,"
                f" got {colour!r}"
            )
        description = item.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"{where}: label {name!r}: 'description' must be a string")
        labels.append(Label(name, key.strip(), parsed, one_line(description, 200)))
    names = [lab.name for lab in labels]
    keys = [lab.key for lab in labels]
    for what, values in (("name", names), ("key", keys)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise ConfigError(f"{where}: two labels share the {what} {dupes[0]!r}")
    return tuple(labels)
