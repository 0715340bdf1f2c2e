"""The "same claim" decision: its reasons, and that the signals it combines pull the right
way on our own pairs (the fit itself is measured by tests/bench/bench_mrpc.py)."""

from __future__ import annotations

from newsmark.annotations.linking.decision import (
    FEATURES,
    WEIGHTS,
    decide,
    features,
    names,
    reasons,
)
from newsmark.annotations.linking.meaning import embedder

CLAIM = "The minister said the new bridge over the river will open in early May for light traffic"
REWORDED = "The minister stated a new bridge across the river opens early in May for light traffic"
OTHER = "The minister said the old bridge over the canal will close in May for repairs"


def _cosine(a: str, b: str) -> float:
    va, vb = embedder("wordllama").embed([a, b])
    return float(va @ vb)


def test_one_weight_per_feature_and_an_intercept() -> None:
    assert len(WEIGHTS) == len(FEATURES) + 1
    assert len(features(CLAIM, OTHER, 0.5)) == len(FEATURES)


def test_the_same_claim_reworded_ranks_above_another_claim_in_the_same_words() -> None:
    """Ranked, not yet separated: fitted on MRPC alone, the model still gives the other
    claim 0.89 (MRPC's negatives share fewer words than this one)."""
    same = decide(CLAIM, REWORDED, _cosine(CLAIM, REWORDED))
    other = decide(CLAIM, OTHER, _cosine(CLAIM, OTHER))
    assert same.same_claim
    assert same.confidence > other.confidence


def test_a_changed_figure_or_a_dropped_not_is_said_and_lowers_confidence() -> None:
    claim = "Officials said 5 ships were turned back at the northern pier on Tuesday"
    figure = "Officials said 7 ships were turned back at the northern pier on Tuesday"
    denial = "Officials said no ships were turned back at the northern pier on Tuesday"
    exact = decide(claim, claim, 1.0)
    changed = decide(claim, figure, _cosine(claim, figure))
    denied = decide(claim, denial, _cosine(claim, denial))
    assert exact.reasons == ("same words",)
    assert "figure differs: 5 vs 7" in changed.reasons
    assert "negation differs" in denied.reasons
    assert changed.confidence < exact.confidence and denied.confidence < exact.confidence


def test_figures_written_out_agree() -> None:
    assert not any(
        r.startswith("figure") for r in reasons("fourteen boats sank", "14 boats sank", 0.8, 0.9)
    )


def test_names_are_capitalised_words_inside_a_sentence() -> None:
    text = "Yesterday Ilsa Brennick met the Mayor of Velmor. The harbour was shut."
    assert names(text) == {"ilsa", "brennick", "mayor", "velmor"}


def test_differences_name_only_what_changes_the_claim() -> None:
    from newsmark.annotations.linking.decision import differences

    assert differences("5 ships were turned back", "7 ships were turned back") == (
        "figure differs: 5 vs 7",
    )
    assert differences("the pier is closed", "the pier is not closed") == ("negation differs",)
    assert differences("the pier is closed", "The pier is closed.") == ()
