"""The match index as stored: sorted blocks of integer posting keys.

A posting says "this article contains this 3-gram". Its key is the 3-gram hash's high 32 bits
followed by the article id in the low 32 bits, so the articles carrying one 3-gram have
adjacent keys. Keys are kept sorted in blocks of about ``BLOCK`` keys, one row per block:
``postings (start INTEGER PRIMARY KEY, keys BLOB)``, ``keys`` being little-endian int64s and
``start`` at most the block's first key and above every key of the block before it.

Why blocks rather than one row per key: a bulk build then writes a few thousand rows instead
of millions (SQLite spent ~650 ns per row inserting single keys, more than hashing them), and
the file holds 8 bytes per posting instead of ~14. A lookup reads one or two blocks and
bisects them in C. Keeping 32 bits of the hash lets unrelated 3-grams share a key now and
then (about one query 3-gram in a few hundred at 100,000 articles): that only adds a stray
candidate, which alignment drops.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import and_, or_

ARTICLE_BITS = 32
ARTICLE_MASK = (1 << ARTICLE_BITS) - 1
HASH_MASK = -(1 << ARTICLE_BITS)  # the high 32 bits of a signed 64-bit hash
MAX_ARTICLE_ID = ARTICLE_MASK
BLOCK = 128  # keys per block as written; a block that grows past 2 * BLOCK is split
_BIG_ENDIAN = sys.byteorder == "big"

_BLOCKS_FOR_RANGE = (
    "SELECT start, keys FROM postings WHERE start BETWEEN coalesce("
    "(SELECT start FROM postings WHERE start <= ?1 ORDER BY start DESC LIMIT 1), ?1) AND ?2"
    " ORDER BY start"
)


def check_article_id(article_id: int) -> None:
    if not 1 <= article_id <= MAX_ARTICLE_ID:
        raise ValueError(
            f"article id {article_id} is outside 1..{MAX_ARTICLE_ID}, which the match index"
            " can hold"
        )


def keys_for(hashes: Iterable[int], article_id: int) -> set[int]:
    """The posting keys of one article's 3-gram hashes."""
    check_article_id(article_id)
    return set(map(or_, map(and_, hashes, repeat(HASH_MASK)), repeat(article_id)))


def hash_range(hash_: int) -> tuple[int, int]:
    """The keys (inclusive) of every article carrying a 3-gram with this hash."""
    low = hash_ & HASH_MASK
    return low, low | ARTICLE_MASK


def unpack(blob: bytes) -> array[int]:
    keys = array("q")
    keys.frombytes(blob)
    if _BIG_ENDIAN:
        keys.byteswap()
    return keys


def pack(keys: Sequence[int]) -> bytes:
    packed = array("q", keys)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def articles_with(cursor: sqlite3.Cursor, hash_: int, limit: int) -> list[int]:
    """Ids of (at most ``limit``) articles whose postings include this 3-gram hash."""
    low, high = hash_range(hash_)
    found: list[int] = []
    for _start, blob in cursor.execute(_BLOCKS_FOR_RANGE, (low, high)):
        keys = unpack(blob)
        found.extend(keys[bisect_left(keys, low) : bisect_right(keys, high)])
        if len(found) >= limit:
            break
    return [k & ARTICLE_MASK for k in found[:limit]]


def insert_keys(conn: sqlite3.Connection, keys: Iterable[int]) -> None:
    """Add postings, merging them into the blocks they fall in (present ones are kept).

    Call inside a write transaction. The cost grows with the number of blocks touched, so a
    whole corpus at once should come sorted and in large runs (see
    ``annotations.linking.bulkindex``).
    """
    new = sorted(set(keys))
    i = 0
    while i < len(new):
        start, blob, bound = _block_at(conn, new[i])
        j = _upto(new, i, bound)
        if blob is None:  # before every block (or none yet): new blocks of their own
            _write_blocks(conn, new[i:j])
        else:
            merged = sorted(set(unpack(blob)).union(new[i:j]))
            if len(merged) <= 2 * BLOCK:
                conn.execute("UPDATE postings SET keys = ? WHERE start = ?", [pack(merged), start])
            else:
                conn.execute("DELETE FROM postings WHERE start = ?", [start])
                _write_blocks(conn, merged, first_start=start)
        i = j


def delete_keys(conn: sqlite3.Connection, keys: Iterable[int]) -> None:
    """Remove postings (absent ones are ignored). Call inside a write transaction."""
    gone = sorted(set(keys))
    i = 0
    while i < len(gone):
        start, blob, bound = _block_at(conn, gone[i])
        j = _upto(gone, i, bound)
        if blob is not None:  # (keys before every block are not stored: nothing to do)
            remove = set(gone[i:j])
            kept = [k for k in unpack(blob) if k not in remove]
            if kept:
                conn.execute("UPDATE postings SET keys = ? WHERE start = ?", [pack(kept), start])
            else:
                conn.execute("DELETE FROM postings WHERE start = ?", [start])
        i = j


def append_sorted(conn: sqlite3.Connection, keys: Sequence[int]) -> None:
    """Write keys that are sorted, distinct and above every stored key: new blocks only."""
    _write_blocks(conn, keys)


def last_key(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT keys FROM postings ORDER BY start DESC LIMIT 1").fetchone()
    return unpack(row[0])[-1] if row else None


def count_postings(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute("SELECT coalesce(sum(length(keys)), 0) / 8 FROM postings").fetchone()[0]
    )


def count_for_article(conn: sqlite3.Connection, article_id: int) -> int:
    """How many postings an article has: reads the whole index, for tests and checks."""
    total = 0
    for (blob,) in conn.execute("SELECT keys FROM postings"):
        total += sum(1 for k in unpack(blob) if k & ARTICLE_MASK == article_id)
    return total


def _block_at(conn: sqlite3.Connection, key: int) -> tuple[int, bytes | None, int | None]:
    """(start, keys) of the block ``key`` belongs in, and where the next block starts.

    With no block at or before ``key``, ``keys`` is ``None`` and the bound is the first
    block's start (``None`` when there are no blocks).
    """
    row = conn.execute(
        "SELECT start, keys, (SELECT start FROM postings n WHERE n.start > p.start"
        " ORDER BY n.start LIMIT 1) FROM postings p WHERE start <= ? ORDER BY start DESC LIMIT 1",
        [key],
    ).fetchone()
    if row is not None:
        return int(row[0]), row[1], row[2]
    first = conn.execute("SELECT start FROM postings ORDER BY start LIMIT 1").fetchone()
    return key, None, None if first is None else int(first[0])


def _upto(keys: Sequence[int], i: int, bound: int | None) -> int:
    """Index of the first key from ``i`` on that is at or past ``bound``."""
    return len(keys) if bound is None else bisect_left(keys, bound, i)


def _write_blocks(
    conn: sqlite3.Connection, keys: Sequence[int], first_start: int | None = None
) -> None:
    """Store sorted keys as one block, or as even blocks of about ``BLOCK`` if too many."""
    pieces = 1 if len(keys) <= 2 * BLOCK else -(-len(keys) // BLOCK)
    size = -(-len(keys) // pieces) if keys else 0
    rows = []
    for b in range(0, len(keys), size or 1):
        block = keys[b : b + size]
        start = first_start if b == 0 and first_start is not None else block[0]
        rows.append((start, pack(block)))
    conn.executemany("INSERT INTO postings (start, keys) VALUES (?, ?)", rows)
