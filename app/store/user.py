"""The user's state: read/seen flags, stars, dismissals, pane moves,
decisions, mutes, and the undo log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from app.store._base import StoreBase, _chunks, to_db_time


class UserMixin(StoreBase):
    """Read/seen flags, stars, dismissals, pane moves, decisions, mutes, undo log."""

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
