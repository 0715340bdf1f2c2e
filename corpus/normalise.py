"""Text normalisation, done once at import so that the stored text is what every layer sees.

After :func:`normalise_text`, ``text.splitlines()`` equals ``text.split("\\n")`` (so Textual's
TextArea holds exactly the stored text), and no character can drive the terminal or reorder
the display. Replacements are one code point for one, so offsets never shift because of them.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"

# C0 controls except TAB and LF, DEL, C1 controls, bidi marks, embeddings, overrides and
# isolates, and the Arabic letter mark. Each could move the cursor, reorder text or open a
# terminal escape sequence.
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
UNSAFE_RE = re.compile(_UNSAFE)


def neutralise(text: str) -> str:
    """Replace unsafe characters one for one; ``len`` and every offset are preserved.

    Line and paragraph separators become newlines one for one, so TextArea agrees on lines.
    (``str.replace``, not ``str.translate``: translate looks every character up in a dict,
    and was half the CPU of importing a folder.)"""
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return UNSAFE_RE.sub(REPLACEMENT, text)


def normalise_text(text: str) -> str:
    """The import normalisation: NFC, newlines to ``\\n``, then :func:`neutralise`.

    NFC and CRLF folding may change the length (they happen before anything is stored);
    :func:`neutralise` never does.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return neutralise(text)


# Stored strings are drawn and printed through :func:`one_line` (or :func:`neutralise` for
# text that keeps its lines), whoever wrote them: a database written by an older version may
# hold what import now refuses. Past this many characters a line is cut before any work.
DISPLAY_LIMIT = 2_000


def one_line(text: str, limit: int = DISPLAY_LIMIT) -> str:
    """Untrusted text for a single line of a screen or a terminal: neutralised, whitespace
    folded, at most ``limit`` characters (a 20 MB note must not cost 20 MB per repaint)."""
    cut = len(text) > limit
    line = " ".join(neutralise(text[:limit]).split())
    return line + "\u2026" if cut else line


def escape_json_unsafe(dumped: str) -> str:
    """JSON text with every unsafe character as a ``\\u`` escape (four hex digits): the
    same data, but nothing in it can drive a terminal it is printed on (``json.dumps``
    escapes C0 only)."""
    return UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> int | None:
    """Offset of the first lone surrogate (JSON allows ``"\\ud800"``; UTF-8 cannot hold it)."""
    found = _LONE_SURROGATE.search(text)
    return found.start() if found else None
