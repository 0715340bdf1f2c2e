"""Full-text statistics the way SQLite's FTS5 keeps them, for an archive that has no FTS5
index (``newsmark spark link``): its words (the ``unicode61 remove_diacritics 2``
tokenizer), which of a claim's words to look for, and the BM25 rank of an article.

``newsmark link`` asks FTS5; Spark computes the same numbers from the articles it reads,
so both pick the same full-text candidates. ``tests/test_fulltext.py`` holds the two side
by side.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

K1 = 1.2  # FTS5's bm25() constants
B = 0.75
COMMON_SHARE = 0.05  # a word in more than this share of articles finds nothing in particular
MIN_COMMON = 50  # ... but never fewer articles than this
TOKENIZER = "unicode61 remove_diacritics 2"  # the articles_fts table's
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
# Punctuation news in English is full of: separators to FTS5 as to any reader.
_SEPARATORS = str.maketrans(
    dict.fromkeys("\u00a0\u00ab\u00b7\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026", " ")
)
_probe = threading.local()


def term_counts(*texts: str) -> Counter[str]:
    """How often each of FTS5's tokens occurs in ``texts`` (an article's title and text).

    Plain ASCII is split here; anything else is handed to SQLite's own tokenizer (an
    in-memory table), because its Unicode tables are not Python's: a letter assigned since
    (Georgian capitals, say) is folded differently, and the counts must be FTS5's.
    """
    joined = "\n".join(texts).translate(_SEPARATORS)
    if joined.isascii():
        return Counter(_ASCII_TOKEN.findall(joined.lower()))
    conn = getattr(_probe, "conn", None)
    if conn is None:
        conn = _probe.conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='{TOKENIZER}')")
        conn.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'row')")
    with conn:
        conn.execute("INSERT INTO probe (rowid, x) VALUES (1, ?)", [joined])
        found = Counter(dict(conn.execute("SELECT term, cnt FROM probe_terms").fetchall()))
        conn.execute("DELETE FROM probe")
    return found


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """A word (of :func:`~newsmark.annotations.linking.normtext.words_of`) as FTS5 indexes it; a
    word FTS5 splits in two ("snake_case") is no single term: it keeps a space."""
    if word.isascii() and "_" not in word:
        return word.lower()
    return " ".join(sorted(term_counts(word)))


def common_count(articles: int) -> int:
    """More articles than this, and a word is too common to look for."""
    return max(MIN_COMMON, int(articles * COMMON_SHARE))


def rare_terms(
    words: Iterable[str],
    doc_counts: Mapping[str, int],
    articles: int,
    terms: int,
    min_articles: int = 1,
) -> tuple[list[str], list[str]]:
    """(the rarest of ``words`` to look for, at most ``terms`` of them; every word the
    corpus has, rarest first), each folded as FTS5 folds it. A word in more than
    :func:`common_count` articles is left out, and so is one in fewer than
    ``min_articles`` (a claim's words are all in its own article: linking asks for 2)."""
    distinct = list(dict.fromkeys(fold(w) for w in words))
    known = sorted((w for w in distinct if w in doc_counts), key=lambda w: doc_counts[w])
    common = common_count(articles)
    rare = [w for w in known if min_articles <= doc_counts[w] <= common]
    return rare[:terms], known


def idf(df: int, articles: int) -> float:
    """FTS5's inverse document frequency (never below a millionth)."""
    value = math.log((articles - df + 0.5) / (df + 0.5))
    return value if value > 0 else 1e-6


def bm25(
    counts: Counter[str],
    length: int,
    weights: Mapping[str, float],
    average: float,
) -> float:
    """FTS5's BM25 of one article (higher is better; FTS5's ``rank`` is its negative):
    ``counts`` of its tokens (title and text), ``length`` of both, ``weights`` the idf of
    each term looked for, ``average`` the corpus's tokens per article."""
    score = 0.0
    for term, weight in weights.items():
        f = counts.get(term, 0)
        if f:
            score += weight * (f * (K1 + 1)) / (f + K1 * (1 - B + B * length / average))
    return score
