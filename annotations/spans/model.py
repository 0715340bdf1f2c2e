"""The annotation record: a labelled ``[start, end)`` span over an article's stored text."""

from __future__ import annotations

from dataclasses import asdict, dataclass

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Annotation:
    uuid: str
    article_id: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    label: str
    note: str
    annotator: str
    created: str
    updated: str
    id: int | None = None

    def as_row(self) -> dict[str, object]:
        row = asdict(self)
        row.pop("id")
        return row

    def covers(self, offset: int) -> bool:
        return self.start <= offset < self.end

    @property
    def length(self) -> int:
        return self.end - self.start


def context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(quote, prefix, suffix) for a span: what re-anchoring needs if the text changes."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )
