"""Where the database lives: ``--db``, then ``NEWSMARK_DB``, then the platform's data folder.

Apart from :mod:`newsmark.corpus.db` so that finding the path loads no database code.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DB = "NEWSMARK_DB"
APP_NAME = "newsmark"
# Refuse files larger than this at import (JSONL: lines larger than this).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


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
