"""The Textual app and the command line: the only layer that imports Textual."""

import newsmark.corpus  # noqa: F401  (loads sqlite-utils without numpy first)
