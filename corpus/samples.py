"""Importing the bundled sample corpus, shipped as package data inside ``corpus.sample``."""

from __future__ import annotations

from importlib import resources
from pathlib import PurePosixPath

import sqlite_utils

from newsmark.corpus.articles import NewArticle
from newsmark.corpus.decode import decode_bytes
from newsmark.corpus.importer import article_from_text
from newsmark.corpus.storing import ImportReport, store_articles


def sample_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of every sample article, in a stable order."""
    root = resources.files("newsmark.corpus.sample")
    return sorted(
        (entry.name, entry.read_bytes()) for entry in root.iterdir() if entry.name.endswith(".md")
    )


def sample_articles() -> list[NewArticle]:
    """The sample articles, read as ``newsmark import`` reads them."""
    articles = []
    for name, data in sample_files():
        decoded = decode_bytes(data)
        path = PurePosixPath("sample") / name
        articles.append(article_from_text(decoded.text, path, decoded.encoding, markdown=True))  # type: ignore[arg-type]
    return articles


def import_sample(db: sqlite_utils.Database) -> ImportReport:
    """Add the sample articles (those already present are skipped by their sha256)."""
    report = ImportReport()
    articles = sample_articles()
    report.files += len(articles)
    store_articles(db, articles, report)
    return report
