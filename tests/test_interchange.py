"""Export and import of annotations: round trip, re-anchoring, formats, bad input, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmark.annotations.formats import export
from newsmark.annotations.formats.export import Filters, export_to_file, tokens_for
from newsmark.annotations.formats.importing import import_file, list_orphans
from newsmark.annotations.linking import links
from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.corpus.samples import import_sample
from newsmark.tui.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _span(text: str, quote: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def annotate_sample(db: sqlite_utils.Database) -> None:
    """Overlaps, notes, unicode, and links in every status."""
    import_sample(db)
    index_pending(db)
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    quote = "At no point did any material leave our site"
    denial = store.create_annotation(
        db,
        1,
        *_span(text, quote),
        "denial",
        "sam",
        note="Company line \u2014 \u201cverbatim\u201d \U0001f50e",
    )
    store.create_annotation(db, 1, *_span(text, "Mayor Ilse Varga, 52, told"), "claim", "ana")
    store.create_annotation(db, 1, *_span(text, "Mayor Ilse Varga, 52"), "source", "sam")
    store.create_annotation(db, 1, *_span(text, "Fourteen people"), "figure", "ana")
    found = links.suggest(db, Matcher(db), denial)
    links.accept(db, found[0].id, "sam")
    links.reject(db, found[1].id)


def test_round_trip_is_identical(tmp_path: Path) -> None:
    first = connect(tmp_path / "one.db")
    annotate_sample(first)
    out1 = tmp_path / "one.jsonl"
    export_to_file(first, "jsonl", Filters(), out1, force=False)
    second = connect(tmp_path / "two.db")
    import_sample(second)
    result = import_file(second, out1)
    assert result.applied and result.problems == []
    assert result.added == 5 and result.orphaned == 0
    out2 = tmp_path / "two.jsonl"
    export_to_file(second, "jsonl", Filters(), out2, force=False)
    assert out2.read_text(encoding="utf-8") == out1.read_text(encoding="utf-8")
    again = import_file(second, out1)  # idempotent
    assert (again.added, again.present) == (0, 5)
    lines = out1.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "format": "newsmark-annotations",
        "version": 2,
        "offsets": "codepoint",
    }
    records = [json.loads(line) for line in lines[1:]]
    statuses = sorted(k["status"] for r in records if "record" not in r for k in r["links"])
    assert "accepted" in statuses and "rejected" in statuses and "suggested" in statuses


def test_two_annotators_merge(tmp_path: Path) -> None:
    a, b = connect(tmp_path / "a.db"), connect(tmp_path / "b.db")
    for db in (a, b):
        add_article(db, NewArticle(title="T", text="The mayor said the water was safe to drink."))
    store.create_annotation(a, 1, 4, 9, "source", "ana")
    store.create_annotation(b, 1, 10, 14, "claim", "ben")
    export_to_file(b, "jsonl", Filters(), tmp_path / "b.jsonl", force=False)
    import_file(a, tmp_path / "b.jsonl")
    assert sorted((x.annotator, x.quote) for x in store.list_annotations(a, 1)) == [
        ("ana", "mayor"),
        ("ben", "said"),
    ]


ORIGINAL = "Intro line. The mayor said the water was safe to drink. Closing line here."


@pytest.mark.parametrize(
    ("edited", "expected"),
    [
        ("New words before. " + ORIGINAL, "the water was safe to drink"),
        (ORIGINAL.replace("Closing", "Different closing"), "the water was safe to drink"),
        (
            ORIGINAL.replace("water was safe", "water was perfectly safe"),
            "the water was perfectly safe to drink",
        ),
    ],
)
def test_reanchoring_after_edits(tmp_path: Path, edited: str, expected: str) -> None:
    src = connect(tmp_path / "src.db")
    add_article(src, NewArticle(title="Story", url="https://x.example/s", text=ORIGINAL))
    store.create_annotation(src, 1, *_span(ORIGINAL, "the water was safe to drink"), "claim", "s")
    export_to_file(src, "jsonl", Filters(), tmp_path / "e.jsonl", force=False)
    dst = connect(tmp_path / "dst.db")
    add_article(dst, NewArticle(title="Story", url="https://x.example/s", text=edited))
    result = import_file(dst, tmp_path / "e.jsonl")
    assert (result.added, result.orphaned) == (1, 0)
    (ann,) = store.list_annotations(dst, 1)
    assert ann.quote == expected == edited[ann.start : ann.end]


def test_reanchoring_prefers_nearest_and_orphans_the_lost(tmp_path: Path) -> None:
    text = "A. The water was safe. C."
    src = connect(tmp_path / "src.db")
    add_article(src, NewArticle(title="Twice", text=text))
    store.create_annotation(src, 1, *_span(text, "The water was safe"), "claim", "s")
    add_article(src, NewArticle(title="Gone", text="The plant denied any leak at all today."))
    store.create_annotation(src, 2, 4, 28, "denial", "s")
    export_to_file(src, "jsonl", Filters(), tmp_path / "e.jsonl", force=False)
    dst = connect(tmp_path / "dst.db")
    edited = "Intro. " + text + " Later: The water was safe."  # twice now, and shifted
    add_article(dst, NewArticle(title="Twice", text=edited))
    add_article(dst, NewArticle(title="Gone", text="Completely rewritten article."))
    result = import_file(dst, tmp_path / "e.jsonl")
    assert (result.added, result.orphaned) == (1, 1)
    (ann,) = store.list_annotations(dst, 1)
    assert ann.start == edited.index("The water was safe")  # the nearer of the two
    (orphan,) = list_orphans(dst)
    assert orphan["quote"] == "plant denied any leak at" and "no longer" in orphan["reason"]
    code, out, _ = run("--db", str(tmp_path / "dst.db"), "orphans", "--json")
    assert code == 0 and json.loads(out)[0]["label"] == "denial"


def test_prodigy_spans_align_with_tokens(tmp_path: Path) -> None:
    db = connect(tmp_path / "p.db")
    annotate_sample(db)
    out = tmp_path / "p.jsonl"
    export_to_file(db, "prodigy", Filters(), out, force=False)
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text, tokens = record["text"], record["tokens"]
        # tokens + whitespace flags rebuild the text where tokens are adjacent or one space
        starts = {t["start"]: t["id"] for t in tokens}
        ends = {t["end"]: t["id"] for t in tokens}
        for t in tokens:
            assert text[t["start"] : t["end"]] == t["text"]
        for span in record["spans"]:
            # what spaCy's Doc.char_span needs: both ends on token boundaries
            assert starts[span["start"]] == span["token_start"]
            assert ends[span["end"]] == span["token_end"]
            assert span["label"] in {"claim", "denial", "source", "figure"}
    # round trip through the prodigy importer adds nothing (same ids)
    assert import_file(db, out).added == 0


def test_tokens_split_at_span_boundaries() -> None:
    tokens = tokens_for("unbelievable news", {2})
    assert [t["text"] for t in tokens] == ["un", "believable", "news"]
    assert [t["ws"] for t in tokens] == [False, True, False]


def test_w3c_has_required_fields(tmp_path: Path) -> None:
    db = connect(tmp_path / "w.db")
    annotate_sample(db)
    doc = export.w3c_document(db, Filters())
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = doc["first"]["items"]
    tagging = [i for i in items if i["motivation"] == "tagging"]
    linking = [i for i in items if i["motivation"] == "linking"]
    assert len(tagging) == 5 and len(linking) == 1
    for item in items:
        assert item["type"] == "Annotation" and item["id"]
    for item in tagging:
        kinds = {s["type"] for s in item["target"]["selector"]}
        assert kinds == {"TextQuoteSelector", "TextPositionSelector"}
        assert item["body"][0] == {
            "type": "TextualBody",
            "purpose": "tagging",
            "value": item["body"][0]["value"],
        }
    assert any(b["purpose"] == "commenting" for i in tagging for b in i["body"])
    assert len(linking[0]["target"]) == 2


def test_brat_offsets_match_text(tmp_path: Path) -> None:
    db = connect(tmp_path / "b.db")
    annotate_sample(db)
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    start = text.index("Ostmark Polymers, which")
    store.create_annotation(db, 1, start - 40, start + 10, "claim", "s")  # crosses a newline
    folder = tmp_path / "brat"
    export_to_file(db, "brat", Filters(), folder, force=False)
    for ann in folder.glob("*.ann"):
        body = ann.with_suffix(".txt").read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _tid, type_offsets, shown = line.split("\t")
                _, offsets = type_offsets.split(" ", 1)
                frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
                assert shown == " ".join(body[s:e] for s, e in frags)
                assert all("\n" not in body[s:e] for s, e in frags)
    assert (folder / "cross-article-links.tsv").exists()


BAD_LINES = {
    "not json": "{not json",
    "missing field": json.dumps({"id": "8c0e8b5e-6b0a-4d5f-9d7a-1f1f1f1f1f1f", "label": "x"}),
    "outside": "OUTSIDE",
    "mismatch": "MISMATCH",
    "nan": '{"id": "8c0e8b5e-6b0a-4d5f-9d7a-1f1f1f1f1f1f", "start": NaN}',
    "duplicate": '{"id": "a", "id": "b"}',
}


def _good_record(db: sqlite_utils.Database) -> dict:
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    sha = db.execute("SELECT sha256 FROM articles WHERE id = 1").fetchone()[0]
    return {
        "id": "5a1d3c1e-2b6a-4c8e-9f00-000000000001",
        "article": {"id": 1, "sha256": sha, "title": "x", "url": None},
        "start": 0,
        "end": 10,
        "quote": text[:10],
        "label": "claim",
    }


@pytest.mark.parametrize("kind", list(BAD_LINES))
def test_malformed_line_applies_nothing(tmp_path: Path, kind: str) -> None:
    db = connect(tmp_path / "m.db")
    import_sample(db)
    good = _good_record(db)
    bad = BAD_LINES[kind]
    if bad == "OUTSIDE":
        bad = json.dumps(
            {**good, "id": "5a1d3c1e-2b6a-4c8e-9f00-000000000002", "start": 5000, "end": 5010}
        )
    elif bad == "MISMATCH":
        bad = json.dumps({**good, "id": "5a1d3c1e-2b6a-4c8e-9f00-000000000003", "quote": "X" * 10})
    f = tmp_path / "in.jsonl"
    f.write_bytes(
        b"\xef\xbb\xbf"
        + (json.dumps(export.HEADER) + "\n" + json.dumps(good) + "\n" + bad + "\n").encode()
    )
    code, _, err = run("--db", str(tmp_path / "m.db"), "import-annotations", str(f))
    assert code == 1
    assert f"{f}:3:" in err
    assert store.list_annotations(db, 1) == []
    code, _, err = run("--db", str(tmp_path / "m.db"), "import-annotations", "--skip-bad", str(f))
    assert code == 1 and "1 added" in err
    assert [a.uuid for a in store.list_annotations(db, 1)] == [good["id"]]


def test_export_refuses_to_overwrite_and_is_atomic(tmp_path: Path, monkeypatch) -> None:
    db_path = tmp_path / "x.db"
    db = connect(db_path)
    annotate_sample(db)
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n")
    code, _, err = run("--db", str(db_path), "export", "-o", str(target))
    assert code == 1 and "already exists; use --force" in err
    assert target.read_text() == "previous export\n"

    def explode(db, fmt, filters, out):  # type: ignore[no-untyped-def]
        out.write('{"format": "newsmark-annotations"}\n{"partial": ')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_stream", explode)
    with pytest.raises(export.ExportError, match="the disk is full; nothing was replaced"):
        export_to_file(db, "jsonl", Filters(), target, force=True)
    assert target.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    monkeypatch.undo()
    code, _, _ = run("--db", str(db_path), "export", "-o", str(target), "--force")
    assert code == 0 and target.read_text().startswith('{"format"')
    code, _, err = run("--db", str(db_path), "export", "-o", str(tmp_path / "no" / "f.jsonl"))
    assert code == 1 and "does not exist" in err


def test_export_filters_and_stdout(tmp_path: Path) -> None:
    db_path = tmp_path / "f.db"
    annotate_sample(connect(db_path))
    code, out, err = run("--db", str(db_path), "export", "--label", "source", "--label", "claim")
    rows = [json.loads(line) for line in out.splitlines()[1:]]
    assert code == 0 and sorted(r["label"] for r in rows) == ["claim", "source"]
    code, out, _ = run("--db", str(db_path), "export", "--annotator", "ana")
    assert {json.loads(x)["annotator"] for x in out.splitlines()[1:]} == {"ana"}
    code, out, _ = run("--db", str(db_path), "export", "--article", "2")
    assert all(json.loads(x)["article"]["id"] == 2 for x in out.splitlines()[1:])
    code, out, _ = run("--db", str(db_path), "export", "--since", "2999-01-01")
    assert out.splitlines()[1:] == []
    code, _, err = run("--db", str(db_path), "export", "--since", "yesterday")
    assert code == 2 and "ISO 8601" in err


def test_records_follow_the_shipped_schema(tmp_path: Path) -> None:
    from importlib import resources

    schema = json.loads(
        resources.files("newsmark.annotations.schema")
        .joinpath("annotations.schema.json")
        .read_text()
    )
    from newsmark.annotations.settings.labels import DEFAULT_LABELS
    from newsmark.annotations.settings.labelset import effective

    db = connect(tmp_path / "s.db")
    annotate_sample(db)
    effective(db, DEFAULT_LABELS, False)  # the file's label set, as an app opening it makes
    link_schema = schema["$defs"]["link"]
    article_schema = schema["$defs"]["article"]
    annotated_schema = schema["$defs"]["annotatedArticle"]
    for record in export.jsonl_records(db, Filters()):
        assert set(record) == set(schema["required"]) == set(schema["properties"])
        assert set(record["article"]) == set(annotated_schema["properties"])
        assert record["article"]["state"] in annotated_schema["properties"]["state"]["enum"]
        for link in record["links"]:
            assert set(link) == set(link_schema["required"])
            assert set(link["target_article"]) == set(article_schema["required"])
            assert link["status"] in link_schema["properties"]["status"]["enum"]
            assert link["tier"] in link_schema["properties"]["tier"]["enum"]
        assert record["quote"] and record["end"] - record["start"] == len(record["quote"])
    typed = [
        ("labelRecord", list(export.label_records(db))),
        ("articleRecord", list(export.article_records(db, Filters(with_articles=True)))),
    ]
    for name, records in typed:
        definition = schema["$defs"][name]
        assert records
        for record in records:
            assert set(record) == set(definition["required"]) == set(definition["properties"])
            assert record["record"] == definition["properties"]["record"]["const"]


def test_brat_declares_labels_and_lists_every_link(tmp_path: Path) -> None:
    """brat shows our label set in its colours; the links file keeps rejected links and
    names the annotation a target passage is."""
    db = connect(tmp_path / "n.db")
    annotate_sample(db)
    folder = tmp_path / "brat"
    export_to_file(db, "brat", Filters(), folder, force=False)
    conf = (folder / "annotation.conf").read_text()
    entities = conf.split("[entities]\n")[1].split("\n\n")[0].split("\n")
    assert entities == ["claim", "denial", "source", "figure"]
    assert "Linked\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    visual = (folder / "visual.conf").read_text()
    assert "denial\tbgColor:#b91c1c, fgColor:white" in visual
    rows = [r.split("\t") for r in (folder / "cross-article-links.tsv").read_text().splitlines()]
    header, body = rows[0], rows[1:]
    assert header[-4:] == ["source_annotation", "target_annotation", "tier", "meaning"]
    assert {len(r) for r in body} == {len(header)}  # the header had 11 columns, rows 12
    written = {p.name for p in folder.iterdir()}
    assert all(r[header.index("target_file")] in written | {""} for r in body)
    # brat refuses overlapping entities unless its configuration allows them
    assert "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>" in conf
    statuses = {r[header.index("status")] for r in body}
    assert {"accepted", "rejected"} <= statuses
    accepted = next(r for r in body if r[header.index("status")] == "accepted")
    target = accepted[header.index("target_annotation")]
    assert target and store.get_annotation(db, target) is not None
    assert accepted[header.index("target_id")].startswith("T")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .,\n\t-é")), max_size=40),
    st.sets(st.integers(min_value=0, max_value=40), max_size=4),
)
def test_prodigy_tokens_rebuild_the_text(text: str, cuts: set[int]) -> None:
    """As spaCy rebuilds a Doc: each token's text, then a space where ``ws``. Line breaks
    and runs of spaces were dropped (a paragraph's break was lost)."""
    cuts = {c for c in cuts if c <= len(text)}
    tokens = tokens_for(text, cuts)
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    starts = {t["start"] for t in tokens} | {len(text)}
    ends = {t["end"] for t in tokens} | {0}
    for cut in cuts:  # every span edge is a token edge
        assert cut in starts or cut in ends


def test_xmi_is_read_by_cassis_as_inception_does(tmp_path: Path) -> None:
    """INCEpTION's format, read by dkpro-cassis (the UIMA library INCEpTION's Python
    tools use): the text, each span (UTF-16 offsets under an emoji), label and id."""
    from cassis import load_cas_from_xmi, load_typesystem

    db = connect(tmp_path / "x.db")
    text = "The mayor \U0001f600 said: \u201cthe water is safe\u201d.\n\nA second line."
    title = 'Mayor <&> "water"'
    aid, _ = add_article(db, NewArticle(title=title, text=text, url="https://x.example/a"))
    quote = "the water is safe"
    start = text.index(quote)
    ann = store.create_annotation(db, aid, start, start + len(quote), "claim", "maria")
    store.create_annotation(db, aid, 0, 9, "source", "root")
    folder = tmp_path / "xmi"
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "x.db"), "export", "--format", "xmi", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    with (folder / "TypeSystem.xml").open("rb") as fh:
        typesystem = load_typesystem(fh)
    with (folder / f"{aid}.xmi").open("rb") as fh:
        cas = load_cas_from_xmi(fh, typesystem=typesystem)
    assert cas.sofa_string == text
    entities = sorted(
        (e.get_covered_text(), e.value, e.identifier)
        for e in cas.select("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
    )
    assert (quote, "claim", ann.uuid) in entities
    assert ("The mayor", "source") in {(t, v) for t, v, _ in entities}
    (meta,) = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
    assert meta.documentTitle == title and meta.documentUri == "https://x.example/a"


def test_brat_export_is_read_by_pybrat_in_strict_mode(tmp_path: Path) -> None:
    """Two annotators who tag the same span with the same label made two identical brat
    entities, which pybrat's strict mode refuses; they are one entity, notes joined."""
    from pybrat.parser import BratParser

    db = connect(tmp_path / "n.db")
    annotate_sample(db)
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    span = _span(text, "Fourteen people")
    store.create_annotation(db, 1, *span, "figure", "sam", note="check the count")
    folder = tmp_path / "brat"
    export_to_file(db, "brat", Filters(), folder, force=False)
    examples = BratParser(error="raise").parse(folder)
    body = {e.id: e for e in examples}["1"]
    entities = [(x.type, x.spans[0].start, x.spans[0].end) for x in body.entities]
    assert entities.count(("figure", *span)) == 1
    assert len(entities) == len(set(entities))
    assert len(body.relations) == len({(r.arg1.id, r.arg2.id) for r in body.relations})
    ann = (folder / "1.ann").read_text(encoding="utf-8")
    figure = next(line.split("\t")[0] for line in ann.splitlines() if "\tfigure " in line)
    assert f"AnnotatorNotes {figure}\tcheck the count" in ann
    rows = [r.split("\t") for r in (folder / "cross-article-links.tsv").read_text().splitlines()]
    assert all(r[1].startswith("T") for r in rows[1:])


def test_label_studio_tasks_pass_label_studios_own_validation(tmp_path: Path) -> None:
    """Label Studio's SDK checks the labelling config and every annotation against it
    (regions, labels, per-region notes, relations); each region's text is the text at its
    offsets (code points, past an emoji); an annotator's work is one annotation."""
    from label_studio_sdk.label_interface import LabelInterface

    from newsmark.annotations.linking.matching import Match
    from newsmark.corpus.db import write

    db_path = tmp_path / "ls.db"
    db = connect(db_path)
    annotate_sample(db)
    text = "The mayor \U0001f600 said: \u201cthe water is safe\u201d.\n\nA <b>second</b> line."
    aid, _ = add_article(db, NewArticle(title='Mayor <&> "water"', text=text))
    quote = "the water is safe"
    start = text.index(quote)
    store.create_annotation(db, aid, start, start + len(quote), "claim", "maria", note="n\u00e9")
    store.create_annotation(db, aid, 0, 9, "odd <label>", "root")
    again = "Later: the water is safe, she said again."  # a copy in the same article: a link
    bid, _ = add_article(db, NewArticle(title="Twice", text=f"{quote}, she said. {again}"))
    first = store.create_annotation(db, bid, 0, len(quote), "claim", "maria")
    second = len(quote) + len(", she said. Later: ")
    with write(db):
        links.add_suggestion(db, first.uuid, Match(bid, second, second + len(quote), quote, 100.0))
    (suggested,) = links.links_for(db, first.uuid)
    links.accept(db, suggested.id, "maria")
    db.close()
    folder = tmp_path / "ls"
    code, _, err = run(
        "--db", str(db_path), "export", "--format", "label-studio", "-o", str(folder)
    )
    assert code == 0, err
    config = (folder / "label-config.xml").read_text(encoding="utf-8")
    interface = LabelInterface(config)
    interface.validate()
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    regions = 0
    for item in tasks:
        # its validate_task calls validate_annotation() without the annotation (SDK 2.1.2),
        # so the task's data and each annotation are checked apart
        assert interface.validate_task({"data": item["data"]})
        body = item["data"]["text"]
        assert len(item["annotations"]) == len(item["data"]["newsmark_annotators"])
        for annotation in item["annotations"]:
            assert interface.validate_annotation(annotation), interface.validate_prediction(
                annotation, return_errors=True
            )
            for region in annotation["result"]:
                if region["type"] == "labels":
                    value = region["value"]
                    assert body[value["start"] : value["end"]] == value["text"]
                    regions += 1
    db = connect(db_path)
    assert regions == store.count_annotations(db)
    (ours,) = [t for t in tasks if t["data"]["newsmark_article"] == aid]
    assert ours["data"]["text"] == text
    names = ours["data"]["newsmark_annotators"]
    assert sorted(names) == ["maria", "root"]
    maria = ours["annotations"][names.index("maria")]
    notes = [r["value"]["text"] for r in maria["result"] if r["type"] == "textarea"]
    assert notes == [["n\u00e9"]]
    # an accepted link between two of one annotator's annotations in one article is a
    # relation in that annotator's result; the others are not (they cross articles)
    relations = {
        (r["from_id"], r["to_id"])
        for t in tasks
        for a in t["annotations"]
        for r in a["result"]
        if r["type"] == "relation"
    }
    expected = set()
    for aid_ in {t["data"]["newsmark_article"] for t in tasks}:
        for a in store.list_annotations(db, aid_):
            for k in links.links_for(db, a.uuid):
                other = store.get_annotation(db, k.target_annotation_uuid or "")
                if (
                    k.status == "accepted"
                    and other is not None
                    and (other.article_id, other.annotator) == (aid_, a.annotator)
                ):
                    expected.add((a.uuid, other.uuid))
    assert relations == expected and any(source == first.uuid for source, _ in expected)
