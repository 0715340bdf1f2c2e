"""Indexing many articles at once: hash on every core, then load the keys in key order.

Adding articles one batch at a time inserts each batch's postings all over the B-tree, so
every batch rewrites most of its pages and a rebuild slows down as the index grows. A bulk
build avoids both costs:

1. Worker processes (one per core, :mod:`annotations.linking.indexworker`) take chunks of articles
   as they finish the last, read them on their own read-only connection, hash them, and
   write each chunk's sorted posting keys to a spill file, with the offsets where each of
   ``PARTS`` key ranges begins.
2. This process then loads the key ranges in order, each one gathered from every spill file
   and sorted: SQLite only ever appends blocks to the end of the index.

Postings are committed range by range and the ``ngram_articles`` rows (which say an article
is indexed) last, so an interrupted build leaves articles that are simply indexed again
(merging keys into blocks ignores the ones already there).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from newsmark.annotations.linking.indexworker import PARTS
from newsmark.annotations.linking.postings import append_sorted, insert_keys, last_key
from newsmark.corpus.dates import now_iso
from newsmark.corpus.db import database_path, write

try:
    import fcntl
except ImportError:  # Windows: no stale-folder clean-up
    fcntl = None  # type: ignore[assignment]

SPILL_PREFIX = ".newsmark-index-"  # spill folders, beside the database
LOCK_NAME = "owner.lock"
CHUNK = 500  # articles a worker hashes into one spill file
# Keys sorted and stored per transaction: 50,000 Python ints are ~2 MB (1,000,000 made an
# import of 10,000 articles peak at 117 MB; this, 60 MB, at the same speed).
LOAD_KEYS = 50_000


@contextmanager
def _spill_folder(parent: Path) -> Iterator[Path]:
    """A temporary folder beside the database, locked while this build uses it.

    The lock (``flock`` on a file inside) is what tells a later build that the folder is
    not stale: it is released when the process ends, however it ends.
    """
    try:
        folder = Path(tempfile.mkdtemp(dir=parent, prefix=SPILL_PREFIX))
    except OSError as exc:
        raise WorkerFailed(f"no room for spill files beside the database: {exc}") from exc
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


class WorkerFailed(RuntimeError):
    """A hashing process could not finish (the caller indexes in-process instead)."""


def bulk_index(
    db: sqlite_utils.Database,
    ids: list[int],
    progress: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> None:
    """Index ``ids`` (articles not yet in the index) with every core.

    Raises :class:`WorkerFailed` before anything is written if a worker process fails or
    its spill folder cannot be made.
    """
    path = database_path(db)
    if path is None:
        raise ValueError("a bulk build needs a database file")
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    count = max(1, min(processes or workers(), len(chunks)))
    remove_stale_spills(Path(path).parent)
    with _spill_folder(Path(path).parent) as tmp:
        _run_workers(path, tmp, chunks, count, progress)
        spills: list[tuple[str, list[int]]] = []
        counts: list[tuple[int, int]] = []
        for n in range(len(chunks)):
            result = json.loads((tmp / f"{n}.json").read_text())
            counts.extend(result["counts"])
            spills.append((str(tmp / f"{n}.keys"), result["offsets"]))
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
    chunks: list[list[int]],
    count: int,
    progress: Callable[[int], None] | None,
) -> None:
    """``count`` hashing processes share the chunks: each asks for more as it finishes one.

    Plain subprocesses (``python -m newsmark.annotations.linking.indexworker``) rather than
    ``multiprocessing``: spawning re-imports the caller's main module, which a script without
    a ``__main__`` guard cannot survive, and forking a process that has threads (the app) is
    unsafe. A chunk goes down a worker's stdin as one JSON line; its number comes back on
    stdout when the chunk's spill file is complete.
    """
    env = dict(os.environ)
    todo: queue.Queue[int] = queue.Queue()
    for n in range(len(chunks)):
        todo.put(n)
    done: queue.Queue[int] = queue.Queue()
    procs: list[tuple[subprocess.Popen[str], Path]] = []
    try:
        for w in range(count):
            log = tmp / f"worker-{w}.log"
            with open(log, "w") as err:
                proc = subprocess.Popen(
                    [*worker_command(), db_path, str(tmp)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                    env=env,
                )
            procs.append((proc, log))
        feeders = [
            threading.Thread(target=_feed, args=(proc, chunks, todo, done), daemon=True)
            for proc, _ in procs
        ]
        for f in feeders:
            f.start()
        finished = 0
        while any(f.is_alive() for f in feeders) or not done.empty():
            try:
                n = done.get(timeout=0.1)
            except queue.Empty:
                continue
            finished += 1
            if progress:
                progress(len(chunks[n]))
        for proc, log in procs:
            if proc.wait() != 0:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                raise WorkerFailed(f"indexing process exited with {proc.returncode}: {tail}")
        if finished < len(chunks):
            raise WorkerFailed(f"{len(chunks) - finished} chunks of articles were not indexed")
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _feed(
    proc: subprocess.Popen[str],
    chunks: list[list[int]],
    todo: queue.Queue[int],
    done: queue.Queue[int],
) -> None:
    """Keep one worker two chunks ahead, until there are none left; then close its stdin."""
    assert proc.stdin is not None and proc.stdout is not None
    try:
        sent = 0
        for _ in range(2):
            sent += _send(proc, chunks, todo)
        while sent:
            line = proc.stdout.readline()
            if not line.strip().isdigit():
                return  # the worker died: the caller sees its exit status
            done.put(int(line))
            sent -= 1
            sent += _send(proc, chunks, todo)
    except (BrokenPipeError, OSError):
        return
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()


def _send(proc: subprocess.Popen[str], chunks: list[list[int]], todo: queue.Queue[int]) -> int:
    try:
        n = todo.get_nowait()
    except queue.Empty:
        return 0
    assert proc.stdin is not None
    proc.stdin.write(json.dumps([n, chunks[n]]) + "\n")
    proc.stdin.flush()
    return 1


def worker_command() -> list[str]:
    """How a hashing process is started (the database and spill folder are appended)."""
    return [sys.executable, "-m", "newsmark.annotations.linking.indexworker"]


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
