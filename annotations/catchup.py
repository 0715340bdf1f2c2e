"""Catching up with articles another program added: one service, for the CLI and the app.

New articles join the match index; orphaned annotations whose article has arrived are
placed; every annotation is matched against the new articles. ``newsmark import`` runs it
after an import, the reader on a worker when it sees new articles. It was written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils


@dataclass(frozen=True)
class CaughtUp:
    indexed: list[int] = field(default_factory=list)  # the new articles, now in the index
    placed: int = 0  # orphaned annotations placed in them
    suggested: int = 0  # new link suggestions into them


def pending_articles(db: sqlite_utils.Database) -> list[int]:
    """Articles not in the match index yet (to say "Indexing N articles" before starting)."""
    from newsmark.annotations.linking.index import unindexed_articles

    return unindexed_articles(db)


def catch_up(
    db: sqlite_utils.Database,
    min_confidence: float | None = None,
    progress: Callable[[int], None] | None = None,
    pending: list[int] | None = None,
) -> CaughtUp:
    """Index, place, link: each step commits on its own, so an interruption loses nothing
    done and the next catch-up resumes where this one stopped."""
    from newsmark.annotations.formats.importing import retry_orphans
    from newsmark.annotations.linking.index import index_pending
    from newsmark.annotations.linking.links import link_all
    from newsmark.annotations.linking.matching import Matcher

    new = index_pending(db, progress=progress, pending=pending)
    if not new:
        return CaughtUp()
    placed = retry_orphans(db)
    suggested = 0
    if db.execute("SELECT 1 FROM annotations LIMIT 1").fetchone():
        matcher = Matcher(db)
        matcher.min_confidence = min_confidence
        suggested = link_all(db, matcher, restrict=set(new))
    return CaughtUp(new, placed, suggested)
