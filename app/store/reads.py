"""Read-only queries: the desk's lists and figures, feed lists, dismissals.

The digest and the OPML export read through here too; nothing in this mixin
writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.models import (
    ClusterFilter,
    FeedSubscription,
    QuoteInfo,
)
from app.store._base import StoreBase, _req_time, to_db_time


class ReadsMixin(StoreBase):
    """The desk's list queries: cluster rows, counts and pane figures."""

    def cluster_rows(
        self,
        pane: str | None,
        filt: ClusterFilter = ClusterFilter(),
        *,
        limit: int = 1000,
        offset: int = 0,
        muted_outlets: Sequence[str] = (),
        muted_terms: Sequence[str] = (),
        cluster_ids: Sequence[str] | None = None,
        from_end: bool = False,
    ) -> list[dict[str, Any]]:
        """Raw cluster rows with unread/new/starred/dismissed, newest first.

        ``muted_outlets`` hides clusters whose every member comes from one of
        them; ``muted_terms`` hides clusters whose headline contains one
        (case-insensitive), so pages and counts agree. ``from_end`` counts
        ``offset`` from the oldest end and returns those rows oldest first:
        SQLite walks every skipped row, so a page near the end of a long list
        is cheaper read backwards (30 ms -> 2 ms at the end of 12,500).
        """
        where, params = self._cluster_where(pane, filt, muted_outlets, cluster_ids, muted_terms)
        order = "c.last_update, c.id DESC" if from_end else "c.last_update DESC, c.id"
        sql = (
            "SELECT c.*, COALESCE(cs.starred, 0) AS starred, COALESCE(cs.dismissed, 0)"
            " AS dismissed, cs.pane_override"
            " FROM clusters c LEFT JOIN cluster_state cs ON cs.cluster_id = c.id"
            f" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        return self._q(sql, [*params, limit, offset])

    def count_clusters(
        self,
        pane: str | None,
        filt: ClusterFilter = ClusterFilter(),
        *,
        muted_outlets: Sequence[str] = (),
        muted_terms: Sequence[str] = (),
    ) -> int:
        """How many clusters :meth:`cluster_rows` would list in all."""
        if pane is not None and filt == ClusterFilter() and not muted_outlets and not muted_terms:
            # The desk's usual list (no filter, no mutes): the pane's clusters
            # from the (pane, ...) index minus its dismissed ones (few, found
            # from cluster_state; CROSS JOIN keeps SQLite from driving that
            # join from the pane's clusters). The general query probes
            # cluster_state once per cluster: 23 ms for a 12,500-cluster pane.
            row = self.db.conn.execute(
                "SELECT (SELECT count(*) FROM clusters WHERE pane = ?)"
                " - (SELECT count(*) FROM cluster_state cs CROSS JOIN clusters c"
                " ON c.id = cs.cluster_id WHERE cs.dismissed = 1 AND c.pane = ?)",
                [pane, pane],
            ).fetchone()
            return int(row[0])
        where, params = self._cluster_where(pane, filt, muted_outlets, None, muted_terms)
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
        muted_terms: Sequence[str] = (),
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
            where.append("c.unread > 0")
        for term in muted_terms:
            where.append("instr(lower(c.headline), lower(?)) = 0")
            params.append(term)
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

    def pane_hourly(self, since: datetime, hours: int = 24) -> list[tuple[str, int, int]]:
        """(effective pane, hour, stories) first seen in each hour since a time.

        Hour 0 starts at ``since``; later stories fall in hour ``hours - 1``.
        SQLite buckets the rows (a day holds thousands of stories: converting
        each one's time in Python cost more than the query).
        """
        start = to_db_time(since)
        assert start is not None
        epoch = int(datetime.fromisoformat(start[:19]).replace(tzinfo=UTC).timestamp())
        rows = self.db.conn.execute(
            "SELECT c.pane,"
            " min(?, (CAST(strftime('%s', s.first_seen) AS INTEGER) - ?) / 3600) AS hour,"
            " count(*) FROM stories s JOIN story_cluster sc ON sc.story_id = s.id"
            " JOIN clusters c ON c.id = sc.cluster_id WHERE s.first_seen >= ?"
            " GROUP BY c.pane, hour",
            [hours - 1, epoch, start],
        ).fetchall()
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def pane_counts(self) -> dict[str, tuple[int, int]]:
        """pane -> (visible clusters, clusters with an unread member).

        All clusters by pane from the covering ``(pane, unread)`` index, less
        the dismissed ones (few, from cluster_state): a join per cluster cost
        ~40 ms at 30,000 clusters.
        """
        conn = self.db.conn
        counts: dict[str, tuple[int, int]] = {}
        for pane, total, unread in conn.execute(
            "SELECT pane, count(*), sum(unread > 0) FROM clusters GROUP BY pane"
        ):
            counts[pane] = (int(total), int(unread or 0))
        for pane, total, unread in conn.execute(
            "SELECT c.pane, count(*), sum(c.unread > 0) FROM cluster_state cs CROSS JOIN clusters c"
            " ON c.id = cs.cluster_id WHERE cs.dismissed = 1 GROUP BY c.pane"
        ):
            all_, all_unread = counts.get(pane, (0, 0))
            counts[pane] = (all_ - int(total), all_unread - int(unread or 0))
        return {pane: figures for pane, figures in counts.items() if figures[0] > 0}

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

    def feed_subscriptions(self) -> list[FeedSubscription]:
        """Every row of the feeds table (any origin, subscribed or not), by name."""
        rows = self._q("SELECT * FROM feeds ORDER BY name, url")
        return [
            FeedSubscription(
                url=r["url"],
                name=r["name"],
                tags=tuple(json.loads(r["tags"] or "[]")),
                origin=r["origin"],
                enabled=bool(r["enabled"]),
                subscribed=bool(r["in_config"]),
                html_url=r.get("html_url"),
                title=r["title"],
            )
            for r in rows
        ]

    def dismissals(self, since: datetime) -> list[tuple[str, datetime, str]]:
        """Clusters dismissed since a time and still dismissed, oldest first.

        Returns ``(cluster_id, dismissed at, the action's description)``; the
        description ("Dismissed: <headline>") names a cluster that a later
        recluster has since renumbered.
        """
        rows = self.db.conn.execute(
            "SELECT json_extract(a.undo, '$.cluster_id') AS cid, max(a.at) AS at,"
            " a.description FROM actions a JOIN cluster_state cs"
            " ON cs.cluster_id = json_extract(a.undo, '$.cluster_id')"
            " WHERE a.kind = 'dismiss' AND a.undone = 0 AND a.at >= ? AND cs.dismissed = 1"
            " GROUP BY cid ORDER BY at, cid",
            [to_db_time(since)],
        ).fetchall()
        return [(r[0], _req_time(r[1]), r[2]) for r in rows]
