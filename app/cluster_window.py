"""The stories a :class:`app.cluster.ClusterIndex` can still match, and how it finds them.

Split out of :mod:`app.cluster`: :class:`Window` holds the live stories of the
time window with their lookup structures (exact keys, word and quote
postings, cluster members), the document frequencies that blocking and the
topic signal's IDF use, and the candidate search. Pure, no I/O.

Document frequencies are kept incrementally: a counter over the stories
published no earlier than one window before the story being placed, slid
forward as placement moves on (:meth:`Window.begin`), so no word's frequency
is ever recounted. Forgetting (:meth:`Window.forget`) drops stories no later
one can match.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable
from itertools import islice
from operator import attrgetter

from app.cluster_params import ClusterParams
from app.cluster_score import MULTIPLIERS, Entry
from app.cluster_text import BACKGROUND_RATE, NAME_BOOST

__all__ = ["Keyed", "Window"]

#: (published, story id) keys in order.
Keyed = list[tuple[float, str]]
_KEY: Callable[[Entry], tuple[float, str]] = attrgetter("key")
_TS: Callable[[Entry], float] = attrgetter("ts")


class Window:
    """Live stories, their lookup structures and sliding document frequencies.

    Args:
        params: The clusterer's tuning (window, blocking, topic prior).
    """

    def __init__(self, params: ClusterParams) -> None:
        self.params = params
        self.span = params.window_hours * 3600.0
        self.entries: dict[str, Entry] = {}
        # Live stories' keys in (published, id) order; those from _df_pos on
        # (published >= _df_lo) are counted in _df.
        self._order: Keyed = []
        self._df_pos = 0
        self._df_lo = -math.inf
        self._df: dict[str, int] = {}
        # Word / quote key -> stories holding it, in (published, id) order.
        self._postings: dict[str, list[Entry]] = defaultdict(list)
        self._quote_postings: dict[str, list[Entry]] = defaultdict(list)
        self.by_guid: dict[str, Keyed] = defaultdict(list)
        self.by_link: dict[str, Keyed] = defaultdict(list)
        self.by_title: dict[str, Keyed] = defaultdict(list)
        self._members: dict[str, Keyed] = defaultdict(list)
        # Topic weights: log(df + 1 + prior * rate) per word until its df
        # changes; log(window size) and norms for the current placement.
        self._prior = params.topic_prior_docs
        self._logden: dict[str, float] = {}
        self._log_n = 0.0
        self._norms: dict[str, float] = {}

    # -- keeping -------------------------------------------------------------

    def insert(self, e: Entry) -> None:
        """Add a story (its ``raw`` cluster already set)."""
        self.entries[e.id] = e
        bisect.insort(self._order, e.key)
        if e.ts >= self._df_lo:
            self._count(e, 1)
        else:
            self._df_pos += 1
        for postings, words in ((self._postings, e.tokens), (self._quote_postings, e.quotes)):
            for word in words:
                holders = postings[word]
                if not holders or holders[-1].key <= e.key:
                    holders.append(e)  # the usual case: stories come in time order
                else:
                    bisect.insort(holders, e, key=_KEY)
        for table, k in (
            (self.by_guid, e.guid_key),
            (self.by_link, e.link_key),
            (self.by_title, e.title_key),
        ):
            if k is not None:
                bisect.insort(table[k], e.key)
        bisect.insort(self._members[e.raw], e.key)

    def forget(self, cutoff: float) -> list[Entry]:
        """Drop the stories published before ``cutoff`` (a timestamp); returns them."""
        k = bisect.bisect_left(self._order, (cutoff, ""))
        if k == 0:
            return []
        gone: list[Entry] = []
        tokens: set[str] = set()
        quotes: set[str] = set()
        keyed: dict[str, set[str]] = {"guid": set(), "link": set(), "title": set(), "raw": set()}
        for j, (_, sid) in enumerate(self._order[:k]):
            e = self.entries.pop(sid)
            if j >= self._df_pos:
                self._count(e, -1)
            gone.append(e)
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
                entries = table[key]
                del entries[: bisect.bisect_left(entries, cutoff, key=_TS)]
                if not entries:
                    del table[key]
        for name, sorted_table in (
            ("guid", self.by_guid),
            ("link", self.by_link),
            ("title", self.by_title),
            ("raw", self._members),
        ):
            for key in keyed[name]:
                plist = sorted_table[key]
                del plist[: bisect.bisect_left(plist, (cutoff, ""))]
                if not plist:
                    del sorted_table[key]
        return gone

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
                self._count(self.entries[sid], -1)
        elif pos < self._df_pos:
            for _, sid in self._order[pos : self._df_pos]:
                self._count(self.entries[sid], 1)
        self._df_pos, self._df_lo = pos, lo

    # -- looking up ----------------------------------------------------------

    def in_window(self, plist: Keyed, ts: float) -> list[tuple[float, str]]:
        """The keys of ``plist`` published within one window of ``ts``."""
        lo = bisect.bisect_left(plist, (ts - self.span, ""))
        hi = bisect.bisect_right(plist, (ts + self.span, "\U0010ffff"))
        return plist[lo:hi]

    def anchor(self, raw: str, ts: float) -> Entry | None:
        """The earliest member of cluster ``raw`` within the window (normally the founder)."""
        plist = self._members.get(raw)
        if not plist:
            return None
        keys = self.in_window(plist, ts)
        return self.entries[keys[0][1]] if keys else None

    def begin(self, ts: float) -> None:
        """Start placing a story published at ``ts``: slide the frequencies to its window."""
        self._slide(ts - self.span)
        self._log_n = math.log(len(self._order) - self._df_pos + 1 + self._prior)
        self._norms = {}

    def candidates(self, e: Entry) -> list[Entry]:
        """Members sharing the rarest words (IDF in the window) or an exact quote.

        Best blocking weight first; call :meth:`begin` for ``e`` before.
        """
        p = self.params
        n_window = len(self._order) - self._df_pos
        if n_window == 0:
            return []
        lo, hi = e.ts - self.span, e.ts + self.span
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
            holders = self._postings[tok]
            for m in islice(holders, bisect.bisect_left(holders, lo, key=_TS), None):
                if m.ts > hi:
                    break
                weight[m] = weight.get(m, 0.0) + idf
        for q in e.quotes:
            holders = self._quote_postings.get(q, [])
            for m in islice(holders, bisect.bisect_left(holders, lo, key=_TS), None):
                if m.ts > hi:
                    break
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

    # -- topic weights -------------------------------------------------------

    def norm(self, e: Entry) -> float:
        """Length of a story's topic weight vector in the current placement's window.

        A word's weight is its IDF (the placed story counted as holding it;
        :data:`BACKGROUND_RATE` as a prior) times its :data:`MULTIPLIERS` entry.
        """
        norm = self._norms.get(e.id)
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
        norm = self._norms[e.id] = math.sqrt(total)
        return norm

    def weights(self, e: Entry) -> dict[str, float]:
        """A story's topic weights by word (after :meth:`norm` of it)."""
        log_n, logden = self._log_n, self._logden
        return {
            tok: (log_n - logden[tok]) * MULTIPLIERS[code]
            for tok, code in zip(e.tokens, e.codes, strict=True)
        }

    def dot(self, wa: dict[str, float], b: Entry, words: list[int]) -> float:
        """``wa`` dot ``b``'s weights on the words at indexes ``words`` (norm b first)."""
        log_n, logden = self._log_n, self._logden
        tokens, codes = b.tokens, b.codes
        return sum(
            wa[tokens[i]] * (log_n - logden[tokens[i]]) * MULTIPLIERS[codes[i]] for i in words
        )
