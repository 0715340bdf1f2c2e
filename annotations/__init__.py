"""Annotations over stored article text: spans, labels, history, matching. No Textual here.

Importing the package registers its tables' migrations with the corpus layer's runner, so
any program that uses annotations opens databases with every table in place.
"""

import newsmark.corpus  # noqa: F401  (loads sqlite-utils without numpy first)
from newsmark.annotations import migrations as _migrations  # noqa: F401
