"""Deterministic synthetic article text for benchmarks (no real articles, no randomness)."""

from __future__ import annotations

import random

WORDS = [
    "the",
    "mayor",
    "said",
    "water",
    "river",
    "plant",
    "readings",
    "were",
    "high",
    "council",
    "spokesman",
    "denied",
    "report",
    "officials",
    "residents",
    "hospital",
    "treated",
    "people",
    "night",
    "town",
    "authority",
    "inquiry",
    "samples",
    "company",
    "statement",
    "according",
    "to",
    "sources",
    "figures",
    "million",
    "crowns",
    "tested",
    "safe",
    "drink",
    "regional",
    "health",
    "official",
    "anonymous",
    "claim",
    "evidence",
    "records",
    "published",
    "tuesday",
    "monday",
]


def article_text(words: int, seed: int = 1) -> str:
    """``words`` words in sentences of 8-24 words and paragraphs of 3-7 sentences."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            n = min(rng.randint(8, 24), words - count)
            if n <= 0:
                break
            sentence = " ".join(rng.choice(WORDS) for _ in range(n))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            count += n
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)
