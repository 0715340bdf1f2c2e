"""The meaning signal: a claim told again in other words is suggested as *reworded*, with
how close in meaning it is; a sentence on the same story that says something else is not."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsmark.annotations.formats import export
from newsmark.annotations.formats.export import Filters
from newsmark.annotations.linking import links
from newsmark.annotations.linking.index import index_pending
from newsmark.annotations.linking.matching import Matcher, tier_of
from newsmark.annotations.linking.meaning import (
    MODEL_VARIABLE,
    MeaningError,
    configured_model,
    embedder,
    sentences,
)
from newsmark.annotations.spans import store
from newsmark.annotations.spans.model import Annotation
from newsmark.corpus.articles import NewArticle, add_article
from newsmark.tui.cli import main

CLAIM = (
    "According to early reports not yet confirmed, the mayor of Ostrava Vale was flown to"
    " the Kelmar Clinic after a private meeting with the port commissioner."
)
RETOLD = (
    "Based on information that still needs checking, the Ostrava Vale mayor was taken by air"
    " to Kelmar Clinic following a closed-door talk with the port commissioner"
)
SAME_STORY = [
    "The port commissioner refused to say what was discussed at the meeting with the mayor.",
    "Ostrava Vale has had three mayors in five years, each of them at odds with the port.",
    "Staff at the Kelmar Clinic said they had been told not to speak to reporters at all.",
]


def _corpus(db: sqlite_utils.Database) -> tuple[int, int]:
    source = add_article(db, NewArticle(title="First report", text=f"Opening line. {CLAIM}"))[0]
    body = " ".join([SAME_STORY[0], f'The statement read: "{RETOLD}," it said.', *SAME_STORY[1:]])
    other = add_article(db, NewArticle(title="Second report", text=body))[0]
    for n in range(30):
        add_article(
            db, NewArticle(title=f"Filler {n}", text=f"Item {n}: the bakery on Lind Street won.")
        )
    index_pending(db)
    return source, other


def _tag(db: sqlite_utils.Database, article_id: int, quote: str) -> store.Annotation:
    text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    start = text.index(quote)
    return store.create_annotation(db, article_id, start, start + len(quote), "claim", "t")


def test_sentences_are_exact_word_bounded_spans() -> None:
    text = 'He said: "We will go." Then they left!\nA caption line\n\n  Last one?  '
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "He said: \u0022We will go",
        "Then they left",
        "A caption line",
        "Last one",
    ]


def test_a_retold_claim_is_suggested_as_reworded_and_exported(db: sqlite_utils.Database) -> None:
    source, other = _corpus(db)
    ann = _tag(db, source, CLAIM)
    strings_only = Matcher(db, meaning=None)
    assert [
        lk for lk in links.suggest(db, strings_only, ann) if lk.target_article_id == other
    ] == []
    found = [lk for lk in links.suggest(db, Matcher(db), ann) if lk.target_article_id == other]
    assert len(found) == 1
    link = found[0]
    text = db.execute("SELECT text FROM articles WHERE id = ?", [other]).fetchone()[0]
    assert text[link.start : link.end] == link.text  # offsets exact
    # the sentence's framing ("The statement read:") is cut; the claim's words are kept
    assert link.text.startswith("Based on information") and link.text.endswith("commissioner")
    assert link.meaning is not None and 0.65 <= link.meaning <= 1
    assert tier_of(ann.quote, link.text, link.score) == "reworded"
    record = next(iter(export.jsonl_records(db, Filters())))
    assert record["links"][0]["meaning"] == link.meaning
    assert record["links"][0]["tier"] == "reworded"


def test_same_story_sentences_that_say_something_else_are_not_suggested(
    db: sqlite_utils.Database,
) -> None:
    """An article on the same story (the same names) that does not carry the claim gets no
    suggestion: closeness alone is not enough, the claim's own words must be there too."""
    source = add_article(db, NewArticle(title="First report", text=f"Opening line. {CLAIM}"))[0]
    other = add_article(db, NewArticle(title="Same story", text=" ".join(SAME_STORY)))[0]
    for n in range(30):
        add_article(db, NewArticle(title=f"Filler {n}", text=f"Item {n}: the bakery won."))
    index_pending(db)
    ann = _tag(db, source, CLAIM)
    assert [lk for lk in links.suggest(db, Matcher(db), ann) if lk.target_article_id == other] == []


def test_short_quotes_get_no_meaning_links(db: sqlite_utils.Database) -> None:
    source, _other = _corpus(db)
    ann = _tag(db, source, "flown to the Kelmar Clinic after a private meeting")
    assert all(lk.meaning is None for lk in links.suggest(db, Matcher(db), ann))


def test_the_model_is_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_VARIABLE, "off")
    assert configured_model() is None
    monkeypatch.setenv(MODEL_VARIABLE, "wordllama")
    assert configured_model() == "wordllama"
    with pytest.raises(MeaningError, match="unknown meaning model 'nope'"):
        embedder("nope")


def test_an_unknown_model_still_links_strings_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.db"
    from newsmark.corpus.db import connect

    db = connect(path)
    source, _other = _corpus(db)
    _tag(db, source, CLAIM)
    copy = add_article(db, NewArticle(title="Copy", text=f"Quoted in full: {CLAIM}"))[0]
    db.close()
    monkeypatch.setenv(MODEL_VARIABLE, "nope")
    result = CliRunner().invoke(main, ["--db", str(path), "link"])
    assert result.exit_code == 0, result.output
    assert "warning: reworded claims not looked for: unknown meaning model 'nope'" in (
        result.output
    )
    assert "Traceback" not in result.output
    db = connect(path)
    targets = [r[0] for r in db.execute("SELECT target_article_id FROM links")]
    assert targets == [copy]


def test_the_model_loads_from_the_wheel_offline() -> None:
    """No download: the tokenizer and weights come from the installed package."""
    vectors = embedder("wordllama").embed(
        [
            "The mayor was flown to a clinic.",
            "The mayor was taken by air to a hospital.",
            "Bread prices rose at the market.",
        ]
    )
    assert vectors.shape == (3, 256)
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4  # unit rows: a dot is a cosine
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


# A statement of two sentences, and two outlets' reports of it: one translates both
# sentences its own way, the other carries only the second (our own text).
STATEMENT = (
    "The coordinated measures to rescue the Velmor harbour company were meant to silence"
    " talk of the ministry's role in its collapse. Whether it recovers or not, auditors"
    " warn that the losses may return next year."
)
BOTH = (
    "Harbour crisis deepens. The chairman spoke to reporters on the quay. The organised"
    " efforts to save the Velmor harbour company aimed to quash rumours about the"
    " ministry's part in its failure. Regardless of whether it gets back on its feet, the"
    " auditors caution that losses could come back next year. Shares were suspended."
)
SECOND_ONLY = (
    "Market wrap. Fish prices rose in Osk while the Velmor harbour company shares were"
    " suspended. Regardless of whether it gets back on its feet, the auditors caution that"
    " losses could come back next year."
)


def test_a_whole_quote_links_to_reports_that_carry_all_or_some_of_it(
    db: sqlite_utils.Database,
) -> None:
    from newsmark.annotations.linking.decision import carried_sentences

    source_text = f"Statement from the union. {STATEMENT} The union meets on Friday."
    source, _ = add_article(db, NewArticle(title="Union", text=source_text))
    both, _ = add_article(db, NewArticle(title="Crisis", text=BOTH))
    second, _ = add_article(db, NewArticle(title="Markets", text=SECOND_ONLY))
    _ann, suggested = _suggest_among_fillers(db, source, source_text, STATEMENT)
    found = {k.target_article_id: k for k in suggested}
    assert set(found) == {both, second}
    assert carried_sentences(STATEMENT, found[both].text) == (2, 2)
    assert carried_sentences(STATEMENT, found[second].text) == (1, 2)
    assert found[second].meaning is not None  # the second sentence, found by its meaning
    assert found[second].text.startswith("Regardless of whether")


def test_a_weak_string_match_that_says_something_else_is_not_suggested(
    db: sqlite_utils.Database,
) -> None:
    """A long claim is linked from 64; a sentence with the same place names and another
    claim scored 65 and was suggested. The decision drops it; a half quote (the claim's
    own words) stays."""
    claim = "Tomas Reyl also owns two fishing boats and a bakery on the southern quay of Velmor"
    half = "He owns two fishing boats and a bakery, the paper said."
    other = "A fire broke out in a grain warehouse on the northern quay of Velmor late on Sunday."
    source_text = f"Profile. {claim}."
    source, _ = add_article(db, NewArticle(title="Profile", text=source_text))
    wrong, _ = add_article(db, NewArticle(title="Fire", text=f"News. {other}"))
    right, _ = add_article(db, NewArticle(title="Owner", text=f"About the owner. {half}"))
    ann, suggested = _suggest_among_fillers(db, source, source_text, claim)
    found = {k.target_article_id for k in suggested}
    assert wrong not in found
    assert right in found
    # strings only (no cosine to decide with): as before
    strings = {k.target_article_id for k in links.suggest(db, Matcher(db, meaning=None), ann)}
    assert wrong in strings


def _suggest_among_fillers(
    db: sqlite_utils.Database, source: int, source_text: str, quote: str
) -> tuple[Annotation, list[links.Link]]:
    """``quote`` tagged in its article among 20 other articles, and its suggestions."""
    for i in range(20):
        filler = f"Filler {i}: ferries ran late in Osk in the fog, day number {i}."
        add_article(db, NewArticle(title=f"f{i}", text=filler))
    index_pending(db)
    start = source_text.index(quote)
    ann = store.create_annotation(db, source, start, start + len(quote), "claim", "me")
    return ann, links.suggest(db, Matcher(db), ann)


def test_only_sentences_that_could_carry_the_claim_are_embedded() -> None:
    """A passage must share MEANING_SHARED of the claim's content words to be accepted, so
    a sentence that shares fewer is never embedded (embedding was half of a claim's linking
    time at 100,000 articles); the re-told sentence is still found, and embedded once."""
    from newsmark.annotations.linking.meaning import SentenceCache, find_reworded

    model = embedder()
    embedded: list[str] = []

    class Counting:
        name = model.name

        def embed(self, texts):  # type: ignore[no-untyped-def]
            embedded.extend(texts)
            return model.embed(texts)

    body = " ".join([SAME_STORY[0], f'The statement read: "{RETOLD}," it said.', *SAME_STORY[1:]])
    cache = SentenceCache(Counting())  # type: ignore[arg-type]
    found = find_reworded(cache, CLAIM, [(7, body)], {})
    assert [(r.article_id, body[r.start : r.end]) for r in found] == [(7, RETOLD)]
    articles = [t for t in embedded if t != CLAIM]
    assert len(articles) == 1 and RETOLD in articles[0]  # not the three other sentences
    find_reworded(cache, CLAIM, [(7, body)], {})
    assert [t for t in embedded if t != CLAIM] == articles  # kept, not embedded again
