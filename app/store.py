"""The SQLite store: the only module that speaks SQL.

Owns the schema (applied through sqlite-utils migrations), the checks made at
open (a frontline database, a schema this code understands, not corrupt), and
every read and write. It returns models, never rows.

Concurrency: the desk and a cron ``frontline refresh`` share one file. WAL
lets readers and one writer work together; every write transaction starts
with ``BEGIN IMMEDIATE`` (a deferred transaction that reads first fails at
once with "database is locked" when another process writes) and waits up to
the busy timeout. Transactions are short and never span network I/O.

Data layout: ``stories`` hold what sources said (with provenance);
``story_cluster``, ``story_pane``, ``clusters``, ``quotes`` and
``quote_stories`` are derived and can be rebuilt; ``story_state``,
``cluster_state``, ``decisions``, ``mutes`` and ``actions`` are the user's and
survive any rebuild.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from app.errors import DatabaseError, WrongDatabaseError
from app.models import (
    ClusterFilter,
    ClusterLink,
    ClusterRow,
    FeedStatus,
    ParsedStory,
    QuoteInfo,
    SearchHit,
    Signal,
    SourceKind,
    Story,
)
from app.text import clean_line

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "ClusterRecord",
    "FeedRecord",
    "Store",
    "WriteResult",
    "from_db_time",
    "story_id_for",
    "to_db_time",
]

APPLICATION_ID = 0x46524E54  # "FRNT"
BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("frontline")


def to_db_time(dt: datetime | None) -> str | None:
    """A datetime as fixed-width UTC text, so text order is time order."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db_time(value: str | None) -> datetime | None:
    """Inverse of :func:`to_db_time`."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _req_time(value: str | None) -> datetime:
    dt = from_db_time(value)
    return dt if dt is not None else datetime(1970, 1, 1, tzinfo=UTC)


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def story_id_for(kind: SourceKind, source: str, story: ParsedStory, dup_index: int = 0) -> str:
    """A stable id: one row per (source, entry) across refreshes.

    Feeds: the guid, else the link, else a hash of title and summary. Files:
    the title (plus its repeat index), so an edited body updates the same
    story instead of adding one.
    """
    if kind is SourceKind.FEED:
        key = story.guid or story.url or f"h:{story.title}\x00{story.summary}"
    else:
        key = f"t:{story.title.casefold()}#{dup_index}"
    return _sha(kind.value, source, key)[:20]


def _content_hash(s: ParsedStory, outlet: str) -> str:
    return _sha(
        s.title,
        s.summary,
        s.body,
        s.url or "",
        s.author or "",
        outlet,
        to_db_time(s.published) or "",
        str(s.published_estimated),
        repr(s.offset),
    )


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


SCHEMA_VERSION = 1  # number of migrations; bump with each new one


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """A feed row as refresh needs it."""

    url: str
    name: str
    tags: tuple[str, ...]
    enabled: bool
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error_count: int
    next_attempt: datetime | None
    gone: bool
    redirect_url: str | None
    redirect_count: int


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one source's write changed."""

    new: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    dropped: int = 0


@dataclass(frozen=True, slots=True)
class ClusterRecord:
    """Derived cluster row, computed by the core and written by the store."""

    id: str
    rule_pane: str
    pane_score: float
    pane_terms: tuple[str, ...]
    headline: str
    first_seen: datetime
    last_update: datetime
    size: int
    outlets: int


def _row_story(r: Mapping[str, Any]) -> Story:
    return Story(
        id=r["id"],
        source=r["source"],
        source_kind=SourceKind(r["source_kind"]),
        outlet=r["outlet"],
        title=r["title"],
        summary=r["summary"],
        body=r["body"],
        url=r["url"],
        guid=r["guid"],
        author=r["author"],
        published=_req_time(r["published"]),
        published_estimated=bool(r["published_estimated"]),
        fetched=_req_time(r["fetched"]),
        offset_start=r["offset_start"],
        offset_end=r["offset_end"],
        pane=r.get("pane") or "other",
        pane_score=float(r.get("pane_score") or 0.0),
        pane_terms=tuple(json.loads(r.get("pane_terms") or "[]")),
        cluster_id=r.get("cluster_id"),
        cluster_signal=Signal(r.get("signal") or "founder"),
        cluster_score=float(r["score"]) if r.get("score") is not None else 100.0,
        cluster_matched=r.get("matched_id"),
        quote_ids=tuple(q for q in (r.get("quote_ids") or "").split(",") if q),
        read=bool(r.get("read") or 0),
    )


_STORY_SELECT = """
    SELECT s.*, sp.pane, sp.score AS pane_score, sp.terms AS pane_terms,
           sc.cluster_id, sc.signal, sc.score, sc.matched_id,
           (SELECT group_concat(quote_id) FROM quote_stories q WHERE q.story_id = s.id)
               AS quote_ids,
           ss.read
    FROM stories s
    LEFT JOIN story_pane sp ON sp.story_id = s.id
    LEFT JOIN story_cluster sc ON sc.story_id = s.id
    LEFT JOIN story_state ss ON ss.story_id = s.id
"""


class Store:
    """A frontline database. Not thread-safe: one Store per thread."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None, *, readonly: bool) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly

    # ----------------------------------------------------------------- open
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        check: bool = False,
        create: bool = True,
    ) -> Store:
        """Open (and create or migrate) a database file.

        Args:
            path: The database file, or ``":memory:"``.
            readonly: Open without write access (the desk falls back to this
                when the file or its directory is not writable).
            check: Run ``PRAGMA quick_check`` (refresh and doctor do; the desk
                does it in the background).
            create: Create the file when missing.

        Raises:
            WrongDatabaseError: Not SQLite, another application's database, or
                a schema newer than this code.
            DatabaseError: Corrupt, unreadable, or cannot be created.
        """
        if str(path) == ":memory:":
            conn = sqlite3.connect(":memory:", isolation_level=None)
            store = cls(sqlite_utils.Database(conn), None, readonly=False)
            store._init_new()
            return store
        p = Path(path)
        shown = clean_line(str(p))
        exists = p.exists()
        if exists:
            cls._check_header(p)
            if not readonly and not (os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)):
                raise DatabaseError(
                    f"database {shown}: read-only (no write permission on the file or its folder)"
                )
        elif readonly or not create:
            raise DatabaseError(f"database {shown}: no such file")
        else:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"database {shown}: cannot create its directory ({exc.strerror})"
                ) from None
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{p.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None
                )
            else:
                conn = sqlite3.connect(str(p), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.Error as exc:
            raise DatabaseError(f"database {shown}: cannot open ({exc})") from None
        store = cls(sqlite_utils.Database(conn), p, readonly=readonly)
        try:
            store._prepare(exists=exists, check=check, shown=shown)
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _check_header(p: Path) -> None:
        shown = clean_line(str(p))
        try:
            if not p.is_file():
                raise WrongDatabaseError(f"database {shown}: not a regular file")
            with p.open("rb") as fh:
                head = fh.read(16)
        except PermissionError:
            raise DatabaseError(f"database {shown}: permission denied") from None
        except OSError as exc:
            raise DatabaseError(f"database {shown}: cannot read ({exc.strerror})") from None
        if head and head != b"SQLite format 3\x00":
            raise WrongDatabaseError(
                f"database {shown}: not a SQLite database; point --db or [storage] database "
                "at a frontline database (or a new path)"
            )

    def _prepare(self, *, exists: bool, check: bool, shown: str) -> None:
        conn = self.db.conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"database {shown}: unreadable ({exc}); restore it from a backup or move it away"
            ) from None
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise WrongDatabaseError(
                f"database {shown}: this SQLite file belongs to another application; "
                "frontline will not write to it"
            )
        if version > SCHEMA_VERSION:
            raise WrongDatabaseError(
                f"database {shown}: written by a newer frontline (schema {version}, this "
                f"version knows {SCHEMA_VERSION}); upgrade frontline"
            )
        if check:
            problem = self.quick_check()
            if problem:
                raise DatabaseError(
                    f"database {shown}: integrity check failed ({problem}); restore from a "
                    "backup (frontline doctor explains)"
                )
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise DatabaseError(
                    f"database {shown}: read-only and not yet set up; open it writable once"
                )
            return
        if not tables:
            self._init_new()
        elif version < SCHEMA_VERSION:
            self._migrate()

    def _init_new(self) -> None:
        conn = self.db.conn
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._migrate()

    def _migrate(self) -> None:
        try:
            migrations.apply(self.db)
            self.db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.OperationalError as exc:
            raise DatabaseError(f"database: cannot set up the schema ({exc})") from None

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when possible)."""
        with contextlib.suppress(sqlite3.Error):
            if not self.readonly:
                self.db.conn.execute("PRAGMA optimize")
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------- transactions
    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A short write transaction begun with ``BEGIN IMMEDIATE``.

        Raises:
            DatabaseError: Read-only, disk full, or locked past the busy timeout.
        """
        if self.readonly:
            raise DatabaseError("the database is open read-only")
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DatabaseError(f"database busy or not writable: {exc}") from None
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise DatabaseError(f"database write failed: {exc}") from None

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def data_version(self) -> int:
        """Changes when another connection commits (cheap; for the desk's poll)."""
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])

    def quick_check(self) -> str | None:
        """None when ``PRAGMA quick_check`` passes, else its first complaint."""
        try:
            rows = self.db.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        msgs = [r[0] for r in rows]
        return None if msgs == ["ok"] else "; ".join(msgs[:3])

    def fts_check(self) -> str | None:
        """None when the FTS index matches the stories (rank=1 integrity-check)."""
        try:
            self.db.conn.execute(
                "INSERT INTO stories_fts(stories_fts, rank) VALUES('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None

    def checkpoint(self) -> None:
        """Fold the WAL back into the database (keeps it bounded on long runs)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # ----------------------------------------------------------------- meta
    def get_meta(self, key: str) -> str | None:
        rows = self._q("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # ---------------------------------------------------------------- feeds
    def sync_feeds(self, feeds: Iterable[tuple[str, str, tuple[str, ...]]], now: datetime) -> None:
        """Make the feeds table know every configured feed (config wins for name/tags)."""
        feeds = list(feeds)
        with self.write() as db:
            db.execute("UPDATE feeds SET in_config = 0 WHERE origin = 'config'")
            for url, name, tags in feeds:
                db.execute(
                    "INSERT INTO feeds(url, name, tags, origin, in_config, added) "
                    "VALUES(?, ?, ?, 'config', 1, ?) ON CONFLICT(url) DO UPDATE SET "
                    "name = excluded.name, tags = excluded.tags, in_config = 1",
                    [url, name, json.dumps(list(tags)), to_db_time(now)],
                )

    def add_feed(self, url: str, name: str, tags: Sequence[str], now: datetime) -> bool:
        """Add a user feed (``frontline feeds add``); False when it exists already."""
        with self.write() as db:
            exists = db.execute("SELECT 1 FROM feeds WHERE url = ?", [url]).fetchone()
            if exists:
                db.execute(
                    "UPDATE feeds SET enabled = 1, in_config = 1 WHERE url = ?",
                    [url],
                )
                return False
            db.execute(
                "INSERT INTO feeds(url, name, tags, origin, in_config, added) "
                "VALUES(?, ?, ?, 'user', 1, ?)",
                [url, name, json.dumps(list(tags)), to_db_time(now)],
            )
            return True

    def remove_feed(self, url: str) -> bool:
        """Stop polling a feed (its stories stay). False when unknown."""
        with self.write() as db:
            cur = db.execute("UPDATE feeds SET in_config = 0, enabled = 0 WHERE url = ?", [url])
            return cur.rowcount > 0

    def set_feed_enabled(self, url: str, enabled: bool) -> bool:
        with self.write() as db:
            cur = db.execute(
                "UPDATE feeds SET enabled = ?, gone = CASE WHEN ? THEN 0 ELSE gone END, "
                "next_attempt = CASE WHEN ? THEN NULL ELSE next_attempt END WHERE url = ?",
                [int(enabled), int(enabled), int(enabled), url],
            )
            return cur.rowcount > 0

    def retry_feed(self, url: str) -> bool:
        """Clear a feed's back-off so the next refresh polls it."""
        with self.write() as db:
            cur = db.execute("UPDATE feeds SET next_attempt = NULL WHERE url = ?", [url])
            return cur.rowcount > 0

    def active_feeds(self) -> list[FeedRecord]:
        """Every feed refresh should consider (enabled, configured or user-added)."""
        rows = self._q(
            "SELECT * FROM feeds WHERE in_config = 1 ORDER BY url",
        )
        return [
            FeedRecord(
                url=r["url"],
                name=r["name"],
                tags=tuple(json.loads(r["tags"])),
                enabled=bool(r["enabled"]),
                etag=r["etag"],
                last_modified=r["last_modified"],
                body_hash=r["body_hash"],
                error_count=r["error_count"],
                next_attempt=from_db_time(r["next_attempt"]),
                gone=bool(r["gone"]),
                redirect_url=r["redirect_url"],
                redirect_count=r["redirect_count"],
            )
            for r in rows
        ]

    def record_feed_result(
        self,
        url: str,
        *,
        now: datetime,
        ok: bool,
        error: str | None = None,
        error_kind: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        next_attempt: datetime | None = None,
        gone: bool = False,
        redirect_url: str | None = None,
        title: str | None = None,
        warnings: Sequence[str] = (),
        db: sqlite_utils.Database | None = None,
    ) -> None:
        """Store the outcome of fetching a feed (success resets the error count)."""
        t = to_db_time(now)

        def run(d: sqlite_utils.Database) -> None:
            if ok:
                d.execute(
                    "UPDATE feeds SET last_checked = ?, last_success = ?, last_error = NULL, "
                    "error_kind = NULL, error_count = 0, next_attempt = ?, "
                    "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), "
                    "body_hash = COALESCE(?, body_hash), title = COALESCE(?, title), "
                    "warnings = ?, "
                    "redirect_count = CASE WHEN ? IS NULL THEN 0 ELSE "
                    "  CASE WHEN redirect_url = ? THEN redirect_count + 1 ELSE 1 END END, "
                    "redirect_url = ? WHERE url = ?",
                    [
                        t,
                        t,
                        to_db_time(next_attempt),
                        etag,
                        last_modified,
                        body_hash,
                        title,
                        json.dumps(list(warnings)),
                        redirect_url,
                        redirect_url,
                        redirect_url,
                        url,
                    ],
                )
            else:
                d.execute(
                    "UPDATE feeds SET last_checked = ?, last_error = ?, error_kind = ?, "
                    "error_count = error_count + 1, next_attempt = ?, "
                    "gone = CASE WHEN ? THEN 1 ELSE gone END WHERE url = ?",
                    [t, error, error_kind, to_db_time(next_attempt), int(gone), url],
                )

        if db is not None:
            run(db)
        else:
            with self.write() as d:
                run(d)

    def feed_statuses(self) -> list[FeedStatus]:
        rows = self._q(
            "SELECT f.*, (SELECT count(*) FROM stories s WHERE s.source = f.url) AS n "
            "FROM feeds f WHERE f.in_config = 1 OR f.origin = 'user' ORDER BY f.name, f.url"
        )
        return [
            FeedStatus(
                url=r["url"],
                name=r["name"],
                tags=tuple(json.loads(r["tags"])),
                enabled=bool(r["enabled"]),
                gone=bool(r["gone"]),
                last_checked=from_db_time(r["last_checked"]),
                last_success=from_db_time(r["last_success"]),
                last_error=r["last_error"],
                error_count=r["error_count"],
                next_attempt=from_db_time(r["next_attempt"]),
                stories=r["n"],
            )
            for r in rows
        ]

    # ---------------------------------------------------------------- files
    def file_hash(self, path: str) -> str | None:
        rows = self._q("SELECT content_hash FROM files WHERE path = ?", [path])
        return rows[0]["content_hash"] if rows else None

    def record_file_error(self, path: str, error: str, now: datetime) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO files(path, last_error, last_ingested) VALUES(?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET last_error = excluded.last_error",
                [path, error, to_db_time(now)],
            )

    # -------------------------------------------------------------- stories
    def write_stories(
        self,
        source: str,
        kind: SourceKind,
        stories: Sequence[ParsedStory],
        *,
        outlet: str,
        now: datetime,
        replace_all: bool = False,
        max_new: int | None = None,
        file_info: Mapping[str, Any] | None = None,
        feed_result: Mapping[str, Any] | None = None,
    ) -> WriteResult:
        """Upsert one source's stories in one transaction.

        Unchanged stories are not touched (a second identical refresh writes
        nothing). With ``replace_all`` (a seed file is its own authority)
        stories no longer in the source are removed; a feed never deletes
        what it stopped listing.

        Args:
            source: Feed URL or file path.
            kind: Feed or file.
            stories: Parsed, cleaned stories.
            outlet: The source's name, used when a story states none.
            now: Fetch time; also first-seen for new stories.
            replace_all: Remove this source's stories that are not in ``stories``.
            max_new: Cap on new stories this run (newest kept); the rest are dropped.
            file_info: For files: content_hash, size, mtime to record.
            feed_result: Keyword arguments for :meth:`record_feed_result`, written
                in the same transaction.
        """
        t_now = to_db_time(now)
        assert t_now is not None
        counts: dict[str, int] = {}
        prepared: list[tuple[str, ParsedStory]] = []
        seen_ids: set[str] = set()
        for s in stories:
            key = s.title.casefold()
            idx = counts.get(key, 0)
            counts[key] = idx + 1
            sid = story_id_for(kind, source, s, idx)
            if sid in seen_ids:  # duplicate guid inside one feed: first wins
                continue
            seen_ids.add(sid)
            prepared.append((sid, s))
        new: list[str] = []
        updated: list[str] = []
        removed: list[str] = []
        dropped = 0
        with self.write() as db:
            existing = {
                r[0]: r[1]
                for r in db.execute(
                    "SELECT id, content_hash FROM stories WHERE source = ?", [source]
                ).fetchall()
            }
            fresh = [(sid, s) for sid, s in prepared if sid not in existing]
            if max_new is not None and len(fresh) > max_new:
                fresh.sort(key=lambda p: (to_db_time(p[1].published) or "", p[0]), reverse=True)
                dropped = len(fresh) - max_new
                keep = {sid for sid, _ in fresh[:max_new]}
                prepared = [(sid, s) for sid, s in prepared if sid in existing or sid in keep]
            for sid, s in prepared:
                story_outlet = s.outlet or outlet
                chash = _content_hash(s, story_outlet)
                published = s.published or now
                estimated = s.published_estimated or s.published is None
                if sid in existing:
                    if existing[sid] == chash:
                        continue
                    db.execute(
                        "UPDATE stories SET outlet = ?, guid = ?, url = ?, title = ?, summary = ?,"
                        " body = ?, author = ?, published = ?, published_estimated = ?,"
                        " fetched = ?, offset_start = ?, offset_end = ?, content_hash = ?"
                        " WHERE id = ?",
                        [
                            story_outlet,
                            s.guid,
                            s.url,
                            s.title,
                            s.summary,
                            s.body,
                            s.author,
                            to_db_time(published),
                            int(estimated),
                            t_now,
                            s.offset[0] if s.offset else None,
                            s.offset[1] if s.offset else None,
                            chash,
                            sid,
                        ],
                    )
                    updated.append(sid)
                else:
                    db.execute(
                        "INSERT INTO stories(id, source, source_kind, outlet, guid, url, title,"
                        " summary, body, author, published, published_estimated, fetched,"
                        " first_seen, offset_start, offset_end, content_hash)"
                        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            sid,
                            source,
                            kind.value,
                            story_outlet,
                            s.guid,
                            s.url,
                            s.title,
                            s.summary,
                            s.body,
                            s.author,
                            to_db_time(published),
                            int(estimated),
                            t_now,
                            t_now,
                            s.offset[0] if s.offset else None,
                            s.offset[1] if s.offset else None,
                            chash,
                        ],
                    )
                    new.append(sid)
            if replace_all:
                keep_ids = {sid for sid, _ in prepared}
                removed = sorted(set(existing) - keep_ids)
                self._delete_stories(db, removed)
            if file_info is not None:
                db.execute(
                    "INSERT INTO files(path, content_hash, size, mtime, last_ingested, last_error)"
                    " VALUES(?, ?, ?, ?, ?, NULL) ON CONFLICT(path) DO UPDATE SET"
                    " content_hash = excluded.content_hash, size = excluded.size,"
                    " mtime = excluded.mtime, last_ingested = excluded.last_ingested,"
                    " last_error = NULL",
                    [
                        source,
                        file_info.get("content_hash"),
                        file_info.get("size"),
                        file_info.get("mtime"),
                        t_now,
                    ],
                )
            if feed_result is not None:
                self.record_feed_result(source, now=now, db=db, **feed_result)
        return WriteResult(tuple(new), tuple(updated), tuple(removed), dropped)

    @staticmethod
    def _delete_stories(db: sqlite_utils.Database, ids: Sequence[str]) -> None:
        for sid in ids:
            for table in ("stories", "story_cluster", "story_pane", "quote_stories"):
                col = "id" if table == "stories" else "story_id"
                db.execute(f"DELETE FROM {table} WHERE {col} = ?", [sid])

    def story(self, story_id: str) -> Story | None:
        rows = self._q(_STORY_SELECT + " WHERE s.id = ?", [story_id])
        return _row_story(rows[0]) if rows else None

    def find_story(self, prefix: str) -> list[Story]:
        """Stories whose id starts with ``prefix`` (ids are long; users type a few chars)."""
        rows = self._q(
            _STORY_SELECT + " WHERE s.id >= ? AND s.id < ? ORDER BY s.id LIMIT 5",
            [prefix, prefix + "\uffff"],
        )
        return [_row_story(r) for r in rows]

    def stories(
        self,
        *,
        ids: Sequence[str] | None = None,
        since: datetime | None = None,
        pane: str | None = None,
        cluster_id: str | None = None,
        order: str = "s.published, s.id",
        limit: int | None = None,
    ) -> list[Story]:
        """Stories with their derived state, filtered."""
        where: list[str] = []
        params: list[Any] = []
        if ids is not None:
            if not ids:
                return []
            where.append(f"s.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if since is not None:
            where.append("s.published >= ?")
            params.append(to_db_time(since))
        if pane is not None:
            where.append(
                "COALESCE((SELECT c.pane FROM clusters c WHERE c.id = sc.cluster_id), sp.pane) = ?"
            )
            params.append(pane)
        if cluster_id is not None:
            where.append("sc.cluster_id = ?")
            params.append(cluster_id)
        sql = _STORY_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row_story(r) for r in self._q(sql, params)]

    def iter_stories_raw(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Plain rows (id, source, outlet, title, summary, body, guid, url, published).

        For clustering and classification over many stories without building
        full models.
        """
        sql = "SELECT id, source, outlet, title, summary, body, guid, url, published FROM stories"
        params: list[Any] = []
        if since is not None:
            sql += " WHERE published >= ?"
            params.append(to_db_time(since))
        sql += " ORDER BY published, id"
        yield from self.db.query(sql, params)

    def raw_stories(self, ids: Sequence[str] | None) -> list[dict[str, Any]]:
        """Plain rows like :meth:`iter_stories_raw` for the given ids (None: all)."""
        if ids is None:
            return list(self.iter_stories_raw())
        out: list[dict[str, Any]] = []
        for chunk in _chunks(ids, 500):
            out.extend(
                self._q(
                    "SELECT id, source, outlet, title, summary, body, guid, url, published"
                    f" FROM stories WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            )
        out.sort(key=lambda r: (r["published"], r["id"]))
        return out

    def story_count(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    # -------------------------------------------------------------- derived
    def set_panes(self, rows: Iterable[tuple[str, str, float, Sequence[str]]]) -> None:
        """Store (story_id, pane, score, terms) classifications."""
        with self.write() as db:
            db.conn.executemany(
                "INSERT INTO story_pane(story_id, pane, score, terms) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(story_id) DO UPDATE SET pane = excluded.pane, "
                "score = excluded.score, terms = excluded.terms",
                [(sid, pane, score, json.dumps(list(terms))) for sid, pane, score, terms in rows],
            )

    def story_panes(self, ids: Sequence[str]) -> dict[str, tuple[str, float, tuple[str, ...]]]:
        out: dict[str, tuple[str, float, tuple[str, ...]]] = {}
        for chunk in _chunks(ids, 500):
            for r in self._q(
                f"SELECT * FROM story_pane WHERE story_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[r["story_id"]] = (r["pane"], r["score"], tuple(json.loads(r["terms"])))
        return out

    def cluster_links(
        self, *, since: datetime | None = None, cluster_ids: Sequence[str] | None = None
    ) -> dict[str, ClusterLink]:
        """Stored links, optionally for stories published since a time or in clusters."""
        sql = "SELECT sc.* FROM story_cluster sc"
        params: list[Any] = []
        if since is not None:
            sql += " JOIN stories s ON s.id = sc.story_id WHERE s.published >= ?"
            params.append(to_db_time(since))
        out: dict[str, ClusterLink] = {}
        if cluster_ids is not None:
            for chunk in _chunks(cluster_ids, 500):
                q = (
                    "SELECT * FROM story_cluster WHERE cluster_id IN "
                    f"({','.join('?' * len(chunk))})"
                )
                for r in self._q(q, chunk):
                    out[r["story_id"]] = _link(r)
            return out
        for r in self.db.query(sql, params):
            out[r["story_id"]] = _link(r)
        return out

    def set_links(self, links: Iterable[ClusterLink], *, replace_all: bool = False) -> None:
        """Store cluster links; ``replace_all`` for a full rebuild."""
        with self.write() as db:
            if replace_all:
                db.execute("DELETE FROM story_cluster")
            db.conn.executemany(
                "INSERT INTO story_cluster(story_id, cluster_id, signal, score, matched_id) "
                "VALUES(?, ?, ?, ?, ?) ON CONFLICT(story_id) DO UPDATE SET "
                "cluster_id = excluded.cluster_id, signal = excluded.signal, "
                "score = excluded.score, matched_id = excluded.matched_id",
                [
                    (lk.story_id, lk.cluster_id, lk.signal.value, round(lk.score, 2), lk.matched_id)
                    for lk in links
                ],
            )

    def cluster_members_raw(self, cluster_ids: Sequence[str]) -> list[dict[str, Any]]:
        """(cluster_id, story_id, outlet, title, published, first_seen, pane, score, terms)."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(cluster_ids, 500):
            out.extend(
                self._q(
                    "SELECT sc.cluster_id, s.id AS story_id, s.outlet, s.title, s.published,"
                    " s.first_seen, sp.pane, sp.score, sp.terms FROM story_cluster sc"
                    " JOIN stories s ON s.id = sc.story_id"
                    " LEFT JOIN story_pane sp ON sp.story_id = s.id"
                    f" WHERE sc.cluster_id IN ({','.join('?' * len(chunk))})"
                    " ORDER BY s.published, s.id",
                    chunk,
                )
            )
        return out

    def all_cluster_ids(self) -> list[str]:
        return [r[0] for r in self.db.conn.execute("SELECT DISTINCT cluster_id FROM story_cluster")]

    def set_clusters(self, records: Iterable[ClusterRecord], *, remove: Sequence[str] = ()) -> None:
        """Write derived cluster rows; the effective pane honours a user's move."""
        with self.write() as db:
            for cid in remove:
                db.execute("DELETE FROM clusters WHERE id = ?", [cid])
            for c in records:
                db.execute(
                    "INSERT INTO clusters(id, pane, rule_pane, pane_score, pane_terms, headline,"
                    " first_seen, last_update, size, outlets) VALUES(?, COALESCE((SELECT"
                    " pane_override FROM cluster_state WHERE cluster_id = ?), ?), ?, ?, ?, ?,"
                    " ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET pane = excluded.pane,"
                    " rule_pane = excluded.rule_pane, pane_score = excluded.pane_score,"
                    " pane_terms = excluded.pane_terms, headline = excluded.headline,"
                    " first_seen = excluded.first_seen, last_update = excluded.last_update,"
                    " size = excluded.size, outlets = excluded.outlets",
                    [
                        c.id,
                        c.id,
                        c.rule_pane,
                        c.rule_pane,
                        round(c.pane_score, 3),
                        json.dumps(list(c.pane_terms)),
                        c.headline,
                        to_db_time(c.first_seen),
                        to_db_time(c.last_update),
                        c.size,
                        c.outlets,
                    ],
                )
            db.execute(
                "DELETE FROM clusters WHERE id NOT IN (SELECT cluster_id FROM story_cluster)"
            )

    def quote_items(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """(story_id, text, published, source) rows for quote extraction."""
        sql = "SELECT id, summary, body, published, outlet FROM stories"
        params: list[Any] = []
        if since is not None:
            sql += " WHERE published >= ?"
            params.append(to_db_time(since))
        return self._q(sql + " ORDER BY published, id", params)

    def set_quotes(
        self,
        groups: Iterable[tuple[str, str, datetime, Sequence[str], int]],
        *,
        story_scope: Sequence[str] | None = None,
    ) -> None:
        """Replace quote groups: (id, text, first_seen, story_ids, outlets).

        ``story_scope``: only links of these stories are replaced (a windowed
        regroup); None replaces all.
        """
        groups = list(groups)
        with self.write() as db:
            if story_scope is None:
                db.execute("DELETE FROM quote_stories")
                db.execute("DELETE FROM quotes")
            else:
                for chunk in _chunks(story_scope, 500):
                    marks = ",".join("?" * len(chunk))
                    db.execute(f"DELETE FROM quote_stories WHERE story_id IN ({marks})", chunk)
            for qid, text, first_seen, story_ids, outlets in groups:
                db.execute(
                    "INSERT INTO quotes(id, text, first_seen, stories, outlets) VALUES(?,?,?,?,?)"
                    " ON CONFLICT(id) DO UPDATE SET text = excluded.text,"
                    " first_seen = excluded.first_seen, stories = excluded.stories,"
                    " outlets = excluded.outlets",
                    [qid, text, to_db_time(first_seen), len(story_ids), outlets],
                )
                db.conn.executemany(
                    "INSERT OR IGNORE INTO quote_stories(quote_id, story_id) VALUES(?, ?)",
                    [(qid, sid) for sid in story_ids],
                )
            db.execute("DELETE FROM quotes WHERE id NOT IN (SELECT quote_id FROM quote_stories)")

    # ------------------------------------------------------------ decisions
    def decisions(self) -> list[dict[str, Any]]:
        return self._q("SELECT * FROM decisions WHERE active = 1 ORDER BY id")

    def add_decision(
        self,
        kind: str,
        *,
        now: datetime,
        story_id: str | None = None,
        cluster_id: str | None = None,
        other_id: str | None = None,
    ) -> int:
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO decisions(kind, story_id, cluster_id, other_id, created)"
                " VALUES(?, ?, ?, ?, ?)",
                [kind, story_id, cluster_id, other_id, to_db_time(now)],
            )
            return int(cur.lastrowid or 0)

    def set_decision_active(self, decision_id: int, active: bool) -> None:
        with self.write() as db:
            db.execute("UPDATE decisions SET active = ? WHERE id = ?", [int(active), decision_id])

    # ------------------------------------------------------- user state
    def cluster_story_ids(self, cluster_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.conn.execute(
                "SELECT story_id FROM story_cluster WHERE cluster_id = ? ORDER BY story_id",
                [cluster_id],
            )
        ]

    def read_flags(self, story_ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """story_id -> (read, seen)."""
        out = {sid: (False, False) for sid in story_ids}
        for chunk in _chunks(story_ids, 500):
            for r in self._q(
                f"SELECT * FROM story_state WHERE story_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[r["story_id"]] = (bool(r["read"]), bool(r["seen"]))
        return out

    def set_story_flags(
        self,
        flags: Mapping[str, tuple[bool, bool]],
        now: datetime,
        *,
        db: sqlite_utils.Database | None = None,
    ) -> None:
        """Set (read, seen) per story."""
        rows = [(sid, int(r), int(s), to_db_time(now)) for sid, (r, s) in flags.items()]
        sql = (
            "INSERT INTO story_state(story_id, read, seen, changed) VALUES(?, ?, ?, ?) "
            "ON CONFLICT(story_id) DO UPDATE SET read = excluded.read, seen = excluded.seen, "
            "changed = excluded.changed"
        )
        if db is not None:
            db.conn.executemany(sql, rows)
        else:
            with self.write() as d:
                d.conn.executemany(sql, rows)

    def cluster_state(self, cluster_id: str) -> dict[str, Any]:
        rows = self._q("SELECT * FROM cluster_state WHERE cluster_id = ?", [cluster_id])
        if rows:
            return rows[0]
        return {"cluster_id": cluster_id, "starred": 0, "dismissed": 0, "pane_override": None}

    def set_cluster_state(
        self,
        cluster_id: str,
        now: datetime,
        *,
        db: sqlite_utils.Database | None = None,
        **values: Any,
    ) -> None:
        """Set starred / dismissed / pane_override on a cluster (and its effective pane)."""
        allowed = {"starred", "dismissed", "pane_override"}
        assert set(values) <= allowed, values
        state = self.cluster_state(cluster_id)
        state.update(values)

        def run(d: sqlite_utils.Database) -> None:
            d.execute(
                "INSERT INTO cluster_state(cluster_id, starred, dismissed, pane_override, changed)"
                " VALUES(?, ?, ?, ?, ?) ON CONFLICT(cluster_id) DO UPDATE SET"
                " starred = excluded.starred, dismissed = excluded.dismissed,"
                " pane_override = excluded.pane_override, changed = excluded.changed",
                [
                    cluster_id,
                    int(state["starred"] or 0),
                    int(state["dismissed"] or 0),
                    state["pane_override"],
                    to_db_time(now),
                ],
            )
            d.execute(
                "UPDATE clusters SET pane = COALESCE(?, rule_pane) WHERE id = ?",
                [state["pane_override"], cluster_id],
            )

        if db is not None:
            run(db)
        else:
            with self.write() as d:
                run(d)

    def mutes(self, now: datetime) -> list[dict[str, Any]]:
        return self._q(
            "SELECT * FROM mutes WHERE active = 1 AND (expires IS NULL OR expires > ?) ORDER BY id",
            [to_db_time(now)],
        )

    def add_mute(self, kind: str, value: str, now: datetime, expires: datetime | None) -> int:
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO mutes(kind, value, created, expires) VALUES(?, ?, ?, ?)",
                [kind, value, to_db_time(now), to_db_time(expires)],
            )
            return int(cur.lastrowid or 0)

    def set_mute_active(self, mute_id: int, active: bool) -> None:
        with self.write() as db:
            db.execute("UPDATE mutes SET active = ? WHERE id = ?", [int(active), mute_id])

    # -------------------------------------------------------------- actions
    def push_action(
        self, kind: str, description: str, undo: Mapping[str, Any], now: datetime
    ) -> int:
        """Record a triage action with what undoes it (the persisted undo stack)."""
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO actions(at, kind, description, undo) VALUES(?, ?, ?, ?)",
                [to_db_time(now), kind, description, json.dumps(undo)],
            )
            return int(cur.lastrowid or 0)

    def last_action(self) -> dict[str, Any] | None:
        rows = self._q("SELECT * FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        row = rows[0]
        row["undo"] = json.loads(row["undo"])
        return row

    def mark_undone(self, action_id: int) -> None:
        with self.write() as db:
            db.execute("UPDATE actions SET undone = 1 WHERE id = ?", [action_id])

    def actions(self, limit: int = 100) -> list[dict[str, Any]]:
        return self._q("SELECT * FROM actions ORDER BY id DESC LIMIT ?", [limit])

    # ---------------------------------------------------------------- reads
    def cluster_rows(
        self,
        pane: str | None,
        filt: ClusterFilter = ClusterFilter(),
        *,
        limit: int = 1000,
        offset: int = 0,
        muted_outlets: Sequence[str] = (),
        cluster_ids: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Raw cluster rows with unread/new/starred/dismissed, newest first."""
        where, params = self._cluster_where(pane, filt, muted_outlets, cluster_ids)
        sql = (
            "SELECT c.*, COALESCE(cs.starred, 0) AS starred, COALESCE(cs.dismissed, 0)"
            " AS dismissed, cs.pane_override,"
            " (SELECT count(*) FROM story_cluster x LEFT JOIN story_state ss"
            "  ON ss.story_id = x.story_id WHERE x.cluster_id = c.id"
            "  AND COALESCE(ss.read, 0) = 0) AS unread,"
            " (SELECT count(*) FROM story_cluster x LEFT JOIN story_state ss"
            "  ON ss.story_id = x.story_id WHERE x.cluster_id = c.id"
            "  AND COALESCE(ss.seen, 0) = 0) AS unseen"
            " FROM clusters c LEFT JOIN cluster_state cs ON cs.cluster_id = c.id"
            f" WHERE {where} ORDER BY c.last_update DESC, c.id LIMIT ? OFFSET ?"
        )
        return self._q(sql, [*params, limit, offset])

    def count_clusters(
        self,
        pane: str | None,
        filt: ClusterFilter = ClusterFilter(),
        *,
        muted_outlets: Sequence[str] = (),
    ) -> int:
        where, params = self._cluster_where(pane, filt, muted_outlets, None)
        sql = (
            "SELECT count(*) FROM clusters c LEFT JOIN cluster_state cs"
            f" ON cs.cluster_id = c.id WHERE {where}"
        )
        return int(self.db.conn.execute(sql, params).fetchone()[0])

    @staticmethod
    def _cluster_where(
        pane: str | None,
        filt: ClusterFilter,
        muted_outlets: Sequence[str],
        cluster_ids: Sequence[str] | None,
    ) -> tuple[str, list[Any]]:
        where = ["1 = 1"]
        params: list[Any] = []
        if pane is not None:
            where.append("c.pane = ?")
            params.append(pane)
        if not filt.include_dismissed:
            where.append("COALESCE(cs.dismissed, 0) = 0")
        if filt.starred_only:
            where.append("COALESCE(cs.starred, 0) = 1")
        if filt.since is not None:
            where.append("c.last_update >= ?")
            params.append(to_db_time(filt.since))
        if filt.unread_only:
            where.append(
                "EXISTS (SELECT 1 FROM story_cluster x LEFT JOIN story_state ss"
                " ON ss.story_id = x.story_id WHERE x.cluster_id = c.id"
                " AND COALESCE(ss.read, 0) = 0)"
            )
        if muted_outlets:
            # Hidden when every member comes from a muted outlet.
            where.append(
                "EXISTS (SELECT 1 FROM story_cluster x JOIN stories s ON s.id = x.story_id"
                f" WHERE x.cluster_id = c.id AND s.outlet NOT IN"
                f" ({','.join('?' * len(muted_outlets))}))"
            )
            params.extend(muted_outlets)
        if cluster_ids is not None:
            where.append(f"c.id IN ({','.join('?' * len(cluster_ids)) or 'NULL'})")
            params.extend(cluster_ids)
        return " AND ".join(where), params

    def pane_hourly(self, since: datetime) -> list[tuple[str, str]]:
        """(effective pane, first_seen) of stories first seen since a time."""
        rows = self.db.conn.execute(
            "SELECT c.pane, s.first_seen FROM stories s JOIN story_cluster sc"
            " ON sc.story_id = s.id JOIN clusters c ON c.id = sc.cluster_id"
            " WHERE s.first_seen >= ?",
            [to_db_time(since)],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def pane_counts(self) -> dict[str, tuple[int, int]]:
        """pane -> (visible clusters, clusters with an unread member)."""
        rows = self.db.conn.execute(
            "SELECT c.pane, count(*), sum(EXISTS (SELECT 1 FROM story_cluster x LEFT JOIN"
            " story_state ss ON ss.story_id = x.story_id WHERE x.cluster_id = c.id AND"
            " COALESCE(ss.read, 0) = 0)) FROM clusters c LEFT JOIN cluster_state cs"
            " ON cs.cluster_id = c.id WHERE COALESCE(cs.dismissed, 0) = 0 GROUP BY c.pane"
        ).fetchall()
        return {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows}

    def cluster_quotes(self, story_ids: Sequence[str]) -> list[QuoteInfo]:
        if not story_ids:
            return []
        rows = self._q(
            "SELECT DISTINCT q.* FROM quotes q JOIN quote_stories qs ON qs.quote_id = q.id"
            f" WHERE qs.story_id IN ({','.join('?' * len(story_ids))})"
            " ORDER BY q.outlets DESC, q.first_seen",
            list(story_ids),
        )
        return [
            QuoteInfo(
                id=r["id"],
                text=r["text"],
                first_seen=_req_time(r["first_seen"]),
                stories=r["stories"],
                outlets=r["outlets"],
            )
            for r in rows
        ]

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search; the query is quoted word by word, so FTS syntax is inert."""
        words = [w for w in query.replace('"', " ").split() if w]
        if not words:
            return []
        match = " ".join(
            f'"{w}"*' if i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words)
        )
        lo, hi = "\x02", "\x03"  # control markers: clean text never contains them
        try:
            rows = self.db.conn.execute(
                "SELECT s.id, s.title, sc.cluster_id,"
                f" snippet(stories_fts, -1, '{lo}', '{hi}', '\u2026', 16)"
                " FROM stories_fts JOIN stories s ON s.rowid = stories_fts.rowid"
                " LEFT JOIN story_cluster sc ON sc.story_id = s.id"
                " WHERE stories_fts MATCH ? ORDER BY rank LIMIT ?",
                [match, limit],
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        hits: list[SearchHit] = []
        for sid, title, cid, snip in rows:
            text, spans = _spans(snip or "", lo, hi)
            hits.append(SearchHit(sid, cid, title, text, tuple(spans)))
        return hits


def _spans(snippet: str, lo: str, hi: str) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in snippet:
        if ch == lo:
            start = pos
        elif ch == hi:
            if start >= 0:
                spans.append((start, pos))
            start = -1
        else:
            out.append(ch)
            pos += 1
    return "".join(out), spans


def _link(r: Mapping[str, Any]) -> ClusterLink:
    return ClusterLink(
        story_id=r["story_id"],
        cluster_id=r["cluster_id"],
        signal=Signal(r["signal"]),
        score=float(r["score"]),
        matched_id=r["matched_id"],
    )


def _chunks(seq: Sequence[str], n: int) -> Iterator[list[str]]:
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def row_to_cluster(r: Mapping[str, Any], *, alert: bool = False) -> ClusterRow:
    """A raw cluster row (from :meth:`Store.cluster_rows`) as a model."""
    return ClusterRow(
        id=r["id"],
        pane=r["pane"],
        headline=r["headline"],
        first_seen=_req_time(r["first_seen"]),
        last_update=_req_time(r["last_update"]),
        size=r["size"],
        outlets=r["outlets"],
        unread=int(r.get("unread") or 0),
        new=bool(r.get("unseen")),
        starred=bool(r.get("starred")),
        dismissed=bool(r.get("dismissed")),
        alert=alert,
    )
