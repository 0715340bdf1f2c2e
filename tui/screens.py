"""Modal screens: the note editor, the help screen, and the in-article search prompt."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from newsmark.annotations.limits import MAX_NOTE_CHARS, MAX_QUERY_CHARS
from newsmark.corpus.normalise import neutralise, one_line


class BoundedInput(Input):
    """An input with a length limit that keeps what fits of a paste and says so.

    Textual's own ``max_length`` refuses a whole paste that does not fit, silently but for
    the bell; a user who pastes a page should get its start and know why the rest is gone.
    """

    def insert_text_at_cursor(self, text: str) -> None:
        selected = self.selection.end - self.selection.start if self.selection else 0
        room = self.max_length - len(self.value) + abs(selected) if self.max_length else None
        if room is not None and len(text) > room:
            text = text[: max(0, room)]
            self.notify(
                f"Only the first {self.max_length:,} characters fit here.",
                severity="warning",
                timeout=4,
            )
        super().insert_text_at_cursor(text)


class NoteScreen(ModalScreen[str | None]):
    """Edit the note of one annotation: Enter saves, Escape leaves it unchanged."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    NoteScreen #quote { color: $text-muted; margin-bottom: 1; }
    NoteScreen #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, label: str, quote: str, note: str) -> None:
        super().__init__()
        self.label = label
        self.quote = quote
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Note on {one_line(self.label, 40)}", style="bold"))
            quote = " ".join(neutralise(self.quote).split())
            if len(quote) > 300:
                quote = quote[:299] + "\u2026"
            yield Static(Text(f"\u201c{quote}\u201d"), id="quote")
            # a note imported long ago may be huge or hold escapes: edit a safe, bounded copy
            yield BoundedInput(
                value=neutralise(self.note[:MAX_NOTE_CHARS]),
                placeholder="Type a note",
                max_length=MAX_NOTE_CHARS,
                id="note",
            )
            yield Static(
                Text("enter: save   escape: cancel   (an empty note removes it)"), id="hint"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[str | None]):
    """The ``/`` prompt: plain text (never a regex), case-insensitive."""

    DEFAULT_CSS = """
    SearchScreen { align: center bottom; background: transparent; }
    SearchScreen > Input { width: 100%; margin: 0 0 2 0; border: tall $accent; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="search.cancel")]

    def __init__(self, previous: str) -> None:
        super().__init__()
        self.previous = previous

    def compose(self) -> ComposeResult:
        yield BoundedInput(
            value=self.previous[:MAX_QUERY_CHARS],
            placeholder="Search this article",
            max_length=MAX_QUERY_CHARS,
            id="search",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[None]):
    """A scrollable page of text over the app (help, orphans); escape or q closes it."""

    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > VerticalScroll {
        width: 96; max-width: 98%; height: 90%; border: thick $primary;
        background: $surface; padding: 0 2;
    }
    """
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="page.close")]

    def page(self) -> Text:
        return Text()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.page())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class HelpScreen(TextScreen):
    """Every binding with the key it has now (remapped keys included)."""

    BINDINGS = [Binding("question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def page(self) -> Text:
        text = Text()
        text.append("Newsmark keys\n", style="bold underline")
        for title, rows in self.sections:
            text.append(f"\n{title}\n", style="bold")
            for keys, description in rows:
                text.append(f"  {keys:<30}", style="bold cyan")
                text.append(f" {description}\n")
        text.append("\nescape, q, ? or f1 closes this screen.", style="dim")
        return text


class ExportScreen(ModalScreen[tuple[str, str, bool] | None]):
    """Export annotations from the app: a path, a format, and whether to replace."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    ExportScreen #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default_path: str, formats: tuple[str, ...]) -> None:
        super().__init__()
        self.default_path = default_path
        self.formats = formats

    def compose(self) -> ComposeResult:
        from textual.widgets import Checkbox, Select

        with Vertical():
            yield Label(Text("Export annotations", style="bold"))
            yield Input(value=self.default_path, placeholder="File (a folder for brat)", id="path")
            yield Select(
                [(f, f) for f in self.formats],
                value=self.formats[0],
                allow_blank=False,
                id="format",
            )
            yield Checkbox("Replace the file if it exists", id="force")
            yield Static(Text("enter: export   escape: cancel   (offsets: code points)"), id="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from textual.widgets import Checkbox, Select

        event.stop()
        fmt = self.query_one("#format", Select).value
        force = self.query_one("#force", Checkbox).value
        if event.value.strip():
            self.dismiss((event.value.strip(), str(fmt), bool(force)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrphansScreen(TextScreen):
    """Imported annotations that could not be placed: kept, listed, never silently lost.

    ``r`` tries to place them again (their articles may have been imported since); the
    app does the work and hands back the new list.
    """

    BINDINGS = [Binding("r", "retry", "Retry placing", id="orphans.retry")]

    def __init__(
        self,
        orphans: list[dict[str, object]],
        retry: Callable[[], tuple[int, list[dict[str, object]]]] | None = None,
    ) -> None:
        super().__init__()
        self.orphans = orphans
        self.retry = retry

    def page(self) -> Text:
        text = Text()
        text.append(f"Orphaned annotations ({len(self.orphans)})\n", style="bold underline")
        if not self.orphans:
            text.append("\nNone: every imported annotation found its place.", style="dim")
        else:
            text.append(
                "They are placed when their article is imported; r tries again now.\n",
                style="dim",
            )
        for o in self.orphans:
            quote = one_line(str(o["quote"]), 200)
            text.append(f"\n{one_line(str(o['label']), 40)}", style="bold")
            text.append(f" \u201c{quote}\u201d\n")
            where = one_line(str(o["article_title"] or o["article_url"] or "?"))
            text.append(f"  article: {where}\n  why: {one_line(str(o['reason']))}\n", style="dim")
            text.append(f"  from: {one_line(str(o['source']))}\n", style="dim")
        return text

    def action_retry(self) -> None:
        if self.retry is None:
            return
        placed, self.orphans = self.retry()
        self.query_one(Static).update(self.page())
        self.notify(f"{placed} orphaned annotation{'s' if placed != 1 else ''} placed.")
