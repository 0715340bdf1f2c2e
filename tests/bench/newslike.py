"""News-like generated text: English function words at roughly their share of news prose,
a Zipf-distributed vocabulary of invented content words, capitalised names, figures and
quotations, in sentences of 8-40 words. Deterministic, and no real articles.

Why not the older generators: ``corpus_gen`` repeats 44 words (every 3-gram is common, a
template corpus that flatters nothing and everything), and ``bench_linking``'s invented
words have no function words, so no query is made of "the", "of", "said" and "in" as real
ones are. Real news spends about half its tokens on a few hundred very common words; the
search's and the index's cost comes from exactly those (long posting lists, many full-text
candidates), so the benchmarks measure on text that has them.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from itertools import accumulate

from tests.bench.bench_linking import SYLLABLES

# The commonest words of English news prose with a rough relative frequency (per 1,000
# tokens). Our own round figures, in the spirit of any frequency list; they only need the
# right shape: a few words very common, then a long tail.
# fmt: off
FUNCTION = {
    "the": 60, "of": 27, "to": 26, "and": 24, "a": 22, "in": 21, "said": 8, "that": 10,
    "for": 9, "is": 9, "on": 8, "was": 8, "with": 6, "he": 6, "it": 6, "as": 5, "at": 5,
    "by": 5, "from": 4.5, "his": 4, "an": 3.5, "be": 3.5, "has": 3.5, "have": 3.5,
    "are": 3.5, "were": 3, "but": 3, "not": 3, "they": 3, "this": 3, "who": 2.5, "had": 2.5,
    "which": 2.5, "will": 2.5, "their": 2, "after": 2, "been": 2, "its": 2, "more": 2,
    "would": 1.8, "also": 1.8, "there": 1.5, "we": 1.5, "about": 1.5, "up": 1.4, "she": 1.4,
    "her": 1.4, "new": 1.4, "over": 1.2, "than": 1.2, "when": 1.2, "into": 1.0, "could": 1.0,
    "two": 1.0, "year": 1.0, "people": 1.0, "government": 0.8, "police": 0.8, "told": 0.8,
    "last": 0.8, "one": 0.8, "first": 0.8, "other": 0.7, "some": 0.7, "out": 0.7, "all": 0.7,
    "if": 0.7, "no": 0.6, "can": 0.6, "our": 0.6, "i": 0.6, "years": 0.6, "so": 0.6,
    "what": 0.5, "against": 0.5, "before": 0.5, "because": 0.5, "while": 0.5, "week": 0.5,
    "state": 0.5, "minister": 0.4, "day": 0.4, "three": 0.4, "city": 0.4, "may": 0.4,
    "under": 0.4, "between": 0.4, "since": 0.4, "them": 0.4, "during": 0.4, "only": 0.4,
    "where": 0.3, "being": 0.3, "report": 0.3, "court": 0.3, "council": 0.3,
    "according": 0.3, "officials": 0.3, "statement": 0.3, "added": 0.3, "says": 0.3,
}
# fmt: on
FUNCTION_SHARE = 0.48  # of the tokens
NAME_SHARE = 0.05
NUMBER_SHARE = 0.015


class NewsText:
    """One vocabulary, many articles: ``article(seed, chars)``."""

    def __init__(self, seed: int = 3, vocabulary: int = 40_000, names: int = 3_000) -> None:
        rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < vocabulary:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.content = sorted(words)
        rng.shuffle(self.content)  # frequency does not follow length or spelling
        self.content_cum = list(
            accumulate(1.0 / (r + 20) ** 1.05 for r in range(1, vocabulary + 1))
        )
        found: set[str] = set()
        while len(found) < names:
            found.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title())
        self.names = sorted(found)
        self.function = list(FUNCTION)
        self.function_cum = list(accumulate(FUNCTION.values()))

    def _word(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < FUNCTION_SHARE:
            at = bisect_left(self.function_cum, rng.random() * self.function_cum[-1])
            return self.function[at]
        if roll < FUNCTION_SHARE + NAME_SHARE:
            return rng.choice(self.names)
        if roll < FUNCTION_SHARE + NAME_SHARE + NUMBER_SHARE:
            return str(rng.choice([rng.randint(2, 99), rng.randint(100, 9_999)]))
        at = bisect_left(self.content_cum, rng.random() * self.content_cum[-1])
        return self.content[at]

    def sentence(self, rng: random.Random) -> str:
        words = [self._word(rng) for _ in range(rng.randint(8, 40))]
        for i in range(3, len(words) - 3, rng.randint(6, 14)):
            words[i] += ","
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        if rng.random() < 0.12:  # a quotation, attributed
            who = f"{rng.choice(self.names)} {rng.choice(self.names)}"
            text = f"\u201c{text[:-1]},\u201d said {who}."
        return text

    def article(self, seed: int, chars: int) -> str:
        rng = random.Random(seed)
        paragraphs: list[str] = []
        size = 0
        while size < chars:
            paragraph = " ".join(self.sentence(rng) for _ in range(rng.randint(1, 4)))
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        return "\n\n".join(paragraphs)

    def title(self, seed: int) -> str:
        rng = random.Random(seed ^ 0x5EED)
        words = [self._word(rng) for _ in range(rng.randint(5, 11))]
        return " ".join(words).capitalize()
