"""Placing an annotation again when the article text is not exactly the one it was made on.

Exact occurrences of the quote come first (the one nearest the old offset wins); otherwise a
fuzzy alignment near the old offset, then anywhere; below a confident score it is not placed
at all (the caller keeps it as an orphan rather than guess).
"""

from __future__ import annotations

from newsmark.annotations.linking.fuzzy import fuzz
from newsmark.annotations.linking.matching import align
from newsmark.annotations.linking.normtext import normalise

CONFIDENT = 90.0  # a fuzzy placement this good needs no other evidence
WITH_CONTEXT = 75.0  # this good is enough when the text around it still matches
CONTEXT_AGREES = 80.0
NEAR_WINDOW = 2_000


def _context_agrees(text: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    return bool(
        (prefix and fuzz.ratio(prefix, before) >= CONTEXT_AGREES)
        or (suffix and fuzz.ratio(suffix, after) >= CONTEXT_AGREES)
    )


def reanchor(
    text: str, quote: str, old_start: int, prefix: str = "", suffix: str = ""
) -> tuple[int, int] | None:
    if not quote:
        return None
    hits = []
    pos = text.find(quote)
    while pos != -1:
        hits.append(pos)
        pos = text.find(quote, pos + 1)
    if hits:
        best = min(hits, key=lambda p: (abs(p - old_start), p))
        return best, best + len(quote)
    query = normalise(quote)
    lo = max(0, old_start - NEAR_WINDOW)
    for start, stop in ((lo, min(len(text), old_start + len(quote) + NEAR_WINDOW)), (0, len(text))):
        doc = normalise(text[start:stop])
        found = align(query, doc, WITH_CONTEXT)
        if found is not None:
            score, first, last = found
            s, e = doc.original_span(first, last)
            s, e = start + s, start + e
            if score >= CONFIDENT or _context_agrees(text, s, e, prefix, suffix):
                return s, e
    return None
