"""Reader motions and offset conversion, tested on plain strings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsmark.annotations.spans import textnav

TEXT = (
    "First sentence here. Second one, with 3.5% and O'Brien!\n"
    "Still the first paragraph.\n\n"
    "New paragraph starts. It ends here.\n\n\n"
    "Last."
)


def test_line_index_round_trip() -> None:
    index = textnav.LineIndex(TEXT)
    for offset in range(len(TEXT) + 1):
        assert index.offset(index.location(offset)) == offset
    assert index.location(0) == (0, 0)
    assert index.location(TEXT.index("Still")) == (1, 0)


@given(st.text(alphabet="ab \n", max_size=80), st.data())
def test_line_spans_cover_exactly(text: str, data: st.DataObject) -> None:
    index = textnav.LineIndex(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    pieces = index.line_spans(start, end)
    covered = "".join(text[index.line_start(r) + a : index.line_start(r) + b] for r, a, b in pieces)
    assert covered == text[start:end].replace("\n", "")


def test_words() -> None:
    assert TEXT[textnav.next_word_start(TEXT, 0) :].startswith("sentence")
    assert TEXT[: textnav.word_end(TEXT, 0)] == "First"
    pos = TEXT.index("3.5%")
    assert TEXT[pos : textnav.word_end(TEXT, pos)] == "3.5%"
    pos = TEXT.index("O'Brien")
    assert TEXT[pos : textnav.word_end(TEXT, pos)] == "O'Brien"
    assert textnav.prev_word_start(TEXT, pos) == TEXT.index("and")
    assert textnav.prev_word_start(TEXT, pos + 3) == pos
    assert textnav.word_at(TEXT, pos + 2) == (pos, pos + 7)
    assert textnav.prev_word_end(TEXT, TEXT.index("sentence") + 8) == TEXT.index(" sentence")


def test_sentences_and_paragraphs() -> None:
    second = TEXT.index("Second")
    assert textnav.next_sentence_start(TEXT, 0) == second
    assert textnav.prev_sentence_start(TEXT, second + 4) == second
    assert textnav.prev_sentence_start(TEXT, second) == 0
    assert textnav.next_paragraph_start(TEXT, 0) == TEXT.index("New paragraph")
    assert textnav.next_paragraph_start(TEXT, TEXT.index("New")) == TEXT.index("Last.")
    assert textnav.prev_paragraph_start(TEXT, TEXT.index("Last.")) == TEXT.index("New")
    assert textnav.prev_paragraph_start(TEXT, TEXT.index("New")) == 0
    assert textnav.next_sentence_start(TEXT, TEXT.index("Last")) == len(TEXT)


def test_snap_inward() -> None:
    assert textnav.snap_inward("  hello world \n", 0, 15) == (2, 13)
    assert textnav.snap_inward("   ", 0, 3) is None
    assert textnav.snap_inward("abc", 3, 0) == (0, 3)


def test_find_all_is_plain_text_case_insensitive() -> None:
    text = "A.b a.B [bold] (x) STRASSE straße"
    assert textnav.find_all(text, "a.b") == [0, 4]
    assert textnav.find_all(text, "[bold]") == [8]
    assert textnav.find_all(text, "(") == [15]
    assert textnav.find_all(text, "") == []
    for start in textnav.find_all(text, "straße"):
        assert text[start : start + 6].lower() == "straße"


@given(st.text(max_size=200), st.integers(0, 200))
def test_motions_stay_in_bounds(text: str, offset: int) -> None:
    offset = min(offset, len(text))
    for motion in (
        textnav.next_word_start,
        textnav.word_end,
        textnav.next_sentence_start,
        textnav.next_paragraph_start,
    ):
        assert offset <= motion(text, offset) <= len(text)
    for motion in (
        textnav.prev_word_start,
        textnav.prev_sentence_start,
        textnav.prev_paragraph_start,
        textnav.prev_word_end,
    ):
        assert 0 <= motion(text, offset) <= max(offset, 0)
