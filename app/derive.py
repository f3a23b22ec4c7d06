"""Derived data: panes, clusters and quotes computed from stored stories.

Both front ends reach this through :mod:`app.refresh` (after new stories are
written) and the ``recluster`` / ``reclassify`` commands (full rebuilds). The
pure work is done by :mod:`app.classify`, :mod:`app.cluster` and
:mod:`app.quotes`; this module only loads their inputs from the store and
writes their outputs back, in short transactions.

Incremental by design: a refresh classifies only new or changed stories,
clusters them against the clusters of their time window, regroups the quotes
of that window and rewrites just the clusters it touched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.classify import classify, cluster_pane
from app.cluster import ClusterIndex, Decisions, Doc
from app.cluster_score import Entry, features_version, load_features
from app.config import Settings
from app.models import Classification, ClusterLink
from app.prep import features_json
from app.quotes import extract_quotes, group_quotes, quote_key
from app.store import ClusterRecord, Store, from_db_time

__all__ = ["decisions_of", "rebuild", "update_derived"]

#: Stories per read or write batch (bounds memory; one transaction each).
_BATCH = 1000


def _doc(row: Mapping[str, Any]) -> Doc:
    return _doc_and_quotes(row)[0]


def _doc_and_quotes(row: Mapping[str, Any]) -> tuple[Doc, list[str]]:
    """A story row as the clusterer sees it, and the quotes of its text (extracted once)."""
    quotes = extract_quotes(f"{row['summary']}\n{row['body']}")
    published = from_db_time(row["published"])
    assert published is not None
    doc = Doc(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        lead=row["summary"] or row["body"][:600],
        guid=row["guid"],
        url=row["url"],
        published=published,
        quotes=tuple(quote_key(q) for q in quotes),
    )
    return doc, quotes


def decisions_of(store: Store) -> Decisions:
    """The user's split and merge decisions, in the order they were made."""
    splits: set[str] = set()
    merges: list[tuple[str, str]] = []
    for d in store.decisions():
        if d["kind"] == "split" and d["story_id"]:
            splits.add(d["story_id"])
        elif d["kind"] == "merge" and d["cluster_id"] and d["other_id"]:
            merges.append((d["cluster_id"], d["other_id"]))
    return Decisions(splits=frozenset(splits), merges=tuple(merges))


def classify_stories(store: Store, settings: Settings, ids: Sequence[str] | None) -> None:
    """Classify the given stories (None: all) by the configured rules and store the result."""
    if ids is None:
        ids = [r["id"] for r in store.iter_stories_raw()]
    for start in range(0, len(ids), _BATCH):
        out = [_classify_row(r, settings) for r in store.raw_stories(ids[start : start + _BATCH])]
        if out:
            store.set_panes(out)


def _classify_row(
    row: Mapping[str, Any], settings: Settings
) -> tuple[str, str, float, Sequence[str]]:
    c = classify(row["title"], row["summary"], row["body"], rules=settings.panes)
    return row["id"], c.pane, c.score, c.terms


def update_derived(
    store: Store,
    settings: Settings,
    changed: Sequence[str],
    *,
    lost: Sequence[str] = (),
    now: datetime,
) -> set[str]:
    """Bring panes, clusters and quotes up to date after stories changed.

    One pass over the stories of the time window (the new ones and one window
    before the earliest of them) classifies the changed stories, loads the
    clustered ones into a :class:`ClusterIndex` and extracts every story's
    quotes once; then the new stories are assigned in (published, id) order,
    forgetting stories no later one can match, and the changed links, quote
    groups and cluster rows are written. Memory is the index (a few KB per
    story of the window), not the stories' text.

    Args:
        store: The open, writable store.
        settings: Gives the pane rules and clustering parameters.
        changed: Ids of new or updated stories.
        lost: Ids of clusters that lost stories (rewritten from their members).
        now: The refresh time.

    Returns:
        The ids of the clusters that were touched.
    """
    if not changed and not lost:
        return set()
    params = settings.clustering
    window = timedelta(hours=params.window_hours)
    since = (store.earliest_published(changed) or now) - window
    existing_links = store.cluster_links(since=since)
    index = ClusterIndex(params, decisions_of(store))
    wanted = set(changed)
    version = features_version(params)
    fresh: list[Entry] = []
    panes: list[tuple[str, str, float, Sequence[str]]] = []
    window_ids: list[str] = []
    quote_items: list[tuple[str, str, datetime, str]] = []
    need_text: list[str] = []
    for row in store.window_features(since, version):
        sid = row["id"]
        window_ids.append(sid)
        # Stored features are current when they match the story's text: made
        # when it was written (the parse workers prep every story, pane
        # included) or by an earlier update.
        loaded = _load(row)
        if loaded is None:
            need_text.append(sid)
            continue
        entry, quotes, published = loaded
        quote_items.extend((sid, q, published, row["outlet"]) for q in quotes)
        _index(index, entry, existing_links.get(sid), fresh)
    # Features of stories behind this window are not needed again.
    store.prune_features(before=since)
    # Stories without current features (seed files, old rows): from their text.
    for start in range(0, len(need_text), _BATCH):
        features: list[tuple[str, str, str]] = []
        for row in store.raw_stories(need_text[start : start + _BATCH]):
            doc, quotes = _doc_and_quotes(row)
            quote_items.extend((doc.id, q, doc.published, row["outlet"]) for q in quotes)
            entry = index.prepare(doc)
            features.append((doc.id, version, features_json(entry, quotes)))
            link = existing_links.get(doc.id)
            if doc.id in wanted or link is None:
                panes.append(_classify_row(row, settings))
            _index(index, entry, link, fresh)
        store.set_features(features)
    if panes:
        store.set_panes(panes)
    fresh.sort(key=lambda e: e.key)
    for i, entry in enumerate(fresh):
        if i % _BATCH == 0:
            # Later new stories only look back one window: older ones can go.
            index.forget_before(datetime.fromtimestamp(entry.ts, UTC) - window)
        index.assign(entry)
    del fresh
    touched = _store_changed_links(store, index, existing_links)
    del index
    for sid in wanted & set(existing_links):
        touched.add(existing_links[sid].cluster_id)
    touched |= set(lost)
    _store_quotes(store, quote_items, window_ids)
    write_clusters(store, settings, touched)
    return touched


def _index(index: ClusterIndex, entry: Entry, link: ClusterLink | None, fresh: list[Entry]) -> None:
    """Load a clustered story into the index; keep an unclustered one to assign.

    Unclustered: new in this run, or written by a run that stopped before its
    derive step (it is placed now, so an interrupted refresh loses nothing).
    """
    if link is not None:
        index.add_existing(entry, link)
    else:
        fresh.append(entry)


def _load(row: Mapping[str, Any]) -> tuple[Entry, list[str], datetime] | None:
    """A window row's stored features: its index entry, quotes and time (None: none usable)."""
    if row["features"] is None:
        return None
    published = from_db_time(row["published"])
    try:
        data, quotes = json.loads(row["features"])
        if published is None or not isinstance(quotes, list):
            return None
        entry = load_features(row["id"], row["source"], published.timestamp(), data)
    except (TypeError, ValueError, RecursionError):  # JSONDecodeError too: recompute
        return None
    return entry, [str(q) for q in quotes], published


def _store_changed_links(
    store: Store, index: ClusterIndex, stored: Mapping[str, ClusterLink]
) -> set[str]:
    """Write the index's final links (merges resolved) that differ from the stored ones.

    ``ClusterIndex.assign`` gives a story's link as assigned; only
    ``links()`` applies the user's merges across the whole window, and a new
    story can change where an earlier one's merge lands.

    Returns:
        Every cluster id a changed story left or joined.
    """
    changed: list[ClusterLink] = []
    touched: set[str] = set()
    for link in index.links():
        before = stored.get(link.story_id)
        if before == link:
            continue
        changed.append(link)
        touched.add(link.cluster_id)
        if before is not None:
            touched.add(before.cluster_id)
    if changed:
        store.set_links(changed)
    return touched


def _regroup_quotes(store: Store, *, since: datetime | None) -> None:
    rows = store.quote_items(since)
    items: list[tuple[str, str, datetime, str]] = []
    for r in rows:
        published = from_db_time(r["published"])
        assert published is not None
        for q in extract_quotes(f"{r['summary']}\n{r['body']}"):
            items.append((r["id"], q, published, r["outlet"]))
    _store_quotes(store, items, None if since is None else [r["id"] for r in rows])


def _store_quotes(
    store: Store, items: list[tuple[str, str, datetime, str]], scope: list[str] | None
) -> None:
    """Group (story id, quote, published, outlet) items and store the groups.

    ``scope``: the stories whose quote links are replaced (None: all).
    """
    groups = group_quotes(items)
    store.set_quotes(
        ((g.id, g.text, g.first_seen, g.story_ids, g.outlets) for g in groups if g.story_ids),
        story_scope=scope,
    )


def write_clusters(store: Store, settings: Settings, cluster_ids: Iterable[str]) -> None:
    """Recompute the derived rows of the given clusters from their members."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.cluster_members_raw(ids):
        members[r["cluster_id"]].append(r)
    records: list[ClusterRecord] = []
    for cid in ids:
        rows = members.get(cid)
        if not rows:
            continue
        classes = [
            Classification(r["pane"] or "other", float(r["score"] or 0.0), _terms(r["terms"]))
            for r in rows
        ]
        pane = cluster_pane(classes, rules=settings.panes)
        founder = next((r for r in rows if r["story_id"] == cid), rows[0])
        published = [from_db_time(r["published"]) for r in rows]
        records.append(
            ClusterRecord(
                id=cid,
                rule_pane=pane.pane,
                pane_score=pane.score,
                pane_terms=pane.terms,
                headline=founder["title"],
                first_seen=min(p for p in published if p is not None),
                # The newest member's publication time: what "age" means to
                # a desk (an ingest of old pages must not make them look new).
                last_update=max(p for p in published if p is not None),
                size=len(rows),
                outlets=len({r["outlet"] for r in rows}),
            )
        )
    store.set_clusters(records)


def _terms(raw: str | None) -> tuple[str, ...]:
    return tuple(json.loads(raw or "[]"))


def rebuild(
    store: Store, settings: Settings, *, now: datetime, reclassify_only: bool = False
) -> int:
    """Recompute every derived table from the stories (``recluster``/``reclassify``).

    User decisions (splits, merges, pane moves, read/star/dismiss) live in
    their own tables and are honoured, so a rebuild keeps them.

    Returns:
        The number of clusters afterwards.
    """
    classify_stories(store, settings, None)
    if not reclassify_only:
        index = ClusterIndex(settings.clustering, decisions_of(store))
        index.assign_all(_doc(r) for r in store.iter_stories_raw())
        store.set_links(index.links(), replace_all=True)
        _regroup_quotes(store, since=None)
    write_clusters(store, settings, store.all_cluster_ids())
    if not reclassify_only:
        store.clear_pending(None)  # every story was placed
    return len(store.all_cluster_ids())


def recluster_subset(
    store: Store, settings: Settings, cluster_ids: Sequence[str], *, now: datetime
) -> set[str]:
    """Re-place the stories of some clusters (after a split, merge or undo).

    The other clusters of the window are loaded as they are; only the given
    clusters' stories go through the index again, under the current decisions.

    Returns:
        The cluster ids written.
    """
    links = store.cluster_links(cluster_ids=list(cluster_ids))
    rows = store.raw_stories(sorted(links))
    touched = set(cluster_ids)
    if rows:
        earliest = min(from_db_time(r["published"]) or now for r in rows)
        since = earliest - timedelta(hours=settings.clustering.window_hours)
        existing = store.cluster_links(since=since)
        index = ClusterIndex(settings.clustering, decisions_of(store))
        for row in store.iter_stories_raw(since=since):
            link = existing.get(row["id"])
            if row["id"] not in links and link is not None:
                index.add_existing(_doc(row), link)
        for row in rows:
            index.assign(_doc(row))
        touched |= _store_changed_links(store, index, existing)
    write_clusters(store, settings, touched)
    return touched
