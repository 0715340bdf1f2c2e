"""A label set carried by the database file: seeded by the first opener's config, the same
for everyone after, with local keys and colours allowed and conflicts said once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations.settings.config import Config
from newsmark.annotations.settings.labels import DEFAULT_LABELS, Label
from newsmark.annotations.settings.labelset import effective, set_label, stored
from newsmark.corpus.errors import StoreError
from newsmark.tui.cli import main
from tests.tui_helpers import SIZE, capture_errors, make_app

MINE = (
    Label("claim", "1", "#2563eb"),
    Label("rumour", "5", "#7e22ce", "said to be, unconfirmed"),
)


def test_the_first_opener_seeds_the_set_and_the_rest_share_it(db: sqlite_utils.Database) -> None:
    first = effective(db, MINE, own=True)
    assert [lab.name for lab in first.labels] == ["claim", "rumour"] and first.notes == []
    other = effective(db, DEFAULT_LABELS, own=False)  # a config without [[labels]]
    assert other.labels == MINE
    assert stored(db)[1].description == "said to be, unconfirmed"


def test_local_keys_and_colours_and_conflicts_said_plainly(db: sqlite_utils.Database) -> None:
    effective(db, DEFAULT_LABELS, own=False)  # the file: claim 1, denial 2, source 3, figure 4
    mine = (Label("figure", "3", "#0f766e"), Label("opinion", "6", "#be185d"))
    found = effective(db, mine, own=True)
    keys = {lab.name: lab.key for lab in found.labels}
    assert keys == {"claim": "1", "denial": "2", "source": "", "figure": "3"}
    assert next(lab for lab in found.labels if lab.name == "figure").colour == "#0f766e"
    assert len(found.notes) == 2
    assert (
        "puts 'figure' on key 3, which this file's label set gives to 'source'" in (found.notes[0])
    )
    assert "'opinion', which this file's label set does not" in found.notes[1]


def test_set_label_adds_and_changes(db: sqlite_utils.Database) -> None:
    effective(db, DEFAULT_LABELS, own=False)
    set_label(db, "rumour", "5", "purple", "unconfirmed")
    set_label(db, "claim", colour="#000000")
    assert [(lab.name, lab.key) for lab in stored(db)][-1] == ("rumour", "5")
    assert stored(db)[0].colour == "#000000"
    with pytest.raises(StoreError, match="key '2' already tags 'denial'"):
        set_label(db, "rumour", "2")
    with pytest.raises(StoreError, match="needs --key and --colour"):
        set_label(db, "aside")


def test_cli_lists_and_sets(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "--db",
            str(path),
            "labels",
            "set",
            "rumour",
            "--key",
            "5",
            "--colour",
            "purple",
            "--description",
            "unconfirmed",
        ],
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(main, ["--db", str(path), "labels", "--json"]).output)
    assert [r["name"] for r in listed] == ["claim", "denial", "source", "figure", "rumour"]
    assert listed[-1]["description"] == "unconfirmed"
    bad = runner.invoke(
        main, ["--db", str(path), "labels", "set", "aside", "--key", "v", "--colour", "red"]
    )
    assert bad.exit_code == 1 and "Traceback" not in bad.output


async def test_the_app_uses_the_files_labels_and_says_a_conflict_once(db_path: Path) -> None:
    app = make_app(db_path, Config(annotator="t", labels=MINE, own_labels=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    mine = (Label("figure", "1", "#0f766e"),)  # takes claim's key in this file
    shown: list[str] = []
    for _ in range(2):
        app = make_app(db_path, Config(annotator="t", labels=mine, own_labels=True), False)
        capture_errors(app)
        original = app.notify

        def spy(message: str, *args: object, _to: object = original, **kw: object) -> None:
            shown.append(message)
            _to(message, *args, **kw)  # type: ignore[operator]

        app.notify = spy  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert [lab.name for lab in app.config.labels] == ["claim", "rumour"]
            assert app.config.label("claim").key == "1"  # type: ignore[union-attr]
            await pilot.press("v", "e", "5")  # the file's rumour key tags here
            await pilot.pause()
    conflicts = [m for m in shown if "this file's label set does not" in m]
    assert len(conflicts) == 1  # said once, not at every start
    from newsmark.annotations.spans import store
    from newsmark.corpus.db import connect

    assert {a.label for a in store.list_annotations(connect(db_path), 1)} == {"rumour"}
