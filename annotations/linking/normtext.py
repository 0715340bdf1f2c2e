"""One normaliser for matching: words, lower-cased, punctuation and spacing folded away.

Case, quotes and apostrophes, dashes, whitespace and punctuation all stop mattering because
only runs of word characters survive, joined by single spaces. The i-th word of the
normalised string is the i-th word of the original, so any range of the normalised string
maps back to exact ``[start, end)`` offsets in the stored text, on word boundaries.

Everything per word runs in C (``re.findall``, ``str.join``, ``str.count``); the original
offsets are found only when a match is reported, because that is rare.
"""

from __future__ import annotations

import re
import sys
import zlib
from itertools import islice

WORD_RE = re.compile(r"\w+")
SHINGLE = 3  # words per n-gram
STRIDE = 4  # an article stores every 4th 3-gram; any shared run of 6 words is still found
# Words too common to say what a claim is about: a passage must share other words with it.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "you",
    ]
)


class NormText:
    __slots__ = ("norm", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = words_of(text)
        self.norm = " ".join(self.words)

    def word_index(self, norm_offset: int) -> int:
        """The word containing (or just before) a position in ``norm``: count the spaces."""
        return self.norm.count(" ", 0, max(0, norm_offset))

    def original_span(self, first_word: int, last_word: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering words ``first_word..last_word`` inclusive.

        Walks the original words only as far as needed: this runs once per reported match.
        """
        found = islice(WORD_RE.finditer(self.text), first_word, last_word + 1)
        spans = [m.span() for m in found]
        return spans[0][0], spans[-1][1]

    def word_spans(self) -> list[tuple[int, int]]:
        """``[start, end)`` of every word in the original text."""
        return [m.span() for m in WORD_RE.finditer(self.text)]

    def norm_range_to_words(self, start: int, end: int) -> tuple[int, int]:
        """Inclusive word range covering ``norm[start:end]`` (end exclusive, non-empty)."""
        return self.word_index(start), self.word_index(max(start, end - 1))

    def join(self, first: int, last: int) -> str:
        return " ".join(self.words[first : last + 1])


def normalise(text: str) -> NormText:
    return NormText(text)


class _WordCrcs(dict[str, int]):
    """CRC-32 of each word seen, computed on first use (a corpus has few distinct words)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        value = self[word] = zlib.crc32(word.encode())
        return value


_word_crc = _WordCrcs()

# Tuple hashing of ints does not depend on PYTHONHASHSEED, but it could change between
# Python versions or word sizes: the index records this scheme and is rebuilt if it differs.
SCHEME = (
    f"w3-stride{STRIDE}-crc32-tuplehash-py{sys.version_info[0]}.{sys.version_info[1]}"
    f"-{sys.hash_info.width}"
)


def shingle_list(words: list[str], n: int = SHINGLE) -> list[int]:
    """Stable hashes of every run of ``n`` (= 3) words, in order.

    Each distinct word is CRC-32'd once (cached); a 3-gram's hash is the hash of the tuple
    of its three word CRCs. Everything per word runs in C.
    """
    assert n == 3, "written for 3-grams"
    h = list(map(_word_crc.__getitem__, words))
    if len(h) < n:
        return [hash(tuple(h))] if h else []
    return list(map(hash, zip(h, h[1:], h[2:], strict=False)))


def shingle_hashes(words: list[str], n: int = SHINGLE) -> set[int]:
    """All n-gram hashes of a span: what a query looks up."""
    return set(shingle_list(words, n))


def sampled_hashes(words: list[str], stride: int = STRIDE) -> set[int]:
    """The hashes of the 3-grams starting at every ``stride``-th word: what an article stores.

    A query looks up *all* of its own 3-grams, so any run of ``stride + 2`` words an article
    shares with it holds one of the article's sampled 3-grams, wherever the run starts.
    (Winnowing, which keeps window minima, is for comparing two sampled documents; here one
    side is complete, and fixed positions give the same guarantee with fewer postings:
    1/stride of the 3-grams instead of about 2/(stride + 1), and only those are hashed.)
    """
    if len(words) < SHINGLE:
        return set(shingle_list(words))
    get = _word_crc.__getitem__
    firsts = list(map(get, words[0::stride]))
    seconds = list(map(get, words[1::stride]))
    thirds = list(map(get, words[2::stride]))
    return set(map(hash, zip(firsts, seconds, thirds, strict=False)))


def words_of(text: str) -> list[str]:
    """The normalised words of ``text``: its runs of word characters, lower-cased.

    Each word is lower-cased on its own, so a word's case never depends on what surrounds
    it in the text. Lower-casing the whole text first and then finding the words gives the
    same words with one pass fewer, unless lower-casing changes the length (as "İ" does) or
    depends on context (only the Greek capital sigma does): those texts take the long way.
    """
    if "\u03a3" not in text:
        lowered = text.lower()
        if len(lowered) == len(text):
            return WORD_RE.findall(lowered)
    joined = " ".join(WORD_RE.findall(text)).lower()
    return joined.split(" ") if joined else []


def index_hashes(text: str) -> set[int]:
    """What the index stores for one article."""
    return sampled_hashes(words_of(text))
