"""``newsmark serve`` with a team at once: key latency as each browser shows it, and no
write lost.

A real ``newsmark serve`` on 127.0.0.1 over generated articles (real-looking text from
``corpus_gen``), with N users signed in from N pages of one headless Chromium (Debian's),
all typing at once at a human pace: ``w w v e 1`` (two words on, select a word, tag it)
over and over, a key every ``--gap`` seconds, each user in their own article.

A key's latency is from the page's own ``keydown`` to the first animation frame painted
after the app's answer arrived: the first websocket frame after the key that redraws the
status line (every one of these keys changes it; a teammate's tag that repaints the
article list does not count as an answer). Times are the page's ``performance.now()``, so
no driver round trip is in them. All of it, browsers included, runs on this machine's 2
cores, so the figures are an upper bound of what users on their own machines see.

The yardstick, in the same run: the same door serving a plain read-only TextArea app,
moved by the right arrow (ArrowRight), with the same number of pages.

Writes: every tag a user made is counted in the database at the end (``no write lost``
means the rows equal the tags sent).

Run: ``python tests/bench/bench_serve.py [--sessions 10] [--keys 60] [--gap 0.35]``
(needs Chromium: ``apt-get install chromium``, and the test extra's playwright).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Page, async_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.desk.state import set_state  # noqa: E402
from newsmark.annotations.desk.users import add_user  # noqa: E402
from newsmark.corpus.articles import NewArticle, add_article  # noqa: E402
from newsmark.corpus.db import connect  # noqa: E402
from tests.bench.bench_keys import PLAIN_APP  # noqa: E402  (the same yardstick app)
from tests.bench.corpus_gen import article_text  # noqa: E402
from tests.serve_helpers import BROWSER_ARGS, chromium, free_port  # noqa: E402

PASSWORD = "bench-password"
SIZE = {"width": 1200, "height": 760}
CYCLE = ("w", "w", "v", "e", "1")

#: What the page records: when each key went down, and each frame (time painted, text).
TAP = """
(() => {
  const Native = window.WebSocket;
  window.__keys = [];
  window.__frames = [];
  window.__url = "";
  document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
  window.WebSocket = function (url, protocols) {
    window.__url = url;
    const socket = new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        const text = new TextDecoder().decode(event.data);
        requestAnimationFrame(() => window.__frames.push([performance.now(), text]));
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""


def make_db(path: Path, sessions: int, words: int) -> None:
    db = connect(path)
    for n in range(max(sessions, 20)):
        text = article_text(words, seed=1000 + n)
        add_article(db, NewArticle(title=f"Bench article {n}", outlet=f"Outlet {n % 7}", text=text))
    for n in range(sessions):
        add_user(db, f"user{n}", PASSWORD)
    # each user resumes in an article of their own (their place is kept per login)
    set_state(db, {f"last_article@user{n}": str(n + 1) for n in range(sessions)})
    db.close()


def start_server(db: Path, port: int, sessions: int, plain: Path | None) -> object:
    """``newsmark serve`` (or, with ``plain``, the same door around the plain app)."""
    import subprocess

    code = (
        "import sys, shlex\n"
        "from pathlib import Path\n"
        "from newsmark.tui.serve import DeskServer, ServeOptions\n"
        "db, port, cap, plain = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]\n"
        "server = DeskServer(ServeOptions(Path(db), port=port, max_sessions=cap))\n"
        "if plain:\n"
        "    server.command = lambda user: shlex.join([sys.executable, plain, db])\n"
        "server.run()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(port), str(sessions + 2), str(plain or "")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import socket

    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def sign_in(browser: object, base: str, name: str) -> Page:
    context = await browser.new_context(viewport=SIZE)  # type: ignore[attr-defined]
    page = await context.new_page()
    await page.add_init_script(TAP)
    await page.goto(f"{base}/")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    return page


async def wait_drawn(page: Page, wanted: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        frames = await page.evaluate("window.__frames.map(f => f[1]).join('')")
        if wanted in frames:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{wanted!r} never drawn")
        await asyncio.sleep(0.2)


async def type_keys(page: Page, keys: list[str], gap: float, offset: float) -> None:
    await asyncio.sleep(offset)  # users do not type in step
    for key in keys:
        await page.keyboard.press(key)
        await asyncio.sleep(gap)


def answers(keys: list[float], frames: list[list[object]], status_row: int | None) -> list[float]:
    """Per key: ms from keydown to the first painted frame after it that redraws the status
    line (any frame, for the plain app: nothing else changes its screen)."""
    # the cursor placed on the status row (an SGR such as "\x1b[39;49m" is not one)
    marker = None if status_row is None else re.compile(f"\x1b\\[{status_row};\\d+H")
    out = []
    for n, pressed in enumerate(keys):
        until = keys[n + 1] if n + 1 < len(keys) else float("inf")
        for when, text in frames:
            painted = float(str(when))
            if painted <= pressed:
                continue
            if marker is None or marker.search(str(text)):
                if painted < until + 2000:  # a late answer still counts, however late
                    out.append(painted - pressed)
                break
    return out


async def run_round(
    base: str, sessions: int, keys: int, gap: float, plain: bool
) -> tuple[list[float], int]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium(), args=BROWSER_ARGS)
        pages = [await sign_in(browser, base, f"user{n}") for n in range(sessions)]
        for page in pages:
            await wait_drawn(page, "Articles" if not plain else "\x1b[")
        await asyncio.sleep(1.0)
        for page in pages:
            await page.focus("textarea.xterm-helper-textarea")
        typed = [
            (["ArrowRight"] * keys) if plain else [CYCLE[i % len(CYCLE)] for i in range(keys)]
            for _ in pages
        ]
        await asyncio.sleep(0.5)
        for page in pages:
            await page.evaluate("window.__keys = []; window.__frames = [];")
        await asyncio.gather(
            *(
                type_keys(page, typed[n], gap, offset=gap * n / sessions)
                for n, page in enumerate(pages)
            )
        )
        await asyncio.sleep(2.0)
        latencies: list[float] = []
        for page in pages:
            url = await page.evaluate("window.__url")
            height = int(re.search(r"height=(\d+)", url)[1])  # type: ignore[index]
            keys_down = await page.evaluate("window.__keys")
            frames = await page.evaluate("window.__frames")
            latencies += answers(keys_down, frames, None if plain else height - 1)
        tags = sum(k == "1" for k in typed[0]) * sessions
        await browser.close()
    return latencies, tags


def summary(values: list[float]) -> str:
    return (
        f"min {min(values):6.1f}  median {statistics.median(values):6.1f}"
        f"  p95 {statistics.quantiles(values, n=20)[18]:6.1f}  max {max(values):7.1f} ms"
        f"  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--keys", type=int, default=60, help="keys each user types")
    parser.add_argument("--gap", type=float, default=0.35, help="seconds between a user's keys")
    parser.add_argument("--words", type=int, default=800, help="words per article")
    parser.add_argument("--rounds", type=int, default=2, help="alternating app / plain rounds")
    args = parser.parse_args()
    if chromium() is None:
        sys.exit("needs Chromium (Debian: apt-get install chromium)")
    folder = Path(tempfile.mkdtemp(prefix="newsmark-bench-serve-"))
    try:
        plain_app = folder / "plain.py"
        plain_app.write_text(PLAIN_APP)
        print(f"load before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        results: dict[str, list[float]] = {"newsmark": [], "plain": []}
        for round_ in range(args.rounds):
            for kind in ("newsmark", "plain"):
                db = folder / f"{kind}-{round_}.db"
                make_db(db, args.sessions, args.words)
                port = free_port()
                server = start_server(
                    db, port, args.sessions, plain_app if kind == "plain" else None
                )
                try:
                    latencies, tags = asyncio.run(
                        run_round(
                            f"http://127.0.0.1:{port}",
                            args.sessions,
                            args.keys,
                            args.gap,
                            kind == "plain",
                        )
                    )
                finally:
                    os.killpg(server.pid, 15)  # type: ignore[attr-defined]
                    server.wait(10)  # type: ignore[attr-defined]
                results[kind] += latencies
                line = f"round {round_ + 1} {kind:8}: {summary(latencies)}"
                if kind == "newsmark":
                    stored = connect(db).execute("SELECT count(*) FROM annotations").fetchone()[0]
                    line += f"; tags sent {tags}, rows stored {stored}"
                print(line, flush=True)
        print(f"load after: {os.getloadavg()[0]:.2f}")
        for kind, values in results.items():
            print(f"{kind:8} all rounds, {args.sessions} sessions at once: {summary(values)}")
        ratio = statistics.median(results["newsmark"]) / statistics.median(results["plain"])
        print(f"median ratio newsmark / plain TextArea: {ratio:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
