"""Which words differ between two passages, as offsets in each, for marking them on screen."""

from __future__ import annotations

from difflib import SequenceMatcher

from newsmark.annotations.linking.normtext import normalise


def differing_words(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``[start, end)`` spans of the words of ``a`` and of ``b`` that the other lacks.

    Words are compared after normalisation, so case, punctuation and quote style do not
    count as differences; wording, numbers and names do.
    """
    na, nb = normalise(a), normalise(b)
    matcher = SequenceMatcher(a=na.words, b=nb.words, autojunk=False)
    in_a = [True] * len(na.words)
    in_b = [True] * len(nb.words)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            in_a[block.a + i] = False
            in_b[block.b + i] = False
    wa, wb = na.word_spans(), nb.word_spans()
    spans_a = [wa[i] for i, diff in enumerate(in_a) if diff]
    spans_b = [wb[i] for i, diff in enumerate(in_b) if diff]
    return spans_a, spans_b
