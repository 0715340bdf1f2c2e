"""``newsmark spark link`` and ``newsmark import-links``: linking against an archive on
Apache Spark, and bringing the results home."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.tui.command import Context, main, say, user_errors


@main.group("spark")
def spark_group() -> None:
    """Work on Apache Spark (pip install 'newsmark[spark]'; Java 17+)."""


@spark_group.command("link")
@click.argument("articles", nargs=-1, metavar="ARTICLES...")
@click.option("--sample", is_flag=True, help="Also (or only) the bundled sample corpus.")
@click.option(
    "--annotations",
    "annotations_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A Newsmark annotations export (newsmark export -o FILE).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where the JSONL parts and summary.json go (new or empty).",
)
@click.option("--master", metavar="URL", help="Spark master (default: local[*], or $MASTER).")
@click.option("--partitions", type=click.IntRange(min=1), metavar="N", help="Input partitions.")
@click.option(
    "--bind",
    metavar="ADDRESS",
    help="Address the driver listens on and gives the executors (default: Spark's choice).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    metavar="P",
    help="Keep only links the decision is at least this sure of (0-1; config: min_confidence).",
)
@click.pass_obj
@user_errors
def spark_link_command(
    obj: Context,
    articles: tuple[str, ...],
    annotations_file: Path,
    output: Path,
    master: str | None,
    partitions: int | None,
    sample: bool,
    bind: str | None,
    min_confidence: float | None,
) -> None:
    """Find the passages of ARTICLES (JSONL corpora, Parquet, or WARC/WARC.gz files, on any
    path Spark reads) that carry the annotations of FILE; write them, with their articles,
    to DIR for newsmark import-links."""
    from newsmark.annotations.linking.sparkjob import run

    if not articles and not sample:
        raise click.UsageError("name at least one input of articles, or use --sample")
    summary = run(
        list(articles),
        annotations_file,
        output,
        master,
        partitions,
        sample,
        bind=bind,
        min_confidence=obj.config.min_confidence if min_confidence is None else min_confidence,
        progress=lambda message: say(message, err=True),
    )
    say(
        f"{summary['articles_read']} articles read, {summary['links']} links found,"
        f" {summary['bad_records']} bad records, {summary['records_skipped']} records skipped"
        f" ({summary['seconds']} s); results in {output}",
        err=True,
    )


@main.command("import-links")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), metavar="DIR")
@click.pass_obj
@user_errors
def import_links_command(obj: Context, folder: Path) -> None:
    """Bring home what newsmark spark link found: each article added (unless already
    stored), each link a suggestion on its annotation. Running it twice adds nothing."""
    from newsmark.annotations.linking.farlink import import_links

    brought = import_links(obj.db, folder)
    for line in brought.bad[:SHOWN_BAD]:
        say(f"{folder}/links/{line}", err=True)
    if len(brought.bad) > SHOWN_BAD:
        say(f"... and {len(brought.bad) - SHOWN_BAD} more bad lines", err=True)
    missing = len(brought.missing)
    say(
        f"{brought.articles_added} articles added, {brought.links_added} link suggestions added,"
        f" {brought.already} already there"
        + (f", {missing} annotations not in this database" if missing else "")
        + (f", {len(brought.bad)} bad lines skipped" if brought.bad else "")
        + f" (from {brought.parts} part{'s' if brought.parts != 1 else ''})",
        err=True,
    )
    sys.exit(1 if brought.bad else 0)


SHOWN_BAD = 50  # bad lines printed one by one; the rest counted
