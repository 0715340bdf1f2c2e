"""The matching engine: recall and precision on a labelled fixture, exact offsets, index upkeep."""

from __future__ import annotations

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmark.annotations.linking.index import (
    index_article,
    index_pending,
    rebuild_index,
    remove_article,
    unindexed_articles,
)
from newsmark.annotations.linking.matching import (
    Matcher,
    align,
    candidate_query,
    floor_for,
    locate,
    search_corpus,
)
from newsmark.annotations.linking.normtext import (
    STRIDE,
    WORD_RE,
    index_hashes,
    normalise,
    sampled_hashes,
    shingle_list,
    words_of,
)
from newsmark.annotations.linking.postings import count_for_article, count_postings
from newsmark.corpus.articles import NewArticle, add_article
from tests.fixture_matching import build


def _load(db: sqlite_utils.Database, docs: list[str]) -> list[int]:
    ids = [add_article(db, NewArticle(title=f"Doc {i}", text=t))[0] for i, t in enumerate(docs)]
    index_pending(db)
    return ids


def test_recall_and_precision_on_labelled_fixture(db: sqlite_utils.Database) -> None:
    fixture = build()
    ids = _load(db, fixture.docs)
    matcher = Matcher(db)
    true_pos = false_pos = expected = 0
    for planted in fixture.planted:
        source_id = ids[planted.source_doc]
        truth = {ids[d]: span for d, span in planted.truth.items()}
        expected += len(truth)
        for m in matcher.find(planted.quote, exclude={source_id}):
            text = db.execute("SELECT text FROM articles WHERE id = ?", [m.article_id]).fetchone()[
                0
            ]
            assert text[m.start : m.end] == m.text  # offsets are exact
            span = truth.get(m.article_id)
            if span and m.start < span[1] and span[0] < m.end:
                true_pos += 1
            else:
                false_pos += 1
    recall = true_pos / expected
    precision = true_pos / max(1, true_pos + false_pos)
    assert recall >= 0.98, (recall, precision)
    assert precision >= 0.95, (recall, precision)


def test_match_boundaries_fit_whole_words_with_insertions(db: sqlite_utils.Database) -> None:
    quote = "the readings on Monday night were well above the safe limit"
    target = (
        "Earlier, officials said the readings on Monday night were, by all accounts, well "
        "above the safe limit set by law."
    )
    (_aid,) = _load(db, [target])
    (m,) = Matcher(db).find(quote)
    assert m.text == "the readings on Monday night were, by all accounts, well above the safe limit"
    assert target[m.start : m.end] == m.text


def test_short_spans_are_not_linkable(db: sqlite_utils.Database) -> None:
    matcher = Matcher(db)
    assert not matcher.linkable("safe to drink")
    assert not matcher.linkable("a b c d")  # four words but too few characters
    assert matcher.linkable("safe to drink it today")


def test_long_span_is_split_and_still_found(db: sqlite_utils.Database) -> None:
    fixture = build(seed=3, n_docs=40, n_quotes=4)
    long_quote = " ".join(fixture.docs[0].split()[:80])
    ids = _load(db, [fixture.docs[0], "Unrelated words entirely here. " * 20])
    (m,) = Matcher(db).find(long_quote, exclude={ids[1]})
    assert m.article_id == ids[0] and m.start == 0 and m.score > 95


def test_index_upkeep(db: sqlite_utils.Database) -> None:
    a, _ = add_article(db, NewArticle(title="A", text="alpha beta gamma delta epsilon zeta"))
    assert unindexed_articles(db) == [a]
    index_pending(db)
    assert unindexed_articles(db) == []
    postings = count_postings(db.conn)
    assert postings == len(index_hashes("alpha beta gamma delta epsilon zeta")) >= 1
    index_article(db, a, "alpha beta gamma delta epsilon zeta")  # re-index replaces
    assert count_postings(db.conn) == postings
    b, _ = add_article(db, NewArticle(title="B", text="alpha beta gamma and more words"))
    index_pending(db)
    postings_b = len(index_hashes("alpha beta gamma and more words"))
    assert count_for_article(db.conn, b) == postings_b
    assert [
        m.article_id for m in Matcher(db).find("alpha beta gamma delta epsilon zeta", exclude={a})
    ] == []
    assert remove_article(db, a)
    assert count_for_article(db.conn, a) == 0
    assert rebuild_index(db) == 1
    assert count_postings(db.conn) == postings_b
    assert b


def test_search_corpus_typos_and_offsets(db: sqlite_utils.Database) -> None:
    ids = _load(
        db,
        [
            "The health authority said on Friday it phoned the town hall.",
            "Nothing to see here at all.",
        ],
    )
    hits = search_corpus(db, "helth authorty phoned")
    assert hits and hits[0].article_id == ids[0]
    text = "The health authority said on Friday it phoned the town hall."
    assert text[hits[0].start : hits[0].end] == hits[0].text
    assert search_corpus(db, "   ") == []
    assert search_corpus(db, "health", exclude={ids[0]}) == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_search_never_raises(db: sqlite_utils.Database, query: str) -> None:
    if not db.execute("SELECT 1 FROM articles").fetchone():
        _load(db, ['O\'Brien said "AND" 3.5% of U.S. NEAR(x) -foo * ^ {col}: words.'])
    for m in search_corpus(db, query):
        assert 0 <= m.score <= 100


_TRICKY = "\u03a3\u03c3\u0130I\u0131i\u2019'_ \u0301\u212a\u01c5\u1e9e\u00df\u2160\u24b6-.9"


@settings(max_examples=400)
@given(st.text(max_size=60) | st.text(alphabet=_TRICKY + "AbΣΑΒ", max_size=40))
def test_fast_words_of_an_article_equal_the_normaliser_words(text: str) -> None:
    """Lower-casing the whole text first must give the words of the long way, always."""
    joined = " ".join(WORD_RE.findall(text)).lower()
    assert words_of(text) == (joined.split(" ") if joined else [])
    norm = normalise(text)
    assert norm.words == words_of(text) and norm.norm == " ".join(norm.words)
    for i in range(len(norm.words)):  # each word maps back onto the same word of the text
        start, end = norm.original_span(i, i)
        assert text[start:end].lower() == norm.words[i]


def test_normaliser_maps_back_to_original() -> None:
    text = "\u201cIt\u2019s SAFE\u201d \u2014 she said,   twice."
    norm = normalise(text)
    assert norm.norm == "it s safe she said twice"
    first, last = norm.norm_range_to_words(3, 9)
    assert text[slice(*norm.original_span(first, last))] == "s SAFE"


@pytest.mark.parametrize("length", [3, 4, 5, 6, 7, 9, 400, 401, 402, 403])
def test_sampling_keeps_a_stored_3gram_in_every_shared_run(length: int) -> None:
    """Any run of STRIDE + 2 words shared with a query contains an indexed 3-gram."""
    import random

    rng = random.Random(length)
    words = [f"w{rng.randrange(50)}" for _ in range(length)]
    kept = sampled_hashes(words)
    assert kept <= set(shingle_list(words))
    assert len(kept) <= len(words) // STRIDE + 1
    for start in range(len(words) - STRIDE - 1):
        run = shingle_list(words[start : start + STRIDE + 2])
        assert kept & set(run), start


def test_a_quote_carried_everywhere_is_found_everywhere(db: sqlite_utils.Database) -> None:
    """More articles than the candidate budget and the common-3-gram cap still all match."""
    from newsmark.annotations.linking.matching import Thresholds

    quote = "the readings on monday night were well above the safe limit set by law"
    filler = "Unrelated words about chess and bread fill this article today. "
    texts = [
        f"Report {i}. {filler * (i % 3 + 1)}Officials said {quote}. {filler}" for i in range(40)
    ]
    texts.append(filler * 5)
    ids = _load(db, texts)
    tight = Thresholds(df_cap=10, candidates=5)
    found = Matcher(db, tight).find(quote, exclude={ids[0]})
    assert {m.article_id for m in found} == set(ids[1:40])


def _common_corpus(db: sqlite_utils.Database) -> None:
    """60 articles that all say "the council said"; only two name the Brennock river."""
    for n in range(60):
        river = " near the Brennock river" if n in (7, 41) else ""
        add_article(
            db,
            NewArticle(
                title=f"Report {n}",
                text=f"The council said on day {n} that the water was tested{river}. "
                f"Item {n} of the series.",
            ),
        )


def test_full_text_candidates_leave_out_common_words(db: sqlite_utils.Database) -> None:
    """Asking FTS5 to rank every article that has "the" was 96% of a search."""
    _common_corpus(db)
    query = candidate_query(db, ["the", "council", "said", "brennock", "riv"], typing=True)
    assert query is not None
    assert '"brennock"' in query and '"riv"*' in query
    assert '"the"' not in query and '"said"' not in query and '"council"' not in query
    assert query.count("*") == 1  # only the word being typed is a prefix


def test_a_finished_query_has_no_prefix_and_short_words_none(
    db: sqlite_utils.Database,
) -> None:
    _common_corpus(db)
    assert "*" not in (candidate_query(db, ["brennock", "river"], typing=False) or "")
    assert "*" not in (candidate_query(db, ["brennock", "ri"], typing=True) or "")


def test_only_common_words_still_find_candidates(db: sqlite_utils.Database) -> None:
    _common_corpus(db)
    query = candidate_query(db, ["the", "council", "said"], typing=False)
    assert query is not None and query.count('"') == 4  # the two least common words


def test_an_unindexed_word_is_looked_up_by_its_close_terms(db: sqlite_utils.Database) -> None:
    _common_corpus(db)
    query = candidate_query(db, ["brenock"], typing=False)  # a typo
    assert query == '"brennock"'


def test_search_finds_rare_words_among_common_ones(db: sqlite_utils.Database) -> None:
    _common_corpus(db)
    hits = search_corpus(db, "the water was tested near the Brennock river")
    assert {h.article_id for h in hits[:2]} == {8, 42}


def test_search_ranks_the_passage_with_the_querys_figures_first(
    db: sqlite_utils.Database,
) -> None:
    """ "Fourteen people taken to hospital" must not rank the report of seventeen first."""
    for title, figure in (("Seventeen", "Seventeen"), ("Fourteen", "Fourteen"), ("Digits", "14")):
        add_article(
            db,
            NewArticle(
                title=title,
                text=f"Residents queued all day. {figure} people were taken to hospital on"
                " Monday night, officials said.",
            ),
        )
    index_pending(db)
    titles = {1: "Seventeen", 2: "Fourteen", 3: "Digits"}
    for query in ("14 people were taken to hospital", "Fourteen people taken to hospital"):
        ranked = [titles[m.article_id] for m in search_corpus(db, query)]
        assert ranked[-1] == "Seventeen" and set(ranked) == set(titles.values()), query


def test_weak_copies_of_a_popular_quote_do_not_hide_a_real_one(db: sqlite_utils.Database) -> None:
    """Articles that share only the opening words of a claim rank first (they share more
    3-grams than an edited report does) and all fail; the edited report after them must
    still be aligned, not dropped by a stop after a few misses."""
    quote = (
        "the harbour authority of Velmor confirmed on Tuesday that the northern pier will stay"
        " closed until the cracked pylons are replaced next spring"
    )
    opening = "the harbour authority of Velmor confirmed"
    texts = [f"Source. Officials said {quote}. Nothing else of note."]
    for i in range(14):
        texts.append(
            f"Brief {i}. {opening} a choir of {i + 3} singers will tour the coast in June, "
            "with tickets sold at the library and at the old market hall."
        )
    edited = (
        "Port officials in Velmor said on Tuesday the north pier would remain shut until its"
        " cracked pylons are replaced next spring"
    )
    texts.append(f"Elsewhere. {edited}. More words follow here about other matters.")
    ids = _load(db, texts)
    found = Matcher(db).find(quote, exclude={ids[0]})
    assert ids[-1] in {m.article_id for m in found}
    assert not set(ids[1:-1]) & {m.article_id for m in found}


def test_a_stray_weak_match_never_beats_the_quote_itself() -> None:
    """Each chunk of a claim is matched where it scores best: here its first half lands on
    an earlier sentence about another bridge, its second half on the reworded quote. The
    two groups tie; the quote (84.6) must win over the stray sentence (73.4), which the old
    rule kept because it came first."""
    claim = normalise(
        "The minister said the new bridge over the river will open in early May"
        " for all light traffic"
    )
    stray = "Elsewhere, the minister said the old bridge over the canal will close in May."
    quote = (
        "the minister stated a new bridge across the river opens early in May for all light traffic"
    )
    filler = "Markets were calm and the weather mild. " * 20
    doc = normalise(f"{stray} {filler}Officials noted that {quote}, the report said.")
    found = align(claim, doc, floor_for(claim))
    assert found is not None
    score, first, last = found
    assert " ".join(doc.words[first : last + 1]) == normalise(quote).norm
    assert score > 84


def test_a_name_spelled_another_way_is_the_same_name() -> None:
    """A translation transliterates names its own way ("Hrytsevich" / "Gritsevich"): letters
    differ, not meaning. Scored letter by letter this retelling was 72.6 and not linked."""
    claim = normalise("Hrytsevich said Kavalenka had been detained by the Ostrava police")
    told = "Gritsevich stated Kovalenko was held by officers of the Ostrava police"
    found = locate(claim, normalise(told), floor_for(claim))
    assert found is not None and 75 <= found[0] < 90
    # the same names in another claim, or other names in the same words: not linked
    other = "Gritsevich stated Kovalenko was freed by a court in Varnholm on Monday"
    assert locate(claim, normalise(other), floor_for(claim)) is None
    strangers = normalise("Brennick said Holloway had been detained by the Ostrava police")
    assert locate(strangers, normalise(told), floor_for(strangers)) is None


def test_full_text_terms_stay_within_a_budget_of_articles(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5 ranks every article holding any term: eight "rare" words at 100,000 news
    articles meant ranking ~30,000 of them (300 ms at p95). Terms are taken rarest first
    while together they stay in few articles, and a typed prefix only if its completions
    do too."""
    from newsmark.annotations.linking import matching

    words = {"ozone": 2, "quarry": 6, "ferry": 12, "harbour": 20}
    for n in range(60):
        text = " ".join(w for w, k in words.items() if n < k) + f" item {n} council report."
        add_article(db, NewArticle(title=f"Article {n}", text=text))
    monkeypatch.setattr(matching, "POSTINGS_BUDGET", 10)
    query = candidate_query(db, ["harbour", "ferry", "quarry", "ozone"], typing=False)
    assert query == '"ozone" OR "quarry"'  # 2 + 6 articles; ferry's 12 would pass 10
    typed = candidate_query(db, ["ozone", "rep"], typing=True)  # "report": in all 60
    assert typed == '"ozone"'
    typed = candidate_query(db, ["ozone", "qua"], typing=True)  # "quarry": in 6
    assert typed == '"ozone" OR "qua"*'


def test_a_claims_full_text_terms_stay_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linking a claim asked FTS5 for up to 16 words, each in up to 5% of the articles
    (15 ms of a 60 ms link at 100,000): rarest first, within the same budget as search."""
    from newsmark.annotations.linking import matching
    from newsmark.annotations.linking.matching import claim_terms

    monkeypatch.setattr(matching, "POSTINGS_BUDGET", 100)
    counts = {"ozone": 3, "quarry": 40, "ferry": 60, "harbour": 900, "the": 99_000}
    words = ["the", "harbour", "ferry", "quarry", "ozone", "the", "ferry", "quarry", "the", "the"]
    assert claim_terms(words, counts, 5_000) == ["ozone", "quarry"]  # 43; + ferry is 103
