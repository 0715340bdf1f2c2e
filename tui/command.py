"""The ``newsmark`` command group, its global options (``--db``, ``--config``,
``--version``) and what every command shares: the database and config it chose, the one
way out for text (:func:`say`), errors as one line and exit status 1, tables and JSON.

The commands live in modules named for what they work on (``corpus_cli``,
``annotations_cli``, ``desk_cli``, ``serve_cli``, ``spark_cli``), each importing this one;
``tui/cli.py``, the entry point, imports them all so that they register."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

# Only what every command needs is imported here; each command imports its own machinery,
# so `newsmark --version` and `newsmark articles` load no matching, export or TUI code.
from newsmark.corpus.errors import NewsmarkError
from newsmark.corpus.normalise import escape_json_unsafe, neutralise
from newsmark.corpus.paths import resolve_db_path
from newsmark.tui.version import VERSION

if TYPE_CHECKING:
    import sqlite_utils

    from newsmark.annotations.settings.config import Config

F = TypeVar("F", bound=Callable[..., Any])


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"newsmark, version {VERSION}")
        ctx.exit()


class Context:
    """What the global options chose; the database is opened only by commands that need it."""

    def __init__(self, db_path: str | None, config_path: str | None) -> None:
        from newsmark.annotations.settings.config import resolve_config_path

        self.db_path = resolve_db_path(db_path)
        self.config_path = resolve_config_path(config_path)
        self.config_given = config_path is not None
        self._db: sqlite_utils.Database | None = None

    @property
    def config(self) -> Config:
        from newsmark.annotations.settings.config import load_config

        return load_config(self.config_path, required=self.config_given)

    @property
    def db(self) -> sqlite_utils.Database:
        """The database for a command that writes: created if missing, refused if read-only."""
        import newsmark.annotations  # noqa: F401  (its tables' migrations)
        from newsmark.corpus.db import connect

        if self._db is None:
            self._db = connect(self.db_path)
        return self._db

    @property
    def read_db(self) -> sqlite_utils.Database:
        """The database for a command that only reads: never created (a typo in ``--db``
        says so instead of making an empty file), opened read-only if it cannot be written."""
        import newsmark.annotations  # noqa: F401  (its tables' migrations)
        from newsmark.corpus.db import connect

        if self._db is None:
            self._db = connect(self.db_path, readable_only=True, create=False)
        return self._db


def say(message: str, err: bool = False) -> None:
    """Print a line built from stored or user-given text: the CLI's one way out.

    Titles, notes, labels and file names can hold escape sequences (a database written by an
    older version, a hostile file name); :func:`neutralise` makes each of them harmless.
    """
    click.echo(neutralise(message), err=err)


def user_errors(func: F) -> F:
    """Turn a :class:`NewsmarkError` into one line on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsmarkError as exc:
            say(f"newsmark: error: {exc}", err=True)
            sys.exit(1)
        except sqlite3.Error as exc:
            from newsmark.corpus.db import describe_error

            ctx = click.get_current_context(silent=True)
            obj = ctx.find_object(Context) if ctx else None
            where = obj.db_path if obj else Path("database")
            say(f"newsmark: error: {describe_error(where, exc)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    envvar="NEWSMARK_DB",
    help="Database file (default: in your user data folder; env NEWSMARK_DB).",
)
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="NEWSMARK_CONFIG",
    help="Config file (default: config.toml in your user config folder; env NEWSMARK_CONFIG).",
)
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
@user_errors
def main(ctx: click.Context, db_path: str | None, config_path: str | None) -> None:
    """Read news articles, tag what they say, and follow the same words across outlets.

    With no command, opens the reader on the database (importing the bundled sample
    articles first if the database is empty).
    """
    ctx.obj = Context(db_path, config_path)
    if ctx.invoked_subcommand is None:
        from newsmark.tui.app import run_app

        config = ctx.obj.config
        run_app(ctx.obj.db_path, config)


def print_json(value: Any) -> None:
    """JSON on stdout, safe for a terminal (no raw control or bidi characters)."""
    click.echo(escape_json_unsafe(json.dumps(value, ensure_ascii=False, indent=2)))


def json_or_empty(rows: list[dict[str, Any]], as_json: bool, empty: str) -> bool:
    """Print ``rows`` as JSON, or say there are none; True when nothing more is to be printed."""
    if as_json:
        print_json(rows)
        return True
    if not rows:
        say(empty, err=True)
        return True
    return False


def grid(headers: list[str], cells: list[list[str]], right: set[int]) -> str:
    """A plain-text table: a header, a rule, a row per item; ``right`` columns aligned right."""
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def fmt(values: list[str]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, cells)])


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
