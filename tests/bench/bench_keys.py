"""Key latency and first screen as a user feels them: in a real terminal (tmux).

Newsmark and a plain read-only Textual ``TextArea`` app (the yardstick) run side by side in
two tmux sessions of the same size, on the same 50,000-word article (Newsmark's with 2,000
annotations). One tmux control-mode client sends a key to one of them and polls
``capture-pane`` until the screen has not changed for ``--quiet`` seconds; the time of the
last change is when the key *settled*. Presses are paired (a Newsmark key, then a plain
move, in the same cycle) so a noisy machine slows both; the table gives min / median / max
and the median of the paired ratios.

First screen: each app is started in a fresh session and timed to its settled first screen,
interleaved, at 10 and at 10,000 articles.

Run: ``python tests/bench/bench_keys.py [--pairs 30] [--articles 10,10000]`` (needs tmux).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.spans import store
from newsmark.annotations.spans.textnav import words
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect, write

SIZE = (160, 48)
LABELS = ("claim", "denial", "source", "figure")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.bench.corpus_gen import article_text  # noqa: E402

PLAIN_APP = textwrap.dedent(
    """
    import sqlite3, sys
    from textual.app import App
    from textual.widgets import TextArea

    text = sqlite3.connect(sys.argv[1]).execute(
        "SELECT text FROM articles ORDER BY id LIMIT 1").fetchone()[0]

    class Plain(App):
        def compose(self):
            area = TextArea(text, read_only=True, soft_wrap=True)
            area.cursor_blink = False
            yield area

    Plain().run()
    """
)


class Tmux:
    """One control-mode client: commands in, their output out, ~0.3 ms a capture."""

    def __init__(self, socket: str, first_session: str) -> None:
        self.socket = socket
        self.proc = subprocess.Popen(
            ["tmux", "-L", socket, "-C", "attach", "-t", first_session],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            errors="replace",  # screens are only compared, never shown
            bufsize=1,
        )
        self._read_block()  # the attach's own reply

    def _read_block(self) -> list[str]:
        assert self.proc.stdout is not None
        lines: list[str] = []
        inside = False
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("tmux control client ended")
            if line.startswith("%begin"):
                inside, lines = True, []
            elif line.startswith(("%end", "%error")) and inside:
                return lines
            elif inside:
                lines.append(line)

    def run(self, command: str) -> list[str]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        return self._read_block()

    def capture(self, target: str) -> str:
        return "".join(self.run(f"capture-pane -p -e -t {target}"))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(5)


def settle(
    tmux: Tmux, target: str, quiet: float, limit: float = 20.0, drawn: bool = False
) -> tuple[float, str]:
    """Seconds from now until the last change before ``quiet`` seconds of no change
    (with ``drawn``, the quiet time counts only once something is on the screen). For a
    first screen and for letting an app come to rest; keys are timed by :func:`press`."""
    start = time.perf_counter()
    last_screen = tmux.capture(target)
    last_change = start
    while True:
        now = time.perf_counter()
        screen = tmux.capture(target)
        if screen != last_screen:
            last_screen, last_change = screen, now
        elif drawn and not screen.strip() and now - start < limit:
            continue
        elif now - last_change >= quiet or now - start > limit:
            return last_change - start, screen


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of ``pid`` so far, in nanoseconds' precision (schedstat;
    /proc's clock ticks are 10 ms, as long as a key)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total / 1e9


@dataclass
class Press:
    settled: float  # seconds from sending the key to the last change before quiet
    first: float  # ... to the first change
    cpu: float  # the app's CPU seconds from sending the key to settling


def press(tmux: Tmux, target: str, key: str, quiet: float, pid: int, limit: float = 10.0) -> Press:
    """Send ``key`` and time its screens. The "before" screen is captured *before* the
    key is sent: captured after, a fast repaint was already in it and counted as 0 ms."""
    before = tmux.capture(target)
    cpu = cpu_seconds(pid)
    start = time.perf_counter()
    tmux.run(f"send-keys -t {target} {key}")
    last_screen, first, last_change = before, None, start
    while True:
        now = time.perf_counter()
        screen = tmux.capture(target)
        if screen != last_screen:
            last_screen, last_change = screen, now
            if first is None:
                first = now - start
        elif first is not None and now - last_change >= quiet:
            break
        elif now - start > limit:
            raise RuntimeError(f"{key} to {target}: the screen did not change in {limit} s")
    return Press(last_change - start, first or 0.0, cpu_seconds(pid) - cpu)


def build_db(path: Path, n_words: int, n_annotations: int, extra_articles: int) -> None:
    db = connect(path)
    text = article_text(n_words)
    aid, _ = add_article(db, NewArticle(title="Benchmark article", outlet="Bench", text=text))
    spans = words(text)
    step = max(1, len(spans) // n_annotations)
    with write(db):
        for i in range(n_annotations):
            s = spans[(i * step) % len(spans)]
            e = spans[min(len(spans) - 1, (i * step) % len(spans) + (i % 5))]
            store.create_annotation(db, aid, s[0], e[1], LABELS[i % 4], "bench")
        for n in range(extra_articles):
            add_article(
                db, NewArticle(title=f"Other article {n}", text=article_text(300, seed=n + 2))
            )
    index_pending(db)
    db.execute("INSERT INTO app_state (key, value) VALUES ('last_article', ?)", [str(aid)])
    db.close()


def stats(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{ms[0]:6.1f} / {statistics.median(ms):6.1f} / {ms[-1]:6.1f}"


def new_session(socket: str, name: str, command: list[str]) -> None:
    subprocess.run(
        [
            "tmux",
            "-L",
            socket,
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(SIZE[0]),
            "-y",
            str(SIZE[1]),
            *command,
        ],
        check=True,
    )


def kill_session(socket: str, name: str) -> None:
    subprocess.run(["tmux", "-L", socket, "kill-session", "-t", name], check=False)


def newsmark_command(db: Path) -> list[str]:
    """What a user types: the ``newsmark`` console script beside this interpreter."""
    return ["env", f"NEWSMARK_DB={db}", str(Path(sys.executable).with_name("newsmark"))]


def compile_project() -> None:
    """Write Newsmark's bytecode, as ``pip install .`` does for a user. A development
    (editable) install run with ``PYTHONDONTWRITEBYTECODE`` set, as on this machine, would
    otherwise compile every Newsmark module from source at each start (~70 ms) while the
    plain app's Textual comes compiled from its wheel: a cost no user pays."""
    root = HERE.parents[1]
    for package in ("corpus", "annotations", "tui"):
        compileall.compile_dir(root / package, quiet=1)


def first_screens(
    socket: str, tmux: Tmux, db: Path, plain_script: Path, repeat: int, quiet: float
) -> tuple[list[float], list[float]]:
    ours: list[float] = []
    plain: list[float] = []
    for i in range(repeat):
        for kind in ("ours", "plain") if i % 2 == 0 else ("plain", "ours"):
            name = f"start-{kind}-{i}"
            command = (
                newsmark_command(db)
                if kind == "ours"
                else [sys.executable, str(plain_script), str(db)]
            )
            start = time.perf_counter()
            new_session(socket, name, command)
            launched = time.perf_counter() - start
            elapsed, _ = settle(tmux, name, quiet, drawn=True)
            (ours if kind == "ours" else plain).append(launched + elapsed)
            kill_session(socket, name)
    return ours, plain


def pane_pid(tmux: Tmux, target: str) -> int:
    return int(tmux.run(f"display -p -t {target} '#{{pane_pid}}'")[0].strip())


def run_keys(tmux: Tmux, pairs: int, quiet: float) -> dict[str, list[tuple[Press, Press]]]:
    """Each measured Newsmark key is paired with a plain move in the same cycle."""
    ours_pid, plain_pid = pane_pid(tmux, "ours"), pane_pid(tmux, "plain")
    out: dict[str, list[tuple[Press, Press]]] = {"move": [], "tag": [], "undo": []}
    plain_toggle = ["Down", "Up"]

    def pair(name: str, ours: Callable[[], Press], i: int) -> None:
        theirs = press(tmux, "plain", plain_toggle[i % 2], quiet, plain_pid)
        out[name].append((ours(), theirs))

    for i in range(pairs):
        key = "Down" if i % 2 == 0 else "Up"
        pair("move", lambda key=key: press(tmux, "ours", key, quiet, ours_pid), i)
        press(tmux, "ours", "w", quiet, ours_pid)
        press(tmux, "ours", "v", quiet, ours_pid)
        press(tmux, "ours", "e", quiet, ours_pid)
        pair("tag", lambda: press(tmux, "ours", "1", quiet, ours_pid), i)
        pair("undo", lambda: press(tmux, "ours", "u", quiet, ours_pid), i)
    return out


@dataclass
class KeyResults:
    keys: dict[str, list[tuple[Press, Press]]]  # name -> (Newsmark key, plain move) pairs
    starts: dict[int, tuple[list[float], list[float]]]  # articles -> (ours, plain) seconds


def measure(
    words: int = 50_000,
    annotations: int = 2_000,
    pairs: int = 30,
    starts: int = 6,
    articles: tuple[int, ...] = (10, 10_000),
    quiet: float = 0.25,
) -> KeyResults:
    """Build the databases, run both apps in tmux, time keys and first screens."""
    if not shutil.which("tmux"):
        raise SystemExit("bench_keys needs tmux")
    socket = f"newsmark-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        plain_script = Path(tmp) / "plain_app.py"
        plain_script.write_text(PLAIN_APP)
        dbs = {}
        for count in articles:
            dbs[count] = Path(tmp) / f"bench-{count}.db"
            build_db(dbs[count], words, annotations, max(0, count - 1))
        db = dbs[articles[0]]
        compile_project()
        try:
            new_session(socket, "ours", newsmark_command(db))
            new_session(socket, "plain", [sys.executable, str(plain_script), str(db)])
            tmux = Tmux(socket, "ours")
            settle(tmux, "ours", 1.0)
            settle(tmux, "plain", 1.0)
            keys = run_keys(tmux, pairs, quiet)
            first = {
                count: first_screens(socket, tmux, dbs[count], plain_script, starts, 0.5)
                for count in articles
            }
            tmux.close()
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    return KeyResults(keys, first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--annotations", type=int, default=2_000)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--starts", type=int, default=6)
    parser.add_argument("--articles", default="10,10000")
    parser.add_argument("--quiet", type=float, default=0.25)
    args = parser.parse_args()
    counts = tuple(int(c) for c in args.articles.split(","))
    results = measure(args.words, args.annotations, args.pairs, args.starts, counts, args.quiet)
    report(args, results)


def ratio_of_pairs(pairs: list[tuple[float, float]]) -> float:
    return statistics.median(a / b for a, b in pairs if b > 0)


def report(args: argparse.Namespace, results: KeyResults) -> None:
    print(
        f"terminal {SIZE[0]}x{SIZE[1]} in tmux, {args.words:,} words,"
        f" {args.annotations:,} annotations, {args.pairs} pairs, settled = no change for"
        f" {args.quiet * 1000:.0f} ms; load before: {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'key (Newsmark vs plain move)':<34}{'Newsmark min/med/max ms':<26}"
        f"{'plain min/med/max ms':<26}median ratio"
    )
    for name, label in (
        ("move", "cursor move (down/up)"),
        ("tag", "tag (1)"),
        ("undo", "undo (u)"),
    ):
        pairs = results.keys[name]
        for what, get in (
            ("settled", lambda p: p.settled),
            ("first frame", lambda p: p.first),
            ("CPU", lambda p: p.cpu),
        ):
            ours = [get(a) for a, _ in pairs]
            plain = [get(b) for _, b in pairs]
            ratio = ratio_of_pairs([(get(a), get(b)) for a, b in pairs])
            print(f"{label + ', ' + what:<34}{stats(ours):<26}{stats(plain):<26}{ratio:5.2f}x")
    for count, (ours, plain) in results.starts.items():
        ratio = statistics.median(ours) / statistics.median(plain)
        print(
            f"{'first screen, ' + format(count, ',') + ' articles':<34}{stats(ours):<26}"
            f"{stats(plain):<26}{ratio:5.2f}x"
        )


if __name__ == "__main__":
    main()
