"""Krippendorff's alpha across all annotators, by word: worked by hand, and held against
the published ``krippendorff`` package (Santiago Castro's implementation)."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest
import sqlite_utils

from newsmark.annotations.desk.agreement import GOLD, alpha_by_word, word_bounds
from newsmark.annotations.spans import store
from newsmark.corpus.articles import NewArticle, add_article


def test_alpha_worked_by_hand(db: sqlite_utils.Database) -> None:
    aid, _ = add_article(db, NewArticle(title="t", text="alpha beta gamma delta"))
    store.create_annotation(db, aid, 0, 10, "claim", "ann")  # alpha beta
    store.create_annotation(db, aid, 0, 5, "claim", "bob")  # alpha
    store.create_annotation(db, aid, 0, 22, "claim", GOLD)  # the gold layer is not a coder
    # words marked by 2, 1, 0, 0 of 2 coders: D = 1, n1 = 3, n0 = 5, n = 8
    assert alpha_by_word(db)["claim"] == pytest.approx(1 - 7 * 1 / (3 * 5))
    assert alpha_by_word(db)["claim"] == pytest.approx(
        krippendorff.alpha([[1, 1, 0, 0], [1, 0, 0, 0]], level_of_measurement="nominal")
    )


def test_alpha_equals_the_published_implementation(db: sqlite_utils.Database) -> None:
    """Three annotators, five articles (one not annotated by one of them: missing there),
    random spans of two labels."""
    rng = random.Random(4)
    words = ["word"] * 30
    coders = ["ann", "bob", "cy"]
    texts = []
    for n in range(5):
        text = " ".join(f"{w}{n}{i}" for i, w in enumerate(words))
        aid, _ = add_article(db, NewArticle(title=f"a{n}", text=text))
        texts.append((aid, text))
    for aid, text in texts:
        starts, ends = word_bounds(text)
        for coder in coders:
            if coder == "cy" and aid == texts[0][0]:
                continue  # cy did not annotate the first article
            for _ in range(3):
                i = rng.randrange(0, 25)
                j = i + rng.randrange(1, 5)
                label = rng.choice(["claim", "source"])
                store.create_annotation(db, aid, starts[i], ends[j], label, coder)
    ours = alpha_by_word(db)
    for label in ("claim", "source"):
        rows = []
        for coder in coders:
            row: list[float] = []
            for aid, text in texts:
                starts, ends = word_bounds(text)
                mine = [
                    a
                    for a in store.list_annotations(db, aid)
                    if a.annotator == coder and a.label == label
                ]
                annotated = any(a.annotator == coder for a in store.list_annotations(db, aid))
                for s, e in zip(starts, ends, strict=True):
                    if not annotated:
                        row.append(np.nan)
                    else:
                        row.append(float(any(a.start < e and s < a.end for a in mine)))
            rows.append(row)
        theirs = krippendorff.alpha(np.array(rows), level_of_measurement="nominal")
        assert ours[label] == pytest.approx(theirs, abs=1e-9)
