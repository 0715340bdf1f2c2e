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

import json
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import sqlite_utils

from newsmark.annotations.spans.model import Annotation

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
    """Cohen's kappa per label over every word of ``texts`` (see the module's docstring)."""
    words = {aid: word_bounds(text) for aid, text in texts.items()}
    return kappa_from_bounds(words, a, b, labels)


def word_bounds(text: str) -> tuple[list[int], list[int]]:
    """Where each word starts and ends (two sorted lists)."""
    spans = [m.span() for m in WORD.finditer(text)]
    return [s for s, _ in spans], [e for _, e in spans]


def kappa_from_bounds(
    words: dict[int, tuple[list[int], list[int]]],
    a: dict[int, list[Span]],
    b: dict[int, list[Span]],
    labels: set[str],
) -> dict[str, float]:
    out: dict[str, float] = {}
    for label in sorted(labels):
        both = only_a = only_b = neither = 0
        for aid, (starts, ends) in words.items():
            ra = _word_ranges(starts, ends, [s for s in a.get(aid, []) if s[2] == label])
            rb = _word_ranges(starts, ends, [s for s in b.get(aid, []) if s[2] == label])
            len_a, len_b = _size(ra), _size(rb)
            inter = _intersection(ra, rb)
            both += inter
            only_a += len_a - inter
            only_b += len_b - inter
            neither += len(starts) - (len_a + len_b - inter)
        n = both + only_a + only_b + neither
        if n == 0:
            continue
        p_o = (both + neither) / n
        pa, pb = (both + only_a) / n, (both + only_b) / n
        p_e = pa * pb + (1 - pa) * (1 - pb)
        out[label] = (1.0 if p_o == 1 else 0.0) if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return out


def alpha_by_word(db: sqlite_utils.Database) -> dict[str, float]:
    """Krippendorff's alpha (nominal) per label across every annotator at once (the gold
    layer aside): each word of an article two or more people annotated is a unit, and
    each of them says whether it lies in a span of the label. Alpha = 1 - (n - 1) * D /
    (n0 * n1), where a word marked by a of its m coders adds a(m - a)/(m - 1) to D, a to
    n1 and m - a to n0 (the binary case of the coincidence matrix). 1 is perfect
    agreement, 0 what chance gives; a label nobody's words vary on counts as 1.0 when
    all agree."""
    spans: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for annotator, article_id, start, end, label in db.execute(
        'SELECT annotator, article_id, start, "end", label FROM annotations'
    ):
        if annotator != GOLD:
            spans[int(article_id)][str(annotator)].append((int(start), int(end), str(label)))
    labels = sorted({sp[2] for coders in spans.values() for v in coders.values() for sp in v})
    sums = {label: [0.0, 0, 0] for label in labels}  # D, n1, n0
    for article_id, coders in spans.items():
        m = len(coders)
        if m < 2:
            continue
        text = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        starts, ends = word_bounds(str(text))
        for label in labels:
            marks = [0] * (len(starts) + 1)  # how many coders mark each word (difference array)
            for coded in coders.values():
                for i, j in _word_ranges(starts, ends, [x for x in coded if x[2] == label]):
                    marks[i] += 1
                    marks[j] -= 1
            total = sums[label]
            running = 0
            for w in range(len(starts)):
                running += marks[w]
                total[0] += running * (m - running) / (m - 1)
                total[1] += running
                total[2] += m - running
    out = {}
    for label, (disagreement, n1, n0) in sums.items():
        n = n1 + n0
        if n == 0:
            continue
        out[label] = (
            (1.0 if disagreement == 0 else 0.0)
            if n1 * n0 == 0
            else (1 - (n - 1) * disagreement / (n1 * n0))
        )
    return out


def _word_ranges(starts: list[int], ends: list[int], spans: list[Span]) -> list[tuple[int, int]]:
    """The words the spans touch, as merged half-open ranges of word indices: counting by
    ranges, not word by word, keeps 100,000 annotations to seconds."""
    ranges = sorted((bisect_right(ends, s), bisect_left(starts, e)) for s, e, _ in spans)
    merged: list[tuple[int, int]] = []
    for i, j in ranges:
        if j <= i:
            continue
        if merged and i <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], j))
        else:
            merged.append((i, j))
    return merged


def _size(ranges: list[tuple[int, int]]) -> int:
    return sum(j - i for i, j in ranges)


def _intersection(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    total = x = y = 0
    while x < len(a) and y < len(b):
        lo, hi = max(a[x][0], b[y][0]), min(a[x][1], b[y][1])
        total += max(0, hi - lo)
        if a[x][1] < b[y][1]:
            x += 1
        else:
            y += 1
    return total


def agreement(db: sqlite_utils.Database) -> list[Pair]:
    """Every pair of annotators who both annotated at least one same article (the gold
    layer aside)."""
    spans: dict[str, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for annotator, article_id, start, end, label in db.execute(
        'SELECT annotator, article_id, start, "end", label FROM annotations'
    ):
        if annotator != GOLD:  # the gold layer holds only what was curated: no coder
            spans[str(annotator)][int(article_id)].append((int(start), int(end), str(label)))
    pairs = []
    bounds: dict[int, tuple[list[int], list[int]]] = {}  # read each article once
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
        for aid in shared:
            if aid not in bounds:
                text = db.execute("SELECT text FROM articles WHERE id = ?", [aid]).fetchone()[0]
                bounds[aid] = word_bounds(str(text))
        labels = {s[2] for v in (*a.values(), *b.values()) for s in v}
        pairs.append(
            Pair(
                (first, second),
                len(shared),
                _f1(exact, count_a, count_b),
                _f1(overlap, count_a, count_b),
                kappa_from_bounds({aid: bounds[aid] for aid in shared}, a, b, labels),
            )
        )
    return pairs


@dataclass(frozen=True)
class Disagreement:
    """Overlapping annotations of one article where two annotators differ."""

    left: list[Annotation]  # the first annotator's
    right: list[Annotation]  # the second's

    @property
    def start(self) -> int:
        return min(a.start for a in (*self.left, *self.right))


def annotators_of(db: sqlite_utils.Database, article_id: int) -> list[str]:
    """The annotators of an article whose versions may be curated (the gold layer is what
    curation makes, not one of the sides)."""
    return [
        str(r[0])
        for r in db.execute(
            "SELECT DISTINCT annotator FROM annotations WHERE article_id = ? ORDER BY 1",
            [article_id],
        )
        if r[0] != GOLD
    ]


def disagreements(
    db: sqlite_utils.Database, article_id: int, first: str, second: str
) -> list[Disagreement]:
    """Groups of overlapping annotations (by either of the two) whose spans and labels are
    not the same on both sides, in text order."""
    from newsmark.annotations.spans.store import list_annotations

    mine = [a for a in list_annotations(db, article_id) if a.annotator in (first, second)]
    mine.sort(key=lambda a: (a.start, a.end))
    groups: list[list[Annotation]] = []
    reach = -1
    for ann in mine:
        if groups and ann.start < reach:
            groups[-1].append(ann)
            reach = max(reach, ann.end)
        else:
            groups.append([ann])
            reach = ann.end
    settled = _settled(db, article_id, first, second)
    out = []
    for group in groups:
        left = [a for a in group if a.annotator == first]
        right = [a for a in group if a.annotator == second]
        if {(a.start, a.end, a.label) for a in left} == {(a.start, a.end, a.label) for a in right}:
            continue
        span = (min(a.start for a in group), max(a.end for a in group))
        if any(s <= span[0] and span[1] <= e for s, e in settled):
            continue  # a curator kept one version here
        out.append(Disagreement(left, right))
    return out


def _settled_key(article_id: int, first: str, second: str) -> str:
    return "curated:" + json.dumps([article_id, *sorted((first, second))])


def _settled(
    db: sqlite_utils.Database, article_id: int, first: str, second: str
) -> list[tuple[int, int]]:
    from newsmark.annotations.desk.state import get_state

    raw = get_state(db, _settled_key(article_id, first, second))
    return [(int(s), int(e)) for s, e in json.loads(raw)] if raw else []


def settled_passages(
    db: sqlite_utils.Database,
) -> list[tuple[int, str, str, list[tuple[int, int]]]]:
    """Every curator's decision: (article, first, second, settled spans), for exports."""
    out = []
    for key, value in db.execute(
        "SELECT key, value FROM app_state WHERE key LIKE 'curated:%' ORDER BY key"
    ):
        article_id, first, second = json.loads(key.removeprefix("curated:"))
        spans = [(int(a), int(b)) for a, b in json.loads(value)]
        if spans:
            out.append((int(article_id), str(first), str(second), spans))
    return out


def settle(
    db: sqlite_utils.Database,
    article_id: int,
    first: str,
    second: str,
    spans: list[tuple[int, int]],
) -> int:
    """Add settled passages (an import's); returns how many were new here."""
    from newsmark.annotations.desk.state import set_state

    have = _settled(db, article_id, first, second)
    new = [span for span in spans if span not in have]
    if new:
        merged = [list(span) for span in [*have, *new]]
        set_state(db, {_settled_key(article_id, first, second): json.dumps(merged)})
    return len(new)


GOLD = "gold"  # the agreed layer a curator builds: an annotator of its own


def keep(
    db: sqlite_utils.Database, dispute: Disagreement, side: str, first: str, second: str
) -> list[str]:
    """A curator keeps one side's version of a passage (``left``, ``right``, or ``both``):
    those annotations are copied into the gold layer (annotator :data:`GOLD`, unless it
    has them already) and the passage is settled between the two (no longer listed).
    Nothing is deleted from anyone's layer. Returns the gold annotations made, for
    :func:`unkeep`."""
    from newsmark.annotations.desk.state import set_state
    from newsmark.annotations.spans.store import create_annotation, list_annotations
    from newsmark.corpus.db import write

    group = [*dispute.left, *dispute.right]
    article_id = group[0].article_id
    kept = {"left": dispute.left, "right": dispute.right, "both": group}[side]
    made = []
    with write(db):  # one step: copies, their links and the settled passage, or nothing
        gold = {
            (a.start, a.end, a.label)
            for a in list_annotations(db, article_id)
            if a.annotator == GOLD
        }
        for ann in kept:
            if (ann.start, ann.end, ann.label) in gold:
                continue
            gold.add((ann.start, ann.end, ann.label))
            copy = create_annotation(db, article_id, ann.start, ann.end, ann.label, GOLD, ann.note)
            _copy_decided_links(db, ann.uuid, copy.uuid)
            made.append(copy.uuid)
        span = (min(a.start for a in group), max(a.end for a in group))
        settled = [*_settled(db, article_id, first, second), span]
        set_state(db, {_settled_key(article_id, first, second): json.dumps(settled)})
    return made


def _copy_decided_links(db: sqlite_utils.Database, source: str, copy: str) -> None:
    """Links belong to layers: the kept annotation's decisions (accepted copies elsewhere,
    rejected suggestions) come into the gold layer with it, decided as they were; open
    suggestions do not (the gold layer's own review finds them)."""
    db.execute(
        'INSERT OR IGNORE INTO links (annotation_uuid, target_article_id, start, "end", text,'
        " score, status, target_annotation_uuid, created, decided_at, meaning, confidence)"
        ' SELECT ?, target_article_id, start, "end", text, score, status,'
        " target_annotation_uuid, created, decided_at, meaning, confidence FROM links"
        " WHERE annotation_uuid = ? AND status != 'suggested'",
        [copy, source],
    )


def unkeep(
    db: sqlite_utils.Database, dispute: Disagreement, made: list[str], first: str, second: str
) -> None:
    """Take a :func:`keep` back: its gold annotations go, and the passage is listed again."""
    from newsmark.annotations.desk.state import set_state
    from newsmark.annotations.spans.store import delete_annotation, get_annotation
    from newsmark.corpus.db import write

    with write(db):
        for uuid in made:
            if get_annotation(db, uuid) is not None:
                delete_annotation(db, uuid)  # its links go with it
        group = [*dispute.left, *dispute.right]
        article_id = group[0].article_id
        span = [min(a.start for a in group), max(a.end for a in group)]
        settled = [list(s) for s in _settled(db, article_id, first, second)]
        if span in settled:
            settled.remove(span)
        set_state(db, {_settled_key(article_id, first, second): json.dumps(settled)})
