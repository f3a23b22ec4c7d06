"""Feeds and local files: their state, health and back-off."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from app.models import (
    FeedStatus,
)
from app.store._base import FeedRecord, StoreBase, from_db_time, to_db_time


class FeedsMixin(StoreBase):
    """Feeds and local files: their state, health and back-off."""

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

    def import_feeds(
        self, feeds: Iterable[tuple[str, str, tuple[str, ...], str | None]], now: datetime
    ) -> int:
        """Subscribe to user feeds ``(url, name, tags, html_url)`` in one transaction.

        The caller has already left out the feeds it reports as duplicates; a
        row that exists here (a feed removed earlier, or dropped from
        config.toml) is subscribed again as the user's. Returns the count.
        """
        rows = [
            (url, name, json.dumps(list(tags)), html_url, to_db_time(now))
            for url, name, tags, html_url in feeds
        ]
        with self.write() as db:
            db.conn.executemany(
                "INSERT INTO feeds(url, name, tags, html_url, origin, in_config, added) "
                "VALUES(?, ?, ?, ?, 'user', 1, ?) ON CONFLICT(url) DO UPDATE SET "
                "name = excluded.name, tags = excluded.tags, origin = 'user', in_config = 1, "
                "enabled = 1, html_url = COALESCE(excluded.html_url, html_url)",
                rows,
            )
        return len(rows)

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
