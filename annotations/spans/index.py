"""Which annotations touch a range of text: the lookup the reader does for every line it paints.

Sorted by start with the longest span length remembered, "what overlaps ``[lo, hi)``" is a
bisect plus a short scan, so painting a screen costs the same with 20 or 20,000 annotations.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from newsmark.annotations.spans.model import Annotation


class SpanIndex:
    def __init__(self, annotations: Iterable[Annotation] = ()) -> None:
        self.items = sorted(annotations, key=lambda a: (a.start, -a.end))
        self.starts = [a.start for a in self.items]
        self.max_len = max((a.length for a in self.items), default=0)

    @staticmethod
    def _key(a: Annotation) -> tuple[int, int]:
        return (a.start, -a.end)

    def changed(self, removed: Annotation | None, added: Annotation | None) -> SpanIndex:
        """A new index with one annotation taken out and/or one put in: what one keypress
        does, without sorting every annotation again."""
        new = SpanIndex.__new__(SpanIndex)
        items = list(self.items)
        at = self.position(removed) if removed is not None else None
        if at is not None:
            del items[at]
        if added is not None:
            insort(items, added, key=self._key)
        new.items = items
        new.starts = [a.start for a in items]
        if removed is not None and removed.length >= self.max_len:
            new.max_len = max((a.length for a in items), default=0)
        else:
            new.max_len = max(self.max_len, added.length if added else 0)
        return new

    def position(self, ann: Annotation) -> int | None:
        """Where ``ann`` (by uuid) sits in ``items``, or None."""
        i = bisect_left(self.items, self._key(ann), key=self._key)
        while i < len(self.items) and self._key(self.items[i]) == self._key(ann):
            if self.items[i].uuid == ann.uuid:
                return i
            i += 1
        return None

    def overlapping(self, lo: int, hi: int) -> list[Annotation]:
        """Annotations with ``start < hi`` and ``end > lo``, in start order."""
        i = bisect_left(self.starts, lo - self.max_len)
        j = bisect_left(self.starts, hi)
        return [a for a in self.items[i:j] if a.end > lo]

    def covering(self, offset: int) -> list[Annotation]:
        """Those containing ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset + 1), key=lambda a: (a.length, a.start))


def nested_among(group: list[Annotation]) -> set[str]:
    """Uuids of spans that lie inside, or cross into, a longer span of ``group``.

    Any span that contains another overlaps every line the inner one does, so this can be
    decided from the spans touching one line alone.
    """
    nested: set[str] = set()
    for inner in group:
        for outer in group:
            if outer is inner:
                continue
            overlaps = outer.start < inner.end and inner.start < outer.end
            if overlaps and (outer.length, -outer.start) > (inner.length, -inner.start):
                nested.add(inner.uuid)
                break
    return nested
