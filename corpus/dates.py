"""The dates Newsmark writes and reads, all ISO 8601: its own timestamps (UTC, to the
second) and an article's publication date as an import or an edit gives it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsmark.corpus.errors import ImportRejected


def now_iso() -> str:
    """UTC timestamp with seconds precision, the one format used everywhere in the file."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_published(value: object) -> str | None:
    """ISO 8601 date or date-time, kept as ISO text; anything else is an error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ImportRejected("'published' must be a string (ISO 8601 date)")
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError as exc:
        raise ImportRejected(
            f"'published' is not an ISO 8601 date: {value[:40]!r} (use e.g. 2026-03-14)"
        ) from exc
