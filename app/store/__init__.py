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
``story_cluster``, ``story_pane``, ``clusters``, ``quotes``,
``quote_stories`` and ``story_features`` (the clusterer's per-story words and
keys, a cache) are derived and can be rebuilt; ``derive_pending`` is the
work the derive step still owes (written with the stories); ``story_state``,
``cluster_state``, ``decisions``, ``mutes`` and ``actions`` are the user's and
survive any rebuild.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from app.errors import DatabaseError, WrongDatabaseError
from app.store._base import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    ClusterRecord,
    FeedRecord,
    StoreBase,
    WriteResult,
    from_db_time,
    row_to_cluster,
    story_id_for,
    to_db_time,
)
from app.store.backup import BackupResult, backup_database
from app.store.derived import DerivedMixin
from app.store.feeds import FeedsMixin
from app.store.reads import ReadsMixin
from app.store.schema import SCHEMA_VERSION, migrations
from app.store.stories import StoriesMixin
from app.store.user import UserMixin
from app.text import clean_line

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "BackupResult",
    "ClusterRecord",
    "FeedRecord",
    "Store",
    "WriteResult",
    "from_db_time",
    "row_to_cluster",
    "story_id_for",
    "to_db_time",
]


class Store(StoriesMixin, FeedsMixin, DerivedMixin, UserMixin, ReadsMixin, StoreBase):
    """A frontline database. Not thread-safe: one Store per thread.

    The methods live in mixins by responsibility (feeds, stories, derived
    data, user state, desk reads); this class opens, checks and migrates.
    """

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
                conn = cls._connect_readonly(p)
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
    def _connect_readonly(p: Path) -> sqlite3.Connection:
        """A read-only connection, even when the folder is read-only too.

        A WAL database needs its ``-shm`` file; in a folder we cannot write,
        with no ``-shm`` left behind, SQLite cannot open it ("unable to open
        database file"). Nobody without write access to the folder can be
        writing it then, so it is opened as immutable: the snapshot at open.
        """
        uri = p.absolute().as_uri()
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
                raise
            conn.close()
            conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
        return conn

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
            if version < SCHEMA_VERSION and not tables:
                raise DatabaseError(
                    f"database {shown}: read-only and not yet set up; open it writable once"
                )
            if version < SCHEMA_VERSION:
                raise DatabaseError(
                    f"database {shown}: read-only and from an older frontline (schema"
                    f" {version}, this version uses {SCHEMA_VERSION}); open it writable once"
                    " (frontline refresh) to upgrade it"
                )
            return
        if not tables:
            self._init_new()
        elif version < SCHEMA_VERSION:
            self._migrate()
        if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            # WAL + NORMAL: a commit no longer fsyncs (checkpoints still do).
            # Still atomic and never corrupt; a power cut may lose the last
            # commits, which the next refresh fetches again. A refresh makes
            # one commit per feed: FULL cost ~6-25 ms each here (3 s of a
            # 500-feed all-304 round, a third of a first refresh).
            conn.execute("PRAGMA synchronous = NORMAL")

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

    def backup(self, dest: Path, *, force: bool = False) -> BackupResult:
        """Write a checked, consistent copy of this database to ``dest``.

        Safe while another process writes (one read snapshot; see
        :mod:`app.store.backup`). Works on a read-only store too.

        Raises:
            DatabaseError: The target exists (without ``force``), is this
                database, or cannot be written; or the copy fails its check.
        """
        return backup_database(self.db.conn, Path(dest), source_path=self.path, force=force)

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
