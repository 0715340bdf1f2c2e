"""The stored match index: blocks of posting keys, and building it on every core."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.annotations.linking import bulkindex
from newsmark.annotations.linking.index import index_pending, rebuild_index, unindexed_articles
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.linking.normtext import index_hashes
from newsmark.annotations.linking.postings import (
    ARTICLE_MASK,
    BLOCK,
    articles_with,
    count_postings,
    delete_keys,
    insert_keys,
    keys_for,
    unpack,
)
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import write


def _stored(db: sqlite_utils.Database) -> list[int]:
    """Every stored key, checking the block invariants on the way."""
    rows = db.execute("SELECT start, keys FROM postings ORDER BY start").fetchall()
    keys: list[int] = []
    for n, (start, blob) in enumerate(rows):
        block = list(unpack(blob))
        assert block, "no empty blocks"
        assert block == sorted(set(block))
        assert start <= block[0]
        assert len(block) <= 2 * BLOCK
        if n + 1 < len(rows):
            assert block[-1] < rows[n + 1][0]
        keys.extend(block)
    return keys


def _hash_of(key: int) -> int:
    return key & ~ARTICLE_MASK


small_keys = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 30)).map(
        lambda t: (t[0] << 32) - (20 << 32) | t[1]
    ),
    max_size=300,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.booleans(), small_keys), min_size=1, max_size=8))
def test_blocks_hold_exactly_the_keys_added_and_not_removed(
    db: sqlite_utils.Database, steps: list[tuple[bool, list[int]]]
) -> None:
    db.execute("DELETE FROM postings")
    model: set[int] = set()
    for adding, keys in steps:
        with write(db):
            if adding:
                insert_keys(db.conn, keys)
                model.update(keys)
            else:
                delete_keys(db.conn, keys)
                model.difference_update(keys)
        assert _stored(db) == sorted(model)
    cursor = db.conn.cursor()
    for h in {_hash_of(k) for k in model} | {5 << 32, -(30 << 32)}:
        expected = sorted(k & ARTICLE_MASK for k in model if _hash_of(k) == h)
        assert articles_with(cursor, h, 1000) == expected
        assert len(articles_with(cursor, h, 2)) == min(2, len(expected))


def test_many_keys_split_into_blocks_and_lookups_cross_them(db: sqlite_utils.Database) -> None:
    rng = random.Random(3)
    one_hash = 7 << 32
    keys = {one_hash | a for a in range(1, 1001)}  # one 3-gram in 1,000 articles
    keys |= {rng.getrandbits(63) for _ in range(5000)}
    with write(db):
        insert_keys(db.conn, keys)
    assert _stored(db) == sorted(keys)
    assert db.execute("SELECT count(*) FROM postings").fetchone()[0] > 5000 // (2 * BLOCK)
    assert articles_with(db.conn.cursor(), one_hash, 5000) == list(range(1, 1001))
    assert articles_with(db.conn.cursor(), one_hash, 10) == list(range(1, 11))


def test_article_ids_beyond_the_key_width_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        keys_for([1, 2], 1 << 32)
    with pytest.raises(ValueError, match="outside"):
        keys_for([1, 2], 0)


def _corpus(db: sqlite_utils.Database, n: int) -> list[int]:
    rng = random.Random(n)
    words = [f"w{i}" for i in range(300)]
    shared = "the same quoted sentence turns up in several of these made up reports"
    ids = []
    for i in range(n):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(0, 400)))
        if i % 5 == 0:
            body = f"{body} {shared}. {body[:50]}"
        ids.append(add_article(db, NewArticle(title=f"T{i}", text=body or "x"))[0])
    return ids


def test_bulk_build_stores_what_one_at_a_time_stores(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes, spill files and the ordered load give the same postings."""
    ids = _corpus(db, 60)
    index_pending(db, bulk_min=10_000)  # in this process
    serial = _stored(db)
    rows = db.execute("SELECT * FROM ngram_articles ORDER BY article_id").fetchall()
    monkeypatch.setattr(bulkindex, "CHUNK", 7)  # several chunks per worker
    monkeypatch.setattr(bulkindex, "LOAD_KEYS", 500)  # several load transactions
    done: list[int] = []
    with write(db):
        db.execute("DELETE FROM postings")
        db.execute("DELETE FROM ngram_articles")
    assert index_pending(db, progress=done.append, bulk_min=1) == ids
    assert _stored(db) == serial
    assert sum(done) == len(ids)
    assert [r[:2] for r in db.execute("SELECT * FROM ngram_articles ORDER BY article_id")] == [
        r[:2] for r in rows
    ]
    found = Matcher(db).find("the same quoted sentence turns up in several of these reports")
    assert {m.article_id for m in found} == {ids[i] for i in range(0, 60, 5)}


def test_bulk_build_into_a_non_empty_index_merges(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _corpus(db, 40)
    expected = sorted(set().union(*(keys_for(index_hashes(t), i) for i, t in _texts(db))))
    monkeypatch.setattr(bulkindex, "CHUNK", 9)
    monkeypatch.setattr(bulkindex, "LOAD_KEYS", 300)
    index_pending(db, bulk_min=10_000)
    # An interrupted bulk build leaves some keys without their ngram_articles rows.
    with write(db):
        db.execute("DELETE FROM ngram_articles WHERE article_id % 2 = 0")
    again = index_pending(db, bulk_min=1)
    assert again == [i for i in ids if i % 2 == 0]
    assert _stored(db) == expected
    assert unindexed_articles(db) == []


def _texts(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute("SELECT id, text FROM articles")]


def test_a_failed_worker_falls_back_to_indexing_here(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _corpus(db, 12)
    monkeypatch.setattr(
        bulkindex, "worker_command", lambda: [sys.executable, "-c", "raise SystemExit(3)"]
    )
    with pytest.raises(bulkindex.WorkerFailed, match="exited with 3"):
        bulkindex.bulk_index(db, ids)
    assert count_postings(db.conn) == 0  # nothing written
    assert index_pending(db, bulk_min=1) == ids
    assert unindexed_articles(db) == []
    assert count_postings(db.conn) > 0


def test_a_bulk_build_leaves_no_spill_files(db: sqlite_utils.Database) -> None:
    _corpus(db, 15)
    path = bulkindex.database_path(db)
    assert path is not None
    before = set(Path(path).parent.iterdir())
    assert rebuild_index(db) == 15
    serial = _stored(db)
    bulkindex.bulk_index(db, [r[0] for r in _texts(db)])  # again, over what is there
    assert set(Path(path).parent.iterdir()) == before
    assert _stored(db) == serial


def test_spill_folders_of_killed_builds_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    import fcntl
    import os

    stale = tmp_path / f"{bulkindex.SPILL_PREFIX}dead"
    live = tmp_path / f"{bulkindex.SPILL_PREFIX}running"
    for folder in (stale, live):
        folder.mkdir()
        (folder / bulkindex.LOCK_NAME).touch()
        (folder / "0.keys").write_bytes(b"\0" * 64)
    fd = os.open(live / bulkindex.LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running build holds it
    try:
        assert bulkindex.remove_stale_spills(tmp_path) == [stale]
        assert not stale.exists() and live.exists()
    finally:
        os.close(fd)
    assert bulkindex.remove_stale_spills(tmp_path) == [live]


def test_a_killed_bulk_build_leaves_a_usable_index(tmp_path: Path) -> None:
    """SIGKILL mid-build: next time the spill folder is removed and the index completed."""
    import os
    import signal
    import subprocess
    import time

    from newsmark.corpus.db import connect

    path = tmp_path / "k.db"
    db = connect(path)
    _corpus(db, 400)
    db.close()
    script = (
        "import sys; from newsmark.corpus.db import connect;"
        "from newsmark.annotations.linking import bulkindex;"
        "from newsmark.annotations.linking.index import index_pending;"
        "bulkindex.CHUNK = 5;"
        "index_pending(connect(sys.argv[1]), bulk_min=1, progress=lambda n: print(n, flush=True))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # hashing is under way
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # its workers notice the closed pipe at their next chunk and stop
    assert list(tmp_path.glob(f"{bulkindex.SPILL_PREFIX}*"))  # left behind by the kill
    db = connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(unindexed_articles(db)) == 400  # nothing was marked indexed
    index_pending(db, bulk_min=1)
    assert unindexed_articles(db) == []
    assert not list(tmp_path.glob(f"{bulkindex.SPILL_PREFIX}*"))
    expected = sorted(set().union(*(keys_for(index_hashes(t), i) for i, t in _texts(db))))
    assert _stored(db) == expected


def test_no_spill_folder_means_indexing_here(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    ids = _corpus(db, 12)

    def refuse(*_args: object, **_kw: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(bulkindex.WorkerFailed, match="no room for spill files"):
        bulkindex.bulk_index(db, ids)
    assert index_pending(db, bulk_min=1) == ids
    assert unindexed_articles(db) == []
