"""The span lookup the reader paints with agrees with a brute-force scan."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsmark.annotations.spans.index import SpanIndex, nested_among
from newsmark.annotations.spans.model import Annotation


def ann(uuid: str, start: int, end: int) -> Annotation:
    return Annotation(uuid, 1, start, end, "", "", "", "claim", "", "", "", "")


spans = st.lists(
    st.tuples(st.integers(0, 100), st.integers(1, 40)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=40,
)


@given(spans, st.integers(0, 150), st.integers(0, 20))
def test_overlapping_matches_brute_force(pairs, lo, width) -> None:
    items = [ann(str(i), s, e) for i, (s, e) in enumerate(pairs)]
    index = SpanIndex(items)
    hi = lo + width + 1
    expected = {a.uuid for a in items if a.start < hi and a.end > lo}
    assert {a.uuid for a in index.overlapping(lo, hi)} == expected
    covering = index.covering(lo)
    assert {a.uuid for a in covering} == {a.uuid for a in items if a.start <= lo < a.end}
    assert [a.length for a in covering] == sorted(a.length for a in covering)


@given(
    spans,
    st.lists(
        st.tuples(
            st.sampled_from(["add", "remove", "move"]),
            st.integers(0, 60),
            st.integers(0, 100),
            st.integers(1, 50),
        ),
        max_size=25,
    ),
)
def test_one_change_at_a_time_equals_a_rebuild(pairs, steps) -> None:
    """The reader updates its index per keypress; it must be the index a rebuild gives."""
    items = [ann(str(i), s, e) for i, (s, e) in enumerate(pairs)]
    index = SpanIndex(items)
    for n, (kind, pick, start, length) in enumerate(steps):
        old = items[pick % len(items)] if items and kind != "add" else None
        new = None if kind == "remove" else ann(old.uuid if old else f"n{n}", start, start + length)
        items = [a for a in items if old is None or a.uuid != old.uuid] + ([new] if new else [])
        index = index.changed(old, new)
        rebuilt = SpanIndex(items)
        assert [a.uuid for a in index.items] == [a.uuid for a in rebuilt.items]
        assert index.starts == rebuilt.starts and index.max_len == rebuilt.max_len


def test_nested_among() -> None:
    outer, inner, cross, apart = (
        ann("o", 0, 20),
        ann("i", 5, 10),
        ann("c", 15, 30),
        ann("a", 40, 45),
    )
    assert nested_among([outer, inner, cross, apart]) == {"i", "c"}
    assert nested_among([outer, apart]) == set()
