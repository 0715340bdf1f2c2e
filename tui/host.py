"""What the screens need from the app: the one database, the config, where the file is,
whether it can be written, and who is signed in when served.

The app imports the reader screen; the screens reach the app through this protocol, not
by importing it, so the two modules do not depend on each other."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import sqlite_utils

    from newsmark.annotations.settings.config import Config


@runtime_checkable
class Host(Protocol):
    db: sqlite_utils.Database
    db_path: Path
    config: Config
    read_only: bool
    served_as: str | None
