"""The ``newsmark`` command (the console script's entry point): the TUI when run bare, and
the commands that need no screen. The group and what the commands share are in
:mod:`newsmark.tui.command`; importing the command modules registers their commands."""

from __future__ import annotations

from newsmark.tui import annotations_cli, corpus_cli, desk_cli, serve_cli, spark_cli  # noqa: F401
from newsmark.tui.command import main

__all__ = ["main"]

if __name__ == "__main__":  # python -m newsmark.tui.cli
    main()
