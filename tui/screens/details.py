"""The "Edit article details" dialog: title, outlet, date, URL and author of one article.

Only details: the text never changes here, so no annotation moves. A mistake (a date that
is not one, an empty title) is said under the fields and nothing is saved until it is
fixed; escape leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from newsmark.corpus.articles import EDITABLE, MAX_TITLE_CHARS, Article
from newsmark.corpus.normalise import neutralise, one_line
from newsmark.tui.bindings import bindings, hint
from newsmark.tui.widgets.bounded_input import BoundedInput

FIELDS = {
    "title": "Title",
    "outlet": "Outlet",
    "published": "Published (YYYY-MM-DD)",
    "url": "URL",
    "author": "Author",
}
MAX_DETAIL_CHARS = 500
Save = Callable[[dict[str, str]], str | None]  # the changes -> why not saved, or None


class DetailsScreen(ModalScreen[bool]):
    """Enter saves (from any field), tab moves between fields, escape cancels."""

    BINDINGS = bindings("details")

    def __init__(self, article: Article, save: Save) -> None:
        super().__init__()
        self.article = article
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(Text(f"Details of article {self.article.id}", style="bold"))
            for key in EDITABLE:
                value = getattr(self.article, key) or ""
                limit = MAX_TITLE_CHARS if key == "title" else MAX_DETAIL_CHARS
                yield Label(FIELDS[key], classes="field")
                yield BoundedInput(
                    value=one_line(neutralise(value), limit),
                    max_length=limit,
                    id=key,
                    placeholder="(unknown)" if key != "title" else "",
                    compact=True,  # five fields fit a 24-line terminal
                )
            yield Static("", id="error", classes="error -empty")
            yield Static(
                hint(
                    self.app,
                    "enter: save",
                    "tab: next field",
                    ("details.cancel", "cancel"),
                    "(the text never changes)",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#{key}", Input).value.strip() for key in EDITABLE}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        changed = {
            key: value
            for key, value in self.values().items()
            if value != (getattr(self.article, key) or "")
        }
        if not changed:
            self.dismiss(False)
            return
        problem = self.save(changed)
        if problem is None:
            self.dismiss(True)
            return
        error = self.query_one("#error", Static)
        error.update(Text(problem))
        error.remove_class("-empty")

    def action_cancel(self) -> None:
        self.dismiss(False)
