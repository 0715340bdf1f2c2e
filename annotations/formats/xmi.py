"""UIMA CAS XMI, the format INCEpTION (and WebAnno, DKPro, cassis) read: a folder with one
``<article id>.xmi`` per article and the ``TypeSystem.xml`` they share.

Each annotation is a DKPro ``NamedEntity`` (INCEpTION's built-in "Named entity" layer):
``value`` is the label, ``identifier`` the annotation's UUID. Each article's title, id and
address are its ``DocumentMetaData``. UIMA counts offsets in UTF-16 code units, not code
points: a character outside the Basic Multilingual Plane (an emoji) counts two, and the
offsets written here do so (cassis converts them back on reading).

Who annotated and the notes have no place in that layer; our JSONL keeps them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from bisect import bisect_right
from pathlib import Path

import sqlite_utils

from newsmark.annotations.spans.model import Annotation

XMI_NS = "http://www.omg.org/XMI"
CAS_NS = "http:///uima/cas.ecore"
NER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
META = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TYPESYSTEM = "TypeSystem.xml"

_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier">
  <types>
    <typeDescription>
      <name>{META}</name>
      <supertypeName>uima.tcas.DocumentAnnotation</supertypeName>
      <features>
        <featureDescription><name>documentTitle</name>
          <rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
        <featureDescription><name>documentId</name>
          <rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
        <featureDescription><name>documentUri</name>
          <rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
        <featureDescription><name>isLastSegment</name>
          <rangeTypeName>uima.cas.Boolean</rangeTypeName></featureDescription>
      </features>
    </typeDescription>
    <typeDescription>
      <name>{NER}</name>
      <supertypeName>uima.tcas.Annotation</supertypeName>
      <features>
        <featureDescription><name>value</name>
          <rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
        <featureDescription><name>identifier</name>
          <rangeTypeName>uima.cas.String</rangeTypeName></featureDescription>
      </features>
    </typeDescription>
  </types>
</typeSystemDescription>
"""


def _namespace(type_name: str) -> str:
    """``a.b.C`` lives in the XMI namespace ``http:///a/b.ecore``."""
    package = type_name.rsplit(".", 1)[0]
    return "http:///" + package.replace(".", "/") + ".ecore"


class Utf16Offsets:
    """Code point offset -> UTF-16 offset: only astral characters shift it, so keep them."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, offset: int) -> int:
        return offset + bisect_right(self.astral, offset - 1)


def article_xmi(
    text: str, title: str, article_id: int, uri: str | None, anns: list[Annotation]
) -> bytes:
    ET.register_namespace("xmi", XMI_NS)
    ET.register_namespace("cas", CAS_NS)
    ET.register_namespace("ner", _namespace(NER))
    ET.register_namespace("meta", _namespace(META))
    root = ET.Element(f"{{{XMI_NS}}}XMI", {f"{{{XMI_NS}}}version": "2.0"})
    ET.SubElement(root, f"{{{CAS_NS}}}NULL", {f"{{{XMI_NS}}}id": "0"})
    utf16 = Utf16Offsets(text)
    members = []
    meta = {
        f"{{{XMI_NS}}}id": "2",
        "sofa": "1",
        "begin": "0",
        "end": str(utf16(len(text))),
        "language": "x-unspecified",
        "documentTitle": title,
        "documentId": str(article_id),
        "isLastSegment": "false",
    }
    if uri:
        meta["documentUri"] = uri
    ET.SubElement(root, f"{{{_namespace(META)}}}DocumentMetaData", meta)
    members.append("2")
    for n, ann in enumerate(anns, start=3):
        ET.SubElement(
            root,
            f"{{{_namespace(NER)}}}NamedEntity",
            {
                f"{{{XMI_NS}}}id": str(n),
                "sofa": "1",
                "begin": str(utf16(ann.start)),
                "end": str(utf16(ann.end)),
                "value": ann.label,
                "identifier": ann.uuid,
            },
        )
        members.append(str(n))
    ET.SubElement(
        root,
        f"{{{CAS_NS}}}Sofa",
        {
            f"{{{XMI_NS}}}id": "1",
            "sofaNum": "1",
            "sofaID": "_InitialView",
            "mimeType": "text/plain",
            "sofaString": text,
        },
    )
    ET.SubElement(root, f"{{{CAS_NS}}}View", {"sofa": "1", "members": " ".join(members)})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_xmi(db: sqlite_utils.Database, anns: list[Annotation], folder: Path) -> int:
    """The folder's files; returns the annotations written."""
    by_article: dict[int, list[Annotation]] = {}
    for ann in anns:
        by_article.setdefault(ann.article_id, []).append(ann)
    for article_id, group in by_article.items():
        title, url, text = db.execute(
            "SELECT title, url, text FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        (folder / f"{article_id}.xmi").write_bytes(article_xmi(text, title, article_id, url, group))
    (folder / TYPESYSTEM).write_text(_TYPES, encoding="utf-8")
    return len(anns)
