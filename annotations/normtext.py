"""One normaliser for matching: words, lower-cased, punctuation and spacing folded away.

Case, quotes and apostrophes, dashes, whitespace and punctuation all stop mattering because
only runs of word characters survive, joined by single spaces. Each word remembers where it
came from, so any range of the normalised string maps back to exact ``[start, end)`` offsets
in the stored text, always on word boundaries.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from dataclasses import dataclass

WORD_RE = re.compile(r"\w+")
SHINGLE = 3  # words per n-gram


@dataclass(frozen=True)
class NormText:
    norm: str  # words joined by single spaces
    words: list[str]
    starts: list[int]  # offset of each word in the original text
    ends: list[int]
    norm_starts: list[int]  # offset of each word in ``norm``

    def word_index(self, norm_offset: int) -> int:
        """The word containing (or just before) a position in ``norm``."""
        return max(0, bisect_right(self.norm_starts, norm_offset) - 1)

    def original_span(self, first_word: int, last_word: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering words ``first_word..last_word`` inclusive."""
        return self.starts[first_word], self.ends[last_word]

    def norm_range_to_words(self, start: int, end: int) -> tuple[int, int]:
        """Inclusive word range covering ``norm[start:end]`` (end exclusive, non-empty)."""
        first = self.word_index(start)
        last = self.word_index(max(start, end - 1))
        return first, last

    def join(self, first: int, last: int) -> str:
        return " ".join(self.words[first : last + 1])


def normalise(text: str, offset: int = 0) -> NormText:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    norm_starts: list[int] = []
    pos = 0
    for m in WORD_RE.finditer(text):
        word = m.group().lower()
        words.append(word)
        starts.append(m.start() + offset)
        ends.append(m.end() + offset)
        norm_starts.append(pos)
        pos += len(word) + 1
    return NormText(" ".join(words), words, starts, ends, norm_starts)


def shingle_hashes(words: list[str], n: int = SHINGLE) -> set[int]:
    """Stable 32-bit hashes of every run of ``n`` words (CRC-32: fast and process-independent)."""
    if len(words) < n:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    crc = zlib.crc32
    return {crc(" ".join(words[i : i + n]).encode()) for i in range(len(words) - n + 1)}
