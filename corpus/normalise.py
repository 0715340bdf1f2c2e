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
# Line and paragraph separators become newlines one for one, so TextArea agrees on lines.
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})


def neutralise(text: str) -> str:
    """Replace unsafe characters one for one; ``len`` and every offset are preserved."""
    return UNSAFE_RE.sub(REPLACEMENT, text.translate(_SEPARATORS))


def normalise_text(text: str) -> str:
    """The import normalisation: NFC, newlines to ``\\n``, then :func:`neutralise`.

    NFC and CRLF folding may change the length (they happen before anything is stored);
    :func:`neutralise` never does.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return neutralise(text)
