"""Importing a web archive end to end: ``newsmark import crawl.warc.gz`` as a user runs it.

Builds a gzipped WARC of generated news pages (our own text in a realistic page: navigation,
cookie banner, byline, related links, comments, scripts, ``og:`` and JSON-LD metadata, plus
one image and one request record per page that must be skipped), then times the import
command (extraction on every core, storage, match index, linking) in a subprocess.
Reported: pages per second, min / median / max over ``--repeat`` runs, and one page's
extraction alone on one core.

Run: ``python tests/bench/bench_warc.py [--pages 2000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.bench.corpus_gen import article_text  # noqa: E402

TEMPLATE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Velmor Harbour Gazette</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">
<meta name="author" content="Staff reporter {n}">
<meta property="article:published_time" content="2026-03-{day:02d}T08:00:00Z">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}"}}</script>
<script>var tracker = {{page: {n}}};{script}</script><style>{style}</style></head><body>
<div class="cookie-banner">We use cookies. Accept all or manage your choices.</div>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>{menu}</nav>
<main><article><h1>{title}</h1><p class="byline">By Staff reporter {n}</p>
{paragraphs}</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a">Ferry prices rise</a></li>
<li><a href="/b">Council meets on Monday</a></li></ul></aside>
<section class="comments"><div class="comment"><p>Reader {n}: first!</p></div></section>
</main><footer>All rights reserved.</footer></body></html>"""


def page(n: int) -> bytes:
    text = article_text(600, seed=n)
    paragraphs = "\n".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    title = " ".join(text.split()[:8]).strip(".,")
    outlet = ("The Velmor Harbour Gazette", "Osk Island Courier", "Brennock Post")[n % 3]
    return TEMPLATE.format(
        title=title,
        outlet=outlet,
        n=n,
        day=n % 28 + 1,
        paragraphs=paragraphs,
        menu=MENU,
        script=SCRIPT,
        style=STYLE,
    ).encode()


# What makes a real news page ~150 KB: a mega-menu, inline scripts and styles.
MENU = "".join(
    f'<div class="menu-item"><a href="/section/{i}">Section {i}</a></div>' for i in range(300)
)
SCRIPT = "".join(f"function f{i}(a){{return a*{i}+1;}}" for i in range(2500))
STYLE = "".join(f".c{i}{{margin:{i % 9}px;padding:{i % 7}px}}" for i in range(1500))


def build(path: Path, pages: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(pages):
            uri = f"https://news.example/{n}"
            request = StatusAndHeaders(f"GET /{n} HTTP/1.1", [("Host", "news.example")])
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(page(n)), http_headers=headers
                )
            )
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri + ".png",
                    "response",
                    payload=io.BytesIO(b"\x89PNG" * 50),
                    http_headers=image,
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    from newsmark.corpus.html import article_from_html

    one = page(1).decode()
    t = time.perf_counter()
    for _ in range(20):
        article_from_html(one, "bench")
    per_page = (time.perf_counter() - t) / 20
    newsmark = str(Path(sys.executable).with_name("newsmark"))
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        warc = Path(tmp) / "crawl.warc.gz"
        build(warc, args.pages)
        rates = []
        for r in range(args.repeat):
            db = Path(tmp) / f"run{r}.db"
            t = time.perf_counter()
            done = subprocess.run(
                [newsmark, "--db", str(db), "import", str(warc)], capture_output=True, text=True
            )
            elapsed = time.perf_counter() - t
            assert done.returncode == 0, done.stderr[-2000:]
            rates.append(args.pages / elapsed)
            print(f"run {r + 1}: {elapsed:.1f} s, {rates[-1]:.0f} pages/s; {done.stderr.strip()}")
        size = warc.stat().st_size / 2**20
    print(
        f"{args.pages} pages of {len(page(1)) / 1024:.0f} KB ({size:.1f} MiB gzipped WARC,"
        " 3 records a page)"
    )
    print(
        f"pages/s end to end: {min(rates):.0f} / {statistics.median(rates):.0f} /"
        f" {max(rates):.0f} (min / median / max)"
    )
    print(f"extraction alone, one core: {per_page * 1000:.1f} ms a page")


if __name__ == "__main__":
    main()
