"""The schema, as sqlite-utils migrations. Add a migration, never edit one."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("frontline")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            enabled INTEGER NOT NULL DEFAULT 1,
            origin TEXT NOT NULL DEFAULT 'config',
            in_config INTEGER NOT NULL DEFAULT 1,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_checked TEXT,
            last_success TEXT,
            last_error TEXT,
            error_kind TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT,
            gone INTEGER NOT NULL DEFAULT 0,
            redirect_url TEXT,
            redirect_count INTEGER NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '[]',
            added TEXT
        );
        CREATE TABLE files (
            path TEXT PRIMARY KEY,
            content_hash TEXT,
            size INTEGER,
            mtime TEXT,
            last_ingested TEXT,
            last_error TEXT
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            source_kind TEXT NOT NULL,
            outlet TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            author TEXT,
            published TEXT NOT NULL,
            published_estimated INTEGER NOT NULL DEFAULT 0,
            fetched TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            offset_start INTEGER,
            offset_end INTEGER,
            content_hash TEXT NOT NULL
        );
        CREATE INDEX stories_source ON stories(source);
        CREATE INDEX stories_published ON stories(published);
        CREATE INDEX stories_first_seen ON stories(first_seen);
        CREATE TABLE story_cluster (
            story_id TEXT PRIMARY KEY,
            cluster_id TEXT NOT NULL,
            signal TEXT NOT NULL,
            score REAL NOT NULL,
            matched_id TEXT
        );
        CREATE INDEX story_cluster_cluster ON story_cluster(cluster_id);
        CREATE TABLE story_pane (
            story_id TEXT PRIMARY KEY,
            pane TEXT NOT NULL,
            score REAL NOT NULL,
            terms TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE clusters (
            id TEXT PRIMARY KEY,
            pane TEXT NOT NULL,
            rule_pane TEXT NOT NULL,
            pane_score REAL NOT NULL DEFAULT 0,
            pane_terms TEXT NOT NULL DEFAULT '[]',
            headline TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_update TEXT NOT NULL,
            size INTEGER NOT NULL,
            outlets INTEGER NOT NULL
        );
        CREATE INDEX clusters_pane_update ON clusters(pane, last_update);
        CREATE TABLE quotes (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            stories INTEGER NOT NULL,
            outlets INTEGER NOT NULL
        );
        CREATE TABLE quote_stories (
            quote_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            PRIMARY KEY (quote_id, story_id)
        );
        CREATE INDEX quote_stories_story ON quote_stories(story_id);
        CREATE TABLE story_state (
            story_id TEXT PRIMARY KEY,
            read INTEGER NOT NULL DEFAULT 0,
            seen INTEGER NOT NULL DEFAULT 0,
            changed TEXT
        );
        CREATE TABLE cluster_state (
            cluster_id TEXT PRIMARY KEY,
            starred INTEGER NOT NULL DEFAULT 0,
            dismissed INTEGER NOT NULL DEFAULT 0,
            pane_override TEXT,
            changed TEXT
        );
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            story_id TEXT,
            cluster_id TEXT,
            other_id TEXT,
            created TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE mutes (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            created TEXT NOT NULL,
            expires TEXT,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            description TEXT NOT NULL,
            undo TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """
    )
    db.table("stories").enable_fts(
        ["title", "summary", "body"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m002_feed_html_url(db: sqlite_utils.Database) -> None:
    # The site a feed belongs to (OPML htmlUrl), kept so an export gives it back.
    db.execute("ALTER TABLE feeds ADD COLUMN html_url TEXT")


_COUNT = (
    "(SELECT count(*) FROM story_cluster x LEFT JOIN story_state ss ON ss.story_id = x.story_id"
    " WHERE x.cluster_id = clusters.id AND COALESCE(ss.{col}, 0) = 0)"
)
#: Recompute a cluster row's unread/unseen counters (a WHERE clause follows).
RECOUNT_SQL = (
    f"UPDATE clusters SET unread = {_COUNT.format(col='read')},"
    f" unseen = {_COUNT.format(col='seen')}"
)


@migrations()
def m003_cluster_counters(db: sqlite_utils.Database) -> None:
    # Unread/new counts per cluster, kept by triggers on story_state and
    # recomputed when a cluster's rows are rewritten. Counting members per
    # row at read time cost ~340 ms per pane figure at 100k stories.
    db.executescript(
        f"""
        ALTER TABLE clusters ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE clusters ADD COLUMN unseen INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX clusters_pane_unread ON clusters(pane, unread);
        CREATE TRIGGER story_state_count_ai AFTER INSERT ON story_state BEGIN
            {RECOUNT_SQL} WHERE id = (
                SELECT cluster_id FROM story_cluster WHERE story_id = NEW.story_id);
        END;
        CREATE TRIGGER story_state_count_au AFTER UPDATE ON story_state BEGIN
            {RECOUNT_SQL} WHERE id = (
                SELECT cluster_id FROM story_cluster WHERE story_id = NEW.story_id);
        END;
        {RECOUNT_SQL};
        """
    )


@migrations()
def m004_story_features(db: sqlite_utils.Database) -> None:
    # The clusterer's precomputed features of each story (words, keys, quotes),
    # so a refresh loads the stories of its 48 h window without re-tokenising
    # them. Derived and disposable: ``version`` names the code and parameters
    # that made a row and ``content_hash`` the story text it was made from; a
    # row matching neither is recomputed.
    db.executescript(
        """
        CREATE TABLE story_features (
            story_id TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            data TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_derive_pending(db: sqlite_utils.Database) -> None:
    # What the derive step still owes, written in the same transaction as the
    # stories: ('story', id) for a new or changed story, ('cluster', id) for a
    # cluster that lost a story. A refresh killed between its writes and its
    # derive step leaves them here and the next refresh does the work.
    db.executescript(
        """
        CREATE TABLE derive_pending (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        );
        """
    )


SCHEMA_VERSION = 5  # number of migrations; bump with each new one
