"""The ``newsmark`` console script. ``newsmark --version`` is answered here, before the
command line's machinery is loaded (click and every command module: ~45 ms of a ~130 ms
start); everything else goes to :mod:`newsmark.tui.cli`."""

from __future__ import annotations

import sys

from newsmark.tui.version import VERSION


def run() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"newsmark, version {VERSION}")
        return
    from newsmark.tui.startup import pause_gc, resume_gc

    pause_gc()
    from newsmark.tui.cli import main

    resume_gc()  # a command runs with the collector on; the reader pauses it again
    main()
