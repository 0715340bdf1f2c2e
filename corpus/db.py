"""Opening the one SQLite file that holds everything, with the settings durability needs.

Every connection gets WAL, a busy timeout, foreign keys and NORMAL sync; every write goes
through :func:`write`, which starts with ``BEGIN IMMEDIATE`` so that a concurrent writer
waits on the busy timeout instead of failing with SQLITE_BUSY_SNAPSHOT.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from newsmark.corpus.errors import StoreError
from newsmark.corpus.migrations import latest_version, migrate, required_tables
from newsmark.corpus.transactions import ReadOnlyError as ReadOnlyError
from newsmark.corpus.transactions import check_writable as check_writable
from newsmark.corpus.transactions import data_version as data_version
from newsmark.corpus.transactions import database_path as database_path
from newsmark.corpus.transactions import read_only as read_only
from newsmark.corpus.transactions import write as write

BUSY_TIMEOUT_MS = 10_000


def _check_file(path: Path, create: bool) -> bool:
    """Refuse, before SQLite touches it, a path that is not (and cannot become) our file.

    Returns whether the file can be written. The file itself is never opened here: closing
    any descriptor of a database file drops every POSIX lock this process holds on it, which
    corrupts other open connections. SQLite's own first read reports a file that is not a
    database.
    """
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a database file; pass a file path")
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    if not create:
        raise StoreError(
            f"no database at {path} (nothing was created); check --db / NEWSMARK_DB, or"
            " import articles first with `newsmark import`"
        )
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create folder {parent} ({exc.strerror})") from exc
    return True


def connect(
    path: str | os.PathLike[str], *, readable_only: bool = False, create: bool = True
) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the database at ``path``.

    The connection is in autocommit mode: nothing is held open between user actions, and
    writes are grouped explicitly with :func:`write`.

    ``readable_only`` is for commands that only read (and the app, which then says it is
    read-only): a file that cannot be written is opened read-only instead of refused.
    ``create=False`` refuses a missing file instead of creating it (a typo in ``--db`` must
    not make a new empty database). A file made by a newer Newsmark is refused untouched.
    """

    p = Path(path)
    memory = str(p) == ":memory:"
    writable = True if memory else _check_file(p, create)
    if not writable and not readable_only:
        raise StoreError(
            f"{p}: the database file is read-only; Newsmark saves every change as you "
            "make it, so it needs write access (check the file's permissions, or copy it)"
        )
    try:
        if writable:
            conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            _check_version(conn, p)
        else:
            conn = _connect_read_only(p)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if writable:
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
        # no sqlite-utils plugins: loading them scans every installed package (10 ms at
        # start-up), and a third-party plugin has no business changing Newsmark's connection
        db = sqlite_utils.Database(conn, execute_plugins=False)
        if writable:
            migrate(db)
        _check_tables(db, p)
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_error(p, exc)) from exc
    db.newsmark_read_only = not writable  # type: ignore[attr-defined]
    return db


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file made by a newer Newsmark before anything (even WAL mode) is written."""

    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    latest = latest_version()
    if version > latest:
        conn.close()
        raise StoreError(
            f"{path}: made by a newer Newsmark (schema {version}, this one knows"
            f" {latest}): upgrade Newsmark; the file was not changed"
        )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """``mode=ro``, or ``immutable=1`` where not even the ``-shm`` file can be made."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}"
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        _check_version(conn, path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        _check_version(conn, path)
    conn.isolation_level = None

    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    latest = latest_version()
    if version < latest:
        conn.close()
        raise StoreError(
            f"{path}: needs upgrading (schema {version} to {latest}) but is read-only;"
            " open it once with write access"
        )
    return conn


def _check_tables(db: sqlite_utils.Database, path: Path) -> None:

    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(required_tables() - have)
    if missing:
        db.conn.close()
        raise StoreError(
            f"{path}: the database is damaged (table{'s' if len(missing) > 1 else ''}"
            f" {', '.join(missing)} missing); restore it from a backup, or pass another file"
            " with --db"
        )


def _no_room(path: Path) -> bool:
    """Whether the disk holding ``path`` (or SQLite's temporary files) has under 1 MiB
    left: SQLite reports a full disk as an I/O error when the write is to its ``-shm`` or
    a temporary file."""
    import shutil
    import tempfile

    for folder in (Path(path).parent, Path(tempfile.gettempdir())):
        try:
            if shutil.disk_usage(folder).free < 2**20:
                return True
        except OSError:
            continue
    return False


def describe_error(path: Path, exc: sqlite3.Error) -> str:
    """A database error as a user can act on it: which file, what happened, what to do."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{path}: the database is locked by another program (waited "
            f"{BUSY_TIMEOUT_MS // 1000} s); close it or try again"
        )
    if "file is not a database" in text:
        return (
            f"{path}: is not a Newsmark database (not an SQLite file); "
            "pass another path with --db or NEWSMARK_DB"
        )
    if "malformed" in text or "not a database" in text:
        return (
            f"{path}: the database file is damaged ({text}); restore it from a backup"
            " (newsmark backup makes one), or pass another file with --db"
        )
    if "readonly" in text or "read-only" in text:
        return f"{path}: the database cannot be written ({text}); check its permissions"
    if "full" in text or ("disk I/O error" in text and _no_room(path)):
        return f"{path}: the disk is full ({text}); free some space and try again"
    return f"{path}: database error ({text})"


def backup(db: sqlite_utils.Database, dest: Path, force: bool = False) -> Path:
    """Online backup (SQLite's backup API): a consistent copy even while the app writes.

    Written to a locked temporary file beside ``dest`` and renamed, so a failed backup never
    leaves half a file where a good one was, and a killed one's file is removed next time.
    Never onto the database itself, its side files, a folder, or a device (see
    :mod:`corpus.outputs`).
    """
    from newsmark.corpus import outputs

    source = database_path(db)
    target = outputs.check_file_target(dest, Path(source) if source else None, force)
    if target.through:
        raise StoreError(f"{dest}: is not a regular file; a backup must be written to a file")
    outputs.remove_leftovers(target.path)
    with outputs.temp_file(target.path) as (_fd, tmp):
        try:
            copy = sqlite3.connect(str(tmp))
            try:
                db.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target.path)
            outputs.fsync_dir(target.path.parent)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{dest}: backup failed, nothing was replaced ({exc})") from exc
    return dest.expanduser()


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
