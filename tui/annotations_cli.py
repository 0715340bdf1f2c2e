"""The commands that carry annotations in and out and keep the file: ``export``,
``import-annotations``, ``orphans``, ``remove`` and ``backup``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

# Each command imports its own machinery when it runs, so `newsmark --version` and
# `newsmark articles` load no matching, export or TUI code.
from newsmark.annotations.formats.names import CONFLICT_CHOICES, FORMATS, IMPORT_FORMATS
from newsmark.corpus.errors import ImportRejected, NewsmarkError
from newsmark.corpus.normalise import one_line
from newsmark.tui.command import Context, clip, json_or_empty, main, plural, say, user_errors


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
    from newsmark.annotations.formats.export import Filters, export_to_file, snapshot, write_stream
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
    from newsmark.annotations.settings.labelset import effective

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
    from newsmark.annotations.formats.importing import import_file

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
                f"{path}: not imported ({plural(len(result.problems), 'problem')}; nothing was"
                " changed; --skip-bad imports the good lines, --on-conflict settles conflicts)",
                err=True,
            )
        failed = failed or bool(result.problems)
    if orphaned:
        say(
            f"warning: {plural(orphaned, 'annotation')} could not be placed (their article is"
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
    from newsmark.annotations.formats.importing import list_orphans, retry_orphans

    db = obj.db if retry else obj.read_db
    if retry:
        placed = retry_orphans(db)
        say(f"{plural(placed, 'orphaned annotation')} placed", err=True)
    rows = list_orphans(db)
    if json_or_empty(rows, as_json, "No orphaned annotations."):
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
    from newsmark.annotations.desk.removal import impact, remove_articles

    db = obj.db
    found = impact(db, list(ids))
    if found.missing:
        unknown = ", ".join(map(str, found.missing))
        raise NewsmarkError(
            f"no article with id {unknown} (see `newsmark articles`); nothing removed"
        )
    what = (
        f"{plural(found.articles, 'article')}, {plural(found.annotations, 'annotation')}"
        f" and {plural(found.links, 'link')}"
    )
    if not yes:
        click.confirm(f"Remove {what}? This cannot be undone", abort=True, err=True)
    remove_articles(db, list(ids))
    say(f"removed {what}", err=True)


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
