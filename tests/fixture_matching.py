"""A labelled matching fixture of our own: planted quotes with known variants and distractors.

Everything is generated from a fixed seed: invented words, filler documents, quotes planted
verbatim, with about 10% of words edited, with punctuation/case/curly-quote changes, and
distractor sentences that share a few words with a quote but are not it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "zi",
    "pa",
    "do",
    "fe",
    "gu",
    "ha",
    "jo",
    "ki",
    "la",
    "mo",
    "nu",
    "pe",
    "ri",
    "so",
    "tu",
    "va",
    "we",
    "xi",
    "yo",
    "za",
]


@dataclass
class Planted:
    quote: str
    source_doc: int
    # doc index -> (start, end) of the planted variant in that doc's text
    truth: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Fixture:
    docs: list[str]
    planted: list[Planted]


def _vocab(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    return [rng.choice(vocab) for _ in range(n)]


def _punctuate(words: list[str]) -> str:
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _edit(rng: random.Random, words: list[str], vocab: list[str]) -> list[str]:
    """About 10% of words replaced, dropped or inserted (at least one edit)."""
    out = list(words)
    for _ in range(max(1, round(len(words) * 0.1))):
        op = rng.choice(("replace", "drop", "insert"))
        i = rng.randrange(1, len(out) - 1)
        if op == "replace":
            out[i] = rng.choice(vocab)
        elif op == "drop":
            del out[i]
        else:
            out.insert(i, rng.choice(vocab))
    return out


def _restyle(words: list[str]) -> str:
    """Same words, other punctuation, case and quote marks."""
    mid = len(words) // 2
    text = " ".join(w.upper() if i % 5 == 0 else w for i, w in enumerate(words))
    parts = text.split(" ")
    parts[mid] = parts[mid] + ","
    return "\u201c" + " ".join(parts) + "\u201d"


def build(seed: int = 7, n_docs: int = 360, n_quotes: int = 60) -> Fixture:
    if n_docs < 5 * n_quotes:
        raise ValueError("each quote needs five documents of its own")
    rng = random.Random(seed)
    vocab = _vocab(rng, 4000)
    docs: list[list[str]] = [
        [_punctuate(_sentence(rng, vocab, rng.randint(8, 20))) for _ in range(rng.randint(12, 20))]
        for _ in range(n_docs)
    ]
    plans: list[tuple[list[str], list[tuple[int, str, int]]]] = []
    used: set[int] = set()

    def free_doc() -> int:
        while True:
            d = rng.randrange(n_docs)
            if d not in used:
                used.add(d)
                return d

    for _ in range(n_quotes):
        words = _sentence(rng, vocab, rng.randint(8, 25))
        placements = [
            (free_doc(), _punctuate(words), 0),  # the source article
            (free_doc(), _punctuate(words), 1),  # verbatim
            (free_doc(), _punctuate(_edit(rng, words, vocab)), 1),  # ~10% word edits
            (free_doc(), _restyle(words), 1),  # punctuation, case, curly quotes
        ]
        distractor = words[:3] + _sentence(rng, vocab, len(words) - 3)
        placements.append((free_doc(), _punctuate(distractor), 0))
        plans.append((words, placements))

    markers: dict[int, list[tuple[int, str, int]]] = {}
    for qi, (_words, placements) in enumerate(plans):
        for doc, sentence, is_truth in placements:
            position = rng.randrange(1, len(docs[doc]))
            docs[doc].insert(position, sentence)
            markers.setdefault(doc, []).append((qi, sentence, is_truth))

    texts = [" ".join(sentences) for sentences in docs]
    planted = [Planted(" ".join(words), -1) for words, _ in plans]
    for qi, (_words, placements) in enumerate(plans):
        source_doc, source_sentence, _ = placements[0]
        planted[qi].source_doc = source_doc
        start = texts[source_doc].index(source_sentence)
        planted[qi].quote = texts[source_doc][start : start + len(source_sentence) - 1]
        for doc, sentence, is_truth in placements[1:]:
            if is_truth:
                start = texts[doc].index(sentence)
                planted[qi].truth[doc] = (start, start + len(sentence))
    return Fixture(texts, planted)
