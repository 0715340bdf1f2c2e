"""Errors that carry a message fit to show a user as it is (what, where, why)."""


class NewsmarkError(Exception):
    """Base for every error a user can cause: the CLI prints it on one line, no traceback."""


class StoreError(NewsmarkError):
    """The database file cannot be opened, created or written."""


class ImportRejected(NewsmarkError):
    """One input (a file or a JSONL line) cannot become an article; the reason says why."""


SQLITE_FULL = 13  # sqlite3.SQLITE_FULL: the disk (or the file's size limit) is full


def is_disk_full(exc: BaseException) -> bool:
    """Whether a database or file error means there is no room left to write."""
    import errno

    if getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL:
        return True
    if getattr(exc, "errno", None) == errno.ENOSPC:
        return True
    return "database or disk is full" in str(exc)
