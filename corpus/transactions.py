"""Units of work on the database: ``BEGIN IMMEDIATE`` ... ``COMMIT`` and the read-only
guard, apart from opening the file (:mod:`corpus.db`) so that the schema migrations, which
:mod:`corpus.db` runs on opening, can use them without an import cycle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from newsmark.corpus.errors import StoreError

if TYPE_CHECKING:  # not loaded for the migrations' sake (``newsmark --version`` stays fast)
    import sqlite_utils


def read_only(db: sqlite_utils.Database) -> bool:
    """Whether ``db`` was opened read-only (see :func:`connect`)."""
    return bool(getattr(db, "newsmark_read_only", False))


class ReadOnlyError(StoreError):
    """A change was asked of a database opened read-only."""


def check_writable(db: sqlite_utils.Database) -> None:
    if read_only(db):
        raise ReadOnlyError(
            f"{database_path(db)}: the database is read-only (no write permission, a"
            " read-only file system or an immutable file); nothing can be saved to it"
        )


def database_path(db: sqlite_utils.Database) -> str | None:
    """The file behind a connection, or ``None`` for an in-memory database."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One committed unit of work: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or rollback on error.

    Nested use joins the outer transaction through a savepoint, so helpers can be composed.
    On a read-only database it raises :class:`ReadOnlyError` before anything is tried.
    """
    check_writable(db)
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


def data_version(db: sqlite_utils.Database) -> int:
    """Changes when another connection commits (and only then): microseconds to ask, so an
    open app can look for other programs' work every second."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])
