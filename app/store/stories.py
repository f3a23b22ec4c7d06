"""Stories: idempotent upserts with provenance, lookups and full-text search."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import sqlite_utils

from app.models import (
    ParsedStory,
    SearchHit,
    SourceKind,
    Story,
)
from app.store._base import (
    _STORY_SELECT,
    WriteResult,
    _chunks,
    _content_hash,
    _row_story,
    _spans,
    story_id_for,
    to_db_time,
)
from app.store.feeds import FeedsMixin

#: What a source says about a story: written on insert and on every change
#: (id, source, kind and first_seen are set once, on insert).
_CONTENT_COLUMNS = (
    "outlet",
    "guid",
    "url",
    "title",
    "summary",
    "body",
    "author",
    "published",
    "published_estimated",
    "fetched",
    "offset_start",
    "offset_end",
    "content_hash",
)
_UPDATE_SQL = (
    "UPDATE stories SET " + ", ".join(f"{c} = ?" for c in _CONTENT_COLUMNS) + " WHERE id = ?"
)
_INSERT_SQL = (
    "INSERT INTO stories(id, source, source_kind, first_seen, "
    + ", ".join(_CONTENT_COLUMNS)
    + ") VALUES("
    + ", ".join("?" * (4 + len(_CONTENT_COLUMNS)))
    + ")"
)


_STAGE_COLUMNS = ("id", "source", "source_kind", "first_seen", *_CONTENT_COLUMNS)
_STAGE_CREATE = f"CREATE TEMP TABLE IF NOT EXISTS story_stage({', '.join(_STAGE_COLUMNS)})"
_STAGE_INSERT = f"INSERT INTO temp.story_stage VALUES({', '.join('?' * len(_STAGE_COLUMNS))})"
_STAGE_COPY = (
    f"INSERT INTO main.stories({', '.join(_STAGE_COLUMNS)})"
    f" SELECT {', '.join(_STAGE_COLUMNS)} FROM temp.story_stage ORDER BY rowid"
)


def _content_values(
    s: ParsedStory, outlet: str, chash: str, now: datetime, t_now: str
) -> tuple[Any, ...]:
    """A story's values for :data:`_CONTENT_COLUMNS`, in that order."""
    published = s.published or now
    estimated = s.published_estimated or s.published is None
    offset = s.offset
    return (
        outlet,
        s.guid,
        s.url,
        s.title,
        s.summary,
        s.body,
        s.author,
        to_db_time(published),
        int(estimated),
        t_now,
        offset[0] if offset else None,
        offset[1] if offset else None,
        chash,
    )


class StoryPrepLike(Protocol):
    """What :meth:`StoriesMixin.write_stories` stores of an :class:`app.prep.StoryPrep`."""

    @property
    def pane(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def terms(self) -> tuple[str, ...]: ...
    @property
    def features(self) -> str: ...
    @property
    def version(self) -> str: ...


def _store_preps(conn: sqlite3.Connection, rows: Sequence[tuple[str, str, StoryPrepLike]]) -> None:
    """Panes and clustering features of just-written stories (same transaction)."""
    conn.executemany(
        "INSERT INTO story_pane(story_id, pane, score, terms) VALUES(?, ?, ?, ?) "
        "ON CONFLICT(story_id) DO UPDATE SET pane = excluded.pane, "
        "score = excluded.score, terms = excluded.terms",
        [(sid, p.pane, p.score, json.dumps(list(p.terms))) for sid, _, p in rows],
    )
    conn.executemany(
        "INSERT INTO story_features(story_id, version, content_hash, data) VALUES(?, ?, ?, ?)"
        " ON CONFLICT(story_id) DO UPDATE SET version = excluded.version,"
        " content_hash = excluded.content_hash, data = excluded.data",
        [(sid, p.version, chash, p.features) for sid, chash, p in rows],
    )


def _insert_stories(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert new story rows with ONE statement, through a temp staging table.

    Row by row (``executemany``), every INSERT fires the FTS5 trigger in its
    own statement, and FTS5 flushes its pending index data to a new segment at
    each statement boundary: 50 stories made 50 tiny segments to merge.
    ``INSERT ... SELECT`` from the staging table fires the same trigger per
    row inside one statement, so the index is flushed once per feed (about a
    quarter less CPU per new story, measured by ``bench/story_costs.py``).
    The staging table is per connection, emptied before and after use, and
    part of the same transaction (a rollback empties it too).
    """
    conn.execute(_STAGE_CREATE)
    conn.execute("DELETE FROM temp.story_stage")
    conn.executemany(_STAGE_INSERT, rows)
    conn.execute(_STAGE_COPY)
    conn.execute("DELETE FROM temp.story_stage")


class StoriesMixin(FeedsMixin):
    """Stories: idempotent upserts with provenance, lookups and full-text search."""

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
        preps: Sequence[StoryPrepLike] | None = None,
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
            preps: One per story (same order): its pane and clustering features
                computed from its text (:class:`app.prep.StoryPrep`); stored for
                the new and changed stories, tied to their content hash.
        """
        t_now = to_db_time(now)
        assert t_now is not None
        counts: dict[str, int] = {}
        prepared: list[tuple[str, ParsedStory]] = []
        prep_of: dict[str, StoryPrepLike] = {}
        seen_ids: set[str] = set()
        if preps is not None and len(preps) != len(stories):
            raise ValueError(f"{len(preps)} preps for {len(stories)} stories")
        for i, s in enumerate(stories):
            key = s.title.casefold()
            idx = counts.get(key, 0)
            counts[key] = idx + 1
            sid = story_id_for(kind, source, s, idx)
            if sid in seen_ids:  # duplicate guid inside one feed: first wins
                continue
            seen_ids.add(sid)
            prepared.append((sid, s))
            if preps is not None:
                prep_of[sid] = preps[i]
        new: list[str] = []
        updated: list[str] = []
        removed: list[str] = []
        dropped = 0
        with self.write() as db:
            conn = db.conn
            existing: dict[str, str] = dict(
                conn.execute(
                    "SELECT id, content_hash FROM stories WHERE source = ?", [source]
                ).fetchall()
            )
            fresh = [(sid, s) for sid, s in prepared if sid not in existing]
            if max_new is not None and len(fresh) > max_new:
                fresh.sort(key=lambda p: (to_db_time(p[1].published) or "", p[0]), reverse=True)
                dropped = len(fresh) - max_new
                keep = {sid for sid, _ in fresh[:max_new]}
                prepared = [(sid, s) for sid, s in prepared if sid in existing or sid in keep]
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            derived: list[tuple[str, str, StoryPrepLike]] = []
            for sid, s in prepared:
                story_outlet = s.outlet or outlet
                chash = _content_hash(s, story_outlet)
                before = existing.get(sid)
                if before == chash:
                    continue  # unchanged: no write, so no trigger and no FTS work
                values = _content_values(s, story_outlet, chash, now, t_now)
                if before is None:
                    inserts.append((sid, source, kind.value, t_now, *values))
                    new.append(sid)
                else:
                    updates.append((*values, sid))
                    updated.append(sid)
                prep = prep_of.get(sid)
                if prep is not None:
                    derived.append((sid, chash, prep))
            if updates:
                conn.executemany(_UPDATE_SQL, updates)
            if inserts:
                _insert_stories(conn, inserts)
            if derived:
                _store_preps(conn, derived)
            conn.executemany(
                "INSERT OR IGNORE INTO derive_pending(kind, id) VALUES('story', ?)",
                [(sid,) for sid in (*new, *updated)],
            )
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
        params = [(sid,) for sid in ids]
        # Their clusters must be rewritten (size, headline, pane) by the derive step.
        db.conn.executemany(
            "INSERT OR IGNORE INTO derive_pending(kind, id)"
            " SELECT 'cluster', cluster_id FROM story_cluster WHERE story_id = ?",
            params,
        )
        db.conn.executemany("DELETE FROM derive_pending WHERE kind = 'story' AND id = ?", params)
        for table in ("stories", "story_cluster", "story_pane", "quote_stories", "story_features"):
            col = "id" if table == "stories" else "story_id"
            db.conn.executemany(f"DELETE FROM {table} WHERE {col} = ?", params)

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
