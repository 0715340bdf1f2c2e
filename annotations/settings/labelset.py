"""The label set a database file carries, so everyone who opens it tags with the same labels.

A new file is seeded from the opener's config (or the defaults). After that the file's set
is the set: its names, order and descriptions. A config's ``[[labels]]`` may still give a
label of the file another key or colour on this machine; where that takes a key the file
gives another label, or names a label the file does not have, the opener is told once, in
plain words, what holds here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import sqlite_utils

from newsmark.annotations.settings.labels import Label, parse_colour, valid_label_name
from newsmark.corpus.db import write
from newsmark.corpus.errors import StoreError
from newsmark.corpus.normalise import one_line


def stored(db: sqlite_utils.Database) -> list[Label]:
    return [
        Label(str(n), str(k), str(c), str(d))
        for n, k, c, d in db.execute(
            "SELECT name, key, colour, description FROM labels ORDER BY position, name"
        )
    ]


def seed(db: sqlite_utils.Database, labels: Sequence[Label]) -> bool:
    """Store ``labels`` as the file's set if it has none yet. True if it did."""
    with write(db):
        if db.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
            return False
        db.conn.executemany(
            "INSERT INTO labels (name, key, colour, description, position) VALUES (?, ?, ?, ?, ?)",
            [(lab.name, lab.key, lab.colour, lab.description, i) for i, lab in enumerate(labels)],
        )
    return True


def set_label(
    db: sqlite_utils.Database,
    name: str,
    key: str | None = None,
    colour: str | None = None,
    description: str | None = None,
) -> Label:
    """Add a label to the file's set, or change one's key, colour or description."""
    if not valid_label_name(name):
        raise StoreError("a label name is 1-32 letters, digits, spaces or dashes")
    parsed = parse_colour(colour) if colour is not None else None
    if colour is not None and parsed is None:
        raise StoreError(f"colour must be #rrggbb or a colour name, not {colour!r}")
    with write(db):
        current = {lab.name: lab for lab in stored(db)}
        if key:
            holder = next((n for n, lab in current.items() if lab.key == key and n != name), None)
            if holder:
                raise StoreError(f"key {key!r} already tags {holder!r} in this file")
        old = current.get(name)
        if old is None:
            if not key or parsed is None:
                raise StoreError(f"a new label needs --key and --colour ({name!r} is new)")
            position = len(current)
            label = Label(name, key, parsed, one_line(description or "", 200))
            db.execute(
                "INSERT INTO labels (name, key, colour, description, position)"
                " VALUES (?, ?, ?, ?, ?)",
                [label.name, label.key, label.colour, label.description, position],
            )
            return label
        label = replace(
            old,
            key=key or old.key,
            colour=parsed or old.colour,
            description=old.description if description is None else one_line(description, 200),
        )
        db.execute(
            "UPDATE labels SET key = ?, colour = ?, description = ? WHERE name = ?",
            [label.key, label.colour, label.description, name],
        )
        return label


@dataclass(frozen=True)
class LabelSet:
    labels: tuple[Label, ...]
    notes: list[str] = field(default_factory=list)  # what the opener should be told


def effective(
    db: sqlite_utils.Database, mine: Sequence[Label], own: bool, seed_if_empty: bool = True
) -> LabelSet:
    """The labels to use with this file: the file's set, with this config's keys and colours
    for the labels it names (``own``: the config has ``[[labels]]``)."""
    if seed_if_empty:
        seed(db, mine)
    shared = stored(db)
    if not shared:  # a read-only file from before label sets: the config's, as before
        return LabelSet(tuple(mine))
    if not own:
        return LabelSet(tuple(shared))
    local = {lab.name: lab for lab in mine}
    merged = [
        replace(lab, key=local[lab.name].key, colour=local[lab.name].colour)
        if lab.name in local
        else lab
        for lab in shared
    ]
    notes: list[str] = []
    taken = {lab.key: lab.name for lab in merged if lab.name in local}
    final = []
    for lab in merged:
        holder = taken.get(lab.key)
        if lab.name not in local and holder and holder != lab.name:
            notes.append(
                f"Your config puts {holder!r} on key {lab.key}, which this file's label set"
                f" gives to {lab.name!r}: here {lab.key} tags {holder!r}, and {lab.name!r} has"
                " no key (give it one in your config, or relabel with the annotations panel)."
            )
            lab = replace(lab, key="")
        final.append(lab)
    missing = [name for name in local if name not in {lab.name for lab in shared}]
    if missing:
        names = ", ".join(repr(n) for n in missing)
        notes.append(
            f"Your config has {names}, which this file's label set does not: not used here"
            " (add it for everyone with `newsmark labels set NAME --key K --colour C`)."
        )
    return LabelSet(tuple(final), notes)
