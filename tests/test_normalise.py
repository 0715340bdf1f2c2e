"""Normalisation: one for one where it promises to be, and safe for the terminal."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from newsmark.corpus.normalise import REPLACEMENT, UNSAFE_RE, neutralise, normalise_text


def test_escape_sequences_and_bidi_are_neutralised_one_for_one() -> None:
    raw = "a\x1b]52;c;SGVsbG8=\x07b\x1b[2Jc\u202ed\x9b31me\x00f\x7fg"
    out = normalise_text(raw)
    assert len(out) == len(raw)
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
    assert "\x00" not in out and "\x7f" not in out and "\x07" not in out
    assert out.replace(REPLACEMENT, "") == "a]52;c;SGVsbG8=b[2Jcd31mefg"


def test_newlines_become_lf_and_agree_with_splitlines() -> None:
    raw = "one\r\ntwo\rthree\u2028four\u2029five\x0bsix\x0cseven\x85eight\x1cnine\n"
    out = normalise_text(raw)
    assert "\r" not in out
    assert out.splitlines() == out.split("\n")[:-1]


def test_nfc() -> None:
    assert normalise_text("Cafe\u0301") == "Caf\u00e9"


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


@given(texts)
def test_neutralise_never_changes_length_or_safe_characters(text: str) -> None:
    out = neutralise(text)
    assert len(out) == len(text)
    for a, b in zip(text, out, strict=True):
        if not UNSAFE_RE.match(a) and a not in "\u2028\u2029":
            assert a == b


@given(texts, st.data())
def test_offsets_survive_normalisation_for_normal_form_text(text: str, data: st.DataObject) -> None:
    """For text already NFC without CR, every span maps to the same offsets once stored."""
    text = unicodedata.normalize("NFC", text).replace("\r", "")
    if unicodedata.normalize("NFC", text) != text:
        return
    stored = normalise_text(text)
    assert len(stored) == len(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = text[start:end]
    if not UNSAFE_RE.search(span) and "\u2028" not in span and "\u2029" not in span:
        assert stored[start:end] == span


@given(texts)
def test_normalised_text_has_nothing_unsafe_and_is_stable(text: str) -> None:
    out = normalise_text(text)
    assert not UNSAFE_RE.search(out)
    assert "\r" not in out
    assert normalise_text(out) == out
    assert out.splitlines() == out.split("\n")[: len(out.splitlines())]
