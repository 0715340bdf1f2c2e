"""Positions in article text: offsets to (row, column) and back, and reader motions.

Everything here works on absolute code-point offsets over the stored text, so it is tested
without a screen and shared by the reader, the annotation store and the benchmarks.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# A word: letters/digits with inner apostrophes, hyphens and number punctuation (3.5%, 11.50pm).
WORD_RE = re.compile(r"\w+(?:['’\-.,]\w+)*%?")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n\s*\n")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n\s*")


class LineIndex:
    """Prefix sums of line starts: O(log n) conversion between offsets and locations."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.starts = starts

    def line_start(self, row: int) -> int:
        return self.starts[row]

    def line_end(self, row: int) -> int:
        """Offset just past the last character of ``row`` (before its newline)."""
        if row + 1 < len(self.starts):
            return self.starts[row + 1] - 1
        return len(self.text)

    def location(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def offset(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self.starts) - 1))
        return min(self.starts[row] + max(0, column), self.line_end(row))

    def line_spans(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """Split ``[start, end)`` into (row, start column, end column) pieces per line."""
        pieces: list[tuple[int, int, int]] = []
        row, col = self.location(start)
        while start < end and row < len(self.starts):
            line_end = self.line_end(row)
            stop = min(end, line_end)
            if stop > start:
                pieces.append((row, col, col + stop - start))
            row += 1
            if row >= len(self.starts):
                break
            start = self.starts[row]
            col = 0
        return pieces


def words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text)]


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word containing ``offset`` (or ending right at it), for double-click selection."""
    lo = max(0, offset - 200)
    for m in WORD_RE.finditer(text, lo, min(len(text), offset + 200)):
        if m.start() <= offset < m.end() or (m.end() == offset and offset > m.start()):
            return m.start(), m.end()
        if m.start() > offset:
            break
    return None


def next_word_start(text: str, offset: int) -> int:
    """``w``: the start of the next word after the one the cursor is in."""
    m = WORD_RE.search(text, offset)
    if m and m.start() <= offset:
        m = WORD_RE.search(text, m.end())
    return m.start() if m else len(text)


def word_end(text: str, offset: int) -> int:
    """``e``: just past the end of the current word, or of the next one if at an end."""
    m = WORD_RE.search(text, offset)
    return m.end() if m else len(text)


def prev_word_start(text: str, offset: int) -> int:
    """``b``: the start of the word before the cursor (or of the word it is inside)."""
    lo = max(0, offset - 400)
    while True:
        found = None
        for m in WORD_RE.finditer(text, lo, offset):
            found = m.start()
        # A match starting right at ``lo`` may be the tail of a longer word: look further back.
        if (found is None or found == lo) and lo > 0:
            lo = max(0, lo - 4000)
            continue
        return found or 0


def prev_word_end(text: str, offset: int) -> int:
    """The end of the last word that ends strictly before ``offset`` (0 if none)."""
    lo = max(0, offset - 400)
    while True:
        ends = [m.end() for m in WORD_RE.finditer(text, lo, offset) if m.end() < offset]
        if ends:
            return ends[-1]
        if lo == 0:
            return 0
        lo = max(0, lo - 4000)


def _sentence_starts_near(text: str, lo: int, hi: int) -> list[int]:
    starts = []
    for m in _SENTENCE_END_RE.finditer(text, lo, hi):
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
        starts.append(pos)
    return starts


def next_sentence_start(text: str, offset: int) -> int:
    """``)``: the start of the next sentence (or paragraph)."""
    hi = offset
    while hi < len(text):
        hi = min(len(text), hi + 2000)
        for start in _sentence_starts_near(text, offset, hi):
            if start > offset:
                return min(start, len(text))
    return len(text)


def prev_sentence_start(text: str, offset: int) -> int:
    """``(``: the start of the sentence before the cursor (or of the current one)."""
    lo = offset
    while lo > 0:
        lo = max(0, lo - 2000)
        starts = [s for s in [0, *_sentence_starts_near(text, lo, offset)] if s < offset]
        if len(starts) > 1 or lo == 0:
            return starts[-1] if starts else 0
    return 0


def next_paragraph_start(text: str, offset: int) -> int:
    """``}``: the first character after the next blank line."""
    m = _PARAGRAPH_RE.search(text, offset)
    return m.end() if m else len(text)


def prev_paragraph_start(text: str, offset: int) -> int:
    """``{``: the start of the paragraph before the cursor (or of the current one)."""
    last = 0
    lo = max(0, offset - 20000)
    while True:
        for m in _PARAGRAPH_RE.finditer(text, lo, offset):
            if m.end() < offset:
                last = m.end()
        if last or lo == 0:
            return last
        lo = max(0, lo - 200000)


def snap_inward(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace from both ends of ``[start, end)``; ``None`` if nothing is left."""
    start, end = sorted((max(0, start), min(len(text), end)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def find_all(text: str, needle: str) -> list[int]:
    """Case-insensitive plain-text (never regex) match starts, for in-article search."""
    if not needle:
        return []
    hay, pat = text.casefold(), needle.casefold()
    if len(hay) != len(text) or len(pat) != len(needle):
        # casefold changed lengths (e.g. "ß"): fall back to a case-sensitive-safe lower().
        hay, pat = text.lower(), needle.lower()
        if len(hay) != len(text):
            hay, pat = text, needle
    found, pos = [], hay.find(pat)
    while pos != -1:
        found.append(pos)
        pos = hay.find(pat, pos + 1)
    return found
