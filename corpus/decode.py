"""Turning bytes into text: strict UTF-8 first, then a detected (or user-given) encoding.

Detection is a guess, so the encoding used is stored with each article and can be overridden
with ``--encoding``. Empty files and files with NUL bytes are refused before any guessing,
because a detector will happily "decode" both.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import CharsetMatch, from_bytes

from newsmark.corpus.errors import ImportRejected

# Share of characters that may be controls before we call a decoded file binary.
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data`` or raise :class:`ImportRejected` saying why it cannot be read as text."""
    if not data.strip():
        raise ImportRejected("empty file" if not data else "empty file (only whitespace)")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ImportRejected(f"unknown encoding {encoding!r}") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportRejected(f"not valid {encoding} (byte {exc.start}: {exc.reason})") from exc
        return Decoded(_check_text(text), codecs.lookup(encoding).name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(_check_text(data.decode("utf-16")), "utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRejected(f"not valid UTF-16 ({exc.reason})") from exc
    if b"\x00" in data:
        raise ImportRejected("binary file (contains NUL bytes)")
    try:
        has_bom = data.startswith(codecs.BOM_UTF8)
        text = data.decode("utf-8-sig")
        return Decoded(_check_text(text), "utf-8-sig" if has_bom else "utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    matches = list(from_bytes(data))
    best = _prefer_common(matches)
    if best is None:
        raise ImportRejected(
            "cannot detect the text encoding (binary file?); pass --encoding if you know it"
        )
    text = str(best)
    return Decoded(_check_text(text), best.encoding)


# When several encodings read the bytes equally well (same chaos, same coherence), the one
# news text is most often in wins: detectors otherwise pick e.g. cp1250 for French text.
_PREFERRED = ("cp1252", "iso8859_1", "iso8859_15", "cp1251", "cp1250", "iso8859_2")


def _prefer_common(matches: list[CharsetMatch]) -> CharsetMatch | None:
    if not matches:
        return None
    best = matches[0]
    tied = [
        m for m in matches if m.chaos <= best.chaos + 1e-3 and m.coherence >= best.coherence - 1e-3
    ]
    for name in _PREFERRED:
        for match in tied:
            if match.encoding == name:
                return match
    return best


# Control characters other than newline, carriage return, tab and escape (which the
# normaliser replaces): one regex pass in C (a Python loop per character was a third of an
# import's time).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")


def _check_text(text: str) -> str:
    if not text.strip():
        raise ImportRejected("empty file (only whitespace)")
    limit = max(2, len(text) * _MAX_CONTROL_SHARE)
    controls = 0
    for _ in _CONTROLS.finditer(text):
        controls += 1
        if controls > limit:
            break
    if controls > limit:
        raise ImportRejected("binary file (too many control characters)")
    return text
