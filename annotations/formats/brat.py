"""brat standoff: a folder with each article's text (``ID.txt``) and annotations
(``ID.ann``), brat's two configuration files (so brat shows the label set in its colours),
and the links across articles, which brat cannot express, in ``cross-article-links.tsv``.
Annotators' identical annotations are one entity, as brat readers require."""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from newsmark.annotations.formats.selection import Filters, article_infos, selected
from newsmark.annotations.linking.links import Link, links_for
from newsmark.annotations.linking.matching import tier_of
from newsmark.annotations.settings.labels import DEFAULT_LABELS, UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.normalise import neutralise

BRAT_LINKS_FILE = "cross-article-links.tsv"


def brat_type(label: str) -> str:
    """brat entity types cannot contain spaces."""
    return re.sub(r"\s+", "_", label.strip()) or "label"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """brat spans cannot cross a newline: split into fragments, skipping blank ones."""
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if stop > pos:
            out.append((pos, stop))
        pos = stop + 1
    return out


def write_brat(
    db: sqlite_utils.Database,
    filters: Filters,
    folder: Path,
    labels: tuple[Label, ...] = DEFAULT_LABELS,
) -> int:
    """One ``<article id>.txt`` and ``.ann`` per article, brat's two configuration files (so
    brat shows the label set in its colours), and the cross-article links file."""
    anns = selected(db, filters)
    all_links = {a.uuid: links_for(db, a.uuid, include_rejected=True) for a in anns}
    articles = article_infos(db, {a.article_id for a in anns})
    t_ids: dict[str, tuple[int, str]] = {}
    per_article: dict[int, list[Annotation]] = {}
    for ann in anns:
        per_article.setdefault(ann.article_id, []).append(ann)
    for article_id, group in per_article.items():
        art = articles[article_id]
        (folder / f"{article_id}.txt").write_text(art.text, encoding="utf-8", newline="\n")
        lines = []
        # Annotators who tagged the same span with the same label are one brat entity (brat
        # readers such as pybrat refuse two entities on one span); their notes are joined.
        same: dict[tuple[int, int, str], list[Annotation]] = {}
        for ann in group:
            same.setdefault((ann.start, ann.end, brat_type(ann.label)), []).append(ann)
        for n, ((start, end, kind), anns_here) in enumerate(same.items(), start=1):
            for ann in anns_here:
                t_ids[ann.uuid] = (article_id, f"T{n}")
            frags = _fragments(art.text, start, end)
            offsets = ";".join(f"{s} {e}" for s, e in frags)
            shown = " ".join(art.text[s:e] for s, e in frags)
            lines.append(f"T{n}\t{kind} {offsets}\t{neutralise(shown)}")
            notes = dict.fromkeys(" ".join(neutralise(a.note).split()) for a in anns_here)
            note = " | ".join(n for n in notes if n)
            if note:
                lines.append(f"#{n}\tAnnotatorNotes T{n}\t{note}")
        relations: dict[tuple[str, str], None] = {}
        for ann in group:
            for link in all_links[ann.uuid]:
                target = link.target_annotation_uuid
                if link.status == "accepted" and target in t_ids and t_ids[target][0] == article_id:
                    pair = (t_ids[ann.uuid][1], t_ids[target][1])
                    if pair[0] != pair[1]:
                        relations[pair] = None
        for r, (arg1, arg2) in enumerate(relations, start=1):
            lines.append(f"R{r}\tLinked Arg1:{arg1} Arg2:{arg2}")
        (folder / f"{article_id}.ann").write_text(
            "\n".join(lines) + "\n", encoding="utf-8", newline="\n"
        )
    _write_brat_links(db, folder, anns, all_links, t_ids)
    _write_brat_conf(folder, labels, sorted({a.label for a in anns}))
    return len(anns)


BRAT_LINK_COLUMNS = (
    "source_file",
    "source_id",
    "target_file",
    "target_id",
    "target_start",
    "target_end",
    "status",
    "score",
    "source_annotation",
    "target_annotation",
    "tier",
    "meaning",
)


def _write_brat_links(
    db: sqlite_utils.Database,
    folder: Path,
    anns: list[Annotation],
    all_links: dict[str, list[Link]],
    t_ids: dict[str, tuple[int, str]],
) -> None:
    """Links between articles (brat relations stay inside one document), every status.

    ``target_annotation`` is the annotation whose span the target passage is (the one an
    accept created, or one tagged there by hand); ``target_id`` its T-number when it was
    exported too.
    """
    rows = ["\t".join(BRAT_LINK_COLUMNS)]
    articles_out = {a.article_id for a in anns}
    for ann in anns:
        for link in sorted(
            all_links[ann.uuid], key=lambda k: (k.target_article_id, k.start, k.end)
        ):
            target = link.target_annotation_uuid or _annotation_at(
                db, link.target_article_id, link.start, link.end
            )
            if target in t_ids and t_ids[target][0] == ann.article_id:
                continue  # written as an R line in the .ann file
            tid = t_ids[target][1] if target in t_ids else ""
            # a file name only for an article this export wrote (the UUIDs name the rest)
            exported = link.target_article_id in articles_out
            target_file = f"{link.target_article_id}.ann" if exported else ""
            rows.append(
                f"{ann.article_id}.ann\t{t_ids[ann.uuid][1]}\t{target_file}\t"
                f"{tid}\t{link.start}\t{link.end}\t{link.status}\t{link.score}\t"
                f"{ann.uuid}\t{target or ''}\t{tier_of(ann.quote, link.text, link.score)}\t"
                f"{'' if link.meaning is None else link.meaning}"
            )
    (folder / BRAT_LINKS_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8", newline="\n")


def _annotation_at(db: sqlite_utils.Database, article_id: int, start: int, end: int) -> str | None:
    row = db.execute(
        'SELECT uuid FROM annotations WHERE article_id = ? AND start = ? AND "end" = ?'
        " ORDER BY id LIMIT 1",
        [article_id, start, end],
    ).fetchone()
    return str(row[0]) if row else None


def _write_brat_conf(folder: Path, labels: tuple[Label, ...], used: list[str]) -> None:
    """``annotation.conf`` declares the entity types and the ``Linked`` relation;
    ``visual.conf`` gives each its colour (labels not in the label set are grey)."""
    colours = {brat_type(lab.name): lab.colour for lab in labels}
    for name in used:
        colours.setdefault(brat_type(name), UNKNOWN_LABEL_COLOUR)
    conf = ["[entities]", *colours, "", "[relations]"]
    # Newsmark's spans may overlap and nest (two annotators, a figure inside a claim):
    # brat refuses overlapping entities unless the configuration allows them.
    conf += [
        "Linked\tArg1:<ENTITY>, Arg2:<ENTITY>",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        "",
    ]
    (folder / "annotation.conf").write_text("\n".join(conf), encoding="utf-8", newline="\n")
    visual = ["[labels]", *(f"{t} | {t.replace('_', ' ')}" for t in colours), "Linked | Linked"]
    visual += ["", "[drawing]"]
    visual += [f"{t}\tbgColor:{c}, fgColor:white" for t, c in colours.items()]
    visual += ["Linked\tcolor:#374151", ""]
    (folder / "visual.conf").write_text("\n".join(visual), encoding="utf-8", newline="\n")


# --- writing safely ----------------------------------------------------------------------
