"""Start-up without the cyclic garbage collector.

Until the first screen is drawn, Newsmark only makes objects that live for the whole
session: modules, classes, widgets, the article and its annotations. The collector's full
passes over them found almost nothing (~1,250 objects at the first screen) but cost 17-20
ms of the imports and 40-60 ms of the first screen at 10,000 articles. So it is paused
while the program starts and, once the first screen is drawn, what exists is *frozen*
(moved where later collections do not look) and the collector resumes.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Stop automatic collection until :func:`resume_gc`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Freeze what exists and collect automatically again; only undoes :func:`pause_gc`
    (an app run by the tests, which never paused, leaves the collector alone)."""
    global _paused
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False
