"""Stored links: suggest, accept (atomically), reject for good, clusters, CLI search/link."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations.linking import links
from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import Matcher
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.tui.cli import main

QUOTE = "At no point did any material leave our site, the spokesman said"
A = f"Plant denies leak. {QUOTE} on Tuesday."
B = "Other paper. \u201cAt no point did any material leave our site,\u201d the spokesman said."
C = "Third paper. At no point did ANY material leave the site, the spokesman said today."
D = "Unrelated: the chess final ended in a draw after six hours of play."


@pytest.fixture
def seeded(db: sqlite_utils.Database) -> tuple[sqlite_utils.Database, list[int]]:
    ids = [
        add_article(db, NewArticle(title=t, outlet=o, text=x, published=p))[0]
        for t, o, x, p in (
            ("A", "Courier", A, "2026-03-04"),
            ("B", "Herald", B, "2026-03-03"),
            ("C", "Wire", C, None),
            ("D", "Chess", D, "2026-03-01"),
        )
    ]
    index_pending(db)
    return db, ids


def _annotate(db: sqlite_utils.Database, article_id: int, text: str, quote: str):
    start = text.index(quote)
    return store.create_annotation(db, article_id, start, start + len(quote), "denial", "me")


def test_suggest_accept_reject(seeded) -> None:
    db, (a, b, c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    found = links.suggest(db, Matcher(db), ann)
    assert {k.target_article_id for k in found} == {b, c}
    assert all(k.status == "suggested" for k in found)
    for k in found:
        text = db.execute("SELECT text FROM articles WHERE id = ?", [k.target_article_id])
        assert text.fetchone()[0][k.start : k.end] == k.text
    assert links.link_counts(db, a) == {ann.uuid: 2}

    to_b = next(k for k in found if k.target_article_id == b)
    created = links.accept(db, to_b.id, "me")
    assert (created.article_id, created.label, created.quote) == (b, "denial", to_b.text)
    assert links.get_link(db, to_b.id).status == "accepted"
    assert links.get_link(db, to_b.id).target_annotation_uuid == created.uuid

    to_c = next(k for k in found if k.target_article_id == c)
    links.reject(db, to_c.id)
    again = links.suggest(db, Matcher(db), ann)  # recompute: rejected is not offered again
    assert [(k.target_article_id, k.status) for k in again] == [(b, "accepted")]
    assert links.link_counts(db, a) == {ann.uuid: 1}


def test_short_annotation_gets_no_links(seeded) -> None:
    db, (a, *_rest) = seeded
    ann = _annotate(db, a, A, "our site")
    assert links.suggest(db, Matcher(db), ann) == []


def test_accept_is_atomic(seeded) -> None:
    db, (a, b, _c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    link = next(k for k in links.suggest(db, Matcher(db), ann) if k.target_article_id == b)
    db.execute(
        "CREATE TRIGGER no_accept BEFORE UPDATE OF status ON links"
        " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        links.accept(db, link.id, "me")
    assert store.list_annotations(db, b) == []
    assert links.get_link(db, link.id).status == "suggested"


def test_clusters_show_spread_and_first_published(seeded) -> None:
    db, (a, b, c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    found = links.suggest(db, Matcher(db), ann)
    links.accept(db, next(k.id for k in found if k.target_article_id == b), "me")
    (cluster,) = links.clusters(db)
    assert cluster.articles == 2  # A and B: the suggestion in C is not counted
    assert cluster.suggested == 1
    assert cluster.first.article_id == b  # published 2026-03-03, before A
    assert {m.status for m in cluster.members} == {"annotated", "suggested"}
    assert c in {m.article_id for m in cluster.members}
    assert cluster.labels == ("denial",)


def test_clusters_show_mixed_labels_and_ties_for_first(seeded) -> None:
    db, (a, b, _c, _d) = seeded
    db.execute("UPDATE articles SET published = '2026-03-03' WHERE id = ?", [a])
    ann = _annotate(db, a, A, QUOTE)
    found = links.suggest(db, Matcher(db), ann)
    copy = links.accept(db, next(k.id for k in found if k.target_article_id == b), "me")
    store.relabel(db, copy.uuid, "claim")
    (cluster,) = links.clusters(db)
    assert cluster.labels == ("claim", "denial")
    assert [m.article_id for m in cluster.firsts] == [a, b]  # published the same day


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_search_json(tmp_path: Path) -> None:
    db_path = str(tmp_path / "n.db")
    run("--db", db_path, "import", "--sample")
    code, out, _ = run(
        "--db", db_path, "search", "Nobody from the helth authority", "--json", "--limit", "3"
    )
    assert code == 0
    rows = json.loads(out)
    assert 1 <= len(rows) <= 3
    db = connect(db_path)
    for row in rows:
        assert {"article_id", "title", "start", "end", "text", "score"} <= set(row)
        text = db.execute("SELECT text FROM articles WHERE id = ?", [row["article_id"]])
        assert text.fetchone()[0][row["start"] : row["end"]] == row["text"]
        assert 0 <= row["score"] <= 100
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    first = rows[0]["article_id"]
    code, out, _ = run(
        "--db",
        db_path,
        "search",
        "Nobody from the health authority",
        "--json",
        "--exclude-article",
        str(first),
        "--min-score",
        "90",
    )
    assert first not in {r["article_id"] for r in json.loads(out)}
    code, out, _ = run("--db", db_path, "search", '" AND OR (', "--json")
    assert code == 0 and isinstance(json.loads(out), list)


@pytest.mark.parametrize("bulk", [False, True], ids=["in-process", "worker-processes"])
def test_cli_link_and_import_add_suggestions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:  # the path a large corpus takes: hashing in worker processes, ordered load
        monkeypatch.setattr("newsmark.annotations.linking.index.BULK_MIN", 1)
    db_path = str(tmp_path / "n.db")
    run("--db", db_path, "import", "--sample")
    db = connect(db_path)
    text = db.execute("SELECT text FROM articles WHERE id = 1").fetchone()[0]
    quote = "At no point did any material leave our site"
    _annotate(db, 1, text, quote)
    code, _, err = run("--db", db_path, "link", "--rebuild")
    assert code == 0 and "index rebuilt: 10 articles" in err
    before = db.execute("SELECT count(*) FROM links").fetchone()[0]
    assert before >= 5
    assert f"{before} link suggestions" in err
    new = tmp_path / "new.txt"
    new.write_text("Late report\n\nThe company said: at no point did any material leave our site.")
    code, _, err = run("--db", db_path, "import", str(new))
    assert code == 0 and "1 new link suggestion" in err
    assert db.execute("SELECT count(*) FROM links").fetchone()[0] == before + 1


def test_cli_remove_takes_annotations_links_and_postings_along(tmp_path: Path, seeded) -> None:
    from newsmark.annotations.linking.postings import count_for_article

    db, (a, b, c, d) = seeded
    db_path = str(db.execute("PRAGMA database_list").fetchone()[2])
    ann = _annotate(db, a, A, QUOTE)
    found = links.suggest(db, Matcher(db), ann)
    created = links.accept(db, next(k for k in found if k.target_article_id == b).id, "me")
    on_c = _annotate(db, c, C, "the spokesman said today")
    assert count_for_article(db.conn, b) > 0

    # Unknown ids: an error naming them, and nothing removed.
    code, _, err = run("--db", db_path, "remove", str(b), "999")
    assert code == 1 and "no article with id 999" in err and "nothing removed" in err
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4

    # Declining the prompt removes nothing.
    result = CliRunner().invoke(main, ["--db", db_path, "remove", str(b)], input="n\n")
    assert result.exit_code == 1 and "Remove 1 article, 1 annotation and 1 link?" in result.stderr
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4

    result = CliRunner().invoke(main, ["--db", db_path, "remove", str(b), str(d)], input="y\n")
    assert result.exit_code == 0
    assert "removed 2 articles, 1 annotation and 1 link" in result.stderr
    remaining = {r[0] for r in db.execute("SELECT id FROM articles")}
    assert remaining == {a, c}
    assert store.get_annotation(db, created.uuid) is None
    assert store.get_annotation(db, ann.uuid) is not None and store.get_annotation(db, on_c.uuid)
    assert {k.target_article_id for k in links.links_for(db, ann.uuid, include_rejected=True)} == {
        c
    }
    assert count_for_article(db.conn, b) == 0 == count_for_article(db.conn, d)
    assert {m.article_id for m in Matcher(db).find(QUOTE)} == {a, c}
    code, _, err = run("--db", db_path, "remove", "--yes", str(c))
    assert code == 0 and "removed 1 article, 1 annotation and 1 link" in err


def test_undoing_a_deletion_brings_back_its_links_and_decisions(seeded) -> None:
    """Accepted and rejected links return with the annotation; a rejection stays final."""
    db, (a, b, c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    found = {k.target_article_id: k for k in links.suggest(db, Matcher(db), ann)}
    created = links.accept(db, found[b].id, "me")
    links.reject(db, found[c].id)
    before = sorted(
        (k.target_article_id, k.status, k.target_annotation_uuid, k.decided_at)
        for k in links.links_for(db, ann.uuid, include_rejected=True)
    )

    store.delete_annotation(db, ann.uuid)
    assert links.links_for(db, ann.uuid, include_rejected=True) == []
    assert store.undo(db, a) is not None
    after = sorted(
        (k.target_article_id, k.status, k.target_annotation_uuid, k.decided_at)
        for k in links.links_for(db, ann.uuid, include_rejected=True)
    )
    assert after == before
    restored = store.get_annotation(db, ann.uuid)
    assert restored is not None
    links.suggest(db, Matcher(db), restored)  # recomputing does not re-offer the rejection
    statuses = {k.target_article_id: k.status for k in links.links_for(db, ann.uuid, True)}
    assert statuses == {b: "accepted", c: "rejected"}
    assert store.redo(db, a) is not None  # and deleting again still works
    assert links.links_for(db, ann.uuid, include_rejected=True) == []

    # Deleting the annotation an accept created, then undoing, re-attaches it to its link.
    assert store.undo(db, a) is not None
    store.delete_annotation(db, created.uuid)
    (accepted,) = [k for k in links.links_for(db, ann.uuid) if k.status == "accepted"]
    assert accepted.target_annotation_uuid is None
    assert store.undo(db, b) is not None
    (accepted,) = [k for k in links.links_for(db, ann.uuid) if k.status == "accepted"]
    assert accepted.target_annotation_uuid == created.uuid


def test_an_accepted_link_is_seen_from_both_ends(seeded) -> None:
    """The copy made by accepting does not suggest its own source back: it shows the link
    as accepted, and counts the source's article."""
    db, (a, b, c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    to_b = next(k for k in links.suggest(db, Matcher(db), ann) if k.target_article_id == b)
    copy = links.accept(db, to_b.id, "me")
    suggested = links.suggest(db, Matcher(db), copy)
    assert {k.target_article_id for k in suggested} == {c}  # not its source in A
    seen = links.links_for(db, copy.uuid, both_ways=True)
    back = next(k for k in seen if k.target_article_id == a)
    assert back.status == "accepted" and back.id == to_b.id
    assert A[back.start : back.end] == back.text == ann.quote
    assert links.link_counts(db, b)[copy.uuid] == 2  # A (accepted) and C (suggested)
    assert [k.id for k in links.links_for(db, copy.uuid)] == [
        k.id for k in suggested
    ]  # exports list each stored link once


def test_rejecting_a_passage_rejects_it_for_the_whole_cluster(seeded) -> None:
    db, (a, b, c, _d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    found = links.suggest(db, Matcher(db), ann)
    copy = links.accept(db, next(k for k in found if k.target_article_id == b).id, "me")
    copy_to_c = next(k for k in links.suggest(db, Matcher(db), copy) if k.target_article_id == c)
    links.reject(db, next(k for k in found if k.target_article_id == c).id)
    assert links.get_link(db, copy_to_c.id).status == "rejected"
    again = links.suggest(db, Matcher(db), copy)  # and it is not suggested again
    assert all(k.target_article_id != c for k in again)


def test_linking_by_hand(seeded) -> None:
    db, (a, _b, _c, d) = seeded
    ann = _annotate(db, a, A, QUOTE)
    other = store.create_annotation(db, d, 0, 9, "claim", "me")  # words the matcher misses
    link = links.link_by_hand(db, ann.uuid, other.uuid)
    assert (link.status, link.target_article_id, link.target_annotation_uuid) == (
        "accepted",
        d,
        other.uuid,
    )
    assert D[link.start : link.end] == link.text == other.quote
    assert links.link_by_hand(db, other.uuid, ann.uuid).id == link.id  # either way: one link
    seen = links.links_for(db, other.uuid, both_ways=True)
    assert [(k.id, k.status, k.target_article_id) for k in seen] == [(link.id, "accepted", a)]
    links.reject(db, link.id)  # unlinked...
    assert links.link_by_hand(db, ann.uuid, other.uuid).status == "accepted"  # ...and again
    same = store.create_annotation(db, a, 0, 5, "claim", "me")
    with pytest.raises(links.LinkError, match="same article"):
        links.link_by_hand(db, ann.uuid, same.uuid)


CLAIM14 = (
    "Harbour master Ilsa Brennick said the grain ships would wait outside Velmor until Thursday"
)
# no 3 words in a row in common with the claim: only the full-text index finds this article
RETOLD = (
    "Ilsa Brennick, harbour master, said grain ships will wait outside of Velmor till Thursday."
)


CLAIM18 = f"{CLAIM14}, the port office confirmed"
RETOLD18 = RETOLD.rstrip(".") + ", as port officials confirmed."


def _claim_world(
    db: sqlite_utils.Database,
    copies: int,
    retold_padding: int,
    claim: str = CLAIM14,
    retold: str = RETOLD,
) -> tuple:
    source = f"Port report. {claim}. More at six."
    source_id, _ = add_article(db, NewArticle(title="source", text=source))
    for i in range(copies):
        add_article(db, NewArticle(title=f"copy {i}", text=f"Wire {i}. {claim}."))
    padding = " ".join(
        f"Market note {i} on ferries and fish prices." for i in range(retold_padding)
    )
    retold_id, _ = add_article(db, NewArticle(title="retold", text=f"{padding} {retold}"))
    for i in range(20):
        add_article(db, NewArticle(title=f"f{i}", text=f"Filler {i} about the weather in Osk."))
    index_pending(db)
    start = source.index(claim)
    ann = store.create_annotation(db, source_id, start, start + len(claim), "claim", "me")
    return ann, retold_id


def test_a_claim_of_ten_words_or_more_gets_its_full_text_candidates_aligned(
    db: sqlite_utils.Database,
) -> None:
    ann, retold_id = _claim_world(db, copies=0, retold_padding=0)
    found = links.suggest(db, Matcher(db, meaning=None), ann)
    assert [k.target_article_id for k in found] == [retold_id]  # 14 words: was 15 or more
    assert found[0].score >= 75


def test_full_text_slots_go_to_articles_the_strings_did_not_find(
    db: sqlite_utils.Database,
) -> None:
    """Twelve outlets carry the claim word for word; the full-text index ranks them above
    the one that retold it, and they used to take every one of its slots."""
    ann, retold_id = _claim_world(db, 12, 40, CLAIM18, RETOLD18)
    found = links.suggest(db, Matcher(db, meaning=None), ann)
    assert retold_id in {k.target_article_id for k in found}
    assert len(found) == 13


def test_a_passage_never_runs_from_a_headline_into_the_body(db: sqlite_utils.Database) -> None:
    """The aligner sees words, not line breaks: a claim whose words sit at the end of a
    headline and the start of the next paragraph used to be linked to both halves."""
    claim = "Port workers in Velmor will strike on Monday over the new night shifts, the union says"
    source_text = f"Union news.\n\n{claim}."
    report = (
        "Strike talk in Velmor over the night shifts, union says\n\n"
        "Port workers will walk out on Monday unless the company drops the new rota.\n\n"
        "The harbour office declined to comment on the talks."
    )
    source, _ = add_article(db, NewArticle(title="Union", text=source_text))
    add_article(db, NewArticle(title="Report", text=report))
    index_pending(db)
    start = source_text.index(claim)
    ann = store.create_annotation(db, source, start, start + len(claim), "claim", "me")
    found = links.suggest(db, Matcher(db, meaning=None), ann)
    assert len(found) == 1  # still linked, within the paragraph that holds most of it
    assert "\n" not in found[0].text, found[0].text
