"""The annotator's desk on the command line: ``annotations``, ``stats`` and ``agreement``."""

from __future__ import annotations

import click

from newsmark.corpus.normalise import one_line
from newsmark.tui.command import Context, clip, grid, main, print_json, say, user_errors


@main.command("annotations")
@click.option("--label", "labels", multiple=True, metavar="L", help="Only this label (repeatable).")
@click.option("--outlet", "outlets", multiple=True, metavar="O", help="Only this outlet.")
@click.option("--annotator", "annotators", multiple=True, metavar="A", help="Only theirs.")
@click.option("--article", "articles", multiple=True, type=int, metavar="ID", help="Only these.")
@click.option("--text", default="", metavar="Q", help="Quote or note like Q (fuzzy).")
@click.option(
    "--links",
    type=click.Choice(["any", "none", "pending", "accepted"]),
    default="any",
    show_default=True,
    help="Only annotations with no link, a pending suggestion, or an accepted link.",
)
@click.option(
    "--sort", type=click.Choice(["article", "date", "label"]), default="article", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@user_errors
def annotations_command(
    obj: Context,
    labels: tuple[str, ...],
    outlets: tuple[str, ...],
    annotators: tuple[str, ...],
    articles: tuple[int, ...],
    text: str,
    links: str,
    sort: str,
    as_json: bool,
) -> None:
    """Every annotation in the corpus, filtered: a table, or JSON with --json."""
    from newsmark.annotations.desk.browse import Query, find

    rows = find(
        obj.read_db,
        Query(labels, outlets, annotators, articles, text, links, sort),
    )
    if as_json:
        print_json([r.as_json() for r in rows])
        return
    if not rows:
        say("No annotations match.", err=True)
        return
    cells = [
        [
            str(r.article_id),
            f"{r.start}-{r.end}",
            clip(one_line(r.label), 12),
            clip(one_line(r.quote), 50),
            clip(one_line(r.outlet or ""), 20),
            clip(one_line(r.annotator), 12),
        ]
        for r in rows
    ]
    say(grid(["article", "span", "label", "quote", "outlet", "annotator"], cells, right={0}))
    say(f"{len(rows)} annotation{'s' if len(rows) != 1 else ''}", err=True)


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
@user_errors
def stats_command(obj: Context, as_json: bool) -> None:
    """Annotations per label, outlet and annotator; articles by state; links by decision."""
    from newsmark.annotations.desk.stats import stats

    found = stats(obj.read_db)
    if as_json:
        print_json(found)
        return
    a = found["articles"]
    say(
        f"articles: {a['total']} ({a['annotated']} annotated; {a['done']} done,"
        f" {a['in_progress']} in progress, {a['todo']} to do)"
    )
    lk = found["links"]
    say(f"links: {lk['suggested']} pending, {lk['accepted']} accepted, {lk['rejected']} rejected")
    labels = list(found["labels"])
    if not labels:
        say("No annotations yet.")
        return
    say("")
    rows = [
        [clip(one_line(o), 28), *(str(per.get(lab, 0)) for lab in labels), str(sum(per.values()))]
        for o, per in found["outlets"].items()
    ]
    rows.append(
        [
            "all outlets",
            *(str(found["labels"][lab]) for lab in labels),
            str(sum(found["labels"].values())),
        ]
    )
    headers = ["outlet", *(clip(one_line(lab), 12) for lab in labels), "total"]
    say(grid(headers, rows, right=set(range(1, len(headers)))))
    say("")
    cells = [[clip(one_line(n or "(nobody)"), 28), str(c)] for n, c in found["annotators"].items()]
    say(grid(["annotator", "annotations"], cells, right={1}))


@main.command("agreement")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
@user_errors
def agreement_command(obj: Context, as_json: bool) -> None:
    """Agreement of every pair of annotators over the articles both annotated: exact and
    overlap span F1, and Cohen's kappa per label by word; then Krippendorff's alpha per
    label by word across every annotator at once."""
    from newsmark.annotations.desk.agreement import agreement, alpha_by_word

    pairs = agreement(obj.read_db)
    if as_json:
        print_json([p.as_json() for p in pairs])
        return
    if not pairs:
        say("No two annotators have annotated the same article.", err=True)
        return
    cells = [
        [
            clip(one_line(p.annotators[0]), 16),
            clip(one_line(p.annotators[1]), 16),
            str(p.articles),
            f"{p.exact_f1:.2f}",
            f"{p.overlap_f1:.2f}",
            ", ".join(f"{one_line(k)} {v:.2f}" for k, v in p.kappa.items()),
        ]
        for p in pairs
    ]
    headers = ["annotator", "annotator", "articles", "exact F1", "overlap F1", "kappa by label"]
    say(grid(headers, cells, right={2, 3, 4}))
    alpha = alpha_by_word(obj.read_db)
    if alpha:
        shown = ", ".join(f"{one_line(k)} {v:.2f}" for k, v in alpha.items())
        say(f"Krippendorff's alpha by word, all annotators: {shown}")


@main.command("blind")
@click.argument("setting", type=click.Choice(["on", "off"]), required=False)
@click.pass_obj
@user_errors
def blind_command(obj: Context, setting: str | None) -> None:
    """Blind double annotation for everyone who opens the file: each annotator sees only
    their own annotations (and not the screens that show the others' work) until the
    curator turns it off. Without ON or OFF, says which it is."""
    from newsmark.annotations.desk.state import BLIND, is_blind, set_state

    db = obj.db
    if setting is not None:
        set_state(db, {BLIND: setting})
    state = "on" if is_blind(db) else "off"
    say(f"blind mode is {state}" + (" (open apps follow within a second)" if setting else ""))


@main.group("labels", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
@user_errors
def labels_command(ctx: click.Context, as_json: bool) -> None:
    """The label set this database file carries (shared by everyone who opens it), with this
    config's own keys and colours where it gives them."""
    if ctx.invoked_subcommand is not None:
        return
    from newsmark.annotations.settings.labelset import effective, stored

    obj: Context = ctx.obj
    db = obj.read_db
    shared = {lab.name: lab for lab in stored(db)}
    found = effective(db, obj.config.labels, obj.config.own_labels, seed_if_empty=False)
    rows = [
        {
            "name": lab.name,
            "key": lab.key,
            "colour": lab.colour,
            "description": lab.description,
            "in_file": lab.name in shared,
            "local": lab.name in shared
            and (lab.key, lab.colour) != (shared[lab.name].key, shared[lab.name].colour),
        }
        for lab in found.labels
    ]
    if as_json:
        print_json(rows)
        return
    cells = [
        [
            r["key"] or "-",
            one_line(str(r["name"]), 32),
            str(r["colour"]),
            ("this config's key/colour" if r["local"] else "")
            + ("" if r["in_file"] else "not in the file yet"),
            clip(one_line(str(r["description"])), 50),
        ]
        for r in rows
    ]
    say(grid(["key", "label", "colour", "", "description"], cells, right=set()))
    for note in found.notes:
        say(note, err=True)


@labels_command.command("set")
@click.argument("name")
@click.option("--key", help="The key that tags with it (e.g. 5).")
@click.option("--colour", "--color", "colour", help="#rrggbb or a colour name.")
@click.option("--description", help="What it means, for everyone sharing the file.")
@click.pass_obj
@user_errors
def labels_set_command(
    obj: Context, name: str, key: str | None, colour: str | None, description: str | None
) -> None:
    """Add a label to the file's set, or change its key, colour or description."""
    from newsmark.annotations.settings.keymap import check_keymap
    from newsmark.annotations.settings.labelset import seed, set_label, stored
    from newsmark.corpus.errors import NewsmarkError

    db = obj.db
    seed(db, obj.config.labels)
    if key:
        keys = {lab.name: lab.key for lab in stored(db) if lab.name != name}
        problems = check_keymap({}, {**keys, name: key}, "labels")
        if problems:
            raise NewsmarkError(problems[0])
    label = set_label(db, name, key, colour, description)
    say(f"{label.name}: key {label.key}, colour {label.colour}")


@main.command("datasette-metadata")
@click.option("--title", help="The title Datasette shows (default: Newsmark: NAME).")
@click.pass_obj
@user_errors
def datasette_metadata_command(obj: Context, title: str | None) -> None:
    """Print metadata for browsing the database with Datasette: the articles' search box,
    the indexes hidden, sign-in hashes shut away, arbitrary SQL off, and canned queries
    (claims and who carried them, suggestions to review, annotators).

    newsmark datasette-metadata > metadata.json; datasette FILE.db -m metadata.json
    """
    from newsmark.annotations.formats.datasette import metadata

    print_json(metadata(obj.db_path.stem, title))
