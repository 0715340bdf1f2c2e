"""The Textual application: what is global (the database, the config, the command palette and
the help screen); reading and tagging live on :class:`ReaderScreen`."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

import sqlite_utils
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from newsmark.annotations.desk.state import get_state, set_state
from newsmark.annotations.settings.config import Config
from newsmark.annotations.settings.keymap import PALETTE, SPEC_BY_ID, KeySpec, specs_for
from newsmark.annotations.settings.labelset import LabelSet, effective
from newsmark.corpus.articles import count_articles, source_line
from newsmark.corpus.db import connect, read_only
from newsmark.corpus.errors import NewsmarkError
from newsmark.tui.bindings import GLOBAL_IDS, HELP_PLACES, bindings
from newsmark.tui.screens.reader_screen import ReaderScreen
from newsmark.tui.screens.text_page import HelpScreen, OrphansScreen
from newsmark.tui.startup import pause_gc, resume_gc


class ArticleCommands(Provider):
    """Command palette: open any article by title."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, NewsmarkApp)
        screen = app.reader_screen
        matcher = self.matcher(query)
        for row in screen.article_rows:
            label = f"Open: {source_line(row.title, row.outlet)}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(screen.open_article, row.id),
                    help="Open this article in the reader",
                )


class NewsmarkApp(App[None]):
    """Keyboard-first reader and annotator over one Newsmark database."""

    TITLE = "Newsmark"
    CSS_PATH = "styles/newsmark.tcss"
    COMMANDS = App.COMMANDS | {ArticleCommands}
    BINDINGS = [b for b in bindings("app") if b.id in GLOBAL_IDS]

    def __init__(
        self, db_path: Path, config: Config | None = None, served_as: str | None = None
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config or Config()
        # Signed in through `newsmark serve`: the login is the annotator, for good.
        self.served_as = served_as
        if served_as:
            self.config = replace(self.config, annotator=served_as)
        # A file that cannot be written opens read-only: reading and searching still work.
        self.db: sqlite_utils.Database = connect(db_path, readable_only=True)
        self.read_only = read_only(self.db)
        # The file's label set, with this config's keys and colours where it says so.
        try:
            labels = effective(
                self.db, self.config.labels, self.config.own_labels, not self.read_only
            )
        except sqlite3.Error:
            labels = LabelSet(self.config.labels)
        self.config_labels = self.config.labels  # the config's own, to merge a changed set with
        self.config = replace(self.config, labels=labels.labels)
        self.label_notes = labels.notes
        if self.read_only:
            self.sub_title = "read-only: changes cannot be saved"
        if self.config.keys:
            self.set_keymap(self.config.keys)

    def on_ready(self) -> None:
        resume_gc()

    def on_mount(self) -> None:
        self._restore_theme()
        self._tell_label_notes()
        if self.read_only:
            self.notify(
                f"{self.db_path} cannot be written (permissions, a read-only disk or an"
                " immutable file): you can read and search, but tags and notes cannot be saved.",
                title="Read-only database",
                severity="warning",
                timeout=10,
                markup=False,
            )
        elif count_articles(self.db) == 0:
            from newsmark.corpus.samples import import_sample

            report = import_sample(self.db)
            self.notify(
                f"The database was empty, so the {report.added} bundled sample articles "
                "were imported. Import your own with: newsmark import PATH",
                title="Sample corpus",
                timeout=8,
            )
        self.push_screen(ReaderScreen())

    def _theme_key(self) -> str:
        return f"theme@{self.served_as}" if self.served_as else "theme"

    def _restore_theme(self) -> None:
        """The theme last chosen (palette: "Change theme"), on this file; served, each
        user's own."""
        with contextlib.suppress(sqlite3.Error):
            saved = get_state(self.db, self._theme_key())
            if saved and saved in self.available_themes:
                self.theme = saved
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        if self.read_only:
            return
        with contextlib.suppress(sqlite3.Error, NewsmarkError):
            set_state(self.db, {self._theme_key(): theme.name})

    def _tell_label_notes(self) -> None:
        """What differs between this config's labels and the file's, said once (again only
        when it changes)."""
        said = "\n".join(self.label_notes)
        if not said or said == get_state(self.db, "label_notes"):
            return
        self.notify(said, title="Labels", severity="warning", timeout=20, markup=False)
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                set_state(self.db, {"label_notes": said})

    @property
    def reader_screen(self) -> ReaderScreen:
        return self._reader_screen()

    def _reader_screen(self) -> ReaderScreen:
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                return screen
        raise LookupError("the reader screen is not open")

    async def action_quit(self) -> None:
        with contextlib.suppress(LookupError):
            self._reader_screen()._save_state()
        self.exit()

    # --- dialogs of the whole app ----------------------------------------------------------

    def action_export(self) -> None:
        # dialogs load their machinery when opened: start-up imports only what it shows
        from newsmark.tui.screens.export import Exported, ExportScreen

        def done(result: Exported | None) -> None:
            if result is not None:
                where = "as the download" if result.downloaded else "to"
                self.notify(
                    f"Exported {result.count} annotations {where} {result.path} ({result.fmt}).",
                    timeout=8,
                    markup=False,
                )

        name = "newsmark-annotations.jsonl"
        default = name if self.served_as else str(Path.cwd() / name)
        self.push_screen(
            ExportScreen(
                self.db_path,
                self.config.labels,
                default,
                served=bool(self.served_as),
                only=self.config.annotator if self._reader_screen().blind else None,
            ),
            done,
        )

    def action_orphans(self) -> None:
        from newsmark.annotations.formats.importing import list_orphans, retry_orphans

        def retry() -> tuple[int, list[dict[str, object]]]:
            screen = self._reader_screen()
            placed = screen._guard(lambda: retry_orphans(self.db))
            if placed:
                screen.reload_article()
                screen.load_article_rows()
            return int(placed or 0), list_orphans(self.db)

        self.push_screen(OrphansScreen(list_orphans(self.db), retry))

    # --- help and palette ------------------------------------------------------------------

    def keys_for(self, binding_id: str, default: str) -> str:
        """The keys a binding has now (remapped ones included), as the footer shows them."""
        keys = self._keymap.get(binding_id, default)
        return ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every binding of the registry, by where it works, with the keys in force."""

        def rows(specs: Iterable[KeySpec]) -> list[tuple[str, str]]:
            return [(self.keys_for(s.id, s.keys), s.description) for s in specs]

        labels = [
            (
                self.keys_for(f"label.{lab.name}", lab.key),
                f"Tag as {lab.name} (no selection: relabel current)",
            )
            for lab in self.config.labels
        ]
        sections: list[tuple[str, list[tuple[str, str]]]] = []
        for place, title in HELP_PLACES:
            extra: list[tuple[str, str]] = []
            if place == "reader":
                extra = [
                    ("arrows, page up/down, home/end", "Move the cursor"),
                    ("shift+arrows, shift+home/end", "Extend the selection"),
                    ("mouse drag / double-click", "Select a range / a word"),
                    *labels,
                ]
            elif place == "app":
                extra = [
                    ("tab, shift+tab", "Move focus between panes"),
                    ("ctrl+p", "Command palette (open an article by title, commands)"),
                    ("ctrl+q", "Quit (also where q types, as in the article list's filter)"),
                ]
            elif place == "articles":
                extra = [
                    ("type, backspace", "Filter by title or outlet"),
                    ("enter", "Open the highlighted article"),
                ]
            elif place == "list":
                extra = [("enter", "Jump to the annotation / compare with the match")]
            sections.append((title, extra + rows(specs_for(place))))
        return sections

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then the registry's palette (``keymap.PALETTE``)."""
        yield from super().get_system_commands(screen)
        try:
            main: Screen | None = self._reader_screen()
        except LookupError:
            main = None
        for command in PALETTE:
            runs = command.runs
            if runs.startswith("screen.") and main is None:
                continue  # the reader is not up yet (the first-run screens)
            help_text = command.help
            if command.binding is not None:
                default = SPEC_BY_ID[command.binding].keys
                help_text += f" (key: {self.keys_for(command.binding, default)})"
            yield SystemCommand(command.title, help_text, partial(self._run_command, runs, main))

    async def _run_command(self, action: str, main: Screen | None) -> None:
        """A palette entry runs its binding's action, on the reader screen for ``screen.``."""
        namespaces = {"screen": main} if main is not None else None
        await self.run_action(action, self, namespaces)


def run_app(db_path: Path, config: Config | None = None, served_as: str | None = None) -> None:
    pause_gc()  # until the first screen is drawn (NewsmarkApp.on_ready)
    NewsmarkApp(db_path, config, served_as).run()
