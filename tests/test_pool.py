"""Worker processes of a parallel import die with their parent (``kill -9`` included):
before, half the killed imports left workers running, holding the database open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

SCRIPT = """
import os, sys, time
import newsmark.annotations.migrations  # noqa: F401  (the full schema)
from newsmark.corpus.db import connect
from newsmark.corpus.pool import worker_pool
db = connect(sys.argv[1])  # held open, as an import holds it
pool = worker_pool(2)
futures = [pool.submit(time.sleep, 60) for _ in range(2)]
time.sleep(0.5)
print(" ".join(str(p) for p in pool._processes), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its entry remains


def test_workers_exit_when_the_import_is_killed(tmp_path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "p.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        ends = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < ends:
            time.sleep(0.05)
        assert not any(_alive(p) for p in workers), "workers outlived their parent"
    finally:
        parent.kill()
        for pid in workers if "workers" in locals() else []:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
