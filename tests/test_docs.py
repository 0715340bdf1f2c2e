"""Issue 23, the manual: a short README, the rest in docs/, and the pages generated from
the code (commands, keys) equal to what the code says, so nothing goes undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from newsmark.annotations.settings.keymap import SPECS
from newsmark.tui.cli import main
from newsmark.tui.docgen import PAGES, shown_key

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_the_readme_is_short_and_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for page in DOCS.glob("*.md"):
        assert f"(docs/{page.name})" in readme, page.name
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).exists(), target


def test_the_generated_pages_are_up_to_date() -> None:
    """A new or changed command or key: regenerate (python -m newsmark.tui.docgen docs)."""
    for name, make in PAGES.items():
        assert (DOCS / name).read_text() == make(), f"docs/{name} is stale"


def test_every_command_is_explained_in_the_commands_page() -> None:
    """The command table of docs/commands.md, checked against the real CLI."""
    table = (DOCS / "commands.md").read_text()
    ctx = click.Context(main, info_name="newsmark")
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        if command is not None and not command.hidden:
            assert f"`newsmark {name}" in table, name
    listed = set(re.findall(r"^\| `newsmark ([a-z-]+)", table, flags=re.M))
    real = set(main.list_commands(ctx))
    assert listed <= real, listed - real  # nothing documented that does not exist


def test_every_key_is_in_the_manual() -> None:
    keys = (DOCS / "keys.md").read_text()
    for spec in SPECS:
        assert f"`{spec.id}`" in keys, spec.id
        for key in spec.keys.split(","):
            assert f"`{shown_key(key.strip())}`" in keys, (spec.id, key)


def test_links_between_pages_lead_somewhere() -> None:
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([a-z-]+\.md)", page.read_text()):
            assert (DOCS / target).exists(), (page.name, target)


def test_the_benchmark_table_is_the_one_run_all_prints() -> None:
    """docs/benchmarks.md's table has exactly the rows tests/bench/run_all.py measures, in
    its order and words, with a figure in each: a renamed or dropped measure, or a row
    typed by hand, fails here."""
    from tests.bench.run_all import LABELS

    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    start, end = "<!-- run_all: begin -->", "<!-- run_all: end -->"
    assert start in page and end in page
    table = page.split(start, 1)[1].split(end, 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    header, body = rows[0], rows[2:]  # (rows[1] is the rule under the header)
    assert header.startswith("| measure |")
    assert [r.split(" | ")[0].removeprefix("| ") for r in body] == list(LABELS)
    for row in body:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] and cells[1] != "not run", row
