"""A real ``newsmark serve`` on 127.0.0.1 for the serving tests: a subprocess on a free port,
over a real database with users, stopped (and its app processes with it) at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsmark.annotations.desk.users import add_user
from newsmark.corpus.db import connect
from tests.tui_helpers import seed

PASSWORDS = {"maria": "maria-password", "root": "root-password"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_desk(db_path: Path, names: dict[str, str] | None = None) -> None:
    """The seeded test articles and users (name -> password)."""
    seed(db_path)
    db = connect(db_path)
    for name, password in (names or PASSWORDS).items():
        add_user(db, name, password)
    db.close()


@contextmanager
def running_server(db_path: Path, *args: str) -> Iterator[str]:
    """``newsmark serve`` with ``args``; yields its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsmark.tui.cli",
            "--db",
            str(db_path),
            "serve",
            "--port",
            str(port),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its app processes go with it at the end
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"newsmark serve exited: {output}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


# --- a real browser ---------------------------------------------------------------------

#: Headless Chromium as this machine runs it: no sandbox for root, no calls home.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Collects what the app draws, as the page's websocket receives it; and, for the latency
#: bench, when each key went out and when the next frame after it was painted.
SCREEN_TAP = """
(() => {
  const Native = window.WebSocket;
  window.__screen = "";
  window.__painted = [];
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__screen += new TextDecoder().decode(event.data);
        requestAnimationFrame(() => window.__painted.push(performance.now()));
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""


def chromium() -> str | None:
    """Chromium's path (NEWSMARK_CHROMIUM, or Debian's chromium on PATH), or None."""
    import shutil

    given = os.environ.get("NEWSMARK_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
