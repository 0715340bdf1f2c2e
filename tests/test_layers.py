"""The lower layers must run without a screen: they never import Textual or Rich."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWER = ("corpus", "annotations")
FORBIDDEN = ("textual", "rich", "tui")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(_layer(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_layer(node.module))
    return found


def _layer(module: str) -> str:
    """``newsmark.tui.app`` is the ``tui`` layer; ``textual.widgets`` is ``textual``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "newsmark" and len(parts) > 1 else parts[0]


def test_lower_layers_do_not_import_textual_in_source() -> None:
    offenders = []
    for package in LOWER:
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = _imports(path) & set(FORBIDDEN)
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_corpus_does_not_import_annotations() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "corpus").rglob("*.py"))
        if "annotations" in _imports(p)
    ]
    assert offenders == []


def test_importing_every_lower_module_loads_no_textual() -> None:
    modules = [
        "newsmark." + ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in LOWER
        for p in sorted((ROOT / package).rglob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_each_layer_creates_its_own_tables() -> None:
    import re

    from newsmark.annotations import migrations as annotation_migrations
    from newsmark.corpus import migrations as corpus_migrations

    def created(migrations: tuple[object, ...]) -> set[str]:
        sql = " ".join(s for m in migrations for s in m.statements)  # type: ignore[attr-defined]
        return set(re.findall(r"CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?(\w+)", sql))

    ours = created(annotation_migrations.MIGRATIONS)
    theirs = created(corpus_migrations.MIGRATIONS)
    assert ours >= annotation_migrations.TABLES and not annotation_migrations.TABLES & theirs
    assert {"articles"} <= theirs and not {"articles"} & ours
    versions = [m.version for m in corpus_migrations.all_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_no_sql_is_written_in_tui() -> None:
    """Issue 23: the screens and the CLI ask the layers below (``corpus``, ``annotations``)
    and never query the database themselves; there were 12 raw statements, one of them a
    copy of ``links.status_counts``."""
    found = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_the_import_contracts_hold() -> None:
    """The layers, the never-edges and no import cycles within a layer (``.importlinter``),
    lazy imports included: the test run checks them, not only CI's lint step."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / ".importlinter")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "No import cycles" in done.stdout and "BROKEN" not in done.stdout


def test_a_long_module_says_why_it_is_long() -> None:
    """Small modules named for what they hold; one past ~500 lines says at its top why it
    stays whole (the reader screen was 1,297 lines and said nothing)."""
    for path in sorted(
        p for layer in ("corpus", "annotations", "tui") for p in (ROOT / layer).rglob("*.py")
    ):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 550:
            doc = ast.get_docstring(ast.parse(text)) or ""
            assert "Why one module" in doc, f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines"
