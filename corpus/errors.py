"""Errors that carry a message fit to show a user as it is (what, where, why)."""


class NewsmarkError(Exception):
    """Base for every error a user can cause: the CLI prints it on one line, no traceback."""


class StoreError(NewsmarkError):
    """The database file cannot be opened, created or written."""


class ImportRejected(NewsmarkError):
    """One input (a file or a JSONL line) cannot become an article; the reason says why."""
