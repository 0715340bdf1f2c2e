"""The annotation model: every change committed with history; undo/redo survive a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from newsmark.annotations.spans import store
from newsmark.annotations.spans.index import SpanIndex
from newsmark.annotations.spans.model import CONTEXT_CHARS
from newsmark.corpus.articles import NewArticle, add_article, delete_article, get_article
from newsmark.corpus.db import connect

TEXT = (
    "Mayor Ilse Varga said: \u201cThe water in every tap is safe.\u201d "
    "A spokesman said 14 people \U0001f3e5 were treated. " * 3
)


@pytest.fixture
def article_id(db: sqlite_utils.Database) -> int:
    aid, _ = add_article(db, NewArticle(title="T", text=TEXT))
    return aid


def _span(quote: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(quote, start + 1)
    return start, start + len(quote)


def test_create_records_quote_context_and_metadata(db, article_id) -> None:
    start, end = _span("The water in every tap is safe.", 1)
    ann = store.create_annotation(db, article_id, start, end, "claim", "sam", note="n")
    assert TEXT[ann.start : ann.end] == ann.quote == "The water in every tap is safe."
    assert ann.prefix == TEXT[start - CONTEXT_CHARS : start]
    assert ann.suffix == TEXT[end : end + CONTEXT_CHARS]
    assert (ann.label, ann.note, ann.annotator) == ("claim", "n", "sam")
    assert len(ann.uuid) == 36 and ann.created == ann.updated
    assert store.list_annotations(db, article_id) == [ann]


def test_offsets_are_code_points_including_astral(db, article_id) -> None:
    start, end = _span("14 people \U0001f3e5 were", 2)
    ann = store.create_annotation(db, article_id, start, end, "figure", "sam")
    text = get_article(db, article_id).text
    assert text[ann.start : ann.end] == ann.quote == "14 people \U0001f3e5 were"


def test_quote_and_context_equal_python_slices_everywhere(db, article_id) -> None:
    """The store reads a span's quote and context with SQLite's substr (characters, like
    Python's offsets): at the edges of the text and around astral characters alike."""
    n = len(TEXT)
    spans = [(0, 1), (0, n), (n - 1, n), (5, 40), (n - 10, n)]
    spans += [(i, i + 3) for i in range(0, n - 3, 7)]
    for start, end in spans:
        ann = store.create_annotation(db, article_id, start, end, "claim", "sam")
        assert (ann.quote, ann.prefix, ann.suffix) == (
            TEXT[start:end],
            TEXT[max(0, start - CONTEXT_CHARS) : start],
            TEXT[end : end + CONTEXT_CHARS],
        ), (start, end)
        moved = store.resize(db, ann.uuid, max(0, start - 2), end)
        assert moved.quote == TEXT[moved.start : moved.end]
        assert moved.prefix == TEXT[max(0, moved.start - CONTEXT_CHARS) : moved.start]


def test_out_of_range_and_empty_spans_are_refused(db, article_id) -> None:
    for start, end in ((-1, 3), (5, 5), (10, len(TEXT) + 1)):
        with pytest.raises(store.AnnotationError, match="outside the article text"):
            store.create_annotation(db, article_id, start, end, "claim", "sam")
    assert store.list_annotations(db, article_id) == []


def test_database_refuses_a_quote_that_does_not_match(db, article_id) -> None:
    ann = store.create_annotation(db, article_id, 0, 5, "claim", "sam")
    with pytest.raises(sqlite3.IntegrityError, match="quote does not match"):
        db.execute("UPDATE annotations SET quote = 'Mayo' WHERE uuid = ?", [ann.uuid])
    with pytest.raises(sqlite3.IntegrityError, match="quote does not match"):
        db.execute('UPDATE annotations SET "end" = 6 WHERE uuid = ?', [ann.uuid])
    # a span running past the end, whose quote is what the text has there, is refused too
    n = len(TEXT)
    tail = store.create_annotation(db, article_id, n - 4, n, "claim", "sam")
    assert tail.quote == TEXT[n - 4 :]
    with pytest.raises(sqlite3.IntegrityError, match="quote does not match"):
        db.execute('UPDATE annotations SET "end" = ? WHERE uuid = ?', [n + 3, tail.uuid])
    with pytest.raises(sqlite3.IntegrityError, match="quote does not match"):
        db.execute(
            'INSERT INTO annotations (uuid, article_id, start, "end", quote, label, created,'
            " updated) VALUES ('x', ?, ?, ?, ?, 'claim', '', '')",
            [article_id, n - 4, n + 2, TEXT[n - 4 :]],
        )


def test_overlap_and_nesting_allowed_and_ordered(db, article_id) -> None:
    outer = store.create_annotation(db, article_id, *_span("Mayor Ilse Varga said"), "claim", "s")
    inner = store.create_annotation(db, article_id, *_span("Ilse Varga"), "source", "s")
    cross = store.create_annotation(db, article_id, *_span("Varga said: \u201cThe"), "figure", "s")
    assert [a.uuid for a in store.list_annotations(db, article_id)] == [
        outer.uuid,
        inner.uuid,
        cross.uuid,
    ]
    at = SpanIndex(store.list_annotations(db, article_id)).covering(TEXT.index("Varga"))
    assert [a.uuid for a in at] == [inner.uuid, cross.uuid, outer.uuid]


def test_relabel_resize_note_delete(db, article_id) -> None:
    ann = store.create_annotation(db, article_id, *_span("Ilse Varga"), "claim", "s")
    ann = store.relabel(db, ann.uuid, "source")
    assert ann.label == "source"
    start, end = _span("Mayor Ilse Varga said")
    ann = store.resize(db, ann.uuid, start, end)
    assert (ann.quote, ann.prefix) == ("Mayor Ilse Varga said", "")
    ann = store.set_note(db, ann.uuid, "named source")
    assert store.get_annotation(db, ann.uuid).note == "named source"
    store.delete_annotation(db, ann.uuid)
    assert store.list_annotations(db, article_id) == []
    with pytest.raises(store.AnnotationError):
        store.relabel(db, ann.uuid, "claim")


def test_undo_redo_every_kind_of_change(db, article_id) -> None:
    ann = store.create_annotation(db, article_id, *_span("Ilse Varga"), "claim", "s")
    store.relabel(db, ann.uuid, "source")
    store.resize(db, ann.uuid, *_span("Mayor Ilse Varga"))
    store.set_note(db, ann.uuid, "note")
    store.delete_annotation(db, ann.uuid)
    states = []
    while (change := store.undo(db, article_id)) is not None:
        current = store.get_annotation(db, ann.uuid)
        states.append((change.action, current and (current.label, current.quote, current.note)))
    assert states == [
        ("delete", ("source", "Mayor Ilse Varga", "note")),
        ("note", ("source", "Mayor Ilse Varga", "")),
        ("resize", ("source", "Ilse Varga", "")),
        ("relabel", ("claim", "Ilse Varga", "")),
        ("create", None),
    ]
    redone = []
    while (change := store.redo(db, article_id)) is not None:
        redone.append(change.action)
    assert redone == ["create", "relabel", "resize", "note", "delete"]
    assert store.get_annotation(db, ann.uuid) is None


def test_new_change_clears_redo(db, article_id) -> None:
    a = store.create_annotation(db, article_id, 0, 5, "claim", "s")
    store.undo(db, article_id)
    assert store.get_annotation(db, a.uuid) is None
    store.create_annotation(db, article_id, 6, 10, "denial", "s")
    assert store.redo(db, article_id) is None


def test_undo_survives_a_restart(db_path: Path) -> None:
    db = connect(db_path)
    aid, _ = add_article(db, NewArticle(title="T", text=TEXT))
    ann = store.create_annotation(db, aid, 0, 5, "claim", "s")
    store.relabel(db, ann.uuid, "denial")
    db.close()
    again = connect(db_path)
    assert store.undo(again, aid).action == "relabel"
    assert store.get_annotation(again, ann.uuid).label == "claim"
    again.close()
    third = connect(db_path)
    assert store.redo(third, aid).action == "relabel"
    assert store.get_annotation(third, ann.uuid).label == "denial"


def test_undo_is_per_article(db, article_id) -> None:
    other, _ = add_article(db, NewArticle(title="U", text="Another text entirely."))
    a = store.create_annotation(db, article_id, 0, 5, "claim", "s")
    store.create_annotation(db, other, 0, 7, "claim", "s")
    assert store.undo(db, article_id).annotation.uuid == a.uuid
    assert len(store.list_annotations(db, other)) == 1


def test_deleting_an_article_removes_its_annotations(db, article_id) -> None:
    store.create_annotation(db, article_id, 0, 5, "claim", "s")
    delete_article(db, article_id)
    assert db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == 0


def test_counts_by_article(db, article_id) -> None:
    store.create_annotation(db, article_id, 0, 5, "claim", "s")
    store.create_annotation(db, article_id, 6, 10, "claim", "s")
    assert store.counts_by_article(db) == {article_id: 2}


def test_relabelling_copies_is_one_undo_step_across_articles(db, article_id) -> None:
    """R gives a label to linked copies in several articles: one step to undo (from where
    it was done or from a copy's article) and to redo; it was one step per article."""
    b, _ = add_article(db, NewArticle(title="Copy B", text=TEXT + " B"))
    c, _ = add_article(db, NewArticle(title="Copy C", text=TEXT + " C"))
    start, end = _span("The water in every tap is safe.")
    source = store.create_annotation(db, article_id, start, end, "denial", "sam")
    here = store.create_annotation(
        db, article_id, *_span("The water in every tap", 1), "claim", "sam"
    )
    copies = [store.create_annotation(db, aid, start, end, "claim", "sam") for aid in (b, c)]
    uuids = [here.uuid, *(x.uuid for x in copies)]

    def labels() -> list[str]:
        return [store.get_annotation(db, u).label for u in uuids]  # type: ignore[union-attr]

    store.relabel_all(db, uuids, "denial", from_article=article_id)
    assert labels() == ["denial"] * 3
    step = store.undo(db, article_id)
    assert step is not None and (step.action, step.count) == ("relabel", 3)
    assert step.annotation.uuid == here.uuid, (step, here, copies)  # the one undone from
    assert labels() == ["claim"] * 3
    assert store.get_annotation(db, source.uuid).label == "denial"  # not part of it
    assert store.redo(db, article_id).count == 3  # type: ignore[union-attr]
    assert labels() == ["denial"] * 3
    assert store.undo(db, c).count == 3  # type: ignore[union-attr]  # from a copy's article
    assert labels() == ["claim"] * 3
    assert store.undo(db, article_id).action == "create"  # type: ignore[union-attr]


def test_a_batch_changed_since_is_not_undone_over_the_change(db, article_id) -> None:
    b, _ = add_article(db, NewArticle(title="Copy B", text=TEXT + " B"))
    start, end = _span("The water in every tap is safe.")
    copy = store.create_annotation(db, b, start, end, "claim", "sam")
    other = store.create_annotation(db, article_id, 0, 5, "claim", "sam")
    store.relabel_all(db, [copy.uuid, other.uuid], "denial", from_article=article_id)
    store.set_note(db, copy.uuid, "checked")  # in B, after R
    with pytest.raises(store.AnnotationError, match="Copy B"):
        store.undo(db, article_id)
    assert store.get_annotation(db, copy.uuid).label == "denial"  # type: ignore[union-attr]
    assert store.get_annotation(db, other.uuid).label == "denial"  # type: ignore[union-attr]
    assert store.undo(db, b).action == "note"  # type: ignore[union-attr]
    assert store.undo(db, article_id).count == 2  # type: ignore[union-attr]
    assert store.get_annotation(db, copy.uuid).label == "claim"  # type: ignore[union-attr]
