"""Sizes past which stored text stops being useful and starts costing the user time.

A note is a comment on a span, not a document: a 20 MB note once made opening its article
take 50 s. A search query is a passage, not a corpus: a 1 MB query took 21 s.
"""

from __future__ import annotations

MAX_NOTE_CHARS = 65_536
MAX_ANNOTATOR_CHARS = 100
MAX_QUERY_CHARS = 2_000
