"""The commands that bring articles in and look them up: ``import``, ``edit``, ``articles``,
``search`` and ``link``."""

from __future__ import annotations

import math
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# Each command imports its own machinery when it runs, so `newsmark --version` and
# `newsmark articles` load no matching, export or TUI code.
from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
from newsmark.corpus.errors import ImportRejected, NewsmarkError, StoreError, is_disk_full
from newsmark.corpus.normalise import neutralise
from newsmark.corpus.paths import DEFAULT_MAX_BYTES
from newsmark.tui.command import Context, clip, grid, json_or_empty, main, plural, say, user_errors

if TYPE_CHECKING:
    import sqlite_utils

    from newsmark.corpus.storing import ImportReport


@main.command("import")
@click.argument("paths", nargs=-1, metavar="PATH_OR_URL...")
@click.option("--sample", is_flag=True, help="Import the bundled sample articles.")
@click.option(
    "--urls",
    "url_lists",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Fetch and import every URL in FILE (one a line; # comments).",
)
@click.option(
    "--feed", "feeds", multiple=True, metavar="URL", help="Import every item of an RSS/Atom feed."
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Read every file in this encoding instead of detecting it (e.g. cp1251).",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    metavar="BYTES",
    help="Refuse files larger than this (pages fetched: 16 MiB at most).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    default=15.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a server that does not answer within this.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch from loopback, private and link-local addresses (refused by default).",
)
@click.option("--outlet", help="Outlet of the .txt/.md files imported (unless a file says).")
@click.option(
    "--published", metavar="DATE", help="Their publication date, ISO 8601 (unless a file says)."
)
@click.pass_obj
@user_errors
def import_command(
    obj: Context,
    paths: tuple[str, ...],
    sample: bool,
    url_lists: tuple[Path, ...],
    feeds: tuple[str, ...],
    encoding: str | None,
    max_size: int,
    timeout: float,
    allow_private: bool,
    outlet: str | None,
    published: str | None,
) -> None:
    """Import articles from files, folders (recursively), glob patterns, web addresses and
    feeds.

    Reads .txt, .md (optionally with a front-matter block), .jsonl (one article per
    line) and web pages (.html, .htm, or an http(s) URL, fetched: the article's main text,
    title, outlet, date, author, canonical URL and language). Articles already stored
    (same text, or same URL) are skipped. Exit status is 1 if any input was rejected or
    could not be fetched; the good ones are imported all the same.
    """
    from newsmark.corpus.dates import parse_published as check_date
    from newsmark.corpus.fetch import MAX_PAGE_BYTES, PUBLIC_ONLY, Access, is_url
    from newsmark.corpus.importer import Source, find_sources, import_paths
    from newsmark.corpus.samples import import_sample
    from newsmark.corpus.storing import ImportReport
    from newsmark.corpus.web import import_feed, import_urls, read_url_list

    if not paths and not sample and not url_lists and not feeds:
        raise click.UsageError("name at least one PATH or URL, or use --urls, --feed or --sample")
    try:
        details = {"outlet": outlet, "published": check_date(published)}
    except ImportRejected as exc:
        raise click.BadParameter(str(exc), param_hint="--published") from None
    urls = [p for p in paths if is_url(p)]
    files = [p for p in paths if not is_url(p)]
    report = ImportReport()
    for url_list in url_lists:
        try:
            urls += list(read_url_list(url_list))
        except ImportRejected as exc:
            report.rejected.append((str(url_list), str(exc)))
    db = obj.db
    try:
        if sample:
            sample_report = import_sample(db)
            say(f"sample corpus: {sample_report.summary()}", err=True)
        if files:
            sources = list(find_sources(files))
            sizes = {s.path: _size(s.path) for s in sources if not s.skip_reason}
            archives = any(s.path.name.lower().endswith((".warc", ".warc.gz")) for s in sources)
            show_bar = sys.stderr.isatty() and (len(sources) > 20 or archives)
            with click.progressbar(  # in bytes: one web archive can hold thousands of pages
                length=max(1, sum(sizes.values())),
                label="Importing",
                file=sys.stderr,
                hidden=not show_bar,
            ) as bar:
                read_to = [0]

                def advance(source: Source) -> None:
                    read_to[0] = 0
                    if not source.path.name.lower().endswith((".warc", ".warc.gz")):
                        bar.update(sizes.get(source.path, 0))

                def archive_progress(offset: int) -> None:
                    if offset > read_to[0]:
                        bar.update(offset - read_to[0])
                        read_to[0] = offset

                import_paths(
                    db,
                    files,
                    encoding=encoding,
                    max_bytes=max_size,
                    on_source=advance,
                    sources=sources,
                    report=report,
                    details={k: v for k, v in details.items() if v},
                    on_progress=archive_progress,
                )
        page_limit = min(max_size, MAX_PAGE_BYTES)
        if urls or feeds:
            show_bar = sys.stderr.isatty() and (len(urls) > 1 or bool(feeds))
            with click.progressbar(
                length=len(urls), label="Fetching", file=sys.stderr, hidden=not show_bar
            ) as bar:

                def fetched(_url: str) -> None:
                    bar.update(1)

                access = Access(allow_private=True) if allow_private else PUBLIC_ONLY
                import_urls(db, urls, report, page_limit, timeout, fetched, access)
                for feed in feeds:
                    import_feed(db, feed, report, page_limit, timeout, fetched, access)
    except sqlite3.Error as exc:
        if not is_disk_full(exc):
            raise
        # what was stored is committed and stays: say how much, then why it stopped
        _print_report(report, " before the disk filled")
        raise StoreError(
            f"{obj.db_path}: the disk is full, so the import stopped; the"
            f" {plural(report.added, 'article')} stored before it are kept. Free some space"
            " and run the same import again: what is already stored is skipped."
        ) from None
    if files or urls or feeds or url_lists:
        _print_report(report)
    try:
        _index_and_link_new(db, obj.config.min_confidence)
    except sqlite3.Error as exc:
        if not is_disk_full(exc):
            raise
        raise StoreError(
            f"{obj.db_path}: the disk is full: the articles are stored, but not yet indexed"
            " for links; free some space and run newsmark link"
        ) from None
    sys.exit(1 if report.rejected else 0)


def _print_report(report: ImportReport, ending: str = "") -> None:
    for location, reason in [*report.rejected, *report.warnings]:
        say(f"{location}: {reason}", err=True)
    say(report.summary() + ending, err=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _index_and_link_new(db: sqlite_utils.Database, min_confidence: float | None) -> None:
    """New articles join the match index, and existing annotations are matched against them."""
    from newsmark.annotations.catchup import catch_up, pending_articles
    from newsmark.annotations.linking.index import BULK_MIN

    pending = pending_articles(db)
    show_bar = sys.stderr.isatty() and len(pending) >= BULK_MIN
    with click.progressbar(
        length=len(pending), label="Indexing", file=sys.stderr, hidden=not show_bar
    ) as bar:
        done = catch_up(db, min_confidence, progress=bar.update, pending=pending)
    if done.placed:
        say(f"{plural(done.placed, 'orphaned annotation')} placed in the new articles", err=True)
    if done.suggested:
        say(f"{done.suggested} new link suggestion{'s' if done.suggested != 1 else ''}", err=True)


@main.command("edit")
@click.argument("article_id", type=int, metavar="ID")
@click.option("--title", help="New title.")
@click.option("--outlet", help="Outlet (publication); an empty string clears it.")
@click.option("--published", metavar="DATE", help="Publication date, ISO 8601 (2026-03-14).")
@click.option("--url", help="Address of the original.")
@click.option("--author", help="Byline.")
@click.pass_obj
@user_errors
def edit_command(obj: Context, article_id: int, **changes: str | None) -> None:
    """Fix an article's details (title, outlet, date, URL, author).

    The text never changes, so annotations stay where they are. An empty value ("")
    clears a detail. Prints the article's details after the change.
    """
    from newsmark.corpus.articles import update_details
    from newsmark.corpus.errors import ImportRejected

    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise click.UsageError(
            "name at least one detail to change: --title, --outlet, --published, --url, --author"
        )
    try:
        article = update_details(obj.db, article_id, given)
    except ImportRejected as exc:  # a date that is not one
        raise NewsmarkError(f"--published: {exc}") from exc
    for key in ("title", "outlet", "published", "url", "author"):
        say(f"{key}: {getattr(article, key) or '-'}")


@main.command("articles")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
@user_errors
def articles_command(obj: Context, as_json: bool) -> None:
    """List the stored articles: id, title, outlet, author, length and annotation count."""
    from newsmark.annotations.spans.store import counts_by_article
    from newsmark.corpus.articles import authors as article_authors
    from newsmark.corpus.articles import list_articles

    db = obj.read_db
    counts = counts_by_article(db)
    authors = article_authors(db)
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "author": authors.get(a.id),
            "url": a.url,
            "published": a.published,
            "chars": a.chars,
            "annotations": counts.get(a.id, 0),
        }
        for a in list_articles(db)
    ]
    empty = "No articles yet. Import some with: newsmark import PATH (or --sample)"
    if not json_or_empty(rows, as_json, empty):
        say(_table(rows))


def _check_query(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if len(value) > MAX_QUERY_CHARS:
        raise click.BadParameter(
            f"is {len(value):,} characters; search for a passage of at most {MAX_QUERY_CHARS:,}",
            param_hint="QUERY",
        )
    return value


def _check_score(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if math.isnan(value):
        raise click.BadParameter("nan is not a score; give a number from 0 to 100")
    return value


@main.command("search")
@click.argument("query", callback=_check_query)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many results.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    callback=_check_score,
    default=60.0,
    show_default=True,
    help="Leave out matches scoring below this (0-100).",
)
@click.option(
    "--exclude-article",
    "exclude",
    type=int,
    multiple=True,
    metavar="ID",
    help="Leave out this article (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@user_errors
def search_command(
    obj: Context,
    query: str,
    limit: int,
    min_score: float,
    exclude: tuple[int, ...],
    as_json: bool,
) -> None:
    """Search every article for QUERY, fuzzily: best matching passages first.

    Case, punctuation, quotes and spacing do not matter, and small wording differences and
    typos still match. Each result is the passage exactly as stored, with its offsets.
    """
    from newsmark.annotations.linking.index import index_pending
    from newsmark.annotations.linking.matching import search_corpus
    from newsmark.corpus.articles import titles as article_titles
    from newsmark.corpus.db import read_only

    db = obj.read_db
    if not read_only(db):
        index_pending(db)
    matches = search_corpus(db, query, limit=limit, min_score=min_score, exclude=set(exclude))
    titles = article_titles(db, {m.article_id for m in matches})  # of these only
    rows = [
        {
            "article_id": m.article_id,
            "title": titles[m.article_id][0],
            "outlet": titles[m.article_id][1],
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "score": m.score,
        }
        for m in matches
    ]
    if json_or_empty(rows, as_json, "No matches."):
        return
    for r in rows:
        passage = " ".join(neutralise(r["text"]).split())
        say(
            f"{r['score']:5.1f}  [{r['article_id']}] {clip(neutralise(r['title']), 60)}"
            f" ({r['start']}-{r['end']})"
        )
        say(f"       {clip(passage, 100)}")


@main.command("link")
@click.option("--rebuild", is_flag=True, help="Rebuild the match index from the stored articles.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    metavar="P",
    help="Keep only suggestions the decision is at least this sure of (0-1; config:"
    " min_confidence).",
)
@click.pass_obj
@user_errors
def link_command(obj: Context, rebuild: bool, min_confidence: float | None) -> None:
    """Compute link suggestions for every annotation: the same claim in other articles."""
    from newsmark.annotations.linking.index import index_pending, rebuild_index
    from newsmark.annotations.linking.links import link_all, status_counts
    from newsmark.annotations.linking.matching import Matcher
    from newsmark.annotations.spans.store import count_annotations
    from newsmark.corpus.articles import count_articles

    db = obj.db
    show = sys.stderr.isatty()
    if rebuild:
        total = count_articles(db)
        with click.progressbar(
            length=total, label="Indexing", file=sys.stderr, hidden=not show
        ) as bar:
            done = rebuild_index(db, progress=bar.update)
        say(f"index rebuilt: {done} articles", err=True)
    else:
        index_pending(db)
    annotations = count_annotations(db)
    with click.progressbar(
        length=annotations, label="Linking", file=sys.stderr, hidden=not show or not annotations
    ) as bar:
        matcher = Matcher(db)
        matcher.min_confidence = (
            obj.config.min_confidence if min_confidence is None else min_confidence
        )
        link_all(db, matcher, progress=bar.update)
    if matcher.meaning_error:
        say(f"warning: reworded claims not looked for: {matcher.meaning_error}", err=True)
    if matcher.meaning is None and matcher.min_confidence is not None:
        say(
            "warning: the meaning signal is off, so suggestions were not rated and none was"
            " left out by --min-confidence",
            err=True,
        )
    counts = status_counts(db)
    say(
        f"{annotations} annotations, {counts.get('suggested', 0)} link suggestions"
        f" ({counts.get('accepted', 0)} accepted, {counts.get('rejected', 0)} rejected)",
        err=True,
    )


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [
        [
            str(r["id"]),
            clip(r["title"], 60),
            clip(r["outlet"] or "", 24),
            clip(r["author"] or "", 20),
            str(r["chars"]),
            str(r["annotations"]),
        ]
        for r in rows
    ]
    headers = ["id", "title", "outlet", "author", "chars", "annotations"]
    return grid(headers, cells, right={0, 4, 5})
