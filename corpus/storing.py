"""Landing parsed articles: one file's (or one page's) articles in one transaction, and the
report of what an import did. Files, web pages and web archives all land here, so the
importers for each share it without importing one another."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from newsmark.corpus.articles import NewArticle, insert_articles


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # stored, but check these
    files: int = 0
    urls: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        parts = [f"{self.added} article{'s' if self.added != 1 else ''} imported"]
        parts.append(f"{self.duplicates} already present")
        parts.append(f"{len(self.rejected)} rejected")
        if self.warnings:
            parts.append(f"{len(self.warnings)} to check")
        sources = [f"{self.files} file{'s' if self.files != 1 else ''}"] if self.files else []
        if self.urls:
            sources.append(f"{self.urls} URL{'s' if self.urls != 1 else ''}")
        return ", ".join(parts) + f" (from {' and '.join(sources) or '0 files'})"


def store_articles(
    db: sqlite_utils.Database, articles: list[NewArticle], report: ImportReport
) -> None:
    """All articles of one file in one transaction: a file lands whole or not at all."""
    added = duplicates = 0
    for article, (_, was_added) in zip(articles, insert_articles(db, articles), strict=True):
        if was_added:
            added += 1
            where = article.path or article.url or article.title
            report.warnings.extend((where, f"warning: {w}") for w in article.warnings)
        else:
            duplicates += 1
    report.added += added
    report.duplicates += duplicates
