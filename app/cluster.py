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
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz, utils

from app.cluster_text import (
    BACKGROUND_RATE,
    NAME_BOOST,
    content_tokens,
    guid_key,
    marks,
    name_tokens,
    normalize_url,
)
from app.models import ClusterLink, Signal, Story
from app.quotes import extract_quotes, quote_key, quote_similarity

__all__ = [
    "ClusterIndex",
    "ClusterParams",
    "Decisions",
    "Doc",
    "cluster_all",
    "explain",
    "normalize_url",
]


@dataclass(frozen=True, slots=True)
class ClusterParams:
    """Tuning of the clusterer. Defaults come from bench/cluster_quality.py.

    Attributes:
        window_hours: Two stories are compared only if published within this
            many hours of each other. 48 h covers a development's first wave
            across time zones; longer windows merged recurring templates.
        same_source_hours: Two stories from the same source published further
            apart than this never match on title, lead or quote: a feed
            re-using a title a day later runs a recurring column ("Roundup:
            Market Talk", "List of key events"), it is not re-reporting.
        min_chars: A title shorter than this (after normalisation) never
            fuzzy-matches anything (``ratio("", "") == 100``; "Live", "Update").
        max_chars: Every string is cut to this many characters before scoring
            (``partial_ratio`` took 31 s on two 10k-char strings).
        title_threshold: Bar for the fuzzy ``TITLE`` signal (title vs title).
        title_min_tokens: Content words each title needs for a fuzzy title match.
        set_min_tokens: Below this many content words on either side,
            ``token_sort_ratio`` replaces ``token_set_ratio`` (subset trap).
        lead_threshold: Bar for the ``LEAD`` signal (title + lead vs title + lead).
        lead_min_chars: Both leads need this many characters for ``LEAD``.
        quote_threshold: Bar for the ``QUOTE`` signal (any quote pair).
        quote_min_chars: Only quote keys this long count for ``QUOTE``.
        anchor: Require the anchor check (see module docstring).
        anchor_margin: How far below a signal's threshold the anchor may score.
        block_tokens: Rarest words of a story used to look up candidates.
        block_max_df: Words in more stories than this within the window are too
            common to look up (they also cost the most).
        block_max_postings: Budget of index entries read per story; the rarest
            words are read first, so this only drops the commonest ones and
            bounds the cost per story whatever the density.
        max_candidates: Candidate members scored per story.
        topic_threshold: Bar for the topic signal (reported as ``TOPIC``): the
            IDF-weighted cosine (x100) of the two stories' title + lead content
            words, names weighted up. Catches the same development worded
            differently ("Kakhovka dam destroyed" / "Nova Kakhovka dam
            breached"). Used only when no title, lead or quote signal fires,
            and it ranks below all of them. 100 turns it off.
        topic_window_hours: The topic signal only joins stories published
            within this many hours of each other (tighter than
            ``window_hours``: it is the weaker signal).
        topic_min_tokens: Content words each side needs for the topic signal.
        topic_min_shared: Content words both sides must share for it.
        topic_anchor_margin: How far below ``topic_threshold`` the anchor may
            score on the topic signal.
        topic_prior_docs: Pseudo-stories added to the window's count in the IDF
            (``log((n + prior) / df)``), so a sparse window does not make every
            word look rare, nor a dense one every word common.
    """

    window_hours: float = 48.0
    same_source_hours: float = 12.0
    min_chars: int = 20
    max_chars: int = 500
    title_threshold: float = 90.0
    title_min_tokens: int = 3
    set_min_tokens: int = 5
    lead_threshold: float = 84.0
    lead_min_chars: int = 60
    quote_threshold: float = 92.0
    quote_min_chars: int = 50
    anchor: bool = True
    anchor_margin: float = 20.0
    block_tokens: int = 12
    block_max_df: int = 400
    block_max_postings: int = 1500
    max_candidates: int = 40
    topic_threshold: float = 45.0
    topic_window_hours: float = 24.0
    topic_min_tokens: int = 5
    topic_min_shared: int = 3
    topic_anchor_margin: float = 10.0
    topic_prior_docs: int = 200

    def __post_init__(self) -> None:
        if not self.window_hours > 0:
            raise ValueError("window_hours must be > 0")
        if not self.topic_window_hours >= 0:
            raise ValueError("topic_window_hours must be >= 0")
        if not self.same_source_hours >= 0:
            raise ValueError("same_source_hours must be >= 0")
        for name in (
            "title_threshold",
            "lead_threshold",
            "quote_threshold",
            "anchor_margin",
            "topic_threshold",
            "topic_anchor_margin",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise ValueError(f"{name} must be within 0..100, got {value!r}")
        for name in (
            "min_chars",
            "max_chars",
            "title_min_tokens",
            "set_min_tokens",
            "lead_min_chars",
            "quote_min_chars",
            "block_tokens",
            "block_max_df",
            "block_max_postings",
            "max_candidates",
            "topic_min_tokens",
            "topic_min_shared",
            "topic_prior_docs",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Doc:
    """A story as the clusterer sees it (keyword-only construction).

    Attributes:
        id: Stable story id.
        source: Feed url or file path.
        title: Headline (already through ``clean_text``).
        lead: Summary or first paragraph ("" if none).
        guid: Feed guid, if any.
        url: Story link, if any.
        published: Timezone-aware publication (or first-seen) time.
        quotes: Normalised quote keys (:func:`app.quotes.quote_key`).
    """

    id: str
    source: str
    title: str
    lead: str = ""
    guid: str | None = None
    url: str | None = None
    published: datetime
    quotes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.published.tzinfo is None or self.published.utcoffset() is None:
            raise ValueError(f"Doc {self.id!r}: published must be timezone-aware")

    @classmethod
    def from_story(cls, story: Story, *, quotes: Iterable[str] | None = None) -> Doc:
        """Build a Doc from a stored story.

        Args:
            story: The story.
            quotes: Quote keys; by default extracted from title, summary and body.

        Returns:
            The Doc, with the summary (else the body's first paragraph) as lead.
        """
        lead = story.summary or story.body.strip().split("\n", 1)[0]
        if quotes is None:
            text = "\n".join((story.title, story.summary, story.body))
            quotes = (quote_key(q) for q in extract_quotes(text))
        return cls(
            id=story.id,
            source=story.source,
            title=story.title,
            lead=lead,
            guid=story.guid,
            url=story.url,
            published=story.published,
            quotes=tuple(dict.fromkeys(q for q in quotes if q)),
        )


@dataclass(frozen=True, slots=True)
class Decisions:
    """User decisions that a rebuild must keep.

    Attributes:
        splits: Story ids split out: each founds its own cluster and never
            auto-joins another (later stories may still join it).
        merges: ``(into_cluster_id, from_cluster_id)`` pairs, applied in order:
            every member of ``from`` belongs to ``into`` (signal ``USER``).
            Chains resolve; merges naming an unknown cluster, or closing a
            cycle, are ignored.
    """

    splits: frozenset[str] = frozenset()
    merges: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------


_MAX_QUOTES = 6
# Title words weigh this much more than lead words in the topic signal.
_TITLE_WEIGHT = 2.0


@dataclass(slots=True)
class _Entry:
    """A story in the index, with everything scoring needs precomputed once."""

    doc: Doc
    ts: float
    key: tuple[float, str]
    fuzzy_ok: bool
    title_c: str
    title_n: int
    text_c: str
    text_n: int
    has_lead: bool
    marks: frozenset[str]
    tokens: tuple[str, ...]
    tokset: frozenset[str]
    title_set: frozenset[str]
    names: frozenset[str]
    quotes: tuple[str, ...]
    guid_key: str | None
    link_key: str | None
    title_key: str | None
    raw: str = ""
    signal: Signal = Signal.FOUNDER
    score: float = 100.0
    matched: str | None = None


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
    def of(cls, e: _Entry) -> _Evidence:
        return cls(e.doc.id, e.key, e.raw, e.signal, e.score, e.matched)


@dataclass(frozen=True, slots=True)
class _Match:
    margin: float
    signal: Signal
    score: float


_FUZZY_ORDER = {Signal.TITLE: 0, Signal.LEAD: 1, Signal.QUOTE: 2, Signal.TOPIC: 3}
_FORGET_EVERY = 1000


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
    """

    def __init__(self, params: ClusterParams | None = None, decisions: Decisions | None = None):
        self.params = params or ClusterParams()
        self.decisions = decisions or Decisions()
        self._window = self.params.window_hours * 3600.0
        self._same_source = self.params.same_source_hours * 3600.0
        self._entries: dict[str, _Entry] = {}
        self._times: list[float] = []
        self._postings: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._quote_postings: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._by_guid: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._by_link: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._by_title: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._members: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._known: set[str] = set()
        self._merge_ids = {c for pair in self.decisions.merges for c in pair}
        self._resolved: dict[str, str] | None = None
        self._retired: dict[str, _Evidence] = {}
        #: Story pairs scored so far (fuzzy and anchor checks): a machine-independent
        #: measure of work, for benchmarks and diagnostics.
        self.pairs_scored = 0
        self._topic_window = self.params.topic_window_hours * 3600.0
        # IDF of the story being placed: (its time, token -> idf), see _idf.
        self._idf_at: float | None = None
        self._idf_cache: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._entries) + len(self._retired)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._entries or story_id in self._retired

    # -- public ------------------------------------------------------------

    def add_existing(self, doc: Doc, link: ClusterLink) -> None:
        """Load an already clustered story (only those in the time window matter).

        Args:
            doc: The story.
            link: Its stored link. For a ``USER`` link, ``matched_id`` names the
                cluster it was merged from (as :meth:`links` produces).

        Raises:
            ValueError: The story is already in the index or the link is not its.
        """
        if link.story_id != doc.id:
            raise ValueError(f"link is for {link.story_id!r}, not {doc.id!r}")
        entry = self._prepare(doc)
        if link.signal is Signal.USER and link.matched_id:
            entry.raw = link.matched_id
        else:
            entry.raw = link.cluster_id
        entry.signal, entry.score, entry.matched = link.signal, link.score, link.matched_id
        self._insert(entry)
        self._note_cluster(link.cluster_id)

    def assign(self, doc: Doc) -> ClusterLink:
        """Place a new story and return its link.

        Args:
            doc: The story.

        Returns:
            Its link: the cluster, the signal and score that put it there and
            the member it matched (a founder's ``matched_id`` is None).

        Raises:
            ValueError: The story is already in the index.
        """
        entry = self._prepare(doc)
        entry.raw = doc.id
        if doc.id not in self.decisions.splits:
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
        old = [e for e in self._entries.values() if e.ts < cutoff]
        if not old:
            return 0
        touched: dict[str, set[str]] = {
            "tok": set(),
            "quote": set(),
            "guid": set(),
            "link": set(),
            "title": set(),
            "raw": set(),
        }
        for e in old:
            del self._entries[e.doc.id]
            self._retired[e.doc.id] = _Evidence.of(e)
            touched["tok"].update(e.tokens)
            touched["quote"].update(e.quotes)
            for name, k in (("guid", e.guid_key), ("link", e.link_key), ("title", e.title_key)):
                if k is not None:
                    touched[name].add(k)
            touched["raw"].add(e.raw)
        for name, table in (
            ("tok", self._postings),
            ("quote", self._quote_postings),
            ("guid", self._by_guid),
            ("link", self._by_link),
            ("title", self._by_title),
            ("raw", self._members),
        ):
            for k in touched[name]:
                plist = table[k]
                del plist[: bisect.bisect_left(plist, (cutoff, ""))]
                if not plist:
                    del table[k]
        del self._times[: bisect.bisect_left(self._times, cutoff)]
        return len(old)

    # -- preparation ---------------------------------------------------------

    def _prepare(self, doc: Doc) -> _Entry:
        if doc.id in self:
            raise ValueError(f"story {doc.id!r} is already in the index")
        p = self.params
        title = doc.title[: p.max_chars]
        lead = doc.lead[: p.max_chars]
        title_tokens = content_tokens(title)
        text = f"{title} {lead}"[: p.max_chars]
        text_tokens = content_tokens(text)
        title_norm = " ".join(utils.default_process(title).split())
        names = name_tokens(f"{title}. {lead}")
        quotes = tuple(q[: p.max_chars] for q in doc.quotes if len(q) >= p.quote_min_chars)[
            :_MAX_QUOTES
        ]
        ts = doc.published.timestamp()
        fuzzy_ok = len(title_norm) >= p.min_chars
        # Exact-title matching needs as many content words as a fuzzy title
        # match: "What's News: World-Wide" recurs daily with new content.
        exact_ok = fuzzy_ok and len(title_tokens) >= p.title_min_tokens
        title_key = quote_key(title) if exact_ok else None
        return _Entry(
            doc=doc,
            ts=ts,
            key=(ts, doc.id),
            fuzzy_ok=fuzzy_ok,
            title_c=" ".join(title_tokens),
            title_n=len(title_tokens),
            text_c=" ".join(text_tokens),
            text_n=len(text_tokens),
            has_lead=len(lead.strip()) >= p.lead_min_chars,
            marks=marks(title),
            tokens=tuple(dict.fromkeys(text_tokens)),
            tokset=frozenset(text_tokens),
            title_set=frozenset(title_tokens),
            names=names,
            quotes=quotes,
            guid_key=guid_key(doc.guid),
            link_key=normalize_url(doc.url),
            title_key=title_key,
        )

    def _insert(self, e: _Entry) -> None:
        self._entries[e.doc.id] = e
        bisect.insort(self._times, e.ts)
        item = (e.ts, e.doc.id)
        for tok in e.tokens:
            bisect.insort(self._postings[tok], item)
        for q in e.quotes:
            bisect.insort(self._quote_postings[q], item)
        for table, k in (
            (self._by_guid, e.guid_key),
            (self._by_link, e.link_key),
            (self._by_title, e.title_key),
        ):
            if k is not None:
                bisect.insort(table[k], item)
        bisect.insort(self._members[e.raw], item)
        self._note_cluster(e.raw)

    def _note_cluster(self, cluster_id: str) -> None:
        if cluster_id not in self._known:
            self._known.add(cluster_id)
            if cluster_id in self._merge_ids:
                self._resolved = None

    # -- matching ----------------------------------------------------------

    def _in_window(self, plist: list[tuple[float, str]], ts: float) -> tuple[int, int]:
        lo = bisect.bisect_left(plist, (ts - self._window, ""))
        hi = bisect.bisect_right(plist, (ts + self._window, "\U0010ffff"))
        return lo, hi

    def _place(self, e: _Entry) -> None:
        """Set ``e``'s raw cluster and evidence (founds its own if nothing fits)."""
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
                e.raw, e.signal, e.score, e.matched = member.raw, signal, 100.0, member.doc.id
                return
        if not e.fuzzy_ok:
            return
        best: dict[str, tuple[_Match, _Entry]] = {}
        for m in self._candidates(e):
            match = self._score(e, m, anchor=False)
            if match is None:
                continue
            cur = best.get(m.raw)
            # Best margin wins; on a tie the earlier member.
            if (
                cur is None
                or match.margin > cur[0].margin
                or (match.margin == cur[0].margin and m.key < cur[1].key)
            ):
                best[m.raw] = (match, m)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0].margin, kv[1][1].key))
        for raw, (match, member) in ranked:
            if self.params.anchor:
                anchor = self._anchor(raw, e.ts)
                if anchor is not member and (
                    anchor is None or self._score(e, anchor, anchor=True) is None
                ):
                    continue
            e.raw, e.signal, e.score, e.matched = raw, match.signal, match.score, member.doc.id
            return

    def _anchor(self, raw: str, ts: float) -> _Entry | None:
        """The earliest member of ``raw`` within the window (normally the founder)."""
        plist = self._members.get(raw)
        if not plist:
            return None
        lo, hi = self._in_window(plist, ts)
        return self._entries[plist[lo][1]] if lo < hi else None

    def _candidates(self, e: _Entry) -> list[_Entry]:
        """Members sharing the rarest words (IDF in the window) or an exact quote."""
        p = self.params
        lo, hi = (
            bisect.bisect_left(self._times, e.ts - self._window),
            bisect.bisect_right(self._times, e.ts + self._window),
        )
        n_window = hi - lo
        if n_window == 0:
            return []
        looked: list[tuple[int, str, int, int]] = []
        for tok in e.tokens:
            plist = self._postings.get(tok)
            if not plist:
                continue
            a, b = self._in_window(plist, e.ts)
            if 0 < b - a <= p.block_max_df:
                looked.append((b - a, tok, a, b))
        looked.sort()
        weight: dict[str, float] = defaultdict(float)
        budget = p.block_max_postings
        for df, tok, a, b in looked[: p.block_tokens]:
            # Rarest words first; stop before the common ones blow the budget.
            if df > budget:
                break
            budget -= df
            idf = math.log(1.0 + n_window / df) * (NAME_BOOST if tok in e.names else 1.0)
            for _, sid in self._postings[tok][a:b]:
                weight[sid] += idf
        for q in e.quotes:
            qlist = self._quote_postings.get(q)
            if qlist:
                a, b = self._in_window(qlist, e.ts)
                for i in range(a, b):
                    weight[qlist[i][1]] += 100.0
        # Ties on weight go to the smaller story id: deterministic whatever the
        # order stories were loaded in.
        top = heapq.nsmallest(p.max_candidates, ((-w, sid) for sid, w in weight.items()))
        return [self._entries[sid] for _, sid in top]

    def _recurring(self, a: _Entry, b: _Entry) -> bool:
        """Same source, far apart: a recurring column ("Roundup: Market Talk"), not a re-run."""
        return a.doc.source == b.doc.source and abs(a.ts - b.ts) > self._same_source

    def _score(self, a: _Entry, b: _Entry, *, anchor: bool) -> _Match | None:
        """Best signal between new story ``a`` and member ``b``.

        Bars are the thresholds, lowered by the anchor margins when ``anchor``.
        The topic signal is tried only when no fuzzy signal fires; its margin
        is shifted down by 100 so that it ranks below every fuzzy match.
        """
        self.pairs_scored += 1
        if not (a.fuzzy_ok and b.fuzzy_ok):
            return None
        if a.marks and b.marks and a.marks.isdisjoint(b.marks):
            return None
        if self._recurring(a, b):
            return None
        p = self.params
        offset = p.anchor_margin if anchor else 0.0
        found: list[_Match] = []
        if a.title_n >= p.title_min_tokens and b.title_n >= p.title_min_tokens:
            bar = p.title_threshold - offset
            if min(a.title_n, b.title_n) >= p.set_min_tokens:
                s = fuzz.token_set_ratio(a.title_c, b.title_c, score_cutoff=bar)
            else:
                s = fuzz.token_sort_ratio(a.title_c, b.title_c, score_cutoff=bar)
            if s >= bar:
                found.append(_Match(s - p.title_threshold, Signal.TITLE, s))
        if a.has_lead and b.has_lead and min(a.text_n, b.text_n) >= p.set_min_tokens:
            bar = p.lead_threshold - offset
            s = fuzz.token_set_ratio(a.text_c, b.text_c, score_cutoff=bar)
            if s >= bar:
                found.append(_Match(s - p.lead_threshold, Signal.LEAD, s))
        if a.quotes and b.quotes:
            bar = p.quote_threshold - offset
            s = max(quote_similarity(x, y, score_cutoff=bar) for x in a.quotes for y in b.quotes)
            if s >= bar:
                found.append(_Match(s - p.quote_threshold, Signal.QUOTE, s))
        if found:
            return max(found, key=lambda m: (m.margin, -_FUZZY_ORDER[m.signal]))
        if p.topic_threshold >= 100.0 or abs(a.ts - b.ts) > self._topic_window:
            return None
        if min(len(a.tokset), len(b.tokset)) < p.topic_min_tokens:
            return None
        shared = a.tokset & b.tokset
        if len(shared) < p.topic_min_shared:
            return None
        bar = p.topic_threshold - (p.topic_anchor_margin if anchor else 0.0)
        s = self._topic(a, b, shared)
        if s < bar:
            return None
        return _Match(s - p.topic_threshold - 100.0, Signal.TOPIC, s)

    def _idf(self, tok: str, ts: float) -> float:
        """IDF of ``tok`` among the indexed stories within one window of ``ts``.

        Counts the story being placed (published at ``ts``, not yet indexed)
        as one more story holding the word; :meth:`_topic` adds it to ``df``.
        Cached per placement: every call within one ``_place`` shares ``ts``.
        """
        if self._idf_at != ts:
            self._idf_at, self._idf_cache = ts, {}
        idf = self._idf_cache.get(tok)
        if idf is None:
            plist = self._postings.get(tok)
            df = 0
            if plist:
                lo, hi = self._in_window(plist, ts)
                df = hi - lo
            lo = bisect.bisect_left(self._times, ts - self._window)
            hi = bisect.bisect_right(self._times, ts + self._window)
            prior = self.params.topic_prior_docs
            n = hi - lo + 1 + prior
            idf = math.log(n / (df + 1 + prior * BACKGROUND_RATE.get(tok, 0.0)))
            self._idf_cache[tok] = idf
        return idf

    def _topic(self, a: _Entry, b: _Entry, shared: frozenset[str]) -> float:
        """IDF-weighted cosine (0..100) of two stories' content words, names up."""
        ts = a.ts

        def weights(e: _Entry) -> dict[str, float]:
            return {
                t: self._idf(t, ts)
                * (NAME_BOOST if t in e.names else 1.0)
                * (_TITLE_WEIGHT if t in e.title_set else 1.0)
                for t in e.tokset
            }

        wa, wb = weights(a), weights(b)
        dot = sum(wa[t] * wb[t] for t in shared)
        na = math.sqrt(sum(w * w for w in wa.values()))
        nb = math.sqrt(sum(w * w for w in wb.values()))
        return 0.0 if na == 0.0 or nb == 0.0 else 100.0 * dot / (na * nb)

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

    def _link(self, e: _Entry | _Evidence) -> ClusterLink:
        sid = e.doc.id if isinstance(e, _Entry) else e.story_id
        final = self._resolve(e.raw)
        if final != e.raw:
            return ClusterLink(sid, final, Signal.USER, 100.0, e.raw)
        if e.signal is Signal.USER:
            # Loaded as merged but the merge no longer applies: back in its own
            # cluster; the original evidence is only known after a rebuild.
            signal = Signal.FOUNDER if sid == e.raw else Signal.USER
            return ClusterLink(sid, e.raw, signal, 100.0, None)
        return ClusterLink(sid, e.raw, e.signal, round(e.score, 2), e.matched)


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
