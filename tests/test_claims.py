"""Linking follows claims, not only copies: a labelled graded-edit fixture of our own.

Claims tagged in one article and printed, edited, in another (``tests/claim_edits.py``),
linked with ``newsmark link`` as a user runs it. Every edit type that keeps the claim's
words must be found, and nothing else linked. The full benchmark is
``tests/bench/bench_claims.py``.
"""

from __future__ import annotations

from pathlib import Path

from newsmark.annotations.linking.matching import align
from newsmark.annotations.linking.normtext import normalise
from tests.claim_edits import EDIT_TYPES, SHORT_TYPES, Results, plant_and_link, rounds_for


def test_every_edit_that_keeps_the_claims_words_is_linked(tmp_path: Path) -> None:
    every = Results([], [])
    for r in range(rounds_for(4)):
        results = plant_and_link(str(tmp_path / f"round{r}.db"), r, fillers=60)
        every.plants += results.plants
        every.links += results.links
    recall = every.recall()
    for kind in EDIT_TYPES:
        if kind.keeps_words:
            assert recall[kind.name] == 1.0, kind.name
    assert recall["paraphrase"] >= 0.75  # other words for a third of it: still found
    assert recall["told again (re-translated)"] >= 0.75  # the meaning signal's work
    for name, _size in SHORT_TYPES:
        assert recall[name] == 1.0, name
    assert every.precision() == 1.0
    assert not every.false_links({name for name, _ in SHORT_TYPES})


def _score(claim: str, text: str) -> float | None:
    found = align(normalise(claim), normalise(text), 75.0)
    return None if found is None else found[0]


def test_half_a_claim_and_swapped_clauses_are_carried_not_copied() -> None:
    claim = (
        "Our engineers closed the outflow pipe within two hours of the first report, but the"
        " company says the discharge was within the limits it was given."
    )
    half = "Filler words here. Our engineers closed the outflow pipe within two hours of the"
    half += " first report. More filler after it."
    swapped = (
        "The company says the discharge was within the limits it was given, and our engineers"
        " closed the outflow pipe within two hours of the first report."
    )
    for text in (half, swapped):
        score = _score(claim, text)
        assert score is not None and 75 <= score < 90, text  # linked, never near-verbatim


def test_a_few_shared_words_are_not_a_claim() -> None:
    """Token overlap alone would score these 100: too few of the claim's own words."""
    assert (
        _score("They put billions of dollars into the river clean-up", "billions of dollars")
        is None
    )
    assert _score("the mayor said the water was safe", "the council said the road was shut") is None


def test_tiers_say_how_a_passage_carries_the_claim() -> None:
    from newsmark.annotations.linking.matching import tier_of

    claim = "The water in every tap is safe, the mayor said."
    assert tier_of(claim, "\u201cthe WATER in every tap is safe\u201d - the mayor said", 100) == (
        "verbatim"
    )
    assert tier_of(claim, "The water in every tap is safe, the mayor told us.", 88) == "edited"
    assert tier_of(claim, "Tap water poses no risk, according to the town's leader.", 31) == (
        "reworded"
    )


def test_a_retranslated_claim_is_suggested(db) -> None:  # type: ignore[no-untyped-def]
    """Two translations of one statement that share no run of 3 words: the n-gram index
    alone never offers the other article; its rare words in full text do."""
    from newsmark.annotations.linking.index import index_pending
    from newsmark.annotations.linking.links import suggest
    from newsmark.annotations.linking.matching import Matcher, tier_of
    from newsmark.annotations.spans import store
    from newsmark.corpus.articles import NewArticle, add_article
    from tests.bench.corpus_gen import article_text

    first = (
        "The coordinated steps to shield the regional governor are meant to quiet rumours"
        " about the ministry's supposed role in the failed tender"
    )
    second = (  # not one run of 3 words in common with the first
        "The organised moves to shield a regional governor were meant to calm rumours on the"
        " ministry supposed part in that failed tender"
    )
    source, _ = add_article(db, NewArticle(title="One", text=f"Aides spoke. {first}. More."))
    target, _ = add_article(db, NewArticle(title="Two", text=f"A wire said: {second}. End."))
    for n in range(30):
        add_article(db, NewArticle(title=f"Other {n}", text=article_text(200, seed=n + 3)))
    index_pending(db)
    start = f"Aides spoke. {first}".index(first)
    ann = store.create_annotation(db, source, start, start + len(first), "claim", "me")
    found = [k for k in suggest(db, Matcher(db), ann) if k.target_article_id == target]
    assert found and found[0].text.startswith("The organised moves")
    assert tier_of(ann.quote, found[0].text, found[0].score) != "verbatim"
