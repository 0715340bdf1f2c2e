"""Search-all in the app, as the user feels it: from the last typed key to the results on
screen, in a real terminal (tmux).

A corpus of ``--articles`` (``bench_linking``'s, with planted quotes) is opened in Newsmark
in tmux; for each query, ctrl+f opens the search screen, the query is typed a key every
80 ms, and the time from the last key to the screen no longer changing is taken (it
includes the search box's 150 ms pause, which lets a typist finish a word before
searching). Reported as min / median / max.

Run: ``python tests/bench/bench_search_app.py [--articles 10000] [--queries 12]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from newsmark.annotations.linking.index import index_pending  # noqa: E402
from newsmark.corpus.db import connect  # noqa: E402
from newsmark.tui.screens.corpus_search import CorpusSearchScreen  # noqa: E402
from tests.bench.bench_keys import Tmux, kill_session, new_session, settle  # noqa: E402
from tests.bench.bench_linking import build_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=12)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        raise SystemExit("bench_search_app needs tmux")
    socket = f"newsmark-search-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "search.db"
        quotes = build_corpus(db_path, args.articles, 5_000, args.queries)
        db = connect(db_path)
        index_pending(db)
        db.close()
        env = ["env", f"NEWSMARK_DB={db_path}", f"XDG_CONFIG_HOME={tmp}/cfg", sys.executable]
        new_session(socket, "app", [*env, "-m", "newsmark.tui.cli"])
        times: list[float] = []
        try:
            tmux = Tmux(socket, "app")
            settle(tmux, "app", 1.0, drawn=True)
            for quote, _source, _target in quotes[: args.queries]:
                query = " ".join(quote.split()[:8])
                tmux.run("send-keys -t app C-f")
                settle(tmux, "app", 0.3)
                for i, char in enumerate(query):  # a fast typist: a key every 80 ms
                    if i:
                        time.sleep(0.08)
                    tmux.run(f"send-keys -t app -l {_quoted(char)}")
                times.append(_results_settled(tmux, query))
                tmux.run("send-keys -t app Escape")
                settle(tmux, "app", 0.3)
            tmux.close()
        finally:
            kill_session(socket, "app")
            subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    pause = CorpusSearchScreen.DEBOUNCE * 1000
    first, rest = times[0] * 1000, sorted(t * 1000 for t in times[1:])
    print(f"{args.articles:,} articles, {len(times)} queries of 8 words, a key every 80 ms")
    print(f"first search after start (reads the vocabulary): {first:.0f} ms")
    print(
        f"the others, last key -> results settled: {rest[0]:.0f} / {statistics.median(rest):.0f}"
        f" / {rest[-1]:.0f} ms (min / median / max), of which {pause:.0f} ms is the typing pause"
    )


def _results_settled(tmux: Tmux, query: str, quiet: float = 0.6, limit: float = 10.0) -> float:
    """Seconds from now to the last change of the screen, not counting the row of the search
    box: its cursor blinks every half second, so the screen itself never settles."""

    def shown() -> list[str]:
        return [row for row in tmux.capture("app").split("\n") if query[-12:] not in row]

    start = time.perf_counter()
    last, last_change = shown(), start
    while True:
        now = time.perf_counter()
        screen = shown()
        if screen != last:
            last, last_change = screen, now
        elif now - last_change >= quiet or now - start > limit:
            return last_change - start


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
