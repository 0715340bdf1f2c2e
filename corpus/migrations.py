"""Versioned schema migrations, recorded in the file itself.

``PRAGMA user_version`` holds the schema version and the ``migrations`` table says when each
step ran. Migrations run inside ``BEGIN IMMEDIATE``: two processes opening a new file at once
serialise on the write lock, and the second finds the work done.

A migration is a list of SQL statements. Never edit a released one; add a new one. If a
future step rebuilds the ``articles`` table (as sqlite-utils' ``transform()`` does), the FTS
triggers are dropped with it: :func:`ensure_fts` runs after every migration to put them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")

_FTS_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""

_FTS_TRIGGER_SQL = {
    "articles_ai": """
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
    "articles_ad": """
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
END""",
    "articles_au": """
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text)
  VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END""",
}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles and full-text search",
        (
            """
            CREATE TABLE articles (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                outlet TEXT,
                url TEXT,
                published TEXT,
                path TEXT,
                text TEXT NOT NULL,
                sha256 TEXT NOT NULL UNIQUE,
                encoding TEXT,
                imported_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX articles_title ON articles(title)",
            _FTS_TABLE,
            *_FTS_TRIGGER_SQL.values(),
        ),
    ),
    Migration(
        2,
        "annotations, history for undo/redo, app state",
        (
            """
            CREATE TABLE annotations (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                start INTEGER NOT NULL CHECK (start >= 0),
                "end" INTEGER NOT NULL CHECK ("end" > start),
                quote TEXT NOT NULL,
                prefix TEXT NOT NULL DEFAULT '',
                suffix TEXT NOT NULL DEFAULT '',
                label TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                annotator TEXT NOT NULL DEFAULT '',
                created TEXT NOT NULL,
                updated TEXT NOT NULL
            )
            """,
            'CREATE INDEX annotations_article ON annotations(article_id, start, "end")',
            """
            CREATE TABLE history (
                id INTEGER PRIMARY KEY,
                article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
                action TEXT NOT NULL,
                annotation_uuid TEXT NOT NULL,
                before TEXT,
                after TEXT,
                undone INTEGER NOT NULL DEFAULT 0,
                at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE app_state (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
        ),
    ),
)

_QUOTE_MISMATCH = """
    (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM articles
     WHERE id = NEW.article_id) IS NOT NEW.quote
    OR NEW."end" > (SELECT length(text) FROM articles WHERE id = NEW.article_id)
"""

MIGRATIONS += (
    Migration(
        3,
        "text[start:end] == quote enforced by triggers",
        (
            f"""
            CREATE TRIGGER annotations_quote_ins BEFORE INSERT ON annotations
            WHEN {_QUOTE_MISMATCH}
            BEGIN SELECT RAISE(ABORT, 'annotation quote does not match the article text'); END
            """,
            f"""
            CREATE TRIGGER annotations_quote_upd
            BEFORE UPDATE OF article_id, start, "end", quote ON annotations
            WHEN {_QUOTE_MISMATCH}
            BEGIN SELECT RAISE(ABORT, 'annotation quote does not match the article text'); END
            """,
        ),
    ),
)

_LINK_MISMATCH = """
    (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM articles
     WHERE id = NEW.target_article_id) IS NOT NEW.text
"""

MIGRATIONS += (
    Migration(
        4,
        "word n-gram index and cross-article links",
        (
            """
            CREATE TABLE ngrams (
                hash INTEGER NOT NULL,
                article_id INTEGER NOT NULL,
                PRIMARY KEY (hash, article_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE ngram_articles (
                article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                shingles INTEGER NOT NULL,
                indexed_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE links (
                id INTEGER PRIMARY KEY,
                annotation_uuid TEXT NOT NULL
                    REFERENCES annotations(uuid) ON DELETE CASCADE,
                target_article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                start INTEGER NOT NULL CHECK (start >= 0),
                "end" INTEGER NOT NULL CHECK ("end" > start),
                text TEXT NOT NULL,
                score REAL NOT NULL,
                status TEXT NOT NULL DEFAULT 'suggested'
                    CHECK (status IN ('suggested', 'accepted', 'rejected')),
                target_annotation_uuid TEXT
                    REFERENCES annotations(uuid) ON DELETE SET NULL,
                created TEXT NOT NULL,
                decided_at TEXT,
                UNIQUE (annotation_uuid, target_article_id, start, "end")
            )
            """,
            "CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row')",
            "CREATE INDEX links_target ON links(target_article_id)",
            "CREATE INDEX links_target_annotation ON links(target_annotation_uuid)",
            f"""
            CREATE TRIGGER links_text_ins BEFORE INSERT ON links WHEN {_LINK_MISMATCH}
            BEGIN SELECT RAISE(ABORT, 'link text does not match the article text'); END
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        5,
        "orphaned annotations from imports",
        (
            """
            CREATE TABLE orphans (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                article_title TEXT,
                article_url TEXT,
                article_sha256 TEXT,
                quote TEXT NOT NULL,
                label TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                annotator TEXT NOT NULL DEFAULT '',
                reason TEXT NOT NULL,
                source TEXT NOT NULL,
                record TEXT NOT NULL,
                imported_at TEXT NOT NULL
            )
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        6,
        "article length stored; FTS update trigger only for title and text",
        (
            "DROP TRIGGER IF EXISTS articles_au",
            _FTS_TRIGGER_SQL["articles_au"],
            "ALTER TABLE articles ADD COLUMN chars INTEGER",
            "UPDATE articles SET chars = length(text)",
            """
            CREATE TRIGGER articles_chars AFTER UPDATE OF text ON articles BEGIN
              UPDATE articles SET chars = length(new.text) WHERE id = new.id;
            END
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        7,
        "match index as sorted blocks of integer posting keys",
        (
            # See annotations.postings. The sampling of 3-grams changed too, so the old
            # postings are not converted: every article is indexed again on next use.
            "CREATE TABLE postings (start INTEGER PRIMARY KEY, keys BLOB NOT NULL)",
            "DROP TABLE ngrams",
            "DELETE FROM ngram_articles",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
# Tables a current database must have; a file without one of them is damaged.
REQUIRED_TABLES = frozenset(
    {
        "articles",
        "articles_fts",
        "annotations",
        "history",
        "app_state",
        "links",
        "ngram_articles",
        "orphans",
        "postings",
        "migrations",
    }
)


def now_iso() -> str:
    """UTC timestamp with seconds precision, the one format used everywhere in the file."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int = LATEST_VERSION) -> int:
    """Bring the schema to ``target``; return how many steps ran. Safe to call concurrently."""
    if schema_version(db) >= target:
        ensure_fts(db)
        return 0
    from newsmark.corpus.db import write

    ran = 0
    with write(db):
        current = schema_version(db)
        if current > LATEST_VERSION:
            return 0
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                for statement in migration.statements:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [migration.version, migration.name, now_iso()],
                )
                db.execute(f"PRAGMA user_version = {int(migration.version)}")
                ran += 1
        _create_fts_objects(db)
    return ran


def fts_triggers(db: sqlite_utils.Database) -> set[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'"
    ).fetchall()
    return {r[0] for r in rows}


def ensure_fts(db: sqlite_utils.Database) -> None:
    """Re-create the FTS table and triggers if something (e.g. ``transform()``) dropped them."""
    if not db["articles"].exists():
        return
    if set(FTS_TRIGGERS) <= fts_triggers(db) and db["articles_fts"].exists():
        return
    from newsmark.corpus.db import write

    with write(db):
        _create_fts_objects(db)
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


def _create_fts_objects(db: sqlite_utils.Database) -> None:
    if not db["articles"].exists():
        return
    db.execute(_FTS_TABLE)
    for sql in _FTS_TRIGGER_SQL.values():
        db.execute(sql)
