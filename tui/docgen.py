"""The generated pages of the manual: ``docs/cli.md`` (every command's help, from the CLI
itself) and ``docs/keys.md`` (every key, from the key registry). A test fails when either
page differs from what the code says, so a new command or key cannot go undocumented.

Regenerate with ``python -m newsmark.tui.docgen docs``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.annotations.settings.keymap import PALETTE, SPEC_BY_ID, SPECS, character_key
from newsmark.tui.bindings import HELP_PLACES

WIDTH = 96
HELP = ["-h", "--help"]  # as main's context settings give every command


def _commands(group: click.Group, ctx: click.Context) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{ctx.command_path} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            sub = click.Context(
                command, info_name=name, parent=ctx, terminal_width=WIDTH, help_option_names=HELP
            )
            found += _commands(command, sub)
    return found


def cli_reference() -> str:
    """Every command's ``--help``, in order, as the CLI prints it."""
    from newsmark.tui.cli import main

    root = click.Context(
        main,
        info_name="newsmark",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=HELP,
    )
    parts = [
        "# Command reference",
        "",
        "Generated from the CLI (`python -m newsmark.tui.docgen docs`): what `--help` prints",
        "for every command. [commands.md](commands.md) explains them with examples.",
        "",
        "## newsmark",
        "",
        "```",
        main.get_help(root),
        "```",
    ]
    for path, command in _commands(main, root):
        name = path.split(" ", 1)[1]
        parent = root
        for word in name.split(" ")[:-1]:
            parent = click.Context(
                main.get_command(parent, word),  # type: ignore[arg-type]
                info_name=word,
                parent=parent,
                terminal_width=WIDTH,
                help_option_names=HELP,
            )
        ctx = click.Context(
            command,
            info_name=name.split(" ")[-1],
            parent=parent,
            terminal_width=WIDTH,
            max_content_width=WIDTH,
            help_option_names=HELP,
        )
        parts += ["", f"## {path}", "", "```", command.get_help(ctx), "```"]
    return "\n".join(parts) + "\n"


def shown_key(key: str) -> str:
    """A key as a person types it: ``>`` for greater_than_sign, ``ctrl+r`` as is."""
    for code in range(0x21, 0x7F):
        if character_key(chr(code)) == key:
            return chr(code)
    return key


def key_reference() -> str:
    """Every binding of the registry by the place it works, with its id (for ``[keys]``
    in the config) and its default keys."""
    parts = [
        "# Keys",
        "",
        "Generated from the key registry (`annotations/settings/keymap.py`). Every binding can be",
        "remapped by its id in the config's `[keys]` table ([configuration](configuration.md));",
        "the app's help (`?`) and hints show the keys in force. Labels add `label.NAME`",
        "(keys `1`-`4` for the default claim, denial, source, figure).",
    ]
    for place, title in (*HELP_PLACES, ("help", "Help")):
        specs = [s for s in SPECS if s.place == place]
        if not specs:
            continue
        parts += [
            "",
            f"## {title}",
            "",
            "| keys | binding id | what it does |",
            "| --- | --- | --- |",
        ]
        for spec in specs:
            keys = ", ".join(f"`{shown_key(k.strip())}`" for k in spec.keys.split(","))
            what = spec.description.replace("|", "\\|")
            parts.append(f"| {keys} | `{spec.id}` | {what} |")
    parts += [
        "",
        "## Command palette (`ctrl+p`)",
        "",
        "Besides opening any article by its title, the palette lists these commands, in this",
        "order; where one has a key the palette shows the key in force.",
        "",
        "| command | key (binding id) | what it does |",
        "| --- | --- | --- |",
    ]
    for command in PALETTE:
        key = "—"
        if command.binding is not None:
            spec = SPEC_BY_ID[command.binding]
            keys = ", ".join(f"`{shown_key(k.strip())}`" for k in spec.keys.split(","))
            key = f"{keys} (`{spec.id}`)"
        parts.append(f"| {command.title} | {key} | {command.help} |")
    return "\n".join(parts) + "\n"


PAGES = {"cli.md": cli_reference, "keys.md": key_reference}


def write(folder: Path) -> None:
    for name, make in PAGES.items():
        (folder / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":  # python -m newsmark.tui.docgen docs
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
