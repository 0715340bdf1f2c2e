"""The meaning signal: sentence embeddings that see a claim through rewording and
re-translation, where no string measure can.

String alignment links copies and edits of a claim; a claim told again in other words
("to save the dictator" / "to rescue the dictator") keeps too few of them. An embedding
model scores how close two sentences are in meaning, so the sentences of the articles
that share a claim's rare words (full-text candidates: cheap, and nothing more to store)
are re-scored by meaning, and one close enough that also names what the claim names is
suggested as *reworded*.

The model sits behind :class:`Embedder`, loads lazily (on the first claim that needs it,
in whatever worker thread asks: never at import, never on the UI thread) and is shared by
the whole process. The default, ``wordllama`` (MIT), ships its weights and tokenizer in
its wheel, so it works offline on a fresh install.
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsmark.annotations.linking.normtext import FUNCTION_WORDS, NormText, normalise
from newsmark.corpus.errors import NewsmarkError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MEANING_MIN_WORDS = 10  # shorter quotes: too few words for a sentence embedding to mean much
MEANING_FLOOR = 0.65  # cosine at or above which a sentence may carry the claim
MEANING_SHARED = 3  # content words (names, places, figures, ...) it must share with the claim
MEANING_SHARE = 0.4  # ... and at least this share of the claim's content words
MEANING_CANDIDATES = 10  # articles re-scored per claim
CACHED_ARTICLES = 256  # embedded sentences kept per process, most recently used

# A sentence ends at . ! ? (with any closing quotes or brackets) before whitespace, or at a
# line break; headings and captions end at the line break.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n+")


class MeaningError(NewsmarkError):
    """A meaning model that is not known or cannot load."""


class Embedder(Protocol):
    """What linking needs of a sentence-embedding model."""

    name: str

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit-length row per text."""
        ...


class WordLlama:
    """``wordllama`` 0.4 (MIT, by Lee Miller): 256-dimension static token embeddings
    distilled from a large language model's, pooled per sentence; ~16 MB of weights in the
    wheel, ~1.5 ms for an article's sentences on one core. Its tokenizer is case-sensitive,
    so text is lower-cased first (a headline in capitals means the same)."""

    name = "wordllama"

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                try:
                    import wordllama

                    # The default load looks for the tokenizer online; the wheel has it.
                    self._model = wordllama.WordLlama.load(
                        cache_dir=Path(wordllama.__file__).parent, disable_download=True
                    )
                except Exception as exc:  # a broken install must not stop string linking
                    raise MeaningError(f"the meaning model wordllama did not load: {exc}") from exc
            return self._model

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        model = self._load()
        vectors = model.embed([t.lower() for t in texts], norm=True)  # type: ignore[attr-defined]
        return np.asarray(vectors, dtype=np.float32)


MODELS: dict[str, type] = {"wordllama": WordLlama}
DEFAULT_MODEL = "wordllama"
MODEL_VARIABLE = "NEWSMARK_MEANING"  # a model's name, or "off" for string matching only


def configured_model() -> str | None:
    """The model ``$NEWSMARK_MEANING`` names (default ``wordllama``); ``None`` for "off"."""
    name = os.environ.get(MODEL_VARIABLE, DEFAULT_MODEL).strip().lower() or DEFAULT_MODEL
    return None if name in ("off", "none", "0") else name


_shared: dict[str, Embedder] = {}
_shared_lock = threading.Lock()


def embedder(name: str = "wordllama") -> Embedder:
    """The process's one instance of a model (not loaded until it embeds something)."""
    with _shared_lock:
        if name not in _shared:
            if name not in MODELS:
                known = ", ".join(sorted(MODELS))
                raise MeaningError(
                    f"unknown meaning model {name!r} in ${MODEL_VARIABLE} (known: {known}, off)"
                )
            _shared[name] = MODELS[name]()
        return _shared[name]


def sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence, trimmed to its first and last word character."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        words = list(re.finditer(r"\w+", text[s:e]))
        if words:
            trimmed.append((s + words[0].start(), s + words[-1].end()))
    return trimmed


def content_words(norm: NormText) -> Counter[str]:
    return Counter(w for w in norm.words if w not in FUNCTION_WORDS)


class Sentences:
    """One article's sentences, their content words, and the embeddings made of them so far.

    A sentence is embedded only once a claim could accept it: a passage must share
    ``need`` content words with the claim, so a sentence (or run of them) that cannot is
    never embedded. That is most of an article's sentences for most claims, and embedding
    was most of a claim's linking time (~30 ms of ~60 at 100,000 articles)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentences(text)
        self.content = [content_words(normalise(text[s:e])) for s, e in self.spans]
        self._vectors: dict[int, NDArray[np.float32]] = {}

    def shared(self, claim: Counter[str]) -> list[int]:
        """How many of ``claim``'s content words each sentence holds (an upper bound for a
        run of sentences: the sum of its sentences')."""
        return [sum((words & claim).values()) for words in self.content]

    def vectors(self, model: Embedder, wanted: Iterable[int]) -> dict[int, NDArray[np.float32]]:
        """The embeddings of the ``wanted`` sentences, made (in one batch) where missing."""
        wanted = sorted(set(wanted))
        missing = [i for i in wanted if i not in self._vectors]
        if missing:
            made = model.embed([self.text[s:e] for s, e in (self.spans[i] for i in missing)])
            for i, vector in zip(missing, made, strict=True):
                self._vectors[i] = vector
        return {i: self._vectors[i] for i in wanted}


class SentenceCache:
    """Sentences of recently seen articles (an article's text does not change)."""

    def __init__(self, model: Embedder, size: int = CACHED_ARTICLES) -> None:
        self.model = model
        self.size = size
        self._items: OrderedDict[int, Sentences] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, article_id: int, text: str) -> Sentences:
        with self._lock:
            found = self._items.get(article_id)
            if found is not None:
                self._items.move_to_end(article_id)
                return found
        item = Sentences(text)
        with self._lock:
            self._items[article_id] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item


@dataclass(frozen=True)
class Reworded:
    article_id: int
    start: int
    end: int
    meaning: float  # cosine, 0-1


def find_reworded(
    cache: SentenceCache,
    quote: str,
    documents: Iterable[tuple[int, str]],
    taken: dict[int, list[tuple[int, int]]],
) -> list[Reworded]:
    """The sentence (or run of as many sentences as the claim has) in each document that
    is closest in meaning to ``quote``, when it is close enough and shares enough of the
    claim's content words; none that overlaps a passage already ``taken`` (found by the
    string aligner) in its article. A claim of several sentences that no run matches is
    looked for a sentence at a time (see :func:`_some_sentences`)."""
    claim = normalise(quote)
    if len(claim.words) < MEANING_MIN_WORDS:
        return []
    claim_content = content_words(claim)
    need = max(MEANING_SHARED, round(MEANING_SHARE * sum(claim_content.values())))
    size = max(1, len(sentences(quote)))
    target = cache.model.embed([quote])[0]
    parts = _claim_sentences(cache.model, quote) if size > 1 else []
    found: list[Reworded] = []
    model = cache.model
    for article_id, text in documents:
        item = cache.get(article_id, text)
        if not item.spans:
            continue
        where = taken.get(article_id, ())
        hit = _closest(model, item, target, size, claim_content, need, where)
        if hit is None and parts:
            hit = _some_sentences(model, item, parts, where)
        if hit is not None:
            found.append(Reworded(article_id, *hit))
    return found


def _closest(
    model: Embedder,
    item: Sentences,
    target: NDArray[np.float32],
    size: int,
    claim_content: Counter[str],
    need: int,
    taken: Iterable[tuple[int, int]],
) -> tuple[int, int, float] | None:
    """The run of ``size`` sentences closest to the claim, if close enough and sharing
    enough of its content words. Only runs that could share enough are embedded and
    ranked."""
    import numpy as np

    size = min(size, len(item.spans))
    shared = item.shared(claim_content)
    runs = [i for i in range(len(shared) - size + 1) if sum(shared[i : i + size]) >= need]
    if not runs:
        return None
    vectors = item.vectors(model, (i + k for i in runs for k in range(size)))
    windows = []
    for i in runs:
        vector = sum(vectors[i + k] for k in range(size))
        norm = float(np.linalg.norm(vector)) or 1.0
        windows.append((item.spans[i][0], item.spans[i + size - 1][1], vector / norm))
    scores = np.stack([w[2] for w in windows]) @ target
    text = item.text
    for i in np.argsort(-scores)[:3]:  # the best three: the first may share too little
        cosine = float(scores[i])
        if cosine < MEANING_FLOOR:
            return None
        start, end, _ = windows[i]
        if any(start < e and s < end for s, e in taken):
            return None  # the aligner has the claim here already
        words = content_words(normalise(text[start:end])) & claim_content
        if sum(words.values()) >= need:
            start, end = _trim(text, start, end, claim_content)
            return start, end, round(cosine, 3)
    return None


@dataclass(frozen=True)
class _Part:
    vector: NDArray[np.float32]
    content: Counter[str]
    need: int


def _claim_sentences(model: Embedder, quote: str) -> list[_Part]:
    """The sentences of a claim of several, each long enough to be looked for alone."""
    import numpy as np

    spans = [(s, e) for s, e in sentences(quote) if len(normalise(quote[s:e]).words) >= 6]
    if len(spans) < 2:
        return []
    vectors = model.embed([quote[s:e] for s, e in spans])
    out = []
    for (s, e), vector in zip(spans, np.asarray(vectors), strict=True):
        content = content_words(normalise(quote[s:e]))
        need = max(MEANING_SHARED, round(MEANING_SHARE * sum(content.values())))
        out.append(_Part(vector, content, need))
    return out


def _some_sentences(
    model: Embedder, item: Sentences, parts: list[_Part], taken: Iterable[tuple[int, int]]
) -> tuple[int, int, float] | None:
    """A whole quote of several sentences that an article carries only in part, or with
    each sentence reworded its own way: the article's sentences that each carry one of the
    claim's, when they sit together (at most one sentence between them). The passage runs
    from the first to the last of them; its meaning is their mean cosine. Only sentences
    that share enough of a part's content words are embedded and ranked for it."""
    taken = list(taken)
    text = item.text
    hits: list[tuple[int, float]] = []  # (the article's sentence, cosine)
    for part in parts:
        able = [i for i, n in enumerate(item.shared(part.content)) if n >= part.need]
        if not able:
            continue
        vectors = item.vectors(model, able)
        scores = {i: float(vectors[i] @ part.vector) for i in able}
        for i in sorted(able, key=lambda k: -scores[k])[:3]:
            cosine = scores[i]
            if cosine < MEANING_FLOOR:
                break
            start, end = item.spans[i]
            if any(start < e and s < end for s, e in taken):
                break
            shared = content_words(normalise(text[start:end])) & part.content
            if sum(shared.values()) >= part.need:
                hits.append((i, cosine))
                break
    if not hits:
        return None
    hits.sort()
    runs: list[list[tuple[int, float]]] = [[hits[0]]]
    for hit in hits[1:]:
        if hit[0] - runs[-1][-1][0] <= 2:
            runs[-1].append(hit)
        else:
            runs.append([hit])
    best = max(runs, key=lambda run: (len(run), sum(c for _, c in run)))
    start, end = item.spans[best[0][0]][0], item.spans[best[-1][0]][1]
    return start, end, round(sum(c for _, c in best) / len(best), 3)


_WORD = re.compile(r"\w+")
_OPENERS = re.compile(r"[:\"\u201c\u00ab]")  # where a report's framing ends and a quote starts
_BREAKS = re.compile(r"[,;:\u2013\u2014(]")  # where a trailing clause of its own starts


def _trim(text: str, start: int, end: int, claim: Counter[str]) -> tuple[int, int]:
    """The sentence without its own framing ("The message read: ...", "..., where he is
    staying"): from after a colon or opening quote mark that comes before the claim's
    first content word, to the last content word when a clause break follows it."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]
    hits = [w for w in words if w[2].lower() in claim]
    if not hits:
        return start, end
    first, last = hits[0], hits[-1]
    openers = list(_OPENERS.finditer(text, start, first[0]))
    new_start = start
    if openers:
        new_start = next(w[0] for w in words if w[0] >= openers[-1].end())
    new_end = last[1] if _BREAKS.search(text, last[1], end) else end
    return new_start, new_end
