"""Near-duplicate story clustering: the same development across outlets, once.

The desk's biggest pain is one story shown ten times. This module decides which
stories report the same development and records *why*, so the desk can show the
evidence and a user can undo it.

How a story finds its cluster (:class:`ClusterIndex`):

1. **Exact signals**, strongest first: the same guid as a member in another
   feed (``GUID``), the same normalised link (``LINK``), the same normalised
   title (``TITLE``, score 100).
2. **Fuzzy signals** against candidate members: title similarity (``TITLE``),
   title + lead similarity (``LEAD``) and a shared long quote (``QUOTE``), each
   with its own threshold. Guards: a time window; no fuzzy match at all for
   titles under ``min_chars``; strings cut to ``max_chars`` before scoring;
   ``token_set_ratio`` only when both sides have enough content words (it scores
   100 when one side's words are a subset of the other's); titles carrying
   different numbers or weekdays ("day 468" / "day 469") never fuzzy-match;
   the lead signal needs 30% of the shorter side's words shared. Candidates
   are scored best-blocked first and a match 5 points over its bar ends the
   scan. Only when none of these places the story, the **topic** signal
   (``TOPIC``: IDF-weighted cosine of the distinctive words, a tighter time
   window) is tried on the same candidates.
3. **No chaining drift**: a story joins a cluster only through a member it
   matches above threshold *and* if it also matches the cluster's anchor (its
   earliest member inside the time window, normally the founder) at a lower bar
   (``threshold - anchor_margin``). Neighbours of neighbours stay out.
4. **Blocking**: candidates come from an inverted index of the rarest content
   words (IDF within the time window, stop words and very common words
   skipped, capitalised names weighted up) plus exact quote keys, capped at
   ``max_candidates``, so cost grows about linearly with the number of stories.
   The window's stories, lookups and frequencies: :mod:`app.cluster_window`;
   a story's features and the pair signals: :mod:`app.cluster_score`.

User decisions (:class:`Decisions`) are applied on top: a split story founds
its own cluster and never auto-joins; merges move whole clusters (signal
``USER``). Cluster ids are founding story ids, so they survive rebuilds.

Pure and deterministic: no I/O, no clock; :func:`cluster_all` sorts by
(published, id) so input order never changes the result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.cluster_params import ClusterParams, Decisions, Doc
from app.cluster_score import (
    Entry,
    Match,
    fuzzy_match,
    prepare,
    topic_words,
)
from app.cluster_text import normalize_url
from app.cluster_window import Window
from app.models import ClusterLink, Signal

__all__ = [
    "ClusterIndex",
    "ClusterParams",
    "Decisions",
    "Doc",
    "cluster_all",
    "explain",
    "normalize_url",
]

# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What :meth:`ClusterIndex.links` needs of a story, kept after it is forgotten."""

    story_id: str
    key: tuple[float, str]
    raw: str
    signal: Signal
    score: float
    matched: str | None

    @classmethod
    def of(cls, e: Entry) -> _Evidence:
        return cls(e.id, e.key, e.raw, e.signal, e.score, e.matched)


_FORGET_EVERY = 1000
#: Topic matches rank below every title, lead or quote match.
_TOPIC_SHIFT = 100.0
#: A title, lead or quote match this far over its bar (title >= 95, lead >= 89,
#: quote >= 97) is taken without scoring the remaining candidates.
_SURE_MARGIN = 5.0


class ClusterIndex:
    """Incremental clusterer: load clustered stories, then assign new ones.

    Args:
        params: Tuning; defaults if omitted.
        decisions: User splits and merges; none if omitted.

    Stories loaded with :meth:`add_existing` keep their links; :meth:`assign`
    places a new story. :meth:`links` returns every story's current link with
    merges resolved (authoritative: a new cluster can make a pending merge
    apply). Assigning stories in (published, id) order gives exactly what
    :func:`cluster_all` gives; a story older than the index's newest joins an
    existing cluster as a member (ids already shown stay put) where a rebuild
    might make it the founder.

    The live stories, their lookup structures and sliding document
    frequencies are a :class:`~app.cluster_window.Window`.
    """

    def __init__(self, params: ClusterParams | None = None, decisions: Decisions | None = None):
        self.params = params or ClusterParams()
        self.decisions = decisions or Decisions()
        self._same_source = self.params.same_source_hours * 3600.0
        self._topic_window = self.params.topic_window_hours * 3600.0
        self._w = Window(self.params)
        self._known: set[str] = set()
        self._merge_ids = {c for pair in self.decisions.merges for c in pair}
        self._resolved: dict[str, str] | None = None
        self._retired: dict[str, _Evidence] = {}
        #: Story pairs scored so far (fuzzy and anchor checks): a machine-independent
        #: measure of work, for benchmarks and diagnostics.
        self.pairs_scored = 0
        # Per placement: the placed story's words and topic weights.
        self._cur_set: frozenset[str] = frozenset()
        self._cur_weights: dict[str, float] | None = None

    def __len__(self) -> int:
        return len(self._w.entries) + len(self._retired)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._w.entries or story_id in self._retired

    # -- public ------------------------------------------------------------

    def add_existing(self, doc: Doc | Entry, link: ClusterLink) -> None:
        """Load an already clustered story (only those in the time window matter).

        Args:
            doc: The story, or its features (:meth:`prepare`, or
                :func:`app.cluster_score.load_features` of stored ones).
            link: Its stored link. For a ``USER`` link, ``matched_id`` names the
                cluster it was merged from (as :meth:`links` produces).

        Raises:
            ValueError: The story is already in the index or the link is not its.
        """
        if link.story_id != doc.id:
            raise ValueError(f"link is for {link.story_id!r}, not {doc.id!r}")
        entry = self._prepare(doc) if isinstance(doc, Doc) else self._check_new(doc)
        if link.signal is Signal.USER and link.matched_id:
            entry.raw = link.matched_id
        else:
            entry.raw = link.cluster_id
        entry.signal, entry.score, entry.matched = link.signal, link.score, link.matched_id
        self._insert(entry)
        self._note_cluster(link.cluster_id)

    def prepare(self, doc: Doc) -> Entry:
        """Compute a story's features now, to :meth:`assign` it later.

        An :class:`Entry` is smaller than the text it was made from, so a
        caller holding many stories to assign can let their text go.
        """
        return self._prepare(doc)

    def assign(self, doc: Doc | Entry) -> ClusterLink:
        """Place a new story and return its link.

        Args:
            doc: The story, or its :meth:`prepare` result.

        Returns:
            Its link: the cluster, the signal and score that put it there and
            the member it matched (a founder's ``matched_id`` is None).

        Raises:
            ValueError: The story is already in the index.
        """
        entry = self._prepare(doc) if isinstance(doc, Doc) else self._check_new(doc)
        entry.raw = entry.id
        if entry.id not in self.decisions.splits:
            self._place(entry)
        self._insert(entry)
        return self._link(entry)

    def assign_all(self, docs: Iterable[Doc]) -> list[ClusterLink]:
        """Assign many new stories in (published, id) order, forgetting as it goes.

        Stories more than one window older than the story being assigned are
        forgotten (:meth:`forget_before`), which keeps a rebuild of 100k stories
        as cheap per story as one of 10k.

        Args:
            docs: New stories, in any order.

        Returns:
            Their links in (published, id) order, as each was assigned (see
            :meth:`links` for the authoritative view once merges apply).
        """
        window = timedelta(hours=self.params.window_hours)
        out: list[ClusterLink] = []
        for i, doc in enumerate(sorted(docs, key=lambda d: (d.published.timestamp(), d.id))):
            if i % _FORGET_EVERY == 0:
                # Later stories only look back one window: older ones can go.
                self.forget_before(doc.published - window)
            out.append(self.assign(doc))
        return out

    def links(self) -> list[ClusterLink]:
        """Every story's link (forgotten ones too), merges resolved, in (published, id) order."""
        rows = [_Evidence.of(e) for e in self._w.entries.values()]
        rows.extend(self._retired.values())
        rows.sort(key=lambda r: r.key)
        return [self._link(r) for r in rows]

    def forget_before(self, when: datetime) -> int:
        """Stop matching against stories published before ``when``.

        Their links stay in :meth:`links`; only the matching structures shrink,
        so memory and per-story cost stay bounded in a long-running index.
        Safe when every story assigned from now on is published at or after
        ``when + window_hours`` (:func:`cluster_all` does this as it goes).

        Args:
            when: Timezone-aware cut-off.

        Returns:
            How many stories were forgotten.
        """
        gone = self._w.forget(when.timestamp())
        for e in gone:
            self._retired[e.id] = _Evidence.of(e)
        return len(gone)

    # -- indexing ------------------------------------------------------------

    def _prepare(self, doc: Doc) -> Entry:
        if doc.id in self:
            raise ValueError(f"story {doc.id!r} is already in the index")
        return prepare(doc, self.params)

    def _check_new(self, e: Entry) -> Entry:
        if e.id in self:
            raise ValueError(f"story {e.id!r} is already in the index")
        return e

    def _insert(self, e: Entry) -> None:
        self._w.insert(e)
        self._note_cluster(e.raw)

    def _note_cluster(self, cluster_id: str) -> None:
        if cluster_id not in self._known:
            self._known.add(cluster_id)
            if cluster_id in self._merge_ids:
                self._resolved = None

    # -- matching ----------------------------------------------------------

    def _place(self, e: Entry) -> None:
        """Set ``e``'s raw cluster and evidence (founds its own if nothing fits).

        Exact signals first; then title, lead and quote signals against the
        candidates; the topic signal (the costliest, and the weakest) only when
        none of those placed the story, for clusters they did not reach.
        """
        w = self._w
        for table, k, signal in (
            (w.by_guid, e.guid_key, Signal.GUID),
            (w.by_link, e.link_key, Signal.LINK),
            (w.by_title, e.title_key, Signal.TITLE),
        ):
            if k is None or k not in table:
                continue
            for _, sid in w.in_window(table[k], e.ts):
                member = w.entries[sid]
                if signal is Signal.TITLE and self._recurring(e, member):
                    continue
                e.raw, e.signal, e.score, e.matched = member.raw, signal, 100.0, member.id
                return
        if not e.fuzzy_ok:
            return
        p = self.params
        w.begin(e.ts)
        self._cur_set = frozenset(e.tokens)
        self._cur_weights = None
        a_set = self._cur_set
        scored: list[tuple[Entry, int]] = []
        best: dict[str, tuple[Match, Entry]] = {}
        rejected: set[str] = set()
        for m in w.candidates(e):
            if not self._pair_ok(e, m):
                continue
            shared = len(a_set.intersection(m.tokens))
            scored.append((m, shared))
            match = fuzzy_match(e, m, p, 0.0, shared)
            if match is None:
                continue
            _keep_best(best, m, match)
            # Candidates come best-blocked first: a clear match ends the search.
            if match.margin >= _SURE_MARGIN and self._settle(e, best, rejected):
                self.pairs_scored += len(scored)
                return
        self.pairs_scored += len(scored)
        if self._settle(e, best, rejected) or p.topic_threshold >= 100.0:
            return
        best = {}
        for m, shared in scored:
            if m.raw in rejected or abs(e.ts - m.ts) > self._topic_window:
                continue
            s = self._topic(e, m, shared, p.topic_threshold)
            if s is not None and s >= p.topic_threshold:
                _keep_best(best, m, Match(s - p.topic_threshold - _TOPIC_SHIFT, Signal.TOPIC, s))
        self._settle(e, best, rejected)

    def _settle(self, e: Entry, best: dict[str, tuple[Match, Entry]], rejected: set[str]) -> bool:
        """Join the best cluster whose anchor agrees; False (clusters noted) if none does."""
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0].margin, kv[1][1].key))
        for raw, (match, member) in ranked:
            if raw in rejected:
                continue
            if self.params.anchor:
                anchor = self._w.anchor(raw, e.ts)
                if anchor is not member and (
                    anchor is None or self._score_anchor(e, anchor) is None
                ):
                    rejected.add(raw)
                    continue
            e.raw, e.signal, e.score, e.matched = raw, match.signal, match.score, member.id
            return True
        return False

    def _recurring(self, a: Entry, b: Entry) -> bool:
        """Same source, far apart: a recurring column ("Roundup: Market Talk"), not a re-run."""
        return a.source == b.source and abs(a.ts - b.ts) > self._same_source

    def _pair_ok(self, a: Entry, b: Entry) -> bool:
        """The pair guards: both titles long enough, numbers agree, not a recurring column."""
        if not (a.fuzzy_ok and b.fuzzy_ok):
            return False
        if a.marks and b.marks and a.marks.isdisjoint(b.marks):
            return False
        return not self._recurring(a, b)

    def _score_anchor(self, a: Entry, b: Entry) -> Match | None:
        """Whether new story ``a`` agrees with anchor ``b`` at the lowered (anchor) bars."""
        self.pairs_scored += 1
        if not self._pair_ok(a, b):
            return None
        p = self.params
        found = fuzzy_match(a, b, p, p.anchor_margin)
        if found is not None:
            return found
        if p.topic_threshold >= 100.0 or abs(a.ts - b.ts) > self._topic_window:
            return None
        bar = p.topic_threshold - p.topic_anchor_margin
        s = self._topic(a, b, len(self._cur_set.intersection(b.tokens)), bar)
        if s is None or s < bar:
            return None
        return Match(s - p.topic_threshold - _TOPIC_SHIFT, Signal.TOPIC, s)

    def _topic(self, a: Entry, b: Entry, shared: int, bar: float) -> float | None:
        """IDF-weighted cosine (0..100) of two stories' content words, names up.

        None when either is too short, they share too few words, or the score
        cannot reach ``bar``. ``a`` is the story being placed: IDF is over the
        window of its placement (weights: :meth:`Window.norm`).
        """
        words = topic_words(a, self._cur_set, b, shared, self.params)
        if words is None:
            return None
        w = self._w
        na = w.norm(a)
        if na == 0.0:
            return 0.0
        wa = self._cur_weights
        if wa is None:
            wa = self._cur_weights = w.weights(a)
        # Cauchy-Schwarz: the cosine is at most |a's weights on the shared
        # words| / |a's weights|, known before b's norm is computed.
        if 100.0 * math.sqrt(sum(wa[b.tokens[i]] ** 2 for i in words)) < bar * na:
            return None
        nb = w.norm(b)
        if nb == 0.0:
            return 0.0
        return 100.0 * w.dot(wa, b, words) / (na * nb)

    # -- decisions ---------------------------------------------------------

    def _resolve(self, raw: str) -> str:
        if self._resolved is None:
            parent: dict[str, str] = {}

            def find(x: str) -> str:
                while x in parent:
                    x = parent[x]
                return x

            for into, frm in self.decisions.merges:
                if into not in self._known or frm not in self._known:
                    continue
                ri, rf = find(into), find(frm)
                if ri != rf:
                    parent[rf] = ri
            self._resolved = {c: find(c) for c in parent}
        return self._resolved.get(raw, raw)

    def _link(self, e: Entry | _Evidence) -> ClusterLink:
        sid = e.id if isinstance(e, Entry) else e.story_id
        final = self._resolve(e.raw)
        if final != e.raw:
            return ClusterLink(sid, final, Signal.USER, 100.0, e.raw)
        if e.signal is Signal.USER:
            # Loaded as merged but the merge no longer applies: back in its own
            # cluster; the original evidence is only known after a rebuild.
            signal = Signal.FOUNDER if sid == e.raw else Signal.USER
            return ClusterLink(sid, e.raw, signal, 100.0, None)
        return ClusterLink(sid, e.raw, e.signal, round(e.score, 2), e.matched)


def _keep_best(best: dict[str, tuple[Match, Entry]], m: Entry, match: Match) -> None:
    """Keep a cluster's best match: best margin, then the earlier member."""
    cur = best.get(m.raw)
    if (
        cur is None
        or match.margin > cur[0].margin
        or (match.margin == cur[0].margin and m.key < cur[1].key)
    ):
        best[m.raw] = (match, m)


def cluster_all(
    docs: Iterable[Doc],
    params: ClusterParams | None = None,
    decisions: Decisions | None = None,
) -> list[ClusterLink]:
    """Cluster every story from scratch (a full rebuild).

    Args:
        docs: The stories, in any order.
        params: Tuning; defaults if omitted.
        decisions: User splits and merges to honour.

    Returns:
        One link per story in (published, id) order; identical for any
        permutation of ``docs``.

    Raises:
        ValueError: Two docs share an id.
    """
    index = ClusterIndex(params, decisions)
    index.assign_all(docs)
    return index.links()


_SIGNAL_WORDS = {
    Signal.GUID: "the same guid as",
    Signal.LINK: "the same link as",
}


def explain(
    link: ClusterLink,
    *,
    titles: Mapping[str, str] | None = None,
    decisions: Decisions | None = None,
) -> str:
    """One readable line saying why a story sits in its cluster.

    Args:
        link: The story's link.
        titles: Optional story id -> title, to name the stories.
        decisions: Optional decisions, to say a founder was split out by a user.

    Returns:
        E.g. ``joined cluster X via lead (score 95.2) matching story Y``.
    """

    def name(story_id: str | None) -> str:
        if story_id is None:
            return "?"
        title = (titles or {}).get(story_id)
        return f"{story_id} ({title!r})" if title else story_id

    cluster = name(link.cluster_id)
    if link.signal is Signal.FOUNDER:
        if decisions is not None and link.story_id in decisions.splits:
            return f"founded cluster {cluster} (split out by a user)"
        return f"founded cluster {cluster}"
    if link.signal is Signal.USER:
        if link.matched_id and link.matched_id != link.cluster_id:
            return (
                f"moved into cluster {cluster} by a user merge of cluster {name(link.matched_id)}"
            )
        return f"in cluster {cluster} by a user decision"
    if link.signal in _SIGNAL_WORDS:
        how = _SIGNAL_WORDS[link.signal]
        return f"joined cluster {cluster} via {how} story {name(link.matched_id)}"
    return (
        f"joined cluster {cluster} via {link.signal.value} (score {link.score:.1f}) "
        f"matching story {name(link.matched_id)}"
    )
