"""Derived data (panes, cluster links and rows, quotes): rebuildable from stories."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from app.models import (
    ClusterLink,
)
from app.store._base import (
    ClusterRecord,
    StoreBase,
    _chunks,
    _link,
    from_db_time,
    to_db_time,
)
from app.store.schema import RECOUNT_SQL


class DerivedMixin(StoreBase):
    """Derived data (panes, cluster links and rows, quotes): rebuildable from stories."""

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

    def earliest_published(self, ids: Sequence[str]) -> datetime | None:
        """The earliest publication time among the given stories (None if none exist)."""
        best: str | None = None
        for chunk in _chunks(ids, 500):
            row = self.db.conn.execute(
                f"SELECT min(published) FROM stories WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchone()
            if row and row[0] is not None and (best is None or row[0] < best):
                best = row[0]
        return from_db_time(best)

    def window_features(self, since: datetime, version: str) -> Iterator[dict[str, Any]]:
        """Stories published since a time, light: id, source, outlet, published, features.

        ``features`` is the stored feature data if it was made by ``version``
        from the story's current text, else None. In (published, id) order.
        """
        yield from self.db.query(
            "SELECT s.id, s.source, s.outlet, s.published, CASE WHEN f.version = :v"
            " AND f.content_hash = s.content_hash THEN f.data END AS features"
            " FROM stories s LEFT JOIN story_features f ON f.story_id = s.id"
            " WHERE s.published >= :since ORDER BY s.published, s.id",
            {"v": version, "since": to_db_time(since)},
        )

    def set_features(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store (story_id, version, data) features, tied to each story's current content hash."""
        with self.write() as db:
            db.conn.executemany(
                "INSERT INTO story_features(story_id, version, content_hash, data)"
                " SELECT id, ?, content_hash, ? FROM stories WHERE id = ?"
                " ON CONFLICT(story_id) DO UPDATE SET version = excluded.version,"
                " content_hash = excluded.content_hash, data = excluded.data",
                [(version, data, sid) for sid, version, data in rows],
            )

    def prune_features(self, *, before: datetime) -> None:
        """Drop the stored features of stories published before a time (behind every window)."""
        with self.write() as db:
            db.execute(
                "DELETE FROM story_features WHERE story_id IN"
                " (SELECT id FROM stories WHERE published < ?)",
                [to_db_time(before)],
            )

    def pending(self) -> tuple[list[str], list[str]]:
        """What the derive step still owes: (new or changed story ids, cluster ids to rewrite).

        Written by :meth:`write_stories` in the stories' own transaction, so a
        refresh killed before its derive step leaves the work to the next one.
        """
        stories: list[str] = []
        clusters: list[str] = []
        for kind, item in self.db.conn.execute("SELECT kind, id FROM derive_pending ORDER BY id"):
            (stories if kind == "story" else clusters).append(item)
        return stories, clusters

    def clear_pending(self, stories: Sequence[str] | None, clusters: Sequence[str] = ()) -> None:
        """Mark work done (``stories`` None: everything, after a full rebuild)."""
        with self.write() as db:
            if stories is None:
                db.execute("DELETE FROM derive_pending")
                return
            db.conn.executemany(
                "DELETE FROM derive_pending WHERE kind = ? AND id = ?",
                [("story", i) for i in stories] + [("cluster", i) for i in clusters],
            )

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
                db.execute(RECOUNT_SQL + " WHERE id = ?", [c.id])
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
