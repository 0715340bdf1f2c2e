"""Reader benchmark: open a 50,000-word article with 2,000 annotations, move, tag.

Compares, in the same run, Newsmark's reader with a plain read-only Textual ``TextArea`` on
the same text and terminal size. Times are from the key press (or open call) until the app
is idle again with the screen repainted (``pilot.pause()`` waits for the refresh).

Run: ``python tests/bench/bench_reader.py [--words 50000] [--annotations 2000] [--repeat 40]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import TextArea  # noqa: E402

from newsmark.annotations import store  # noqa: E402
from newsmark.annotations.config import Config  # noqa: E402
from newsmark.annotations.textnav import words  # noqa: E402
from newsmark.corpus.articles import NewArticle, add_article  # noqa: E402
from newsmark.corpus.db import connect, write  # noqa: E402
from newsmark.tui.app import NewsmarkApp  # noqa: E402
from tests.bench.corpus_gen import article_text  # noqa: E402

SIZE = (160, 48)
LABELS = ("claim", "denial", "source", "figure")


class PlainApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(id="plain", read_only=True, soft_wrap=True)

    def open(self) -> None:
        area = self.query_one(TextArea)
        area.load_text(self.text)
        area.focus()


def build_db(path: Path, n_words: int, n_annotations: int) -> tuple[int, str]:
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
    db.close()
    return aid, text


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"{statistics.median(values) * 1000:7.1f} ms (p95 {p95 * 1000:6.1f})"


async def timed(pilot, action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await action()
        await pilot.pause()
        samples.append(time.perf_counter() - start)
    return samples


async def bench_plain(text: str, repeat: int) -> dict[str, list[float]]:
    app = PlainApp(text)
    out: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:

        async def open_() -> None:
            app.open()

        out["open"] = await timed(pilot, open_, max(3, repeat // 8))
        out["move"] = await timed(pilot, lambda: pilot.press("down"), repeat)
        out["select"] = await timed(pilot, lambda: pilot.press("shift+right"), repeat)
    return out


async def bench_newsmark(path: Path, aid: int, repeat: int) -> dict[str, list[float]]:
    app = NewsmarkApp(path, Config(annotator="bench"))
    out: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        async def open_() -> None:
            app.open_article(aid, cursor=0)

        out["open"] = await timed(pilot, open_, max(3, repeat // 8))
        out["move"] = await timed(pilot, lambda: pilot.press("down"), repeat)
        out["select"] = await timed(pilot, lambda: pilot.press("shift+right"), repeat)

        async def tag() -> None:
            await pilot.press("w", "v", "e")
            start = time.perf_counter()
            await pilot.press("1")
            await pilot.pause()
            tag_samples.append(time.perf_counter() - start)

        tag_samples: list[float] = []
        for _ in range(repeat):
            await tag()
        out["tag"] = tag_samples
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--annotations", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        aid, text = build_db(path, args.words, args.annotations)
        plain = asyncio.run(bench_plain(text, args.repeat))
        ours = asyncio.run(bench_newsmark(path, aid, args.repeat))
    print(
        f"{args.words:,} words, {len(text):,} characters, {args.annotations:,} annotations,"
        f" terminal {SIZE[0]}x{SIZE[1]}, {args.repeat} repeats"
    )
    print(f"{'operation':<32}{'plain TextArea':<30}{'Newsmark':<30}ratio")
    rows = [
        ("open article", "open"),
        ("cursor move (down)", "move"),
        ("extend selection (shift+right)", "select"),
    ]
    for name, key in rows:
        p, n = statistics.median(plain[key]), statistics.median(ours[key])
        print(f"{name:<32}{ms(plain[key]):<30}{ms(ours[key]):<30}{n / p:4.2f}x")
    p = statistics.median(plain["move"])
    print(
        f"{'tag key (1) to repaint':<32}{'(move: ' + ms(plain['move']) + ')':<30}"
        f"{ms(ours['tag']):<30}{statistics.median(ours['tag']) / p:4.2f}x of plain move"
    )


if __name__ == "__main__":
    main()
