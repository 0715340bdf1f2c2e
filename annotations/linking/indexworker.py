"""A hashing process of a bulk build (see :mod:`annotations.linking.bulkindex`).

Run as ``python -m newsmark.annotations.linking.indexworker DATABASE SPILL_FOLDER`` and fed chunks
of article ids on stdin. It imports only the normaliser and the key format, so it starts in a
few tens of milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from array import array
from bisect import bisect_left
from pathlib import Path
from urllib.parse import quote

from newsmark.annotations.linking.normtext import index_hashes
from newsmark.annotations.linking.postings import keys_for

PARTS = 256  # key ranges the spill files are cut into
_STEP = (1 << 64) // PARTS
BOUNDS = [-(1 << 63) + i * _STEP for i in range(1, PARTS)]  # where ranges 1.. begin


def hash_chunk(db_path: str, ids: list[int], spill: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Hash ``ids`` into a sorted spill file; returns (article, 3-grams) and range offsets.

    Runs in a worker process, which opens the database read-only itself: no article text
    crosses a process boundary.
    """
    conn = sqlite3.connect(f"file:{quote(db_path)}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT id, text FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        ).fetchall()
    finally:
        conn.close()
    keys: list[int] = []
    counts: list[tuple[int, int]] = []
    for article_id, text in rows:
        hashes = index_hashes(text)
        keys.extend(keys_for(hashes, article_id))
        counts.append((article_id, len(hashes)))
    keys.sort()
    with open(spill, "wb") as f:
        array("q", keys).tofile(f)
    offsets = [0, *(bisect_left(keys, b) for b in BOUNDS), len(keys)]
    return counts, offsets


def main(db_path: str, folder: str) -> None:
    """Hash each chunk read from stdin (``[n, [ids...]]`` per line); print ``n`` when done."""
    for line in sys.stdin:
        n, ids = json.loads(line)
        counts, offsets = hash_chunk(db_path, ids, str(Path(folder) / f"{n}.keys"))
        result = Path(folder) / f"{n}.json"
        result.with_suffix(".tmp").write_text(json.dumps({"counts": counts, "offsets": offsets}))
        result.with_suffix(".tmp").replace(result)
        print(n, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
