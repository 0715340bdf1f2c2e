"""The full-text statistics Spark computes itself equal what FTS5 keeps: the same tokens,
the same article counts, the same BM25 rank (so both pick the same candidates)."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmark.annotations.linking.fulltext import bm25, idf, term_counts
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.corpus.samples import sample_articles

ODD = (
    "Café Øresund Straße Łódź naïve İstanbul ǅemal snake_case x²y 2,000 Ⅻ Ａｂｃ ﬁne "
    "Σίσυφος ΣΑΣ 北京市 don’t l'été ½ ١٢٣ Müller Ελλάδα Tsikhanouskaya"
)


def _fts_terms(db: sqlite_utils.Database, text: str) -> list[str]:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS probe USING fts5(x, tokenize="
        + "'unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS probe_v USING fts5vocab(probe, 'instance')")
    db.execute("DELETE FROM probe")
    db.execute("INSERT INTO probe (x) VALUES (?)", [text])
    return [r[0] for r in db.execute("SELECT term FROM probe_v ORDER BY offset")]


def test_the_tokens_are_fts5s(db: sqlite_utils.Database) -> None:
    assert term_counts(ODD) == Counter(_fts_terms(db, ODD))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_the_tokens_are_fts5s_for_any_text(text: str) -> None:
    """Plain ASCII is split in Python, the rest by SQLite: either way, FTS5's tokens."""
    db = sqlite_utils.Database(memory=True)
    assert term_counts(text) == Counter(_fts_terms(db, text))


@pytest.mark.parametrize(
    "terms", [["calderwick"], ["mayor", "river", "water"], ["fourteen", "hospital", "said"]]
)
def test_bm25_is_fts5s_rank(db: sqlite_utils.Database, terms: list[str]) -> None:
    for article in sample_articles():
        add_article(db, article)
    add_article(db, NewArticle(title="Odd words", text=ODD + " Calderwick bridge"))
    rows = db.execute("SELECT id, title, text FROM articles").fetchall()
    counts = {i: term_counts(title, text) for i, title, text in rows}
    lengths = {i: sum(c.values()) for i, c in counts.items()}
    n = len(rows)
    average = sum(lengths.values()) / n
    weights = {t: idf(sum(1 for c in counts.values() if t in c), n) for t in terms}
    mine = {
        i: -bm25(counts[i], lengths[i], weights, average)
        for i in counts
        if any(t in counts[i] for t in terms)
    }
    match = " OR ".join(f'"{t}"' for t in terms)
    theirs = dict(
        db.execute(
            "SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank",
            [match],
        ).fetchall()
    )
    assert mine.keys() == theirs.keys() and len(mine) >= 2
    for i, rank in theirs.items():
        assert mine[i] == pytest.approx(rank, rel=1e-12)
