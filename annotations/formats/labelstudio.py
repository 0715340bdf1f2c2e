"""Label Studio's task JSON: a folder with ``tasks.json`` (one task per article) and
``label-config.xml`` (the labelling interface to paste into the project's settings).

A task's ``data`` holds the article text and details. Each annotator's work is one of the
task's ``annotations`` (in the order of ``data.newsmark_annotators``: Label Studio gives an
imported annotation to whoever imports it, so the name travels in the data): a ``labels``
region per annotation (its id is the annotation's UUID), a per-region ``textarea`` for a
note, and a ``linked`` relation for each accepted link between two of that annotator's
annotations in the article. Offsets are code points, as ours are and as Label Studio
stores them since it stopped counting emoji twice. Links across articles have no place in
a task; our JSONL and brat's links file keep them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmark.annotations.linking.links import links_for
from newsmark.annotations.settings.labels import UNKNOWN_LABEL_COLOUR, Label
from newsmark.annotations.spans.model import Annotation

TASKS = "tasks.json"
CONFIG = "label-config.xml"
LABELS_NAME = "label"  # the control tags' names, which every region names
TEXT_NAME = "text"
NOTE_NAME = "note"
RELATION = "linked"


def label_config(labels: tuple[Label, ...], used: list[str]) -> str:
    """The labelling interface: the label set in its colours (labels found in the
    annotations but not in the set get the unknown-label grey), notes, the link relation."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$title")
    relations = ET.SubElement(view, "Relations")
    ET.SubElement(relations, "Relation", value=RELATION)
    control = ET.SubElement(view, "Labels", name=LABELS_NAME, toName=TEXT_NAME)
    known = {lab.name for lab in labels}
    for lab in labels:
        ET.SubElement(control, "Label", value=lab.name, background=lab.colour)
    for name in used:
        if name not in known:
            ET.SubElement(control, "Label", value=name, background=UNKNOWN_LABEL_COLOUR)
    ET.SubElement(view, "Text", name=TEXT_NAME, value="$text", granularity="symbol")
    ET.SubElement(
        view,
        "TextArea",
        name=NOTE_NAME,
        toName=TEXT_NAME,
        perRegion="true",
        editable="true",
        placeholder="Note",
    )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _regions(ann: Annotation) -> list[dict[str, Any]]:
    span = {"start": ann.start, "end": ann.end, "text": ann.quote}
    out: list[dict[str, Any]] = [
        {
            "id": ann.uuid,
            "from_name": LABELS_NAME,
            "to_name": TEXT_NAME,
            "type": "labels",
            "origin": "manual",
            "value": {**span, "labels": [ann.label]},
        }
    ]
    if ann.note:
        out.append(
            {
                "id": ann.uuid,  # a per-region note shares its region's id
                "from_name": NOTE_NAME,
                "to_name": TEXT_NAME,
                "type": "textarea",
                "origin": "manual",
                "value": {**span, "text": [ann.note]},
            }
        )
    return out


def task(db: sqlite_utils.Database, article_id: int, anns: list[Annotation]) -> dict[str, Any]:
    """One article's task: its data, and one Label Studio annotation per annotator."""
    title, outlet, url, published, sha256, text = db.execute(
        "SELECT title, outlet, url, published, sha256, text FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    by_annotator: dict[str, list[Annotation]] = {}
    for ann in anns:
        by_annotator.setdefault(ann.annotator, []).append(ann)
    annotations = []
    for group in by_annotator.values():
        result = [region for ann in group for region in _regions(ann)]
        own = {a.uuid for a in group}
        for ann in group:
            for link in links_for(db, ann.uuid):
                target = link.target_annotation_uuid
                if link.status == "accepted" and target in own and target != ann.uuid:
                    result.append(
                        {
                            "from_id": ann.uuid,
                            "to_id": target,
                            "type": "relation",
                            "direction": "right",
                            "labels": [RELATION],
                        }
                    )
        annotations.append(
            {
                "result": result,
                "created_at": min(a.created for a in group),
                "updated_at": max(a.updated for a in group),
                "ground_truth": False,
            }
        )
    return {
        "data": {
            TEXT_NAME: text,
            "title": title,
            "outlet": outlet,
            "url": url,
            "published": published,
            "newsmark_article": article_id,
            "sha256": sha256,
            "newsmark_annotators": list(by_annotator),
        },
        "annotations": annotations,
    }


def write_label_studio(
    db: sqlite_utils.Database, anns: list[Annotation], folder: Path, labels: tuple[Label, ...]
) -> int:
    """The folder's two files; returns the annotations written."""
    by_article: dict[int, list[Annotation]] = {}
    for ann in anns:
        by_article.setdefault(ann.article_id, []).append(ann)
    tasks = [task(db, article_id, group) for article_id, group in by_article.items()]
    with (folder / TASKS).open("w", encoding="utf-8", newline="\n") as out:
        json.dump(tasks, out, ensure_ascii=False, indent=1, allow_nan=False)
        out.write("\n")
    used = sorted({a.label for a in anns})
    (folder / CONFIG).write_text(label_config(labels, used), encoding="utf-8", newline="\n")
    return len(anns)
