"""The Textual application: article list on the left, the reader on the right."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, TextArea
from textual.widgets.option_list import Option

from corpus.articles import ArticleSummary, count_articles, get_article, list_articles
from corpus.db import connect
from corpus.normalise import neutralise
from corpus.samples import import_sample


class NewsmarkApp(App[None]):
    """Reads the database given at start; every query runs on its own connection."""

    TITLE = "Newsmark"
    CSS = """
    #articles { width: 36; border-right: solid $primary-background; }
    #reader { width: 1fr; }
    """
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.db: sqlite_utils.Database = connect(db_path)
        self.articles: list[ArticleSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="articles")
            reader = TextArea(id="reader", read_only=True, soft_wrap=True)
            reader.highlight_cursor_line = False
            reader.match_cursor_bracket = False
            yield reader
        yield Footer()

    def on_mount(self) -> None:
        if count_articles(self.db) == 0:
            report = import_sample(self.db)
            self.notify(
                f"The database was empty: imported the {report.added} bundled sample articles.",
                title="Sample corpus",
            )
        self.articles = list_articles(self.db)
        options = self.query_one("#articles", OptionList)
        options.add_options(
            [Option(Text(neutralise(a.title)), id=str(a.id)) for a in self.articles]
        )
        if self.articles:
            options.highlighted = 0
            self.open_article(self.articles[0].id)
        self.query_one("#reader", TextArea).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.open_article(int(event.option.id))

    def open_article(self, article_id: int) -> None:
        article = get_article(self.db, article_id)
        if article is None:
            return
        self.sub_title = neutralise(f"{article.title} \u2014 {article.outlet or 'unknown outlet'}")
        self.query_one("#reader", TextArea).load_text(neutralise(article.text))


def run_app(db_path: Path) -> None:
    NewsmarkApp(db_path).run()
