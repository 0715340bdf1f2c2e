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
from typing import TYPE_CHECKING

from newsmark.corpus.dates import now_iso
from newsmark.corpus.transactions import write

if TYPE_CHECKING:  # the layers above register their migrations without loading sqlite-utils
    import sqlite_utils

# The article list's order (published first, undated last, then title): the list's query
# and its covering index (migration 18) must say the same for SQLite to use the index.
LISTING_ORDER = "published IS NULL, published, title COLLATE NOCASE, id"

FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")

# As migration 1 made it (a released migration is never edited).
_FTS_TABLE_V1 = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""

# Since migration 15: the content table in double quotes, the spelling Datasette (and
# sqlite-utils) look for to offer the table's search box; FTS5 reads both the same.
_FTS_TABLE = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content="articles", content_rowid="id",
    tokenize='unicode61 remove_diacritics 2'
)
"""

# Since migration 17 the insert trigger stands aside while ``fts_deferred`` holds a row:
# an import then adds the batch's index rows in one statement (corpus.articles), which
# FTS5 builds in memory; row by row from a trigger it wrote to disk at every row, and the
# index cost twice the insert. Any other program's insert is indexed by the trigger.
# As migrations 1 to 16 had it.
_FTS_INSERT_TRIGGER_V1 = """
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END"""

_FTS_INSERT_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles
WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END"""

_FTS_TRIGGER_SQL = {
    "articles_ai": _FTS_INSERT_TRIGGER,
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
            _FTS_TABLE_V1,
            _FTS_INSERT_TRIGGER_V1,
            _FTS_TRIGGER_SQL["articles_ad"],
            _FTS_TRIGGER_SQL["articles_au"],
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
        10,
        "articles have an author (byline) and a language",
        (
            "ALTER TABLE articles ADD COLUMN author TEXT",
            "ALTER TABLE articles ADD COLUMN language TEXT",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        11,
        "articles looked up by address: a URL or feed item already imported is not fetched",
        (
            "CREATE INDEX articles_url ON articles(url)",
            "CREATE INDEX articles_path ON articles(path)",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        15,
        "the full-text index names its content table as Datasette reads it",
        # The index is rebuilt from the articles (seconds per 10,000 articles, once);
        # the triggers and the annotations layer's vocabulary table refer to it by name
        # and work on unchanged.
        (
            "DROP TABLE articles_fts",
            _FTS_TABLE,
            "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
        ),
    ),
)


MIGRATIONS += (
    Migration(
        17,
        "an import indexes a batch of articles for full-text search in one statement",
        (
            # A row here, only ever inside an importing transaction, makes the insert
            # trigger stand aside (corpus.articles.insert_articles).
            "CREATE TABLE fts_deferred (since INTEGER NOT NULL)",
            "DROP TRIGGER IF EXISTS articles_ai",
            _FTS_INSERT_TRIGGER,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        18,
        "the article list is read from an index, not from the articles' rows",
        (
            # ``chars`` comes after ``text`` in the row: reading it walked every article's
            # text (32-50 ms for 10,000 articles, the reader's first screen waiting on it).
            # Every column of the list is in this index, in the list's order: ~7 ms.
            "UPDATE articles SET chars = length(text) WHERE chars IS NULL",
            f"CREATE INDEX articles_listing ON articles ({LISTING_ORDER}, outlet, url, chars)",
        ),
    ),
)


# Tables this layer needs; a file without one of them is damaged.
TABLES = frozenset({"articles", "articles_fts", "migrations", "fts_deferred"})

_LAYERS: dict[str, tuple[tuple[Migration, ...], frozenset[str]]] = {"corpus": (MIGRATIONS, TABLES)}


def register(layer: str, migrations: tuple[Migration, ...], tables: frozenset[str]) -> None:
    """Add a layer's migrations (its module calls this when imported).

    The corpus layer cannot import the layers above it; they bring their own tables here.
    """
    _LAYERS[layer] = (migrations, tables)


def all_migrations() -> tuple[Migration, ...]:
    """Every registered migration in version order; a missing version is a programming
    error (a layer's migrations were not imported), never something to run around."""
    steps = sorted((m for ms, _ in _LAYERS.values() for m in ms), key=lambda m: m.version)
    versions = [m.version for m in steps]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(
            f"schema migrations {versions} are not contiguous: import newsmark.annotations"
            " before opening a database"
        )
    return tuple(steps)


def latest_version() -> int:
    return all_migrations()[-1].version


def required_tables() -> frozenset[str]:
    all_migrations()  # the check above
    return frozenset(t for _, tables in _LAYERS.values() for t in tables)


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int | None = None) -> int:
    """Bring the schema to ``target`` (default: the latest); return how many steps ran.

    Safe to call concurrently. Runs every layer's registered migrations, in version order.
    """
    steps = all_migrations()
    latest = steps[-1].version
    target = latest if target is None else target
    if schema_version(db) >= target:
        ensure_fts(db)
        return 0

    ran = 0
    with write(db):
        current = schema_version(db)
        if current > latest:
            return 0
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for migration in steps:
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

    with write(db):
        _create_fts_objects(db)
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


def _create_fts_objects(db: sqlite_utils.Database) -> None:
    if not db["articles"].exists():
        return
    db.execute(_FTS_TABLE)
    for sql in _FTS_TRIGGER_SQL.values():
        db.execute(sql)
