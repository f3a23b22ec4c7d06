"""The desk's core: what the TUI reads and every triage action it takes.

No Textual here. The TUI holds one :class:`Desk` on its UI thread; reads are
indexed queries that return models, writes are short transactions. Every
triage action is recorded in the ``actions`` table with what undoes it, so
undo survives a restart and ``frontline export`` sees every decision.

Split and merge change clusters: they are stored as decisions (which every
later clustering run and a full rebuild honour) and the affected clusters are
recomputed at once.

Long reads (full-text search, the integrity check) run on a worker thread
through a read-only connection of their own (:meth:`Desk.open_reader`), so
the UI thread never waits on them.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import derive
from app.config import Settings
from app.errors import DatabaseError, FrontlineError
from app.models import (
    ClusterDetail,
    ClusterFilter,
    ClusterRow,
    FeedStatus,
    PaneStats,
    SearchHit,
    Story,
)
from app.store import SCHEMA_VERSION, Store, from_db_time, row_to_cluster
from app.text import clean_line

__all__ = ["Desk", "open_desk"]

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Desk:
    """Reads and triage actions over one store."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        clock: Clock | None = None,
        checked: bool = True,
    ) -> None:
        """A desk over ``store``.

        Args:
            store: The UI thread's store.
            settings: Loaded settings.
            clock: The time source.
            checked: False when the database's ``quick_check`` is still to
                run (:meth:`check_integrity`); writes wait for it.
        """
        self.store = store
        self.settings = settings
        self.clock: Clock = clock or _utcnow
        self._alert_re = _terms_regex(settings.alerts.terms)
        self._checked = threading.Event()
        self._problem: str | None = None
        if checked:
            self._checked.set()

    # ------------------------------------------------------ integrity, threads
    @property
    def integrity_pending(self) -> bool:
        """True until the deferred ``quick_check`` has run."""
        return not self._checked.is_set()

    def open_reader(self) -> Store:
        """A read-only store with a connection of its own, for a worker thread.

        SQLite connections belong to the thread that opened them: open, use
        and close it in the worker.

        Raises:
            DatabaseError: The store has no file (an in-memory database).
        """
        if self.store.path is None:
            raise DatabaseError("an in-memory database has no second connection")
        return Store.open(self.store.path, readonly=True)

    def check_integrity(self) -> str | None:
        """Run the deferred ``PRAGMA quick_check`` (on a worker thread).

        Returns:
            None when the database is sound, else the first complaint; every
            write refuses from then on (RELIABILITY D8: nothing is written to
            a damaged file).
        """
        try:
            with self.open_reader() as reader:
                problem = reader.quick_check()
        except (DatabaseError, sqlite3.Error) as exc:
            problem = str(exc)
        self._problem = problem
        self._checked.set()
        return problem

    def _writable(self) -> None:
        """Writes wait for a deferred integrity check, and refuse a damaged file."""
        if not self._checked.is_set():
            self._checked.wait(timeout=600)
        if self._problem is not None:
            raise DatabaseError(
                f"database: integrity check failed ({clean_line(self._problem, max_len=200)});"
                " restore from a backup (frontline doctor explains)"
            )

    # ---------------------------------------------------------------- reads
    @property
    def readonly(self) -> bool:
        return self.store.readonly

    def pane_names(self) -> tuple[str, ...]:
        """The panes in display order (configured ones, then "other")."""
        names = [p.name for p in self.settings.panes.panes if p.name != "other"]
        return (*names, "other")

    def _mutes(self) -> tuple[list[str], list[str]]:
        """Active (outlets, terms) mutes."""
        outlets: list[str] = []
        terms: list[str] = []
        for m in self.store.mutes(self.clock()):
            (outlets if m["kind"] == "outlet" else terms).append(m["value"])
        return outlets, terms

    def _rows(self, raw: list[dict[str, Any]]) -> list[ClusterRow]:
        return [
            row_to_cluster(r, alert=bool(self._alert_re and self._alert_re.search(r["headline"])))
            for r in raw
        ]

    def clusters(
        self,
        pane: str,
        filt: ClusterFilter = ClusterFilter(),
        *,
        limit: int = 1000,
        offset: int = 0,
        total: int | None = None,
    ) -> list[ClusterRow]:
        """A page of a pane's clusters, newest update first, mutes applied in SQL.

        Given the list's ``total`` (its count), a page in the older half is
        read from the oldest end (the same rows, fetched without walking the
        ones before them).
        """
        outlets, terms = self._mutes()
        if total is not None and offset > total // 2:
            end = min(total, offset + limit)
            raw = self.store.cluster_rows(
                pane,
                filt,
                limit=max(0, end - offset),
                offset=total - end,
                muted_outlets=outlets,
                muted_terms=terms,
                from_end=True,
            )
            raw.reverse()
        else:
            raw = self.store.cluster_rows(
                pane, filt, limit=limit, offset=offset, muted_outlets=outlets, muted_terms=terms
            )
        return self._rows(raw)

    def count_clusters(self, pane: str, filt: ClusterFilter = ClusterFilter()) -> int:
        outlets, terms = self._mutes()
        return self.store.count_clusters(pane, filt, muted_outlets=outlets, muted_terms=terms)

    def pane_stats(self) -> dict[str, PaneStats]:
        """Per pane: visible clusters, unread clusters, and 24 hourly volumes."""
        now = self.clock()
        counts = self.store.pane_counts()
        start = now - timedelta(hours=24)
        hourly: dict[str, list[int]] = {p: [0] * 24 for p in self.pane_names()}
        for pane, hour, stories in self.store.pane_hourly(start, 24):
            if pane in hourly:
                hourly[pane][max(0, hour)] += stories
        return {
            p: PaneStats(
                pane=p,
                clusters=counts.get(p, (0, 0))[0],
                unread=counts.get(p, (0, 0))[1],
                hourly=tuple(hourly[p]),
            )
            for p in self.pane_names()
        }

    def cluster_detail(self, cluster_id: str) -> ClusterDetail | None:
        raw = self.store.cluster_rows(
            None, ClusterFilter(include_dismissed=True), cluster_ids=[cluster_id], limit=1
        )
        if not raw:
            return None
        r = raw[0]
        row = row_to_cluster(r, alert=bool(self._alert_re and self._alert_re.search(r["headline"])))
        members = tuple(self.store.stories(cluster_id=cluster_id))
        founder = next((m for m in members if m.id == cluster_id), members[0] if members else None)
        quotes = tuple(self.store.cluster_quotes([m.id for m in members]))

        return ClusterDetail(
            row=row,
            members=members,
            quotes=quotes,
            pane_score=float(r["pane_score"]),
            pane_terms=tuple(json.loads(r["pane_terms"] or "[]")),
            pane_overridden=r.get("pane_override") is not None,
            first_outlet=founder.outlet if founder else "",
            lead=(founder.summary or founder.body[:600]) if founder else "",
        )

    def story(self, story_id: str) -> Story | None:
        return self.store.story(story_id)

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search on the UI thread's connection (see :meth:`search_apart`)."""
        return self.store.search(query, limit=limit)

    def search_apart(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search on a connection of its own: call it from a worker thread.

        At 100,000 stories a common word takes ~150 ms; the desk runs it here
        so the UI thread never waits on it. An in-memory store (tests) has no
        second connection and is searched directly.
        """
        if self.store.path is None:
            return self.store.search(query, limit=limit)
        with self.open_reader() as reader:
            return reader.search(query, limit=limit)

    def feeds(self) -> list[FeedStatus]:
        return self.store.feed_statuses()

    def last_refresh(self) -> datetime | None:
        return from_db_time(self.store.get_meta("last_refresh"))

    def data_version(self) -> int:
        return self.store.data_version()

    # --------------------------------------------------------------- triage
    def _record(self, kind: str, description: str, undo: dict[str, Any]) -> str:
        self.store.push_action(kind, description, undo, self.clock())
        return description

    def _headline(self, cluster_id: str) -> str:
        raw = self.store.cluster_rows(
            None, ClusterFilter(include_dismissed=True), cluster_ids=[cluster_id], limit=1
        )
        return clean_line(raw[0]["headline"], max_len=60) if raw else cluster_id

    def toggle_read(self, cluster_id: str) -> str:
        """Mark every member read, or unread when all are read already."""
        self._writable()
        ids = self.store.cluster_story_ids(cluster_id)
        flags = self.store.read_flags(ids)
        all_read = all(r for r, _ in flags.values())
        new = {
            sid: (not all_read, True if not all_read else seen) for sid, (_, seen) in flags.items()
        }
        self.store.set_story_flags(new, self.clock())
        verb = "unread" if all_read else "read"
        return self._record(
            "read",
            f"Marked {verb}: {self._headline(cluster_id)}",
            {"flags": {k: list(v) for k, v in flags.items()}},
        )

    def mark_seen(self, cluster_id: str) -> None:
        """Clear the "new" marker of a cluster's members (not an undoable action)."""
        if self.readonly:
            return
        self._writable()
        ids = self.store.cluster_story_ids(cluster_id)
        flags = self.store.read_flags(ids)
        if all(seen for _, seen in flags.values()):
            return
        self.store.set_story_flags({k: (r, True) for k, (r, _) in flags.items()}, self.clock())

    def _set_state(self, kind: str, cluster_id: str, desc: str, **values: Any) -> str:
        self._writable()
        before = self.store.cluster_state(cluster_id)
        self.store.set_cluster_state(cluster_id, self.clock(), **values)
        undo = {
            "cluster_id": cluster_id,
            "state": {k: before.get(k) for k in ("starred", "dismissed", "pane_override")},
        }
        return self._record(kind, desc, undo)

    def toggle_star(self, cluster_id: str) -> str:
        starred = not bool(self.store.cluster_state(cluster_id)["starred"])
        verb = "Starred" if starred else "Unstarred"
        return self._set_state(
            "star", cluster_id, f"{verb}: {self._headline(cluster_id)}", starred=int(starred)
        )

    def dismiss(self, cluster_id: str) -> str:
        return self._set_state(
            "dismiss", cluster_id, f"Dismissed: {self._headline(cluster_id)}", dismissed=1
        )

    def move_to_pane(self, cluster_id: str, pane: str) -> str:
        if pane not in self.pane_names():
            raise FrontlineError(f"no pane named {clean_line(pane)!r}")
        return self._set_state(
            "move",
            cluster_id,
            f"Moved to {pane}: {self._headline(cluster_id)}",
            pane_override=pane,
        )

    def _recluster(self, cluster_ids: Sequence[str]) -> None:
        """Rebuild the clusters that contain the given clusters' stories."""
        derive.recluster_subset(self.store, self.settings, cluster_ids, now=self.clock())

    def split_story(self, story_id: str) -> str:
        """Take a story out of its cluster; it stays apart in every later run."""
        self._writable()
        story = self.store.story(story_id)
        if story is None or story.cluster_id is None:
            raise FrontlineError("no such story")
        if story.cluster_id == story.id and len(self.store.cluster_story_ids(story.id)) == 1:
            raise FrontlineError("that story is alone in its cluster already")
        old = story.cluster_id
        # A story that came in by a merge (it founded the merged-in cluster):
        # the split undoes that merge for it, or the merge would pull it back.
        merges = [
            int(d["id"])
            for d in self.store.decisions()
            if d["kind"] == "merge" and d["other_id"] == story_id
        ]
        for mid in merges:
            self.store.set_decision_active(mid, False)
        did = self.store.add_decision("split", now=self.clock(), story_id=story_id)
        self._recluster([old, story_id])
        return self._record(
            "split",
            f"Split out: {clean_line(story.title, max_len=60)}",
            {"decision": did, "clusters": [old, story_id], "merges": merges},
        )

    def merge_clusters(self, into_id: str, from_id: str) -> str:
        """Put every story of ``from_id`` into ``into_id``; kept by later runs."""
        self._writable()
        if into_id == from_id:
            raise FrontlineError("cannot merge a cluster with itself")
        did = self.store.add_decision(
            "merge", now=self.clock(), cluster_id=into_id, other_id=from_id
        )
        desc = f"Merged: {self._headline(from_id)} into {self._headline(into_id)}"
        self._recluster([into_id, from_id])
        return self._record("merge", desc, {"decision": did, "clusters": [into_id, from_id]})

    def mute(self, kind: str, value: str, expires: datetime | None) -> str:
        self._writable()
        if kind not in ("term", "outlet"):
            raise FrontlineError("mute a 'term' or an 'outlet'")
        value = clean_line(value, max_len=200)
        if not value:
            raise FrontlineError("nothing to mute")
        mid = self.store.add_mute(kind, value, self.clock(), expires)
        until = f" until {expires:%Y-%m-%d %H:%M}" if expires else ""
        return self._record("mute", f"Muted {kind} {value!r}{until}", {"mute": mid})

    def mark_pane_read(self, pane: str) -> str:
        self._writable()
        ids: list[str] = []
        for row in self.store.cluster_rows(pane, ClusterFilter(unread_only=True), limit=1_000_000):
            ids.extend(self.store.cluster_story_ids(row["id"]))
        flags = self.store.read_flags(ids)
        self.store.set_story_flags({k: (True, True) for k in flags}, self.clock())
        return self._record(
            "pane_read",
            f"Marked {len(ids)} stories in {pane} read",
            {"flags": {k: list(v) for k, v in flags.items()}},
        )

    def undo(self) -> str | None:
        """Undo the most recent action not yet undone; None when there is none."""
        self._writable()
        action = self.store.last_action()
        if action is None:
            return None
        u = action["undo"]
        kind = action["kind"]
        if kind in ("read", "pane_read"):
            self.store.set_story_flags(
                {k: (bool(v[0]), bool(v[1])) for k, v in u["flags"].items()}, self.clock()
            )
        elif kind in ("star", "dismiss", "move"):
            self.store.set_cluster_state(u["cluster_id"], self.clock(), **u["state"])
        elif kind in ("split", "merge"):
            self.store.set_decision_active(int(u["decision"]), False)
            for mid in u.get("merges", []):
                self.store.set_decision_active(int(mid), True)
            self._recluster(u["clusters"])
        elif kind == "mute":
            self.store.set_mute_active(int(u["mute"]), False)
        elif kind == "feed_enabled":
            self.store.set_feed_enabled(u["url"], bool(u["enabled"]))
        self.store.mark_undone(int(action["id"]))
        return f"Undone: {action['description']}"

    def set_feed_enabled(self, url: str, enabled: bool) -> str:
        self._writable()
        before = next((f.enabled for f in self.store.feed_statuses() if f.url == url), None)
        if before is None:
            raise FrontlineError("no such feed")
        self.store.set_feed_enabled(url, enabled)
        verb = "Enabled" if enabled else "Disabled"
        return self._record(
            "feed_enabled", f"{verb} feed {clean_line(url)}", {"url": url, "enabled": before}
        )

    def retry_feed(self, url: str) -> str:
        self._writable()
        if not self.store.retry_feed(url):
            raise FrontlineError("no such feed")
        return f"Will retry {clean_line(url)} on the next refresh"


def _terms_regex(terms: Sequence[str]) -> re.Pattern[str] | None:
    terms = [t.strip() for t in terms if t.strip()]
    if not terms:
        return None
    return re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )


def open_desk(
    settings: Settings,
    *,
    db_path: Path | None = None,
    clock: Clock | None = None,
    check: bool = True,
) -> Desk:
    """Open the store for the desk (read-only when it cannot write) and build a Desk.

    ``PRAGMA quick_check`` runs first (RELIABILITY D8): a corrupt file raises
    :class:`~app.errors.DatabaseError` suggesting a restore, before the desk
    could write to it.

    With ``check=False`` (the TUI: the check reads the whole file, 0.2-0.3 s
    at 100,000 stories, longer than the first frame should take) a file
    whose schema is current opens without it; the caller runs
    :meth:`Desk.check_integrity` on a worker thread, and every write waits
    for its verdict. A file that needs a migration, which writes, is checked
    first as before.
    """
    if db_path is not None:
        settings = settings.with_database(db_path)
    path = settings.database
    defer = not check and _schema_current(path)
    if path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        store = Store.open(path, readonly=True, check=not defer)
    else:
        store = Store.open(path, check=not defer)
    return Desk(store, settings, clock=clock, checked=not defer)


def _schema_current(path: Path) -> bool:
    """True when ``path`` is a SQLite file at this code's schema version (no migration due)."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            return bool(conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION)
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # Store.open says what is wrong
