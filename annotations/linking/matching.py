"""Finding the same words in other articles without scanning the corpus.

1. **Index** (:mod:`annotations.linking.index`): every article's word 3-grams, hashed and
   stored as postings in SQLite's B-tree on disk.
2. **Candidates**: a span's 3-gram hashes are looked up; hashes found in more than
   ``df_cap`` articles carry no signal and are skipped; articles sharing the most hashes
   are the candidates (top ``candidates``).
3. **Alignment**: rapidfuzz's ``partial_ratio_alignment`` places the span in each candidate
   (long spans are aligned in chunks), the window is re-fitted to word boundaries (rapidfuzz
   never returns a window longer than the query, so insertions would cut it short), and the
   final score is the plain ratio between the span and the passage actually linked.

Short typed queries (a few words, maybe a typo) share too few 3-grams, so
:func:`search_corpus` adds FTS5 candidates and re-ranks them the same way.

Why one module of ~800 lines: candidates, alignment and the corpus search share the
thresholds, the floor for long claims and the chunked alignment, and are tuned together
against the same benches (``tests/bench/bench_linking.py``, ``bench_claims.py``,
``bench_search.py``); split, a change to one threshold would have to be followed across
files. The index's upkeep, which needs none of that, is :mod:`annotations.linking.index`.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar
from urllib.parse import quote

import sqlite_utils

from newsmark.annotations.linking.fulltext import common_count, fold, rare_terms
from newsmark.annotations.linking.fuzzy import fuzz
from newsmark.annotations.linking.meaning import (
    MEANING_MIN_WORDS,
    MeaningError,
    SentenceCache,
    configured_model,
    embedder,
    find_reworded,
    sentences,
)
from newsmark.annotations.linking.normtext import (
    FUNCTION_WORDS,
    WORD_RE,
    NormText,
    normalise,
    shingle_hashes,
)
from newsmark.annotations.linking.numbers import numbers_in
from newsmark.annotations.linking.postings import articles_with
from newsmark.annotations.spans.limits import MAX_QUERY_CHARS
from newsmark.corpus.db import database_path

# A claim of 15 words or more is linked from a lower score: chance does not give an
# unrelated passage two thirds of that many words, and a reworded report of it (a third of
# its words changed, a paraphrase) scores 64-75. Below the usual floor it is "reworded".
LONG_CLAIM_WORDS = 15
LONG_CLAIM_FLOOR = 64.0
REWORDED_CANDIDATES = 10  # articles full text adds to a long claim's candidates
CHUNK_WORDS = 10  # partial_ratio slows steeply past ~64 characters of query
MAX_CANDIDATES = 200  # a quote carried by more articles than this shows the 200 closest
CANDIDATE_MISSES = 3
COMMON_SEEDS = 3  # 3-grams to seed on when all of a span's 3-grams are common


@dataclass(frozen=True)
class Thresholds:
    """When a passage counts as the same words; configurable, with defaults tuned on tests."""

    near: float = 90.0  # at or above: near-verbatim
    floor: float = 75.0  # below: not a match at all
    min_words: int = 4  # spans shorter than this are not linked
    min_chars: int = 15
    df_cap: int = 500  # a 3-gram in more articles than this is too common to seed on
    candidates: int = 10


DEFAULT_THRESHOLDS = Thresholds()

K = TypeVar("K")  # an article: its id in the database, its place in an archive
T = TypeVar("T")


@dataclass(frozen=True)
class Match:
    article_id: int
    start: int
    end: int
    text: str
    score: float
    meaning: float | None = None  # closeness in meaning (0-1), when the model measured it
    confidence: float | None = None  # the "same claim" decision (0-1), when measured


TIERS = ("verbatim", "edited", "reworded")


def score_text(score: float, meaning: float | None, confidence: float | None = None) -> str:
    """A link's scores as a reader sees them: the string score, the meaning (0-1) when
    the meaning signal found the passage, and how sure the decision is that it is the
    same claim."""
    text = f"score {score:.1f}" + ("" if meaning is None else f", meaning {meaning:.2f}")
    return text + ("" if confidence is None else f", {sure_text(confidence)}")


def sure_text(confidence: float) -> str:
    """How sure, in words a reader can weigh: "sure 93%"."""
    return f"sure {round(100 * confidence)}%"


def tier_of(
    quote: str, passage: str, score: float, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> str:
    """How a passage carries an annotation, in words a reader can check:

    - ``verbatim``: the same words (case, punctuation, quote marks and spacing aside);
    - ``edited``: the claim's words, some changed, cut, added or reordered (what string
      matching finds, scoring at least the floor);
    - ``reworded``: the same claim in other words (linked by hand, under the floor).
    """
    if normalise(quote).words == normalise(passage).words:
        return "verbatim"
    return "edited" if score >= thresholds.floor else "reworded"


# --- candidates and alignment ---------------------------------------------------------------


def candidate_articles(
    db: sqlite_utils.Database,
    hashes: Iterable[int],
    exclude: set[int] | None = None,
    restrict: set[int] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[tuple[int, frozenset[int]]]:
    """(article_id, the span's 3-grams it shares), most shared first, at most
    ``MAX_CANDIDATES``.

    3-grams found in more than ``df_cap`` articles are ignored, unless every 3-gram of the
    span is that common (a quote repeated everywhere): then they are all there is to go on.
    """
    shared: dict[int, set[int]] = {}
    capped: list[int] = []
    cap = thresholds.df_cap
    cursor = db.conn.cursor()

    def add(h: int, found: Iterable[int]) -> None:
        for article_id in found:
            shared.setdefault(article_id, set()).add(h)

    for h in hashes:
        found = articles_with(cursor, h, cap + 1)
        if len(found) > cap:
            capped.append(h)
            continue
        add(h, found)
    if not shared:
        for h in capped[:COMMON_SEEDS]:
            add(h, articles_with(cursor, h, MAX_CANDIDATES * 5))
    for article_id in exclude or ():
        shared.pop(article_id, None)
    if restrict is not None:
        shared = {a: found for a, found in shared.items() if a in restrict}
    return rank_candidates(shared)


def rank_candidates(shared: Mapping[K, Iterable[int]]) -> list[tuple[K, frozenset[int]]]:
    """Candidates (article, 3-grams shared with the span), most shared first, ties in
    corpus order, at most ``MAX_CANDIDATES``: one rule for the index and for Spark."""
    ranked = sorted(
        ((key, frozenset(found)) for key, found in shared.items()),
        key=lambda kv: (-len(kv[1]), kv[0]),
    )
    return ranked[:MAX_CANDIDATES]


def aligned_candidates(
    ranked: Iterable[tuple[K, frozenset[int]]],
    located: Callable[[K], T | None],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Iterator[tuple[K, T]]:
    """The candidates that carry the span, in rank order, and where (``located``).

    The best candidates are always aligned. Past them, a candidate is aligned while
    candidates keep matching (a quote many outlets carry), or when it shares a 3-gram no
    failed candidate shared: weak copies of a popular quote's common words all fail alike
    and must not hide an edited report ranked after them. At most one miss per 3-gram of
    the span: the work stays bounded. ``newsmark link`` aligns as it goes; Spark has every
    candidate aligned already and replays this to keep the same ones.
    """
    misses = 0
    failed: set[int] = set()  # 3-grams shared by candidates that did not match
    for rank, (key, shared) in enumerate(ranked):
        if (
            rank >= thresholds.candidates
            and misses >= CANDIDATE_MISSES
            and shared
            and shared <= failed
        ):
            continue
        found = located(key)
        if found is None:
            misses += 1
            failed |= shared
            continue
        misses = 0
        yield key, found


def _refit(query: NormText, doc: NormText, first: int, last: int) -> tuple[float, int, int]:
    """Move each end of the window a few words either way, keeping the best plain ratio.

    The end is fitted first, then the start: two passes over a few positions each instead
    of every (start, end) pair.
    """
    slack = min(12, max(2, len(query.words) // 3))
    target = query.norm
    best = (fuzz.ratio(target, doc.join(first, last)), first, last)
    top = len(doc.words) - 1
    for j in range(max(first, last - slack), min(top, last + slack) + 1):
        score = fuzz.ratio(target, doc.join(first, j))
        if score > best[0]:
            best = (score, first, j)
    last = best[2]
    for i in range(max(0, first - slack), min(first + slack, last) + 1):
        score = fuzz.ratio(target, doc.join(i, last))
        if score > best[0]:
            best = (score, i, last)
    return best


def _chunks(query: NormText) -> list[str]:
    words = query.words
    if len(words) <= CHUNK_WORDS + CHUNK_WORDS // 2:
        return [query.norm]
    return [" ".join(words[i : i + CHUNK_WORDS]) for i in range(0, len(words), CHUNK_WORDS)]


def align(query: NormText, doc: NormText, floor: float) -> tuple[float, int, int] | None:
    """Best (score, first word, last word) of ``query`` inside ``doc``, or ``None``."""
    if not query.words or not doc.words:
        return None
    ranges: list[tuple[int, int, int]] = []
    chunk_floor = max(0.0, floor - 10)
    for k, chunk in enumerate(_chunks(query)):
        found = fuzz.partial_ratio_alignment(chunk, doc.norm, score_cutoff=chunk_floor)
        if found is not None and found.dest_end > found.dest_start:
            ranges.append((*doc.norm_range_to_words(found.dest_start, found.dest_end), k))
    if not ranges:
        return None
    # Each chunk is matched where it scores best, so a reworded quote's chunks can land
    # apart: a stray weak match of one chunk early in the article, the quote itself later.
    # Every group tied for the most matches is scored, never just the first one found.
    groups = _clusters(ranges, len(query.words))
    best: tuple[float, int, int] | None = None
    for group in [g for g in groups if len(g) == len(groups[0])][:MAX_GROUPS]:
        for first, last in _windows(group, len(query.words), len(doc.words)):
            fitted = _refit(query, doc, first, last)
            if best is None or fitted[0] > best[0]:
                best, around = fitted, (first, last)
    assert best is not None
    if best[0] >= floor:
        return best
    if best[0] >= floor - NAMES_REACH and query_names(query.text):
        renamed = _renamed(query, doc, best[1], best[2])
        if renamed >= floor:
            return renamed, best[1], best[2]
    return _carried(query, doc, *around, floor)


# One name, two spellings: a translation transliterates it its own way (Hrytsevich /
# Gritsevich, Tsikhanouskaya / Tikhanovskaya). Those differ by letters, not by meaning.
NAME_SPELLINGS = 70.0  # fuzz.ratio from which two names are taken for one (Gritsevich: 80)
NAME_MIN_LETTERS = 4
NAMES_REACH = 10.0  # how far under the floor a passage may score for names to lift it


@lru_cache(maxsize=1024)
def query_names(text: str) -> frozenset[str]:
    """The words of ``text`` written with a capital (lower-cased): its names, and some
    sentence openers, which another spelling of a name never matches anyway."""
    return frozenset(
        w.lower() for w in WORD_RE.findall(text) if w[0].isupper() and len(w) >= NAME_MIN_LETTERS
    )


def _renamed(query: NormText, doc: NormText, first: int, last: int) -> float:
    """The window's score with each of its names that the claim spells otherwise spelled
    the claim's way: "Alexandra Gritsevich" is "Aliaksandra Hrytsevich" transliterated."""
    from newsmark.annotations.linking.fuzzy import process

    start, end = doc.original_span(first, last)
    theirs = query_names(doc.text[start:end])
    ours = query_names(query.text)
    words = doc.words[first : last + 1]
    unmatched = ours - set(words)
    spelled: dict[str, str] = {}
    for name in theirs - ours:
        found = process.extractOne(name, unmatched, scorer=fuzz.ratio, score_cutoff=NAME_SPELLINGS)
        if found is not None:
            spelled[name] = found[0]
    if not spelled:
        return 0.0
    return fuzz.ratio(query.norm, " ".join(spelled.get(w, w) for w in words))


def _content_purity(claim: Counter[str], passage: str) -> float:
    """The share of a passage's content words that are the claim's."""
    words = Counter(w for w in normalise(passage).words if w not in FUNCTION_WORDS)
    total = sum(words.values())
    return sum(min(n, claim[w]) for w, n in words.items()) / total if total else 0.0


def locate(
    query: NormText, doc: NormText, floor: float, one_paragraph: bool = True
) -> tuple[float, int, int] | None:
    """(score, start, end) of ``query`` in ``doc``'s original text, or ``None``. When the
    claim is one paragraph, so is the passage: a window that ran from the end of a headline
    into the body (the aligner sees words, not line breaks) is aligned again within the
    paragraph holding most of it, and dropped if it no longer scores."""
    aligned = align(query, doc, floor)
    if aligned is None:
        return None
    score, first, last = aligned
    start, end = doc.original_span(first, last)
    if not one_paragraph or "\n" not in doc.text[start:end]:
        return score, start, end
    best = None
    at = start
    for piece in doc.text[start:end].split("\n"):
        words = len(WORD_RE.findall(piece))
        if best is None or words > best[0]:
            best = (words, at, at + len(piece))
        at += len(piece) + 1
    assert best is not None
    lo = doc.text.rfind("\n", 0, best[1]) + 1  # the whole paragraph: the claim may run on
    hi = doc.text.find("\n", best[2])
    hi = len(doc.text) if hi < 0 else hi
    paragraph = normalise(doc.text[lo:hi])
    again = align(query, paragraph, floor)
    if again is None:
        return None
    score, first, last = again
    p_start, p_end = paragraph.original_span(first, last)
    return score, lo + p_start, lo + p_end


# A passage can carry a claim without being a copy of it: half of it quoted, its clauses
# swapped. The whole-string ratio scores those ~60-70; these measure how much of the claim
# the passage carries (coverage) and how much of the passage is the claim (purity).
CARRIED_MIN_WORDS = 5  # content words a passage must share with the claim
CARRIED_PURITY = 0.8  # share of the passage's words that are the claim's
CARRIED_CAP = 89.0  # below every copy's score: the words are the claim's, the copy is not
_OUTSIDE = 1.5  # what a word not in the claim costs a window (a claim word gains 1)


def _carried(
    query: NormText, doc: NormText, first: int, last: int, floor: float
) -> tuple[float, int, int] | None:
    """The window around ``first..last`` that is most purely the claim's words, scored by
    purity and coverage: a half quote scores ~82, clauses swapped ~89, an unrelated passage
    that shares a few common words nothing."""
    claim = Counter(query.words)
    reach = len(query.words)
    lo, hi = max(0, first - reach), min(len(doc.words) - 1, last + reach)
    best_sum, best = 0.0, None
    run_sum, run_start = 0.0, lo
    for i in range(lo, hi + 1):  # the best-scoring run of words (Kadane's algorithm)
        if run_sum <= 0:
            run_sum, run_start = 0.0, i
        run_sum += 1.0 if doc.words[i] in claim else -_OUTSIDE
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, i)
    if best is None:
        return None
    i, j = best
    window = Counter(doc.words[i : j + 1])
    shared = sum(min(n, claim[w]) for w, n in window.items())
    content = sum(min(n, claim[w]) for w, n in window.items() if w not in FUNCTION_WORDS)
    purity = shared / (j - i + 1)
    coverage = shared / len(query.words)
    if content < CARRIED_MIN_WORDS or purity < CARRIED_PURITY:
        return None
    score = min(CARRIED_CAP, 100 * purity * (0.65 + 0.35 * coverage))
    return (round(score, 1), i, j) if score >= floor else None


def _clusters(
    ranges: list[tuple[int, int, int]], span_words: int
) -> list[list[tuple[int, int, int]]]:
    """Runs of chunk matches ``(first, last, chunk)`` that sit close together, largest first
    (ties in document order)."""
    ranges.sort()
    groups: list[list[tuple[int, int, int]]] = []
    for r in ranges:
        if groups and r[0] - groups[-1][-1][1] <= span_words:
            groups[-1].append(r)
        else:
            groups.append([r])
    return sorted(groups, key=len, reverse=True)


def _windows(
    group: list[tuple[int, int, int]], query_words: int, doc_words: int
) -> list[tuple[int, int]]:
    """Where the claim may lie, given a group of its chunks' matches: the matches' own
    extent, and the extent the whole claim would have if each chunk sits where it sits in
    the claim (one chunk found is enough to place the rest of a reworded quote)."""
    first, last = group[0][0], max(r[1] for r in group)
    lead = min(r[0] - r[2] * CHUNK_WORDS for r in group)
    tail = max(r[1] + max(0, query_words - (r[2] + 1) * CHUNK_WORDS) for r in group)
    projected = (max(0, lead), min(doc_words - 1, tail))
    return list(dict.fromkeys([(first, last), projected]))


MAX_GROUPS = 3  # groups tied for the most chunk matches that are each scored
STRING_FLOOR = 75.0  # DEFAULT_THRESHOLDS.floor: under it, a long claim's match is a weak one
WEAK_MATCH_CONFIDENCE = 0.3  # the decision a weak string match needs (bench_story.py)
WEAK_MATCH_PURITY = 0.55  # ... unless at least this share of its content words are the claim's


def floor_for(query: NormText, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> float:
    """The lowest score that links ``query``: a long claim's reworded reports score lower."""
    if len(query.words) >= LONG_CLAIM_WORDS:
        return min(thresholds.floor, LONG_CLAIM_FLOOR)
    return thresholds.floor


def linkable(span: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Long enough to look for in other articles (no matcher needed to ask)."""
    t = thresholds
    return len(span.strip()) >= t.min_chars and len(normalise(span).words) >= t.min_words


class Matcher:
    """Finds matches for spans; caches normalised documents for batch work."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        meaning: str | None = "",
    ):
        self.db = db
        self.thresholds = thresholds
        # the sentence-embedding model's name ("": the configured one); None: strings only
        self.meaning = configured_model() if meaning == "" else meaning
        self._sentences: SentenceCache | None = None
        self.meaning_error: str | None = None  # why the meaning signal is off, if it failed
        # suggestions the decision is less sure of than this are not kept (None: all)
        self.min_confidence: float | None = None
        # the 256 articles read most recently, normalised (a Matcher lives for one batch)
        self.document = lru_cache(maxsize=256)(self._document)

    def _document(self, article_id: int) -> tuple[str, NormText] | None:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        return None if row is None else (row[0], normalise(row[0]))

    def linkable(self, span: str) -> bool:
        return linkable(span, self.thresholds)

    def find(
        self,
        span: str,
        exclude: set[int] | None = None,
        restrict: set[int] | None = None,
        min_score: float | None = None,
        extra_candidates: Iterable[int] = (),
    ) -> list[Match]:
        query = normalise(span)
        floor = floor_for(query, self.thresholds) if min_score is None else min_score
        hashes = shingle_hashes(query.words)
        ranked = candidate_articles(self.db, hashes, exclude, restrict, self.thresholds)
        seen = {a for a, _ in ranked} | (exclude or set())
        # Full-text candidates share no 3-gram (that is why they are there): always aligned.
        ranked += [(a, frozenset()) for a in dict.fromkeys(extra_candidates) if a not in seen]

        def located(article_id: int) -> Match | None:
            found = self.document(article_id)
            if found is None:
                return None
            text, doc = found
            where = locate(query, doc, floor, "\n" not in span)
            if where is None:
                return None
            score, start, end = where
            return Match(article_id, start, end, text[start:end], round(score, 1))

        matches = [m for _, m in aligned_candidates(ranked, located, self.thresholds)]
        matches.sort(key=lambda m: (-m.score, m.article_id, m.start))
        return matches

    def align_in(self, span: str, article_ids: Iterable[int]) -> list[Match]:
        """The best passage of each of ``article_ids`` that carries ``span`` by its
        strings (full-text candidates: each one is aligned, none skipped)."""
        query = normalise(span)
        floor = floor_for(query, self.thresholds)
        matches = []
        for article_id in dict.fromkeys(article_ids):
            found = self.document(article_id)
            if found is None:
                continue
            text, doc = found
            located = locate(query, doc, floor, "\n" not in span)
            if located is not None:
                score, start, end = located
                matches.append(Match(article_id, start, end, text[start:end], round(score, 1)))
        return matches

    def confident(self, span: str, matches: list[Match]) -> list[Match]:
        """``matches`` without the weak ones :func:`confident_matches` drops; without the
        meaning signal (off, or its model failed: ``meaning_error`` says why), all."""
        if self.meaning is None:
            return matches
        try:
            return confident_matches(span, matches, self.meaning)
        except MeaningError as exc:
            self.meaning, self.meaning_error = None, str(exc)
            return matches

    def rated(self, span: str, matches: list[Match]) -> list[Match]:
        """``matches`` with the decision's confidence (:func:`rate`), those under
        ``min_confidence`` left out. Without the meaning signal nothing is rated, and
        nothing left out."""
        if self.meaning is None or not matches:
            return matches
        try:
            rated = rate(span, matches, self.meaning)
        except MeaningError as exc:
            self.meaning, self.meaning_error = None, str(exc)
            return matches
        floor = self.min_confidence
        return [m for m in rated if floor is None or (m.confidence or 0.0) >= floor]

    def reworded(self, span: str, candidates: list[int], found: list[Match]) -> list[Match]:
        """Passages of ``candidates`` that carry ``span`` in other words (see
        :func:`reworded_matches`). If the model fails, strings still link and
        ``meaning_error`` says why meaning does not."""
        if self.meaning is None or not candidates:
            return []
        documents: dict[int, str] = {}
        for article_id in candidates:
            doc = self.document(article_id)
            if doc is not None:
                documents[article_id] = doc[0]
        try:
            if self._sentences is None:
                self._sentences = SentenceCache(embedder(self.meaning))
            return reworded_matches(self._sentences, span, documents, found, self.thresholds)
        except MeaningError as exc:
            self.meaning, self.meaning_error = None, str(exc)
            return []


def confident_matches(span: str, matches: list[Match], model: str) -> list[Match]:
    """``matches`` without the string matches under 75 that the "same claim" decision
    (:mod:`~newsmark.annotations.linking.decision`) gives less than ``WEAK_MATCH_CONFIDENCE``: a
    long claim is linked from 64 for its reworded reports, and a sentence on the same story
    with the same names and another claim scores that too. A passage whose content words
    are mostly the claim's (a half quoted, clauses swapped, a retelling cut short) is kept
    whatever the decision says, and so is every match of a claim of several sentences: the
    decision was fitted on single sentences. Each match is judged on its own (Spark judges
    them where it finds them). Raises :class:`MeaningError` if the model fails."""
    weak = [m for m in matches if m.meaning is None and m.score < STRING_FLOOR]
    if not weak or len(sentences(span)) > 1:
        return matches
    claim = Counter(w for w in normalise(span).words if w not in FUNCTION_WORDS)
    # mostly the claim's own words (a half quoted, a retelling): kept, whatever it says
    doubtful = [m for m in weak if _content_purity(claim, m.text) < WEAK_MATCH_PURITY]
    judged = {id(m): r for m, r in zip(doubtful, rate(span, doubtful, model), strict=True)}
    return [
        judged.get(id(m), m)
        for m in matches
        if id(m) not in judged or (judged[id(m)].confidence or 0.0) >= WEAK_MATCH_CONFIDENCE
    ]


def rate(span: str, matches: list[Match], model: str) -> list[Match]:
    """Each match with how sure the "same claim" decision is (0-1, to 3 places): the
    order the review queue offers them in, surest first. A match rated already keeps its
    rating. Each is rated on its own (the model embeds a text the same alone or in a
    batch), so Spark rates them alike. Raises :class:`MeaningError` if the model fails."""
    from newsmark.annotations.linking.decision import decide

    todo = [m for m in matches if m.confidence is None]
    if not todo:
        return matches
    vectors = embedder(model).embed([span, *(m.text for m in todo)])
    rated = {
        id(m): dataclasses.replace(
            m, confidence=round(decide(span, m.text, float(vectors[0] @ v)).confidence, 3)
        )
        for m, v in zip(todo, vectors[1:], strict=True)
    }
    return [rated.get(id(m), m) for m in matches]


def reworded_matches(
    cache: SentenceCache,
    span: str,
    documents: Mapping[int, str],
    found: list[Match],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Match]:
    """Passages of ``documents`` that carry ``span`` in other words, by the meaning signal,
    where string alignment (``found``) has nothing. Their score is still the plain string
    ratio (under the floor: they are *reworded*); ``meaning`` says how close they are. Each
    document is judged on its own. Raises :class:`MeaningError` if the model fails."""
    taken: dict[int, list[tuple[int, int]]] = {}
    for m in found:
        taken.setdefault(m.article_id, []).append((m.start, m.end))
    close = find_reworded(cache, span, documents.items(), taken)
    query = normalise(span).norm
    cap = thresholds.floor - 1
    out = []
    for r in close:
        text = documents[r.article_id][r.start : r.end]
        score = min(cap, fuzz.ratio(query, normalise(text).norm))
        out.append(Match(r.article_id, r.start, r.end, text, round(score, 1), r.meaning))
    return out


def search_corpus(
    db: sqlite_utils.Database,
    query: str,
    limit: int = 20,
    min_score: float = 60.0,
    exclude: set[int] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Match]:
    """Ranked fuzzy matches of a typed phrase across the corpus (best per article).

    A query longer than :data:`MAX_QUERY_CHARS` is cut there: matching cost grows with the
    query, and a pasted page must not hold the caller for minutes. A query that does not
    end in a space is being typed: its last word may be unfinished and is looked up as a
    prefix.
    """
    words = normalise(query[:MAX_QUERY_CHARS]).words
    if not words:
        return []
    extra = full_text_candidates(
        db, words[:32], max(50, limit * 3), typing=not query[-1:].isspace()
    )
    wide = Thresholds(
        thresholds.near, min_score, 1, 1, thresholds.df_cap, max(thresholds.candidates, limit)
    )
    matcher = Matcher(db, wide)
    matches = matcher.find(
        " ".join(words), exclude=exclude, min_score=min_score, extra_candidates=extra
    )
    wanted = numbers_in(query)
    if wanted:  # the passage that states the query's figures first (its score unchanged)
        agrees = {id(m): wanted <= _numbers_near(matcher, m) for m in matches}
        matches.sort(key=lambda m: -(m.score + (NUMBERS_AGREE if agrees[id(m)] else 0)))
    return matches[:limit]


NUMBERS_AGREE = 10.0  # rank bonus for a passage whose figures include all of the query's
NUMBERS_CONTEXT = 40  # characters either side of a passage that may hold its figure


def _numbers_near(matcher: Matcher, match: Match) -> set[float]:
    """The numbers in and just around a passage: an alignment can leave out the figure
    that differs ("people were taken to hospital" of "Seventeen people were ...")."""
    found = matcher.document(match.article_id)
    if found is None:
        return set()
    text = found[0]
    lo, hi = max(0, match.start - NUMBERS_CONTEXT), match.end + NUMBERS_CONTEXT
    return numbers_in(text[lo:hi])


RARE_TERMS = 8  # the full-text candidates come from at most this many of the query's words
REWORDED_TERMS = 16  # a claim told again keeps few of its rarest words: ask for more


def full_text_candidates(
    db: sqlite_utils.Database,
    words: list[str],
    limit: int,
    typing: bool = False,
    terms: int = RARE_TERMS,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Articles sharing the query's rare words, best first (BM25; ties in corpus order),
    other than ``exclude``: candidates the n-gram index misses when no run of 6 words
    survived an edit."""
    match = candidate_query(db, words, typing, terms)
    return fts_candidates(db, match, limit, exclude) if match else []


def fts_candidates(
    db: sqlite_utils.Database, match: str, limit: int, exclude: Iterable[int] = ()
) -> list[int]:
    """The ``limit`` articles FTS5 ranks best for ``match`` (ties in corpus order), other
    than ``exclude``."""
    try:
        rows = db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            " AND rowid NOT IN (SELECT value FROM json_each(?)) ORDER BY rank, rowid LIMIT ?",
            [match, json.dumps(sorted(exclude)), limit],
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    return [int(r[0]) for r in rows]


CLAIM_TERMS_FROM = 48  # a claim's first words its full-text terms are chosen from


def claim_terms(words: list[str], doc_counts: Mapping[str, int], articles: int) -> list[str]:
    """The words (as FTS5 folds them) whose articles are a claim's full-text candidates:
    its rarest that at least one other article has. A claim of fewer words than the
    meaning signal needs has none. ``newsmark link`` and Spark both ask this."""
    if len(words) < MEANING_MIN_WORDS:
        return []
    rare, known = rare_terms(words[:CLAIM_TERMS_FROM], doc_counts, articles, REWORDED_TERMS, 2)
    if not rare:
        return known[:2]  # only common words: the two least common still rank something
    return within_budget(rare, doc_counts, articles)


def postings_budget(articles: int) -> int:
    """How many articles a full-text query may ask FTS5 to rank (see POSTINGS_BUDGET)."""
    return max(POSTINGS_BUDGET, articles // 50)


def within_budget(terms: list[str], doc_counts: Mapping[str, int], articles: int) -> list[str]:
    """``terms`` (rarest first) while together they are in few articles: FTS5 ranks every
    article holding any of them (see :data:`POSTINGS_BUDGET`). The rarest is always kept."""
    budget = postings_budget(articles)
    kept: list[str] = []
    for term in terms:
        count = doc_counts.get(term, 0)
        if kept and count > budget:
            break
        kept.append(term)
        budget -= count
    return kept


def claim_candidates(
    db: sqlite_utils.Database, words: list[str], limit: int, exclude: Iterable[int]
) -> list[int]:
    """A claim's full-text candidates in the database (see :func:`claim_terms`)."""
    doc_counts, _terms = _vocabulary(db)
    articles = max(1, int(db.execute("SELECT count(*) FROM articles").fetchone()[0]))
    chosen = claim_terms(words, doc_counts, articles)
    if not chosen:
        return []
    return fts_candidates(db, " OR ".join(f'"{t}"' for t in chosen), limit, exclude)


MIN_PREFIX = 3  # a shorter unfinished word would expand to a large part of the vocabulary


def candidate_query(
    db: sqlite_utils.Database,
    words: list[str],
    typing: bool,
    terms: int = RARE_TERMS,
) -> str | None:
    """The FTS5 expression (OR of quoted terms) that finds full-text candidates for a query.

    The n-gram index finds passages that share runs of words; full text adds articles that
    share the query's *rare* words in any order. Common words are left out: they are in
    nearly every article, and asking FTS5 to rank all of those was 96% of a search. Only
    the word being typed is a prefix, and only from 3 letters; a word the corpus does not
    have is replaced by indexed words close to it (typos). (Linking a claim asks
    :func:`claim_terms` instead.)
    """
    doc_counts, _terms = _vocabulary(db)
    articles = max(1, int(db.execute("SELECT count(*) FROM articles").fetchone()[0]))
    unfinished = words[-1] if typing and len(words[-1]) >= MIN_PREFIX else None
    rare, known = rare_terms(
        (w for w in words if w != unfinished), doc_counts, articles, len(words)
    )
    unknown = [w for w in dict.fromkeys(fold(w) for w in words) if w not in doc_counts]
    limit = common_count(articles)
    near = [t for t in _close_terms(db, [w for w in unknown if w != unfinished])]
    chosen = list(dict.fromkeys(rare + [t for t in near if doc_counts.get(t, 0) <= limit]))
    chosen.sort(key=lambda t: doc_counts.get(t, 0))
    kept = within_budget(chosen[:terms], doc_counts, articles)
    budget = postings_budget(articles) - sum(doc_counts.get(t, 0) for t in kept)
    if not kept and not unfinished:
        kept = known[:2]  # only common words: the two least common still rank something
    phrases = [f'"{t}"' for t in kept]  # \w+ words: nothing to escape
    if unfinished and _prefix_articles(_terms, doc_counts, unfinished, budget) <= budget:
        phrases.append(f'"{unfinished}"*')
    return " OR ".join(phrases) or None


# FTS5 ranks every article that holds any of the query's terms: at 100,000 news articles
# eight "rare" words (each in up to 5% of them) meant ranking ~30,000 articles, 70 ms a
# query and 300 ms at p95. Terms are taken rarest first while together they are in at most
# this many articles (or 2% of the corpus); BM25 ranks by the rarest anyway.
POSTINGS_BUDGET = 2_000
PREFIX_TERMS = 200  # completions of the typed word counted before it is taken as too common


def _prefix_articles(
    terms: tuple[str, ...], doc_counts: Mapping[str, int], prefix: str, budget: int
) -> int:
    """How many articles the typed prefix would ask FTS5 to rank (an upper bound: the sum
    over its completions); past ``budget``, or past ``PREFIX_TERMS`` completions, it
    stops counting and says so with a figure over the budget."""
    total = 0
    at = bisect_left(terms, prefix)
    for term in terms[at : at + PREFIX_TERMS + 1]:
        if not term.startswith(prefix):
            return total
        total += doc_counts.get(term, 0)
        if total > budget:
            return total
    return budget + 1  # more completions than counted: a common beginning


Vocabulary = tuple[dict[str, int], tuple[str, ...]]  # (term -> articles with it, terms)


def _vocabulary(db: sqlite_utils.Database) -> Vocabulary:
    """The FTS vocabulary with each term's article count, kept until the number of indexed
    rows changes.

    Keyed by file and size, not by connection: the app's search screen opens a connection
    per query, and a large corpus has a vocabulary worth keeping.
    """
    path = database_path(db)
    size = int(db.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0)
    if path is None:  # in memory: nothing to share
        return _terms(db)
    try:
        return _file_vocabulary(path, size)
    except sqlite3.Error:  # a second reader cannot open it (read-only folder, say)
        return _terms(db)


def _terms(db: sqlite_utils.Database | sqlite3.Connection) -> Vocabulary:
    counts = dict(db.execute("SELECT term, doc FROM articles_fts_vocab").fetchall())
    return counts, tuple(counts)


@lru_cache(maxsize=4)
def _file_vocabulary(path: str, size: int) -> Vocabulary:
    uri = f"file:{quote(path)}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        return _terms(conn)
    finally:
        conn.close()


def _close_terms(db: sqlite_utils.Database, words: list[str]) -> list[str]:
    """Indexed words close to a typed word that is not itself indexed (typo tolerance)."""
    from newsmark.annotations.linking.fuzzy import process

    known, terms = _vocabulary(db)
    found: list[str] = []
    for word in words:
        if len(word) < 4 or word in known:
            continue
        for term, _score, _ in process.extract(
            word, terms, scorer=fuzz.ratio, limit=3, score_cutoff=75
        ):
            found.append(term)
    return found
