"""Shared pieces of the store: time encoding, ids, records, and the connection base."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app.errors import DatabaseError
from app.models import (
    ClusterLink,
    ClusterRow,
    ParsedStory,
    Signal,
    SourceKind,
    Story,
)

APPLICATION_ID = 0x46524E54  # "FRNT"
BUSY_TIMEOUT_MS = 10_000


def to_db_time(dt: datetime | None) -> str | None:
    """A datetime as fixed-width UTC text, so text order is time order."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if dt.year >= 1000:
        # isoformat is ~4x faster than strftime and gives the same text from
        # year 1000 on (strftime does not zero-pad %Y below it).
        return dt.isoformat(timespec="seconds")[:19] + "Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db_time(value: str | None) -> datetime | None:
    """Inverse of :func:`to_db_time`."""
    if not value:
        return None
    if len(value) == 20 and value[10] == "T" and value[19] == "Z":
        # What to_db_time writes: fromisoformat is ~30x faster than strptime,
        # which mattered when a refresh or the desk reads 25k-100k rows.
        return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _req_time(value: str | None) -> datetime:
    dt = from_db_time(value)
    return dt if dt is not None else datetime(1970, 1, 1, tzinfo=UTC)


def _sha(*parts: str) -> str:
    # The same bytes as hashing each part followed by a NUL, in one call.
    data = "".join([p + "\x00" for p in parts])
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


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


def _is_storage_error(exc: BaseException) -> bool:
    """An error of the storage (disk, file, lock), not of the SQL we wrote."""
    return type(exc) in (sqlite3.OperationalError, sqlite3.DatabaseError)


def _write_failed(exc: BaseException) -> str:
    """A one-line message for a failed write, with a hint for the usual causes."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    hint = ""
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        hint = " (disk full, a file size limit, or an I/O error: free space and run again)"
    elif name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
        hint = " (the file or its folder is not writable)"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        hint = " (another process kept the database busy; try again)"
    return f"database write failed: {exc}{hint}"


class StoreBase:
    """Connection, transactions and meta; the mixins build on this."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None, *, readonly: bool) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

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
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if _is_storage_error(exc):
                # Disk full, an I/O error, a file size limit: the user's
                # problem to fix, not a bug; say so without a traceback.
                raise DatabaseError(_write_failed(exc)) from None
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise DatabaseError(_write_failed(exc)) from None

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
        """None when the FTS index matches the stories (rank=1 integrity-check).

        FTS5 runs the check as an INSERT, which a read-only connection may not
        do; a read-only store checks an in-memory copy instead (one read
        snapshot through the backup API; nothing is written to the file).
        """
        sql = "INSERT INTO stories_fts(stories_fts, rank) VALUES('integrity-check', 1)"
        if not self.readonly:
            try:
                self.db.conn.execute(sql)
            except sqlite3.DatabaseError as exc:
                return str(exc)
            return None
        copy = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self.db.conn.backup(copy)
            copy.execute(sql)
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            copy.close()
        return None

    def checkpoint(self) -> None:
        """Fold the WAL back into the database (keeps it bounded on long runs)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

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
