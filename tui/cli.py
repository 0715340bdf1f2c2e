"""The ``newsmark`` command: the TUI when run bare, and the commands that need no screen."""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

# Only what every command needs is imported here; each command imports its own machinery,
# so `newsmark --version` and `newsmark articles` load no matching, export or TUI code.
from newsmark.annotations.formats import CONFLICT_CHOICES, FORMATS, IMPORT_FORMATS
from newsmark.annotations.limits import MAX_QUERY_CHARS
from newsmark.corpus.errors import ImportRejected, NewsmarkError, StoreError, is_disk_full
from newsmark.corpus.normalise import escape_json_unsafe, neutralise, one_line
from newsmark.corpus.paths import DEFAULT_MAX_BYTES, resolve_db_path

if TYPE_CHECKING:
    import sqlite_utils

    from newsmark.annotations.config import Config
    from newsmark.corpus.storing import ImportReport

F = TypeVar("F", bound=Callable[..., Any])


def _version() -> str:
    # (imported here: reading package metadata costs ~20 ms that starting the app need not pay)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsmark")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"newsmark, version {_version()}")
        ctx.exit()


class Context:
    """What the global options chose; the database is opened only by commands that need it."""

    def __init__(self, db_path: str | None, config_path: str | None) -> None:
        from newsmark.annotations.config import resolve_config_path

        self.db_path = resolve_db_path(db_path)
        self.config_path = resolve_config_path(config_path)
        self.config_given = config_path is not None
        self._db: sqlite_utils.Database | None = None

    @property
    def config(self) -> Config:
        from newsmark.annotations.config import load_config

        return load_config(self.config_path, required=self.config_given)

    @property
    def db(self) -> sqlite_utils.Database:
        """The database for a command that writes: created if missing, refused if read-only."""
        import newsmark.annotations  # noqa: F401  (its tables' migrations)
        from newsmark.corpus.db import connect

        if self._db is None:
            self._db = connect(self.db_path)
        return self._db

    @property
    def read_db(self) -> sqlite_utils.Database:
        """The database for a command that only reads: never created (a typo in ``--db``
        says so instead of making an empty file), opened read-only if it cannot be written."""
        import newsmark.annotations  # noqa: F401  (its tables' migrations)
        from newsmark.corpus.db import connect

        if self._db is None:
            self._db = connect(self.db_path, readable_only=True, create=False)
        return self._db


def say(message: str, err: bool = False) -> None:
    """Print a line built from stored or user-given text: the CLI's one way out.

    Titles, notes, labels and file names can hold escape sequences (a database written by an
    older version, a hostile file name); :func:`neutralise` makes each of them harmless.
    """
    click.echo(neutralise(message), err=err)


def user_errors(func: F) -> F:
    """Turn a :class:`NewsmarkError` into one line on stderr and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsmarkError as exc:
            say(f"newsmark: error: {exc}", err=True)
            sys.exit(1)
        except sqlite3.Error as exc:
            from newsmark.corpus.db import describe_error

            ctx = click.get_current_context(silent=True)
            obj = ctx.find_object(Context) if ctx else None
            where = obj.db_path if obj else Path("database")
            say(f"newsmark: error: {describe_error(where, exc)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    metavar="PATH",
    envvar="NEWSMARK_DB",
    help="Database file (default: in your user data folder; env NEWSMARK_DB).",
)
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="NEWSMARK_CONFIG",
    help="Config file (default: config.toml in your user config folder; env NEWSMARK_CONFIG).",
)
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
@user_errors
def main(ctx: click.Context, db_path: str | None, config_path: str | None) -> None:
    """Read news articles, tag what they say, and follow the same words across outlets.

    With no command, opens the reader on the database (importing the bundled sample
    articles first if the database is empty).
    """
    ctx.obj = Context(db_path, config_path)
    if ctx.invoked_subcommand is None:
        from newsmark.tui.app import run_app

        config = ctx.obj.config
        run_app(ctx.obj.db_path, config)


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
            f" {_plural(report.added, 'article')} stored before it are kept. Free some space"
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
    from newsmark.annotations.matching import BULK_MIN

    pending = pending_articles(db)
    show_bar = sys.stderr.isatty() and len(pending) >= BULK_MIN
    with click.progressbar(
        length=len(pending), label="Indexing", file=sys.stderr, hidden=not show_bar
    ) as bar:
        done = catch_up(db, min_confidence, progress=bar.update, pending=pending)
    if done.placed:
        say(f"{_plural(done.placed, 'orphaned annotation')} placed in the new articles", err=True)
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
    from newsmark.annotations.store import counts_by_article
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
    if not _json_or_empty(rows, as_json, empty):
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
    from newsmark.annotations.matching import index_pending, search_corpus
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
    if _json_or_empty(rows, as_json, "No matches."):
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
    from newsmark.annotations.links import link_all, status_counts
    from newsmark.annotations.matching import Matcher, index_pending, rebuild_index
    from newsmark.annotations.store import count_annotations
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


@main.command("export")
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Where to write ('-' is standard output; a folder for brat, xmi and label-studio).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl (ours), prodigy, w3c (Web Annotation JSON-LD), brat, xmi (UIMA CAS XMI,"
    " for INCEpTION) or label-studio (tasks and a labelling config); brat, xmi and"
    " label-studio write folders.",
)
@click.option("--label", "labels", multiple=True, metavar="L", help="Only this label (repeatable).")
@click.option(
    "--article",
    "articles",
    type=int,
    multiple=True,
    metavar="ID",
    help="Only this article (repeatable).",
)
@click.option("--since", metavar="DATE", help="Only annotations changed on or after DATE (ISO).")
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    metavar="NAME",
    help="Only this annotator's annotations (repeatable).",
)
@click.option(
    "--with-articles",
    is_flag=True,
    help="jsonl: also every article's full text and details (a complete copy: importing it"
    " into an empty database gives the same database).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_obj
@user_errors
def export_command(
    obj: Context,
    output: str,
    fmt: str,
    labels: tuple[str, ...],
    articles: tuple[int, ...],
    since: str | None,
    annotators: tuple[str, ...],
    with_articles: bool,
    force: bool,
) -> None:
    """Export annotations (with their links) in one of five formats.

    Offsets are Unicode code points over the stored text, end exclusive. A file is written
    atomically: an interrupted export leaves any previous file as it was.
    """
    from newsmark.annotations.export import Filters, export_to_file, snapshot, write_stream
    from newsmark.corpus.dates import parse_published

    if since is not None:
        try:
            since = parse_published(since)
        except ImportRejected as exc:
            raise click.BadParameter(
                f"{since!r} is not an ISO 8601 date", param_hint="--since"
            ) from exc
    if with_articles and fmt != "jsonl":
        raise click.BadParameter("only the jsonl format carries whole articles", "--with-articles")
    filters = Filters(labels, articles, since, annotators, with_articles)
    label_set = obj.config.labels  # a config mistake is reported before anything is opened
    db = obj.read_db
    from newsmark.annotations.labelset import effective

    label_set = effective(db, label_set, obj.config.own_labels, seed_if_empty=False).labels
    with snapshot(db):
        if output == "-":
            count = write_stream(db, fmt, filters, sys.stdout)
            sys.stdout.flush()
        else:
            count = export_to_file(db, fmt, filters, Path(output), force, label_set)
    where = "standard output" if output == "-" else output
    say(f"{count} annotation{'s' if count != 1 else ''} exported to {where}", err=True)


@main.command("import-annotations")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default=None,
    help="The files' format (default: detected).",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good lines of a file that has bad ones (default: none of it).",
)
@click.option(
    "--on-conflict",
    type=click.Choice(CONFLICT_CHOICES),
    default=None,
    help="An id already stored with other content: keep the stored annotation, or replace"
    " it (undoably). Default: report it, and import nothing of that file.",
)
@click.option(
    "--annotator",
    metavar="NAME",
    help="Annotator of Prodigy spans, which carry none (default: the configured one).",
)
@click.pass_obj
@user_errors
def import_annotations_command(
    obj: Context,
    files: tuple[Path, ...],
    fmt: str | None,
    skip_bad: bool,
    on_conflict: str | None,
    annotator: str | None,
) -> None:
    """Import annotations from Newsmark JSONL or Prodigy JSONL files.

    Importing the same file twice adds nothing. Annotations whose article text changed are
    re-anchored by their quote; those that cannot be placed are kept as orphans (see
    `newsmark orphans`) and placed when their article is imported. A file with a bad line,
    or an id that is already stored with other content, is not applied at all unless
    --skip-bad (or --on-conflict) says what to do.
    """
    from newsmark.annotations.importing import import_file

    db = obj.db
    who = annotator if annotator is not None else obj.config.annotator
    failed = False
    orphaned = 0
    for path in files:
        result = import_file(db, path, fmt, skip_bad, on_conflict, who)
        for location, reason in result.problems:
            say(f"{location}: {reason}", err=True)
        if result.applied:
            extra = [
                f"{n} {what}"
                for n, what in (
                    (result.placed, "earlier orphans placed"),
                    (result.kept, "conflicts kept as stored"),
                    (result.replaced, "replaced"),
                    (result.articles, "articles added"),
                    (result.labels, "labels added"),
                    (result.curated, "curated passages settled"),
                    (result.details, "articles' details or progress restored"),
                    (len(result.problems), "bad lines skipped"),
                )
                if n
            ]
            say(
                f"{path}: {result.added} added, {result.present} already present, "
                f"{result.orphaned} orphaned, {result.links} links"
                + "".join(f", {e}" for e in extra),
                err=True,
            )
            orphaned += result.orphaned
        else:
            say(
                f"{path}: not imported ({_plural(len(result.problems), 'problem')}; nothing was"
                " changed; --skip-bad imports the good lines, --on-conflict settles conflicts)",
                err=True,
            )
        failed = failed or bool(result.problems)
    if orphaned:
        say(
            f"warning: {_plural(orphaned, 'annotation')} could not be placed (their article is"
            " not in this database); see `newsmark orphans`. They are placed when the"
            " article is imported.",
            err=True,
        )
    sys.exit(1 if failed else 0)


@main.command("orphans")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--retry",
    is_flag=True,
    help="Try to place them again first (their articles may have been imported since).",
)
@click.pass_obj
@user_errors
def orphans_command(obj: Context, as_json: bool, retry: bool) -> None:
    """List imported annotations that could not be placed in any article.

    They are retried on their own whenever articles are imported; --retry tries now.
    """
    from newsmark.annotations.importing import list_orphans, retry_orphans

    db = obj.db if retry else obj.read_db
    if retry:
        placed = retry_orphans(db)
        say(f"{_plural(placed, 'orphaned annotation')} placed", err=True)
    rows = list_orphans(db)
    if _json_or_empty(rows, as_json, "No orphaned annotations."):
        return
    for r in rows:
        quote = clip(one_line(r["quote"]), 70)
        say(f"{one_line(r['label'], 40)}: \u201c{quote}\u201d")
        say(
            f"    article: {one_line(r['article_title'] or r['article_url'] or '?')}"
            f"  reason: {r['reason']}  from: {one_line(r['source'])}"
        )


@main.command("remove")
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@user_errors
def remove_command(obj: Context, ids: tuple[int, ...], yes: bool) -> None:
    """Remove articles (ids as `newsmark articles` lists them) and their annotations.

    Their annotations, undo history and links (from or to them) go too, and they leave the
    match index. Asks first unless --yes; nothing is removed if any ID is unknown.
    """
    from newsmark.annotations.removal import impact, remove_articles

    db = obj.db
    found = impact(db, list(ids))
    if found.missing:
        unknown = ", ".join(map(str, found.missing))
        raise NewsmarkError(
            f"no article with id {unknown} (see `newsmark articles`); nothing removed"
        )
    what = (
        f"{_plural(found.articles, 'article')}, {_plural(found.annotations, 'annotation')}"
        f" and {_plural(found.links, 'link')}"
    )
    if not yes:
        click.confirm(f"Remove {what}? This cannot be undone", abort=True, err=True)
    remove_articles(db, list(ids))
    say(f"removed {what}", err=True)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@main.command("backup")
@click.argument("dest", type=click.Path(path_type=Path), metavar="PATH")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.pass_obj
@user_errors
def backup_command(obj: Context, dest: Path, force: bool) -> None:
    """Copy the whole database to PATH, safely, even while the app is open and saving."""
    from newsmark.corpus.db import backup

    written = backup(obj.db, dest, force)
    say(f"backup written to {written}", err=True)


def print_json(value: Any) -> None:
    """JSON on stdout, safe for a terminal (no raw control or bidi characters)."""
    click.echo(escape_json_unsafe(json.dumps(value, ensure_ascii=False, indent=2)))


def _json_or_empty(rows: list[dict[str, Any]], as_json: bool, empty: str) -> bool:
    """Print ``rows`` as JSON, or say there are none; True when nothing more is to be printed."""
    if as_json:
        print_json(rows)
        return True
    if not rows:
        say(empty, err=True)
        return True
    return False


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


def grid(headers: list[str], cells: list[list[str]], right: set[int]) -> str:
    """A plain-text table: a header, a rule, a row per item; ``right`` columns aligned right."""
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def fmt(values: list[str]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, cells)])


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


from newsmark.tui import desk_cli, serve_cli, spark_cli  # noqa: E402, F401  (they register commands)

if __name__ == "__main__":  # python -m newsmark.tui.cli
    # Run as a script, this file is a second module (__main__) whose `main` the command
    # modules never saw: take the imported module's, which has all of them.
    from newsmark.tui.cli import main as _registered

    _registered()
