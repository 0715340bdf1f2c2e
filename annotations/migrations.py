"""The annotations layer's tables, as versioned migrations of the one database file.

The versions interleave with the corpus layer's (one ``PRAGMA user_version`` for the file,
as released): this module owns 2-5, 7-9 and 12, :mod:`newsmark.corpus.migrations` runs them all,
in order, and refuses to run with a version missing. Never edit a released migration; add
a new one.
"""

from __future__ import annotations

from newsmark.corpus.migrations import Migration, register

MIGRATIONS: tuple[Migration, ...] = (
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
        7,
        "match index as sorted blocks of integer posting keys",
        (
            # See annotations.linking.postings. The sampling of 3-grams changed too, so the old
            # postings are not converted: every article is indexed again on next use.
            "CREATE TABLE postings (start INTEGER PRIMARY KEY, keys BLOB NOT NULL)",
            "DROP TABLE ngrams",
            "DELETE FROM ngram_articles",
        ),
    ),
)

# The same guarantee as _QUOTE_MISMATCH, reading the article's text once, not twice: a
# quote of exactly end - start characters that equals the text there means the span lies
# inside the text, so the text's length need not be counted.
_QUOTE_MISMATCH_ONE_READ = """
    length(NEW.quote) IS NOT NEW."end" - NEW.start
    OR (SELECT substr(text, NEW.start + 1, NEW."end" - NEW.start) FROM articles
        WHERE id = NEW.article_id) IS NOT NEW.quote
"""

MIGRATIONS += (
    Migration(
        8,
        "quicker edits: history looked up by article, quote checked with one read",
        (
            # Every change deletes the article's undone steps and every undo or redo picks
            # the article's next step: without this, each of them read the whole history.
            "CREATE INDEX history_article ON history(article_id, undone, id)",
            "DROP TRIGGER annotations_quote_ins",
            "DROP TRIGGER annotations_quote_upd",
            f"""
            CREATE TRIGGER annotations_quote_ins BEFORE INSERT ON annotations
            WHEN {_QUOTE_MISMATCH_ONE_READ}
            BEGIN SELECT RAISE(ABORT, 'annotation quote does not match the article text'); END
            """,
            f"""
            CREATE TRIGGER annotations_quote_upd
            BEFORE UPDATE OF article_id, start, "end", quote ON annotations
            WHEN {_QUOTE_MISMATCH_ONE_READ}
            BEGIN SELECT RAISE(ABORT, 'annotation quote does not match the article text'); END
            """,
        ),
    ),
)

MIGRATIONS += (
    Migration(
        9,
        "links remember how close in meaning a reworded passage is",
        # The cosine of the claim's and the passage's sentence embeddings (0-1); NULL for
        # a link the meaning signal did not measure (copies and edits, links made by hand).
        ("ALTER TABLE links ADD COLUMN meaning REAL",),
    ),
)

MIGRATIONS += (
    Migration(
        12,
        "the annotator's desk: article progress, a shared label set, who changed what",
        (
            # No row: "to do". Kept apart from articles so a state change never rewrites
            # an article row (its text).
            """
            CREATE TABLE article_state (
                article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                state TEXT NOT NULL CHECK (state IN ('todo', 'in progress', 'done')),
                annotator TEXT NOT NULL DEFAULT '',
                updated TEXT NOT NULL
            )
            """,
            "CREATE INDEX article_state_state ON article_state(state)",
            # The label set everyone who opens the file sees (a config seeds a new file).
            """
            CREATE TABLE labels (
                name TEXT PRIMARY KEY,
                key TEXT NOT NULL DEFAULT '',
                colour TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                position INTEGER NOT NULL
            )
            """,
            "ALTER TABLE history ADD COLUMN annotator TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX annotations_label ON annotations(label, article_id)",
            "CREATE INDEX annotations_annotator ON annotations(annotator, article_id)",
        ),
    ),
)


MIGRATIONS += (
    Migration(
        13,
        "links remember how sure the 'same claim' decision is",
        # 0-1, from annotations.linking.decision; NULL where it was not measured (the meaning
        # signal off, links made by hand, links from before this version). The review
        # queue and the matches panel put the surest first.
        ("ALTER TABLE links ADD COLUMN confidence REAL",),
    ),
)


MIGRATIONS += (
    Migration(
        14,
        "who may sign in to newsmark serve",
        # scrypt hashes (annotations.desk.users); a login name is the annotator it writes as.
        (
            """
            CREATE TABLE desk_users (
                name TEXT PRIMARY KEY,
                password TEXT NOT NULL,
                created TEXT NOT NULL
            )
            """,
        ),
    ),
)


MIGRATIONS += (
    Migration(
        16,
        "one undo step for an action that changes several annotations",
        # R relabels an annotation's linked copies in other articles: their history rows
        # share a batch and name the article R was pressed in (annotations.spans.store).
        (
            "ALTER TABLE history ADD COLUMN batch TEXT",
            "ALTER TABLE history ADD COLUMN batch_article INTEGER",
            "CREATE INDEX history_batch_article ON history(batch_article, undone, id)",
            "CREATE INDEX history_batch ON history(batch)",
        ),
    ),
)


TABLES = frozenset(
    {
        "annotations",
        "history",
        "app_state",
        "links",
        "ngram_articles",
        "orphans",
        "postings",
        "article_state",
        "labels",
        "desk_users",
    }
)

register("annotations", MIGRATIONS, TABLES)
