"""An installed Newsmark claims one top-level name, ``newsmark``, and nothing generic."""

from __future__ import annotations

import importlib.metadata
import site
import subprocess
import sys
from pathlib import Path


def test_only_newsmark_is_installed_at_the_top_level() -> None:
    # the installed record, not an .egg-info that a build leaves in the checkout
    (dist,) = importlib.metadata.distributions(name="newsmark", path=site.getsitepackages())
    files = dist.files or []
    tops = {
        f.parts[0].removesuffix(".py")
        for f in files
        if f.suffix in (".py", "")
        and not f.parts[0].endswith((".dist-info", ".pth"))
        and f.parts[0] not in ("..", "bin", "__pycache__")
    }
    tops = {t for t in tops if not t.startswith("__editable__")}  # pip install -e's finder
    assert tops <= {"newsmark"}, tops


def test_generic_names_stay_free(tmp_path: Path) -> None:
    """Run away from the checkout: only the installed package is on the path."""
    code = (
        "import importlib.util\n"
        "taken = [m for m in ('corpus', 'annotations', 'tui') if importlib.util.find_spec(m)]\n"
        "import newsmark.tui.cli, newsmark.corpus.samples\n"
        "print(taken)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
