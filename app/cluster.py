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
   different numbers or weekdays ("day 468" / "day 469") never fuzzy-match.
3. **No chaining drift**: a story joins a cluster only through a member it
   matches above threshold *and* if it also matches the cluster's anchor (its
   earliest member inside the time window, normally the founder) at a lower bar
   (``threshold - anchor_margin``). Neighbours of neighbours stay out.
4. **Blocking**: candidates come from an inverted index of the rarest content
   words (IDF within the time window, stop words and very common words
   skipped, capitalised names weighted up) plus exact quote keys, capped at
   ``max_candidates``, so cost grows about linearly with the number of stories.

User decisions (:class:`Decisions`) are applied on top: a split story founds
its own cluster and never auto-joins; merges move whole clusters (signal
``USER``). Cluster ids are founding story ids, so they survive rebuilds.

Pure and deterministic: no I/O, no clock; :func:`cluster_all` sorts by
(published, id) so input order never changes the result.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.cluster_params import ClusterParams, Decisions, Doc
from app.cluster_score import (
    MULTIPLIERS,
    Entry,
    Match,
    fuzzy_match,
    prepare,
    topic_words,
)
from app.cluster_text import BACKGROUND_RATE, NAME_BOOST, normalize_url
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
_Keyed = list[tuple[float, str]]


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

    Document frequencies (for blocking and the topic signal's IDF) are kept
    incrementally: a counter over the stories published no earlier than one
    window before the story being placed, slid forward as placement moves on,
    so no word's frequency is ever recounted.
    """

    def __init__(self, params: ClusterParams | None = None, decisions: Decisions | None = None):
        self.params = params or ClusterParams()
        self.decisions = decisions or Decisions()
        self._window = self.params.window_hours * 3600.0
        self._same_source = self.params.same_source_hours * 3600.0
        self._topic_window = self.params.topic_window_hours * 3600.0
        self._entries: dict[str, Entry] = {}
        # Live stories' keys in (published, id) order; those from _df_pos on
        # (published >= _df_lo) are counted in _df.
        self._order: _Keyed = []
        self._df_pos = 0
        self._df_lo = -math.inf
        self._df: dict[str, int] = {}
        # Word / quote key -> stories holding it, in insertion order (filtered
        # by time when read; forgetting prunes them).
        self._postings: dict[str, list[Entry]] = defaultdict(list)
        self._quote_postings: dict[str, list[Entry]] = defaultdict(list)
        self._by_guid: dict[str, _Keyed] = defaultdict(list)
        self._by_link: dict[str, _Keyed] = defaultdict(list)
        self._by_title: dict[str, _Keyed] = defaultdict(list)
        self._members: dict[str, _Keyed] = defaultdict(list)
        self._known: set[str] = set()
        self._merge_ids = {c for pair in self.decisions.merges for c in pair}
        self._resolved: dict[str, str] | None = None
        self._retired: dict[str, _Evidence] = {}
        #: Story pairs scored so far (fuzzy and anchor checks): a machine-independent
        #: measure of work, for benchmarks and diagnostics.
        self.pairs_scored = 0
        # Per placement: the placed story's word set, log(window size) and topic weights.
        self._cur_set: frozenset[str] = frozenset()
        self._prior = self.params.topic_prior_docs
        self._log_n = 0.0
        self._logden: dict[str, float] = {}
        self._norm_cache: dict[str, float] = {}
        self._cur_weights: dict[str, float] | None = None

    def __len__(self) -> int:
        return len(self._entries) + len(self._retired)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._entries or story_id in self._retired

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
        rows = [_Evidence.of(e) for e in self._entries.values()]
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
        cutoff = when.timestamp()
        k = bisect.bisect_left(self._order, (cutoff, ""))
        if k == 0:
            return 0
        tokens: set[str] = set()
        quotes: set[str] = set()
        keyed: dict[str, set[str]] = {"guid": set(), "link": set(), "title": set(), "raw": set()}
        for j, (_, sid) in enumerate(self._order[:k]):
            e = self._entries.pop(sid)
            if j >= self._df_pos:
                self._count(e, -1)
            self._retired[sid] = _Evidence.of(e)
            tokens.update(e.tokens)
            quotes.update(e.quotes)
            for name, key in (("guid", e.guid_key), ("link", e.link_key), ("title", e.title_key)):
                if key is not None:
                    keyed[name].add(key)
            keyed["raw"].add(e.raw)
        del self._order[:k]
        self._df_pos = max(0, self._df_pos - k)
        for table, keys in ((self._postings, tokens), (self._quote_postings, quotes)):
            for key in keys:
                kept = [m for m in table[key] if m.ts >= cutoff]
                if kept:
                    table[key] = kept
                else:
                    del table[key]
        for name, sorted_table in (
            ("guid", self._by_guid),
            ("link", self._by_link),
            ("title", self._by_title),
            ("raw", self._members),
        ):
            for key in keyed[name]:
                plist = sorted_table[key]
                del plist[: bisect.bisect_left(plist, (cutoff, ""))]
                if not plist:
                    del sorted_table[key]
        return k

    # -- indexing ------------------------------------------------------------

    def _prepare(self, doc: Doc) -> Entry:
        if doc.id in self:
            raise ValueError(f"story {doc.id!r} is already in the index")
        return prepare(doc, self.params)

    def _check_new(self, e: Entry) -> Entry:
        if e.id in self:
            raise ValueError(f"story {e.id!r} is already in the index")
        return e

    def _count(self, e: Entry, delta: int) -> None:
        df = self._df
        stale = self._logden.pop
        for tok in e.tokens:
            n = df.get(tok, 0) + delta
            if n:
                df[tok] = n
            else:
                del df[tok]
            stale(tok, None)

    def _slide(self, lo: float) -> None:
        """Count exactly the stories published at or after ``lo`` in the frequencies."""
        pos = bisect.bisect_left(self._order, (lo, ""))
        if pos > self._df_pos:
            for _, sid in self._order[self._df_pos : pos]:
                self._count(self._entries[sid], -1)
        elif pos < self._df_pos:
            for _, sid in self._order[pos : self._df_pos]:
                self._count(self._entries[sid], 1)
        self._df_pos, self._df_lo = pos, lo

    def _insert(self, e: Entry) -> None:
        self._entries[e.id] = e
        bisect.insort(self._order, e.key)
        if e.ts >= self._df_lo:
            self._count(e, 1)
        else:
            self._df_pos += 1
        for tok in e.tokens:
            self._postings[tok].append(e)
        for q in e.quotes:
            self._quote_postings[q].append(e)
        for table, k in (
            (self._by_guid, e.guid_key),
            (self._by_link, e.link_key),
            (self._by_title, e.title_key),
        ):
            if k is not None:
                bisect.insort(table[k], e.key)
        bisect.insort(self._members[e.raw], e.key)
        self._note_cluster(e.raw)

    def _note_cluster(self, cluster_id: str) -> None:
        if cluster_id not in self._known:
            self._known.add(cluster_id)
            if cluster_id in self._merge_ids:
                self._resolved = None

    # -- matching ----------------------------------------------------------

    def _in_window(self, plist: _Keyed, ts: float) -> tuple[int, int]:
        lo = bisect.bisect_left(plist, (ts - self._window, ""))
        hi = bisect.bisect_right(plist, (ts + self._window, "\U0010ffff"))
        return lo, hi

    def _place(self, e: Entry) -> None:
        """Set ``e``'s raw cluster and evidence (founds its own if nothing fits).

        Exact signals first; then title, lead and quote signals against the
        candidates; the topic signal (the costliest, and the weakest) only when
        none of those placed the story, for clusters they did not reach.
        """
        for table, k, signal in (
            (self._by_guid, e.guid_key, Signal.GUID),
            (self._by_link, e.link_key, Signal.LINK),
            (self._by_title, e.title_key, Signal.TITLE),
        ):
            if k is None or k not in table:
                continue
            plist = table[k]
            lo, hi = self._in_window(plist, e.ts)
            for _, sid in plist[lo:hi]:
                member = self._entries[sid]
                if signal is Signal.TITLE and self._recurring(e, member):
                    continue
                e.raw, e.signal, e.score, e.matched = member.raw, signal, 100.0, member.id
                return
        if not e.fuzzy_ok:
            return
        p = self.params
        self._slide(e.ts - self._window)
        self._cur_set = frozenset(e.tokens)
        self._norm_cache = {}
        self._log_n = math.log(len(self._order) - self._df_pos + 1 + self._prior)
        self._cur_weights = None
        a_set = self._cur_set
        scored: list[tuple[Entry, int]] = []
        best: dict[str, tuple[Match, Entry]] = {}
        rejected: set[str] = set()
        for m in self._candidates(e):
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
                anchor = self._anchor(raw, e.ts)
                if anchor is not member and (
                    anchor is None or self._score_anchor(e, anchor) is None
                ):
                    rejected.add(raw)
                    continue
            e.raw, e.signal, e.score, e.matched = raw, match.signal, match.score, member.id
            return True
        return False

    def _anchor(self, raw: str, ts: float) -> Entry | None:
        """The earliest member of ``raw`` within the window (normally the founder)."""
        plist = self._members.get(raw)
        if not plist:
            return None
        lo, hi = self._in_window(plist, ts)
        return self._entries[plist[lo][1]] if lo < hi else None

    def _candidates(self, e: Entry) -> list[Entry]:
        """Members sharing the rarest words (IDF in the window) or an exact quote."""
        p = self.params
        n_window = len(self._order) - self._df_pos
        if n_window == 0:
            return []
        lo, hi = e.ts - self._window, e.ts + self._window
        df = self._df
        looked: list[tuple[int, str, int]] = []
        for i, tok in enumerate(e.tokens):
            d = df.get(tok, 0)
            if 0 < d <= p.block_max_df:
                looked.append((d, tok, i))
        looked.sort()
        weight: dict[Entry, float] = {}
        budget = p.block_max_postings
        for d, tok, i in looked[: p.block_tokens]:
            # Rarest words first; stop before the common ones blow the budget.
            if d > budget:
                break
            budget -= d
            idf = math.log(1.0 + n_window / d) * (NAME_BOOST if e.is_name(i) else 1.0)
            for m in self._postings[tok]:
                if lo <= m.ts <= hi:
                    weight[m] = weight.get(m, 0.0) + idf
        for q in e.quotes:
            for m in self._quote_postings.get(q, ()):
                if lo <= m.ts <= hi:
                    weight[m] = weight.get(m, 0.0) + 100.0
        # Ties on weight go to the smaller story id: deterministic whatever the
        # order stories were loaded in.
        if len(weight) > p.max_candidates:
            cutoff = sorted(weight.values(), reverse=True)[p.max_candidates - 1]
            pool = [m for m, w in weight.items() if w >= cutoff]
        else:
            pool = list(weight)
        pool.sort(key=lambda m: (-weight[m], m.id))
        return pool[: p.max_candidates]

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
        window of its placement. A word's weight is its IDF (the placed story
        counted as holding it; :data:`BACKGROUND_RATE` as a prior) times its
        :data:`MULTIPLIERS` entry; ``log(df + 1 + prior * rate)`` of a word is
        kept across placements until the word's frequency changes.
        """
        words = topic_words(a, self._cur_set, b, shared, self.params)
        if words is None:
            return None
        na = self._norm(a)
        if na == 0.0:
            return 0.0
        wa = self._cur_weights
        if wa is None:
            wa = self._cur_weights = self._placed_weights(a)
        tokens, codes = b.tokens, b.codes
        # Cauchy-Schwarz: the cosine is at most |a's weights on the shared
        # words| / |a's weights|, known before b's norm is computed.
        if 100.0 * math.sqrt(sum(wa[tokens[i]] ** 2 for i in words)) < bar * na:
            return None
        nb = self._norm(b)
        if nb == 0.0:
            return 0.0
        log_n, logden = self._log_n, self._logden
        dot = sum(
            wa[tokens[i]] * (log_n - logden[tokens[i]]) * MULTIPLIERS[codes[i]] for i in words
        )
        return 100.0 * dot / (na * nb)

    def _norm(self, e: Entry) -> float:
        """Length of a story's topic weight vector (cached for one placement)."""
        norm = self._norm_cache.get(e.id)
        if norm is not None:
            return norm
        log_n, logden = self._log_n, self._logden
        total = 0.0
        for tok, code in zip(e.tokens, e.codes, strict=True):
            d = logden.get(tok)
            if d is None:
                d = logden[tok] = math.log(
                    self._df.get(tok, 0) + 1 + self._prior * BACKGROUND_RATE.get(tok, 0.0)
                )
            w = (log_n - d) * MULTIPLIERS[code]
            total += w * w
        norm = self._norm_cache[e.id] = math.sqrt(total)
        return norm

    def _placed_weights(self, e: Entry) -> dict[str, float]:
        """The placed story's topic weights (after :meth:`_norm` filled its words' logs)."""
        log_n, logden = self._log_n, self._logden
        return {
            tok: (log_n - logden[tok]) * MULTIPLIERS[code]
            for tok, code in zip(e.tokens, e.codes, strict=True)
        }

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
