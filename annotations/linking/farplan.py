"""How an archive is linked without a database, giving the links ``newsmark link`` gives.

``newsmark link`` decides with corpus-wide numbers its database keeps: how many articles
hold each 3-gram (a common one is not looked up), each word (the rare ones find reworded
copies) and the BM25 rank of each article. An archive has none of these, so they are
counted first, and the same rules applied to them, in passes a cluster can run apart:

1. :func:`partition_stats`: each article once; the 3-grams and words it shares with the
   claims, and its length in tokens. Summed (:meth:`Stats.merge`).
2. :func:`make_plan` (the driver): each claim's 3-grams to look up and its full-text
   terms with their weight, exactly as the database would choose them.
3. :func:`partition_candidates`: each article again; where each claim sharing a 3-gram
   lies in it (and whether the "same claim" decision keeps a weak match), and its BM25 for
   each claim's terms (only the entries that can still make a claim's top ten).
4. :func:`choose` (per claim): the index's ranking and skip rule replayed on what was
   found; the ten best full-text candidates of the articles not linked already.
5. :func:`finish`: those ten, aligned and, failing that, read for meaning.

:func:`link_archive` runs the passes in one process (the yardstick, and what the tests
hold against ``newsmark link``); :mod:`~newsmark.annotations.linking.sparkjob` runs them on Spark.
Nothing here imports Spark.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsmark.annotations.linking.farlink import Claim, Claims, link_record
from newsmark.annotations.linking.fulltext import bm25, fold, idf, term_counts
from newsmark.annotations.linking.matching import (
    CLAIM_TERMS_FROM,
    COMMON_SEEDS,
    DEFAULT_THRESHOLDS,
    MAX_CANDIDATES,
    REWORDED_CANDIDATES,
    Match,
    Thresholds,
    aligned_candidates,
    claim_terms,
    confident_matches,
    floor_for,
    locate,
    rank_candidates,
    rate,
    reworded_matches,
)
from newsmark.annotations.linking.meaning import (
    MEANING_MIN_WORDS,
    MeaningError,
    SentenceCache,
    embedder,
)
from newsmark.annotations.linking.normtext import index_hashes, normalise, shingle_hashes
from newsmark.corpus.articles import NewArticle

SEED_ARTICLES = MAX_CANDIDATES * 5  # articles a common 3-gram seeds (the index's limit)
Keyed = tuple[int, NewArticle]  # (its place in the archive, the article)


@dataclass
class Stats:
    """What the database would know of the archive, for the claims' 3-grams and words."""

    articles: int = 0
    tokens: int = 0
    hashes: Counter[int] = field(default_factory=Counter)  # 3-gram -> articles with it
    words: Counter[str] = field(default_factory=Counter)  # term -> articles with it

    def merge(self, other: Stats) -> Stats:
        self.articles += other.articles
        self.tokens += other.tokens
        self.hashes.update(other.hashes)
        self.words.update(other.words)
        return self


def claim_words(claims: Claims) -> frozenset[str]:
    """Every term (as FTS5 folds it) a claim's full-text candidates may be chosen by."""
    found: set[str] = set()
    for claim in claims.claims:
        words = normalise(claim.quote).words
        if len(words) >= MEANING_MIN_WORDS:
            found.update(fold(w) for w in words[:CLAIM_TERMS_FROM])
    return frozenset(found)


def partition_stats(articles: Iterable[Keyed], claims: Claims, words: frozenset[str]) -> Stats:
    """Pass 1 over a share of the archive."""
    stats = Stats()
    for _key, article in articles:
        stats.articles += 1
        stats.hashes.update(h for h in index_hashes(article.text) if h in claims.index)
        counts = term_counts(article.title, article.text)
        stats.tokens += sum(counts.values())
        stats.words.update(t for t in counts if t in words)
    return stats


@dataclass(frozen=True)
class ClaimPlan:
    hashes: frozenset[int]  # the 3-grams that make an article a candidate
    seeds: bool  # all of them are common: each seeds only its first SEED_ARTICLES
    weights: dict[str, float]  # full-text term -> idf, in the order FTS5 would sum them


@dataclass(frozen=True)
class Plan:
    claims: list[ClaimPlan]
    by_hash: dict[int, list[int]]  # 3-gram -> the claims it makes candidates for
    by_term: dict[str, list[int]]  # full-text term -> the claims that look for it
    average: float  # tokens per article
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    meaning: str | None = None  # the sentence-embedding model, None: strings only
    min_confidence: float | None = None  # links the decision is less sure of are left out


def make_plan(
    claims: Claims,
    stats: Stats,
    meaning: str | None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    min_confidence: float | None = None,
) -> Plan:
    """Pass 2 (the driver): each claim's lookups, chosen as
    :func:`~newsmark.annotations.linking.matching.candidate_articles` and
    :func:`~newsmark.annotations.linking.matching.claim_terms` choose them in a database."""
    articles = max(1, stats.articles)
    plans: list[ClaimPlan] = []
    by_hash: dict[int, list[int]] = {}
    by_term: dict[str, list[int]] = {}
    for i, claim in enumerate(claims.claims):
        words = normalise(claim.quote).words
        hashes = shingle_hashes(words)  # the same set, so the same order, as the index's
        used = [h for h in hashes if stats.hashes[h] <= thresholds.df_cap]
        seeds = not any(stats.hashes[h] for h in used)
        if seeds:
            used = [h for h in hashes if stats.hashes[h] > thresholds.df_cap][:COMMON_SEEDS]
        terms = claim_terms(words, {w: n for w, n in stats.words.items() if n}, articles)
        plans.append(
            ClaimPlan(frozenset(used), seeds, {t: idf(stats.words[t], articles) for t in terms})
        )
        for h in set(used):
            by_hash.setdefault(h, []).append(i)
        for t in terms:
            by_term.setdefault(t, []).append(i)
    average = stats.tokens / articles if stats.tokens else 1.0
    return Plan(plans, by_hash, by_term, average, thresholds, meaning, min_confidence)


@dataclass(frozen=True)
class Found:
    """A string candidate of one claim: where it is in one article, if it is there."""

    key: int
    shared: frozenset[int]
    own: bool  # the claim's own article (counts for a seed's limit, never linked)
    match: Match | None = None
    kept: bool = False  # the "same claim" decision keeps it (always, over 75)
    record: dict[str, Any] | None = None


@dataclass(frozen=True)
class Ranked:
    """A full-text candidate of one claim: FTS5's rank (lower is better) in one article."""

    rank: float
    key: int


def _judged(claim: Claim, match: Match, plan: Plan) -> tuple[Match | None, str | None]:
    """(the match rated, or ``None`` if the decision drops it as a weak one; why the
    meaning signal failed), as ``newsmark link`` judges and rates it."""
    if plan.meaning is None:
        return match, None
    try:
        kept = confident_matches(claim.quote, [match], plan.meaning)
        return (rate(claim.quote, kept, plan.meaning)[0] if kept else None), None
    except MeaningError as exc:
        return match, str(exc)


def _record(article: NewArticle, claim: Claim, m: Match, plan: Plan) -> dict[str, Any] | None:
    """The link record of a judged match; ``None`` if the decision is less sure than the
    plan's ``min_confidence``."""
    sure = m.confidence
    if plan.min_confidence is not None and sure is not None and sure < plan.min_confidence:
        return None
    return link_record(article, claim, m.start, m.end, m.score, m.meaning, sure)


def partition_candidates(
    articles: Iterable[Keyed], claims: Claims, plan: Plan
) -> Iterator[tuple[int, Found | Ranked] | tuple[str, str]]:
    """Pass 3 over a share of the archive: (claim, :class:`Found`) for each claim an
    article shares a 3-gram with; (claim, :class:`Ranked`) for the full-text entries that
    can still be among the claim's ten best once the articles linked already are left
    out: the ten best of those it has no string match in, and every one it has."""
    best: dict[int, list[tuple[float, int]]] = {}  # claim -> heap of (-rank, -key)
    for key, article in articles:
        sha = article.sha256
        doc = None
        shared: dict[int, set[int]] = {}
        for h in index_hashes(article.text):
            for i in plan.by_hash.get(h, ()):
                shared.setdefault(i, set()).add(h)
        located: set[int] = set()
        for i, hs in shared.items():
            claim = claims.claims[i]
            if claim.source_sha256 == sha:
                yield i, Found(key, frozenset(hs), own=True)
                continue
            query = normalise(claim.quote)
            doc = doc or normalise(article.text)
            where = locate(query, doc, floor_for(query, plan.thresholds), "\n" not in claim.quote)
            if where is None:
                yield i, Found(key, frozenset(hs), own=False)
                continue
            score, start, end = where
            match = Match(key, start, end, article.text[start:end], round(score, 1))
            judged, error = _judged(claim, match, plan)
            if error:
                yield "meaning_error", error
            record = None if judged is None else _record(article, claim, judged, plan)
            yield i, Found(key, frozenset(hs), False, match, judged is not None, record)
            located.add(i)
        counts = term_counts(article.title, article.text)
        looking = {i for t in counts if t in plan.by_term for i in plan.by_term[t]}
        length = sum(counts.values())
        for i in looking:
            if claims.claims[i].source_sha256 == sha:
                continue
            rank = -bm25(counts, length, plan.claims[i].weights, plan.average)
            if i in located:
                yield i, Ranked(rank, key)
                continue
            heap = best.setdefault(i, [])
            entry = (-rank, -key)
            if len(heap) < REWORDED_CANDIDATES:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
    for i, heap in best.items():
        for neg_rank, neg_key in heap:
            yield i, Ranked(-neg_rank, -neg_key)


def choose(
    claim: int, found: Iterable[Found | Ranked], plan: Plan
) -> tuple[list[dict[str, Any]], list[int]]:
    """Pass 4, for one claim: (the string links ``newsmark link`` keeps, the articles of
    its full-text candidates)."""
    strings = [f for f in found if isinstance(f, Found)]
    ranked = [f for f in found if isinstance(f, Ranked)]
    if plan.claims[claim].seeds:  # each common 3-gram gives its first articles only
        firsts: dict[int, set[int]] = {}
        for h in plan.claims[claim].hashes:
            having = sorted(f.key for f in strings if h in f.shared)[:SEED_ARTICLES]
            for key in having:
                firsts.setdefault(key, set()).add(h)
        strings = [
            Found(f.key, frozenset(firsts[f.key]), f.own, f.match, f.kept, f.record)
            for f in strings
            if f.key in firsts
        ]
    by_key = {f.key: f for f in strings if not f.own}
    order = rank_candidates({key: f.shared for key, f in by_key.items()})
    kept = [
        f
        for _key, f in aligned_candidates(
            order, lambda k: by_key[k] if by_key[k].match else None, plan.thresholds
        )
    ]
    links = [f.record for f in kept if f.kept and f.record is not None]
    taken = {f.key for f in kept if f.kept}
    own = {f.key for f in strings if f.own}
    rest = sorted((r.rank, r.key) for r in ranked if r.key not in taken and r.key not in own)
    return links, [key for _rank, key in rest[:REWORDED_CANDIDATES]]


_caches: dict[str, SentenceCache] = {}


def finish(
    key: int, article: NewArticle, wanted: Iterable[int], claims: Claims, plan: Plan
) -> Iterator[tuple[str, Any]]:
    """Pass 5: an article among the full-text candidates of the claims ``wanted``: its
    passage that carries each by its strings, or else by its meaning."""
    doc = normalise(article.text)
    for i in wanted:
        claim = claims.claims[i]
        query = normalise(claim.quote)
        found: list[Match] = []
        where = locate(query, doc, floor_for(query, plan.thresholds), "\n" not in claim.quote)
        if where is not None:
            score, start, end = where
            match = Match(key, start, end, article.text[start:end], round(score, 1))
            judged, error = _judged(claim, match, plan)
            if error:
                yield "meaning_error", error
            found = [] if judged is None else [judged]
        if plan.meaning is not None:
            try:
                cache = _caches.get(plan.meaning)
                if cache is None:
                    cache = _caches[plan.meaning] = SentenceCache(embedder(plan.meaning))
                documents = {key: article.text}
                again = reworded_matches(cache, claim.quote, documents, found, plan.thresholds)
                found += rate(claim.quote, again, plan.meaning)
            except MeaningError as exc:
                yield "meaning_error", str(exc)
        for m in found:
            record = _record(article, claim, m, plan)
            if record is not None:
                yield "link", record


def link_archive(
    articles: list[Keyed],
    claims: Claims,
    meaning: str | None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    min_confidence: float | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every pass in this process, over articles in archive order: (link records, why the
    meaning signal failed, if it did)."""
    words = claim_words(claims)
    stats = partition_stats(articles, claims, words)
    plan = make_plan(claims, stats, meaning, thresholds, min_confidence)
    grouped: dict[int, list[Found | Ranked]] = {}
    errors: list[str] = []
    for tag, item in partition_candidates(articles, claims, plan):
        if isinstance(tag, str):
            errors.append(str(item))
        else:
            grouped.setdefault(tag, []).append(item)  # type: ignore[arg-type]
    links: list[dict[str, Any]] = []
    wanted: dict[int, list[int]] = {}
    for claim, found in grouped.items():
        strings, fulltext = choose(claim, found, plan)
        links += strings
        for key in fulltext:
            wanted.setdefault(key, []).append(claim)
    for key, article in articles:
        if key in wanted:
            for tag, item in finish(key, article, wanted[key], claims, plan):
                (links if tag == "link" else errors).append(item)
    return links, errors
