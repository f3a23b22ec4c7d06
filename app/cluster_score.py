"""How two stories are compared: a story's precomputed features and the pair signals.

Split out of :mod:`app.cluster`. :func:`prepare` turns a :class:`Doc` into an
:class:`Entry` once (tokenising, normalising, keys), so that scoring a pair is
only rapidfuzz calls and set lookups. :func:`fuzzy_match` gives the best of the
title, lead and quote signals; the topic signal needs the index's document
frequencies and lives in :class:`app.cluster.ClusterIndex`, which calls
:func:`topic_words` here first.

Entries are kept small because an index holds every story of a 48 h window
(25,000 on a first refresh of 500 feeds): the source :class:`Doc` is not kept,
word strings are interned (shared by every story using the word) and each
word's topic multiplier is one byte.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, utils

from app.cluster_params import ClusterParams, Doc
from app.cluster_text import NAME_BOOST, content_tokens, guid_key, marks, name_tokens, normalize_url
from app.models import Signal
from app.quotes import quote_key, quote_similarity

__all__ = [
    "LEAD_MIN_OVERLAP",
    "MULTIPLIERS",
    "Entry",
    "Match",
    "fuzzy_match",
    "prepare",
    "topic_words",
]

_MAX_QUOTES = 6
# Title words weigh this much more than lead words in the topic signal.
_TITLE_WEIGHT = 2.0
#: Topic weight multiplier by code: bit 0 = a name (capitalised), bit 1 = in the title.
MULTIPLIERS = (1.0, NAME_BOOST, _TITLE_WEIGHT, NAME_BOOST * _TITLE_WEIGHT)
_NO_MARKS: frozenset[str] = frozenset()
#: See :func:`fuzzy_match`.
LEAD_MIN_OVERLAP = 0.3
_intern = sys.intern


@dataclass(slots=True, eq=False)
class Entry:
    """A story in the index, with everything scoring needs precomputed once.

    Compared by identity (``eq=False``), so entries key dicts cheaply.

    Attributes:
        tokens: Distinct content words of title + lead, in order, interned.
        codes: One byte per token: its :data:`MULTIPLIERS` index.
    """

    id: str
    source: str
    ts: float
    key: tuple[float, str]
    fuzzy_ok: bool
    title_c: str
    title_n: int
    text_n: int
    has_lead: bool
    marks: frozenset[str]
    tokens: tuple[str, ...]
    codes: bytes
    quotes: tuple[str, ...]
    guid_key: str | None
    link_key: str | None
    title_key: str | None
    raw: str = ""
    signal: Signal = Signal.FOUNDER
    score: float = 100.0
    matched: str | None = None

    def is_name(self, i: int) -> bool:
        """Whether ``tokens[i]`` is a name (capitalised in title or lead)."""
        return bool(self.codes[i] & 1)


@dataclass(frozen=True, slots=True)
class Match:
    """One signal between two stories: ``margin`` over its bar ranks matches."""

    margin: float
    signal: Signal
    score: float


def prepare(doc: Doc, p: ClusterParams) -> Entry:
    """Precompute a story's scoring features (the costly part of indexing it)."""
    title = doc.title[: p.max_chars]
    lead = doc.lead[: p.max_chars]
    title_tokens = content_tokens(title)
    text = f"{title} {lead}"[: p.max_chars]
    # Tokens never span the space after the title: title + lead tokens.
    text_tokens = title_tokens + content_tokens(text[len(title) + 1 :])
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
    title_set = frozenset(title_tokens)
    tokens = tuple(_intern(t) for t in dict.fromkeys(text_tokens))
    codes = bytes((t in names) | ((t in title_set) << 1) for t in tokens)
    mk = marks(title)
    return Entry(
        id=doc.id,
        source=_intern(doc.source),
        ts=ts,
        key=(ts, doc.id),
        fuzzy_ok=fuzzy_ok,
        title_c=" ".join(title_tokens),
        title_n=len(title_tokens),
        text_n=len(text_tokens),
        has_lead=len(lead.strip()) >= p.lead_min_chars,
        marks=mk or _NO_MARKS,
        tokens=tokens,
        codes=codes,
        quotes=quotes,
        guid_key=guid_key(doc.guid),
        link_key=normalize_url(doc.url),
        title_key=quote_key(title) if exact_ok else None,
    )


#: Bump when :func:`prepare` changes what it computes: stored features then
#: no longer match (see :func:`features_version`).
_FEATURES_CODE = 2
_TO_DIGITS = bytes.maketrans(b"\x00\x01\x02\x03", b"0123")
_FROM_DIGITS = bytes.maketrans(b"0123", b"\x00\x01\x02\x03")


def features_version(p: ClusterParams) -> str:
    """Names the code and the parameters :func:`prepare` output depends on."""
    return (
        f"{_FEATURES_CODE}:{p.max_chars}:{p.min_chars}:{p.title_min_tokens}"
        f":{p.quote_min_chars}:{p.lead_min_chars}"
    )


def dump_features(e: Entry) -> list[object]:
    """An entry's text-derived features as JSON-able data (see :func:`load_features`)."""
    return [
        e.fuzzy_ok,
        e.title_c,
        e.title_n,
        e.text_n,
        e.has_lead,
        sorted(e.marks),
        list(e.tokens),
        e.codes.translate(_TO_DIGITS).decode("ascii"),
        list(e.quotes),
        e.guid_key,
        e.link_key,
        e.title_key,
    ]


def load_features(story_id: str, source: str, ts: float, data: list[Any]) -> Entry:
    """The entry :func:`dump_features` described, for a story published at ``ts``.

    Raises:
        ValueError: ``data`` is not what :func:`dump_features` makes.
    """
    try:
        (fuzzy_ok, title_c, title_n, text_n, has_lead, mk, tokens, codes) = data[:8]
        quotes, guid, link, title_key = data[8:12]
        codes_b = str(codes).encode("ascii").translate(_FROM_DIGITS)
        bad_codes = codes_b.translate(None, b"\x00\x01\x02\x03")
        if len(codes_b) != len(tokens) or len(data) != 12 or bad_codes:
            raise ValueError("features do not match their words")
        return Entry(
            id=story_id,
            source=_intern(source),
            ts=ts,
            key=(ts, story_id),
            fuzzy_ok=bool(fuzzy_ok),
            title_c=str(title_c),
            title_n=int(title_n),
            text_n=int(text_n),
            has_lead=bool(has_lead),
            marks=frozenset(mk) or _NO_MARKS,
            tokens=tuple(_intern(t) for t in tokens),
            codes=codes_b,
            quotes=tuple(quotes),
            guid_key=guid,
            link_key=link,
            title_key=title_key,
        )
    except (TypeError, ValueError, UnicodeError) as exc:
        raise ValueError(f"bad stored features for {story_id!r}: {exc}") from exc


def fuzzy_match(
    a: Entry, b: Entry, p: ClusterParams, offset: float, shared: int | None = None
) -> Match | None:
    """Best of the title, lead and quote signals between ``a`` and ``b``.

    Bars are the thresholds lowered by ``offset`` (the anchor margin when
    checking a cluster's anchor). The caller has applied the pair guards.
    Given ``shared`` (the number of distinct words both hold), the lead
    signal is skipped for pairs sharing under :data:`LEAD_MIN_OVERLAP` of the
    shorter side's words: on 132,894 candidate pairs of the 500-feed bench no
    lead match shared under 0.65, and the pairs under 0.3 (90%) were most of
    the scoring time.
    """
    found: Match | None = None
    if a.title_n >= p.title_min_tokens and b.title_n >= p.title_min_tokens:
        bar = p.title_threshold - offset
        if min(a.title_n, b.title_n) >= p.set_min_tokens:
            s = fuzz.token_set_ratio(a.title_c, b.title_c, score_cutoff=bar)
        else:
            s = fuzz.token_sort_ratio(a.title_c, b.title_c, score_cutoff=bar)
        if s >= bar:
            found = Match(s - p.title_threshold, Signal.TITLE, s)
    if (
        a.has_lead
        and b.has_lead
        and min(a.text_n, b.text_n) >= p.set_min_tokens
        and (
            shared is None or shared >= LEAD_MIN_OVERLAP * max(1, min(len(a.tokens), len(b.tokens)))
        )
    ):
        bar = p.lead_threshold - offset
        # token_set_ratio compares word sets: the distinct words are enough.
        s = fuzz.token_set_ratio(" ".join(a.tokens), " ".join(b.tokens), score_cutoff=bar)
        if s >= bar and (found is None or s - p.lead_threshold > found.margin):
            found = Match(s - p.lead_threshold, Signal.LEAD, s)
    if a.quotes and b.quotes:
        bar = p.quote_threshold - offset
        s = max(quote_similarity(x, y, score_cutoff=bar) for x in a.quotes for y in b.quotes)
        if s >= bar and (found is None or s - p.quote_threshold > found.margin):
            found = Match(s - p.quote_threshold, Signal.QUOTE, s)
    return found


def topic_words(
    a: Entry, a_set: frozenset[str], b: Entry, shared: int, p: ClusterParams
) -> list[int] | None:
    """Where ``b``'s words shared with ``a`` are, if both are long enough and share enough.

    ``a_set`` is ``a``'s words and ``shared`` how many of them ``b`` holds.
    Returns indexes into ``b.tokens``, in order, so the topic score's float
    sum never depends on string hashing.
    """
    if shared < p.topic_min_shared or min(len(a.tokens), len(b.tokens)) < p.topic_min_tokens:
        return None
    return [i for i, t in enumerate(b.tokens) if t in a_set]
