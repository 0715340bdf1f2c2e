"""Worker processes that never outlive the import that started them.

A ``ProcessPoolExecutor``'s workers wait on a pipe that they themselves hold open, so when
the parent is killed (``kill -9``, a closed terminal) they wait for ever, holding the
database file open. Each worker here watches its parent and exits when it is gone, and
ignores Ctrl-C (the parent hears it and shuts the pool down itself).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.25  # how soon an orphaned worker notices


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers exit within ``WATCH_SECONDS`` of their parent."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    )


def _die_with_parent(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:  # re-parented: the import that wanted the work is gone
            os._exit(1)
