"""Opening the one SQLite file that holds everything, with the settings durability needs.

Every connection gets WAL, a busy timeout, foreign keys and NORMAL sync; every write goes
through :func:`write`, which starts with ``BEGIN IMMEDIATE`` so that a concurrent writer
waits on the busy timeout instead of failing with SQLITE_BUSY_SNAPSHOT.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
import sqlite_utils

from corpus.errors import StoreError

BUSY_TIMEOUT_MS = 10_000
ENV_DB = "NEWSMARK_DB"
APP_NAME = "newsmark"


def default_db_path() -> Path:
    """Where the database lives when neither ``--db`` nor ``NEWSMARK_DB`` says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "newsmark.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins over ``NEWSMARK_DB``, which wins over the platform default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_db_path()


SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that is not (and cannot become) our file."""
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file; pass a file path")
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
        if head and head != SQLITE_MAGIC:
            raise StoreError(
                f"{path}: is not a Newsmark database (not an SQLite file); "
                "pass another path with --db or NEWSMARK_DB"
            )
    else:
        parent = path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create folder {parent} ({exc.strerror})") from exc


def connect(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the database at ``path``.

    The connection is in autocommit mode: nothing is held open between user actions, and
    writes are grouped explicitly with :func:`write`.
    """
    from corpus.migrations import migrate

    p = Path(path)
    if str(p) != ":memory:":
        _check_file(p)
    try:
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _enable_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{p}: cannot open the database ({exc})") from exc
    return db


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying: the switch needs a lock that the busy handler does not wait for."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
            continue
        if mode.lower() == "wal" or mode.lower() == "memory":
            return
        if time.monotonic() > deadline:
            raise StoreError(f"cannot switch the database to WAL mode (got {mode})")
        time.sleep(0.01)


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One committed unit of work: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or rollback on error.

    Nested use joins the outer transaction through a savepoint, so helpers can be composed.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
