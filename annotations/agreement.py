"""How far two annotators agree, over the articles both annotated.

- **exact F1**: a span counts as agreed when the other annotator has one with the same
  start, end and label; F1 = 2 × agreed / (A's spans + B's spans).
- **overlap F1**: the same, but a span agrees with one of the same label that overlaps it
  (each span used once, matched greedily in text order).
- **Cohen's kappa per label, by word**: every word of those articles is, for each annotator,
  inside a span of that label or not; kappa = (p_o − p_e) / (1 − p_e), p_o the share of
  words they judge alike, p_e the share expected by chance from each one's rate. When both
  never (or both always) use the label, p_e = 1 and kappa is 1.0 if they agree everywhere.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import sqlite_utils

WORD = re.compile(r"\w+")
Span = tuple[int, int, str]  # start, end, label


@dataclass(frozen=True)
class Pair:
    annotators: tuple[str, str]
    articles: int
    exact_f1: float
    overlap_f1: float
    kappa: dict[str, float]

    def as_json(self) -> dict[str, object]:
        return {
            "annotators": list(self.annotators),
            "articles": self.articles,
            "exact_f1": round(self.exact_f1, 4),
            "overlap_f1": round(self.overlap_f1, 4),
            "kappa": {k: round(v, 4) for k, v in self.kappa.items()},
        }


def _f1(agreed: int, a: int, b: int) -> float:
    return 1.0 if a + b == 0 else 2 * agreed / (a + b)


def exact_agreed(a: list[Span], b: list[Span]) -> int:
    return len(set(a) & set(b))


def overlap_agreed(a: list[Span], b: list[Span]) -> int:
    used: set[int] = set()
    agreed = 0
    others = sorted(b)
    for start, end, label in sorted(a):
        for i, (s, e, lab) in enumerate(others):
            if i not in used and lab == label and s < end and start < e:
                used.add(i)
                agreed += 1
                break
    return agreed


def kappa_by_word(
    texts: dict[int, str], a: dict[int, list[Span]], b: dict[int, list[Span]], labels: set[str]
) -> dict[str, float]:
    out: dict[str, float] = {}
    words = {aid: [m.span() for m in WORD.finditer(text)] for aid, text in texts.items()}
    for label in sorted(labels):
        both = only_a = only_b = neither = 0
        for aid, spans in words.items():
            in_a = _marks(spans, [s for s in a.get(aid, []) if s[2] == label])
            in_b = _marks(spans, [s for s in b.get(aid, []) if s[2] == label])
            for x, y in zip(in_a, in_b, strict=True):
                if x and y:
                    both += 1
                elif x:
                    only_a += 1
                elif y:
                    only_b += 1
                else:
                    neither += 1
        n = both + only_a + only_b + neither
        if n == 0:
            continue
        p_o = (both + neither) / n
        pa, pb = (both + only_a) / n, (both + only_b) / n
        p_e = pa * pb + (1 - pa) * (1 - pb)
        out[label] = (1.0 if p_o == 1 else 0.0) if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return out


def _marks(words: list[tuple[int, int]], spans: list[Span]) -> list[bool]:
    """For each word: is it inside (overlapping) one of ``spans``?"""
    return [any(s < we and ws < e for s, e, _ in spans) for ws, we in words]


def agreement(db: sqlite_utils.Database) -> list[Pair]:
    """Every pair of annotators who both annotated at least one same article."""
    spans: dict[str, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for annotator, article_id, start, end, label in db.execute(
        'SELECT annotator, article_id, start, "end", label FROM annotations'
    ):
        spans[str(annotator)][int(article_id)].append((int(start), int(end), str(label)))
    pairs = []
    for first, second in combinations(sorted(spans), 2):
        shared = sorted(set(spans[first]) & set(spans[second]))
        if not shared:
            continue
        a = {aid: spans[first][aid] for aid in shared}
        b = {aid: spans[second][aid] for aid in shared}
        count_a = sum(len(v) for v in a.values())
        count_b = sum(len(v) for v in b.values())
        exact = sum(exact_agreed(a[aid], b[aid]) for aid in shared)
        overlap = sum(overlap_agreed(a[aid], b[aid]) for aid in shared)
        texts = {
            aid: str(db.execute("SELECT text FROM articles WHERE id = ?", [aid]).fetchone()[0])
            for aid in shared
        }
        labels = {s[2] for v in (*a.values(), *b.values()) for s in v}
        pairs.append(
            Pair(
                (first, second),
                len(shared),
                _f1(exact, count_a, count_b),
                _f1(overlap, count_a, count_b),
                kappa_by_word(texts, a, b, labels),
            )
        )
    return pairs
