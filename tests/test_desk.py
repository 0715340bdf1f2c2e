"""The annotator's desk below the screen: the annotations browser's query, statistics,
article progress, who changed what, and agreement between annotators (worked by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations.desk import progress
from newsmark.annotations.desk.agreement import agreement
from newsmark.annotations.desk.browse import Query, find
from newsmark.annotations.desk.stats import stats
from newsmark.annotations.linking import links
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.db import connect
from newsmark.corpus.errors import StoreError
from newsmark.tui.cli import main

WORDS = "Alpha beta gamma delta epsilon zeta eta theta"


def _corpus(db: sqlite_utils.Database) -> tuple[int, int, int]:
    one = add_article(db, NewArticle("Words", WORDS, outlet="Gazette", published="2026-03-02"))[0]
    two = add_article(db, NewArticle("More", "The mayor said the water was safe.", outlet="Post"))
    three = add_article(db, NewArticle("Third", "Nobody annotated this one at all."))[0]
    return one, two[0], three


def _tag(db: sqlite_utils.Database, aid: int, start: int, end: int, label: str, who: str) -> str:
    return store.create_annotation(db, aid, start, end, label, who).uuid


def test_agreement_matches_the_figures_worked_by_hand(db: sqlite_utils.Database) -> None:
    one, two, _ = _corpus(db)
    _tag(db, one, 0, 10, "claim", "ann")  # "Alpha beta"
    _tag(db, one, 17, 30, "denial", "ann")  # "delta epsilon"
    _tag(db, one, 0, 10, "claim", "bob")  # the same
    _tag(db, one, 23, 35, "denial", "bob")  # "epsilon zeta": overlaps, not exact
    _tag(db, two, 4, 9, "source", "ann")  # only ann annotated this article: not compared
    _tag(db, two, 4, 9, "source", "cyd")
    pairs = {p.annotators: p for p in agreement(db)}
    assert set(pairs) == {("ann", "bob"), ("ann", "cyd")}  # bob and cyd share no article
    p = pairs[("ann", "bob")]
    assert p.articles == 1
    assert p.exact_f1 == pytest.approx(0.5)  # 2 x 1 agreed / (2 + 2)
    assert p.overlap_f1 == pytest.approx(1.0)  # 2 x 2 / (2 + 2)
    # claim: the same 2 of 8 words -> p_o = 1, p_e = 0.625 -> 1.0
    # denial: both {epsilon}, ann {delta}, bob {zeta}, 5 neither: p_o = 0.75, p_e = 0.625
    assert p.kappa == pytest.approx({"claim": 1.0, "denial": (0.75 - 0.625) / 0.375})
    assert pairs[("ann", "cyd")].exact_f1 == 1.0


def test_the_browser_query_filters_in_sql_and_fuzzily_by_text(db: sqlite_utils.Database) -> None:
    one, two, _ = _corpus(db)
    a = _tag(db, one, 0, 10, "claim", "ann")
    b = _tag(db, two, 4, 9, "source", "bob")
    c = _tag(db, two, 23, 33, "claim", "ann")  # "water was "... quote of the text
    store.set_note(db, c, "check the laboratory figures")
    ids = lambda q: [r.id for r in find(db, q)]  # noqa: E731
    assert ids(Query()) == [a, b, c]
    assert ids(Query(labels=["claim"])) == [a, c]
    assert ids(Query(outlets=["Post"], annotators=["ann"])) == [c]
    assert ids(Query(articles=[one])) == [a]
    assert ids(Query(text="mayr")) == [b]  # a typo still finds "mayor"
    assert ids(Query(text="laboratory figure")) == [c]  # notes too
    assert ids(Query(sort="label")) == [a, c, b]
    assert ids(Query(links="accepted")) == []
    assert ids(Query(links="none")) == [a, b, c]
    with pytest.raises(StoreError, match="unknown sort"):
        find(db, Query(sort="size"))
    db.execute(
        'INSERT INTO links (annotation_uuid, target_article_id, start, "end", text, score,'
        " status, created) VALUES (?, ?, 0, 5, 'Alpha', 80, 'suggested', 'now')",
        [b, one],
    )
    assert ids(Query(links="pending")) == [b]
    assert links.get_link(db, 1) is not None


def test_progress_and_statistics(db: sqlite_utils.Database) -> None:
    one, two, three = _corpus(db)
    _tag(db, one, 0, 10, "claim", "ann")
    _tag(db, one, 17, 30, "denial", "bob")
    _tag(db, two, 4, 9, "claim", "ann")
    assert progress.state_of(db, one) == "todo"
    assert progress.opened(db, one, "ann") == "in progress"
    progress.set_state(db, two, "done", "ann")
    assert progress.opened(db, two) == "done"  # opening a done article leaves it done
    with pytest.raises(StoreError, match="unknown state"):
        progress.set_state(db, one, "finished")
    found = stats(db)
    assert found == {
        "labels": {"claim": 2, "denial": 1},
        "outlets": {"Gazette": {"claim": 1, "denial": 1}, "Post": {"claim": 1}},
        "annotators": {"ann": 2, "bob": 1},
        "articles": {"total": 3, "annotated": 2, "done": 1, "in_progress": 1, "todo": 1},
        "links": {"suggested": 0, "accepted": 0, "rejected": 0},
    }
    assert three


def test_history_says_who_made_each_change(db: sqlite_utils.Database) -> None:
    one, _, _ = _corpus(db)
    uuid = _tag(db, one, 0, 10, "claim", "ann")
    store.set_actor(db, "bob")
    store.relabel(db, uuid, "denial")
    rows = list(db.execute("SELECT action, annotator FROM history ORDER BY id"))
    assert rows == [("create", "ann"), ("relabel", "bob")]


def test_cli_json_shapes(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    db = connect(path)
    one, two, _ = _corpus(db)
    _tag(db, one, 0, 10, "claim", "ann")
    _tag(db, one, 0, 10, "claim", "bob")
    _tag(db, two, 4, 9, "source", "bob")
    db.close()
    runner = CliRunner()

    def run(*args: str) -> object:
        result = runner.invoke(main, ["--db", str(path), *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    rows = run("annotations", "--label", "claim", "--json")
    assert [set(r) for r in rows] == [
        {
            "id",
            "article_id",
            "title",
            "outlet",
            "start",
            "end",
            "quote",
            "label",
            "note",
            "annotator",
        }
    ] * 2
    assert rows[0]["quote"] == "Alpha beta" and rows[0]["title"] == "Words"
    assert run("annotations", "--annotator", "bob", "--outlet", "Post", "--json")[0]["label"] == (
        "source"
    )
    found = run("stats", "--json")
    assert set(found) == {"labels", "outlets", "annotators", "articles", "links"}
    assert found["annotators"] == {"bob": 2, "ann": 1}
    pairs = run("agreement", "--json")
    assert pairs == [
        {
            "annotators": ["ann", "bob"],
            "articles": 1,
            "exact_f1": 1.0,
            "overlap_f1": 1.0,
            "kappa": {"claim": 1.0},
        }
    ]
    table = runner.invoke(main, ["--db", str(path), "annotations"]).output
    assert "Alpha beta" in table and "3 annotations" in table
    text = runner.invoke(main, ["--db", str(path), "stats"]).output
    assert "all outlets" in text and "articles: 3 (2 annotated" in text


def test_kappa_by_ranges_equals_counting_word_by_word() -> None:
    """The range arithmetic that makes kappa fast gives what marking every word gives."""
    import random

    from newsmark.annotations.desk.agreement import WORD, kappa_by_word

    rng = random.Random(5)
    for _ in range(200):
        text = " ".join(rng.choice(["ab", "c", "def", "g,", "hi."]) for _ in range(30))
        words = [m.span() for m in WORD.finditer(text)]

        def spans(length: int) -> list[tuple[int, int, str]]:
            out = []
            for _ in range(rng.randint(0, 4)):
                s = rng.randrange(0, length - 1)
                out.append((s, rng.randint(s + 1, length), rng.choice(["x", "y"])))
            return out

        a, b = spans(len(text)), spans(len(text))
        got = kappa_by_word({1: text}, {1: a}, {1: b}, {"x", "y"})
        for label in ("x", "y"):
            mark_a = [any(s < we and ws < e for s, e, lab in a if lab == label) for ws, we in words]
            mark_b = [any(s < we and ws < e for s, e, lab in b if lab == label) for ws, we in words]
            n = len(words)
            p_o = sum(x == y for x, y in zip(mark_a, mark_b, strict=True)) / n
            pa, pb = sum(mark_a) / n, sum(mark_b) / n
            p_e = pa * pb + (1 - pa) * (1 - pb)
            want = (1.0 if p_o == 1 else 0.0) if p_e == 1 else (p_o - p_e) / (1 - p_e)
            assert got[label] == pytest.approx(want), (text, a, b, label)
