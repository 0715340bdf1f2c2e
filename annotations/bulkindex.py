"""Indexing many articles at once: hash on every core, then load the keys in key order.

Adding articles one batch at a time inserts each batch's postings all over the B-tree, so
every batch rewrites most of its pages and a rebuild slows down as the index grows. A bulk
build avoids both costs:

1. Worker processes (one per core) each read a chunk of articles on their own read-only
   connection, hash them, sort the chunk's posting keys and write them to a spill file, with
   the offsets where each of ``PARTS`` key ranges begins.
2. This process then loads the key ranges in order, each one gathered from every spill file
   and sorted: SQLite only ever appends to the end of the B-tree.

Postings are committed range by range and the ``ngram_articles`` rows (which say an article
is indexed) last, so an interrupted build leaves articles that are simply indexed again
(``INSERT OR IGNORE`` makes the repeated keys harmless).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from annotations.normtext import index_hashes
from annotations.postings import append_sorted, insert_keys, keys_for, last_key
from corpus.db import write
from corpus.migrations import now_iso

try:
    import fcntl
except ImportError:  # Windows: no stale-folder clean-up
    fcntl = None  # type: ignore[assignment]

SPILL_PREFIX = ".newsmark-index-"  # spill folders, beside the database
LOCK_NAME = "owner.lock"
CHUNK = 1000  # articles per worker task
PARTS = 256  # key ranges the spill files are cut into
LOAD_KEYS = 1_000_000  # keys sorted and inserted per transaction while loading
_STEP = (1 << 64) // PARTS
BOUNDS = [-(1 << 63) + i * _STEP for i in range(1, PARTS)]  # where ranges 1.. begin


def database_path(db: sqlite_utils.Database) -> str | None:
    """The file behind a connection, or ``None`` for an in-memory database."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


@contextmanager
def _spill_folder(parent: Path) -> Iterator[Path]:
    """A temporary folder beside the database, locked while this build uses it.

    The lock (``flock`` on a file inside) is what tells a later build that the folder is
    not stale: it is released when the process ends, however it ends.
    """
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=SPILL_PREFIX))
    fd = None
    if fcntl is not None:
        fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if fd is not None:
            os.close(fd)


def remove_stale_spills(folder: Path) -> list[Path]:
    """Delete spill folders that a killed build left behind (nobody holds their lock)."""
    if fcntl is None:
        return []
    removed = []
    for spill in folder.glob(SPILL_PREFIX + "*"):
        try:
            fd = os.open(spill / LOCK_NAME, os.O_RDWR)
        except FileNotFoundError:  # a build that is just starting, or one long dead
            if spill.is_dir() and time.time() - spill.stat().st_mtime > 600:
                shutil.rmtree(spill, ignore_errors=True)
                removed.append(spill)
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: a build is running
            os.close(fd)
            continue
        os.close(fd)
        shutil.rmtree(spill, ignore_errors=True)
        removed.append(spill)
    return removed


def workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


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


class WorkerFailed(RuntimeError):
    """A hashing process could not finish (the caller indexes in-process instead)."""


def bulk_index(
    db: sqlite_utils.Database,
    ids: list[int],
    progress: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> None:
    """Index ``ids`` (articles not yet in the index) with every core.

    Raises :class:`WorkerFailed` before anything is written if a worker process fails.
    """
    path = database_path(db)
    if path is None:
        raise ValueError("a bulk build needs a database file")
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    count = max(1, min(processes or workers(), len(chunks)))
    remove_stale_spills(Path(path).parent)
    with _spill_folder(Path(path).parent) as tmp:
        jobs = [
            [(n, chunk) for n, chunk in enumerate(chunks) if n % count == w] for w in range(count)
        ]
        _run_workers(path, Path(tmp), jobs, {n: len(c) for n, c in enumerate(chunks)}, progress)
        spills: list[tuple[str, list[int]]] = []
        counts: list[tuple[int, int]] = []
        for n in range(len(chunks)):
            result = json.loads((Path(tmp) / f"{n}.json").read_text())
            counts.extend(result["counts"])
            spills.append((str(Path(tmp) / f"{n}.keys"), result["offsets"]))
        _load(db, spills)
        with write(db):
            db.conn.execute(
                "INSERT OR REPLACE INTO ngram_articles (article_id, shingles, indexed_at)"
                " SELECT a.id, json_extract(j.value, '$[1]'), ? FROM json_each(?) j"
                " JOIN articles a ON a.id = json_extract(j.value, '$[0]')",
                [now_iso(), json.dumps(counts)],
            )


def _run_workers(
    db_path: str,
    tmp: Path,
    jobs: list[list[tuple[int, list[int]]]],
    sizes: dict[int, int],
    progress: Callable[[int], None] | None,
) -> None:
    """One ``python -m annotations.bulkindex`` per core, each printing chunk numbers as done.

    Plain subprocesses rather than ``multiprocessing``: spawning re-imports the caller's main
    module, which a script without a ``__main__`` guard cannot survive, and forking a process
    that has threads (the app) is unsafe.
    """
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    procs: list[tuple[subprocess.Popen[str], Path]] = []
    try:
        for w, job in enumerate(jobs):
            job_file = tmp / f"job-{w}.json"
            job_file.write_text(json.dumps({"db": db_path, "dir": str(tmp), "chunks": job}))
            log = tmp / f"worker-{w}.log"
            with open(log, "w") as err:
                proc = subprocess.Popen(
                    [*worker_command(), str(job_file)],
                    stdout=subprocess.PIPE,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    text=True,
                    env=env,
                )
            procs.append((proc, log))
        done: queue.Queue[int] = queue.Queue()
        readers = [
            threading.Thread(target=_read_done, args=(proc, done), daemon=True) for proc, _ in procs
        ]
        for r in readers:
            r.start()
        remaining = sum(len(j) for j in jobs)
        while any(r.is_alive() for r in readers) or not done.empty():
            try:
                n = done.get(timeout=0.1)
            except queue.Empty:
                continue
            remaining -= 1
            if progress:
                progress(sizes[n])
        for r in readers:
            r.join()
        for proc, log in procs:
            if proc.wait() != 0:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                raise WorkerFailed(f"indexing process exited with {proc.returncode}: {tail}")
        if remaining:
            raise WorkerFailed(f"{remaining} chunks were not indexed")
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def worker_command() -> list[str]:
    """How a hashing process is started (the job file's path is appended)."""
    return [sys.executable, "-m", "annotations.bulkindex"]


def _read_done(proc: subprocess.Popen[str], done: queue.Queue[int]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip().isdigit():
            done.put(int(line))


def _load(db: sqlite_utils.Database, spills: list[tuple[str, list[int]]]) -> None:
    """Store every spill file's keys, range by range, in key order.

    Into an empty index (a rebuild, a first import) every range lands after the last stored
    key, so it is written as new blocks; otherwise it is merged into the blocks it falls in.
    """
    files = [open(name, "rb") for name, _ in spills]  # noqa: SIM115 - closed below
    try:
        part = 0
        while part < PARTS:
            batch = array("q")
            while part < PARTS and len(batch) < LOAD_KEYS:
                for f, (_, offsets) in zip(files, spills, strict=True):
                    count = offsets[part + 1] - offsets[part]
                    if count:
                        f.seek(offsets[part] * batch.itemsize)
                        batch.fromfile(f, count)
                part += 1
            if not batch:
                continue
            keys = sorted(batch)
            with write(db):
                last = last_key(db.conn)
                if last is None or keys[0] > last:
                    append_sorted(db.conn, keys)
                else:
                    insert_keys(db.conn, keys)
    finally:
        for f in files:
            f.close()


def _worker_main(job_file: str) -> None:
    """Entry point of a hashing process: every chunk of its job, one line per chunk done."""
    job = json.loads(Path(job_file).read_text())
    folder = Path(job["dir"])
    for n, ids in job["chunks"]:
        counts, offsets = hash_chunk(job["db"], ids, str(folder / f"{n}.keys"))
        result = folder / f"{n}.json"
        result.with_suffix(".tmp").write_text(json.dumps({"counts": counts, "offsets": offsets}))
        result.with_suffix(".tmp").replace(result)
        print(n, flush=True)


if __name__ == "__main__":
    _worker_main(sys.argv[1])
