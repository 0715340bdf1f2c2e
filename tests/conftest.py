"""Shared fixtures: every test gets its own real SQLite file in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import settings

import newsmark.annotations  # noqa: F401  (registers its tables' migrations)
from newsmark.corpus.db import connect

# Hypothesis fails an example that takes over 200 ms by default: a clock in every property
# test, which a loaded CI machine trips (a search of a 120-character query did). No test
# asserts how long something took; the benchmarks measure that.
settings.register_profile("newsmark", deadline=None)
settings.load_profile("newsmark")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real data or config, whatever a test forgets to pass."""
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(autouse=True)
def _steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input's cursor blinks every half second, so a snapshot taken more than 0.5 s after
    the last key (a loaded CI machine waiting for a debounced filter) caught it hidden and
    differed from the stored one. In tests no input blinks: the screen is the same however
    long the wait."""
    from textual.widgets import Input

    made = Input.__init__

    def steady(self: Input, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", steady)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsmark.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = connect(db_path)
    yield database
    database.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all",
        action="store_true",
        help="also the tests marked slow (a cluster, a browser, killed processes); CI runs"
        " them all (NEWSMARK_ALL_TESTS=1 does the same)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The default run is the fast one; ``--all`` (or NEWSMARK_ALL_TESTS=1) adds the slow."""
    if config.getoption("--all") or os.environ.get("NEWSMARK_ALL_TESTS") == "1":
        return
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]
