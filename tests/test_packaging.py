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


def _modules_after(args: list[str], tmp_path: Path) -> set[str]:
    code = (
        "import sys\n"
        "from newsmark.tui.cli import main\n"
        "try:\n"
        f"    main({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {"NEWSMARK_DB": str(tmp_path / "n.db"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    return set(out.stderr.strip().splitlines()[-1].split())


def test_light_commands_load_only_what_they_use(tmp_path: Path) -> None:
    heavy = ("textual", "rapidfuzz", "newsmark.annotations.linking.matching", "newsmark.tui.app")
    version = _modules_after(["--version"], tmp_path)
    assert not {m for m in version if m.startswith((*heavy, "sqlite_utils"))}
    subprocess.run(
        [sys.executable, "-m", "newsmark.tui.cli", "--db", str(tmp_path / "n.db"), "link"],
        capture_output=True,
        check=False,
    )
    articles = _modules_after(["articles"], tmp_path)
    assert "newsmark.corpus.articles" in articles
    assert not {m for m in articles if m.startswith(heavy)}
    # package metadata (a scan of every installed package) is read only for --version:
    # not for the version option's definition, nor for sqlite-utils plugins on connect
    assert "importlib.metadata" not in articles


def test_the_app_starts_without_loading_numpy() -> None:
    """numpy (for the meaning model) costs ~50 ms to import: a start must not pay it, even
    though sqlite-utils imports it whenever it is installed."""
    code = (
        "import sys, newsmark.tui.app, newsmark.tui.cli\n"
        "assert 'numpy' not in sys.modules, 'numpy imported at start'\n"
        "import numpy  # still importable afterwards, for the model\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_app_starts_without_loading_rapidfuzz() -> None:
    """rapidfuzz (~10 ms to import) aligns text for links and search; the first screen
    needs none of it, so it loads on first use (``linking/fuzzy.py``) and then works."""
    code = (
        "import sys, newsmark.tui.app, newsmark.tui.cli\n"
        "assert 'rapidfuzz' not in sys.modules, 'rapidfuzz imported at start'\n"
        "from newsmark.annotations.linking.fuzzy import fuzz, process\n"
        "assert fuzz.ratio('the mayor said', 'the mayor said') == 100\n"
        "assert process.extractOne('mayor', ['mayer'], scorer=fuzz.ratio)[0] == 'mayer'\n"
        "assert 'rapidfuzz' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_distribution_says_its_licence_and_what_it_is() -> None:
    """A LICENSE file ships (MIT, as pyproject says) and classifiers describe the package."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    licence = (root / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY" in licence
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert "Environment :: Console" in project["classifiers"]


def test_every_package_folder_is_installed() -> None:
    """pyproject lists the packages by hand (the top-level folders install under
    ``newsmark.``): a new sub-package missing from the list works from a checkout and is
    absent from a real install (the reader's parts were, once)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {
        "newsmark." + ".".join(init.parent.relative_to(root).parts)
        for layer in ("corpus", "annotations", "tui")
        for init in (root / layer).rglob("__init__.py")
    }
    assert folders - listed == set(), "add to [tool.setuptools] packages"


def test_the_console_script_answers_version_before_loading_the_cli() -> None:
    """``newsmark --version`` took 0.19 s: click and every command module were loaded to
    print one line. The console script answers it first."""
    code = (
        "import sys\n"
        "sys.argv = ['newsmark', '--version']\n"
        "from newsmark.tui.entry import run\n"
        "run()\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.startswith("newsmark, version ")
    loaded = set(done.stderr.split())
    assert not {
        m for m in loaded if m.startswith(("click", "newsmark.tui.cli", "importlib.metadata"))
    }
    scripts = importlib.metadata.distribution("newsmark").entry_points
    assert [e.value for e in scripts if e.name == "newsmark"] == ["newsmark.tui.entry:run"]
