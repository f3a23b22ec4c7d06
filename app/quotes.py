"""Quotes: find the lines people said, and follow them across stories.

The desk's second pain is not knowing that a minister's line is being repeated
everywhere. This module owns the three steps that answer it:

* :func:`extract_quotes` pulls quoted passages out of story text: straight and
  curly double quotes, single quotes only when the passage is long enough not
  to be an apostrophe, and ``Quote: ...`` lines (Ukrainska Pravda style).
* :func:`quote_key` normalises a quote so outlets' typography does not matter
  (case, punctuation, quote marks, ``’`` vs ``'``, "Nato" vs "NATO", accents).
* :func:`group_quotes` groups the same quote carried by several stories, with
  fuzzy matching for trimmed, re-cased or slightly edited variants and for a
  quote that is a sub-passage of a longer one.

:func:`quote_similarity` is the one scorer both this module and the story
clusterer use, so "the same quote" means one thing everywhere.

Pure and deterministic: no I/O, input order does not change the output.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, utils

from app.models import QuoteInfo
from app.text import clean_line

__all__ = [
    "DEFAULT_QUOTE_THRESHOLD",
    "QuoteGroup",
    "extract_quotes",
    "group_quotes",
    "quote_key",
    "quote_similarity",
]

#: Default bar for two quote keys to count as the same quote (0-100). A changed
#: word in a ten-word quote scores ~90-95 on ``ratio``; unrelated quotes on the
#: same subject stay below ~70 (see tests/core/test_quotes.py).
DEFAULT_QUOTE_THRESHOLD = 88.0

#: Keys are cut to this many characters before fuzzy scoring: ``partial_ratio``
#: cost grows with the product of the lengths (31 s for two 10k-char strings).
QUOTE_MAX_CHARS = 400
#: The shorter key must have this many characters before a sub-passage
#: (``partial_ratio``) match counts: a 3-word fragment is found in anything.
PARTIAL_MIN_CHARS = 40
#: Keys shorter than this only ever match exactly.
FUZZY_MIN_CHARS = 25

_MAX_QUOTE_CHARS = 1500
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Double quotes: straight and curly are one family (feeds mix them), no
# nesting, never across a paragraph break.
_DOUBLE_RE = re.compile(r"[\"“„]([^\"“”„\n]{2,1500}?)[\"”“]")
_DOUBLE_MARKS = '"“„'
_GUILLEMET_RE = re.compile(r"«([^«»\n]{2,1500}?)»")
# Single quotes: the opener follows a non-word character and precedes a
# non-space; the closer follows a non-space and is not followed by a letter,
# so "Ukraine’s" and "don't" never open or close a quote.
# The opener is matched first and its left neighbour checked after it (a
# two-character lookbehind): a pattern that starts with a character set lets
# the engine skip to candidate openers, ~3x faster than a leading lookbehind.
_SINGLE_RE = re.compile(
    r"[‘'](?<![\w‘’'][‘'])(?=[^\s‘’'])([^\n]{2,1500}?)(?<=[^\s‘’'])[’'](?![\w‘’'])"
)
_QUOTE_LINE_RE = re.compile(r"^[ \t]*Quote:[ \t]*(.+?)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_EDGE_STRIP = " \t\"'“”‘’„«»,;:–—-"

# quote_key helpers
_APOSTROPHES_RE = re.compile(r"[’‘ʼ`´'.]")
_NON_WORD_RE = re.compile(r"[\W_]+")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by as many spaces (offsets kept)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end > start:
            parts.append(text[pos:start])
            parts.append(" " * (end - start))
            pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _word_count(text: str) -> int:
    return len(_WORD_RE.findall(text))


def _clean_quote(text: str) -> str:
    return clean_line(text, max_len=_MAX_QUOTE_CHARS).strip(_EDGE_STRIP)


def extract_quotes(text: str, *, min_words: int = 6) -> list[str]:
    """Return the quoted passages of ``text``, in order of appearance.

    Args:
        text: Story text (title, summary or body); paragraphs separated by
            newlines. A quote never spans a paragraph break.
        min_words: Passages with fewer words are dropped: scare quotes
            ("ironclad"), titles of works and short labels are not quotes
            worth tracking.

    Returns:
        Cleaned quote texts (surrounding quote marks and trailing commas
        removed), each quote once (by :func:`quote_key`).
    """
    if not text:
        return []
    # Cheap substring tests first (most stories quote nobody): each regex runs
    # only when the characters it needs are present.
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for regex, marks in ((_DOUBLE_RE, _DOUBLE_MARKS), (_GUILLEMET_RE, "«")):
        if any(mark in text for mark in marks):
            for m in regex.finditer(text):
                found.append((m.start(), m.group(1)))
                spans.append(m.span())
    if "'" in text or "‘" in text:
        # Single quotes only outside double-quoted passages: a nested 'x'
        # inside a “...” is part of that quote, not a quote of its own.
        for m in _SINGLE_RE.finditer(_blank(text, spans) if spans else text):
            found.append((m.start(), m.group(1)))
    if ":" in text and "quote:" in text.lower():
        for m in _QUOTE_LINE_RE.finditer(text):
            found.append((m.start(), m.group(1)))
    found.sort(key=lambda item: item[0])

    out: list[str] = []
    seen: set[str] = set()
    for _, raw in found:
        quote = _clean_quote(raw)
        if _word_count(quote) < min_words:
            continue
        key = quote_key(quote)
        if key and key not in seen:
            seen.add(key)
            out.append(quote)
    return out


def quote_key(q: str) -> str:
    """Normalise a quote for comparison and grouping.

    Casefolds ("NATO" == "Nato"), strips accents, deletes apostrophes and
    full stops (``’`` and ``'`` agree, "U.S." == "US"), turns every other
    punctuation mark or quote mark into a space and collapses whitespace.

    Args:
        q: Quote text as extracted.

    Returns:
        The key: lowercase words separated by single spaces ("" for no words).
    """
    s = q
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold()
    s = _APOSTROPHES_RE.sub("", s)
    s = _NON_WORD_RE.sub(" ", s)
    return " ".join(s.split())


def quote_similarity(a: str, b: str, *, score_cutoff: float = 0.0) -> float:
    """Score two quote keys 0-100: same words, edited words, or sub-passage.

    ``ratio`` catches re-cased or slightly edited variants; ``partial_ratio``
    (only when the shorter key has at least :data:`PARTIAL_MIN_CHARS`) finds a
    quote trimmed at either end inside the longer one. Both keys are cut to
    :data:`QUOTE_MAX_CHARS` first, so the cost is bounded.

    Args:
        a: A key from :func:`quote_key`.
        b: Another key.
        score_cutoff: Scores below this may be returned as 0 (faster).

    Returns:
        100 for identical keys, else the best of the two scorers.
    """
    if a == b:
        return 100.0 if a else 0.0
    if min(len(a), len(b)) < FUZZY_MIN_CHARS:
        return 0.0
    a, b = a[:QUOTE_MAX_CHARS], b[:QUOTE_MAX_CHARS]
    # Keys are already lowercase alphanumerics; default_process keeps them
    # unchanged and is passed so no comparison here is ever case-sensitive.
    proc = utils.default_process
    best = fuzz.ratio(a, b, processor=proc, score_cutoff=score_cutoff)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= PARTIAL_MIN_CHARS and best < 100.0:
        part = fuzz.partial_ratio(short, long_, processor=proc, score_cutoff=score_cutoff)
        best = max(best, part)
    return float(best)


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quote as carried by one or more stories.

    Attributes:
        id: Stable id: the first 16 hex digits of the SHA-1 of the earliest
            variant's key.
        text: The earliest variant's text.
        first_seen: When the earliest carrying story was published.
        story_ids: Stories carrying any variant, sorted.
        outlets: How many distinct sources carry it.
        variants: Distinct variant texts (by key), earliest first.
    """

    id: str
    text: str
    first_seen: datetime
    story_ids: tuple[str, ...]
    outlets: int
    variants: tuple[str, ...]

    def info(self) -> QuoteInfo:
        """The :class:`~app.models.QuoteInfo` the desk shows for this group."""
        return QuoteInfo(
            id=self.id,
            text=self.text,
            first_seen=self.first_seen,
            stories=len(self.story_ids),
            outlets=self.outlets,
        )


@dataclass(slots=True)
class _Building:
    key: str
    text: str
    first_seen: datetime
    variant_keys: list[str]
    variant_texts: list[str]
    stories: set[str]
    sources: set[str]


_MAX_VARIANTS_SCORED = 8
_MAX_GROUP_CANDIDATES = 20
_BLOCK_TOKENS = 6


def _block_tokens(key: str) -> list[str]:
    """The longest distinct words of a key: cheap stand-ins for rare words."""
    words = sorted({w for w in key.split() if len(w) >= 4}, key=lambda w: (-len(w), w))
    return words[:_BLOCK_TOKENS]


def group_quotes(
    items: Iterable[tuple[str, str, datetime, str]],
    *,
    threshold: float = DEFAULT_QUOTE_THRESHOLD,
) -> list[QuoteGroup]:
    """Group quote occurrences into the quotes they are variants of.

    Occurrences are taken in (published, story id, key) order, so the result
    does not depend on input order. Each joins the group whose variants it
    matches best at or above ``threshold`` (:func:`quote_similarity`), else
    founds a group. Candidate groups come from an inverted index of each key's
    longest words (two shared words needed, one for short keys), capped, so
    cost grows about linearly with the number of quotes.

    Args:
        items: ``(story_id, quote_text, published, source)`` tuples; source is
            the feed url, file path or outlet name used to count outlets.
        threshold: Similarity bar (0-100).

    Returns:
        Groups ordered by first appearance (then id).
    """
    prepared: list[tuple[datetime, str, str, str, str]] = []
    for story_id, text, published, source in items:
        key = quote_key(text)
        if key:
            prepared.append((published, story_id, key, text, source))
    prepared.sort(key=lambda p: (p[0], p[1], p[2], p[3], p[4]))

    groups: list[_Building] = []
    by_key: dict[str, int] = {}
    postings: dict[str, list[int]] = defaultdict(list)

    for published, story_id, key, text, source in prepared:
        gi = by_key.get(key)
        if gi is None:
            gi = _best_group(key, groups, postings, threshold)
        if gi is None:
            gi = len(groups)
            groups.append(_Building(key, text, published, [], [], set(), set()))
        group = groups[gi]
        if key not in by_key:
            by_key[key] = gi
            group.variant_keys.append(key)
            group.variant_texts.append(text)
            for tok in _block_tokens(key):
                if not postings[tok] or postings[tok][-1] != gi:
                    postings[tok].append(gi)
        group.stories.add(story_id)
        group.sources.add(source)

    return [
        QuoteGroup(
            id=hashlib.sha1(g.key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16],
            text=g.text,
            first_seen=g.first_seen,
            story_ids=tuple(sorted(g.stories)),
            outlets=len(g.sources),
            variants=tuple(g.variant_texts),
        )
        for g in groups
    ]


def _best_group(
    key: str,
    groups: list[_Building],
    postings: dict[str, list[int]],
    threshold: float,
) -> int | None:
    if len(key) < FUZZY_MIN_CHARS:
        return None
    tokens = _block_tokens(key)
    shared: dict[int, int] = defaultdict(int)
    for tok in tokens:
        for gi in postings.get(tok, ()):
            shared[gi] += 1
    need = 2 if len(tokens) >= 3 else 1
    candidates = sorted(
        (gi for gi, n in shared.items() if n >= need), key=lambda gi: (-shared[gi], gi)
    )[:_MAX_GROUP_CANDIDATES]
    best: tuple[float, int] | None = None
    for gi in sorted(candidates):
        variants = groups[gi].variant_keys
        if len(variants) > _MAX_VARIANTS_SCORED:
            # The earliest variant plus the most recent ones.
            variants = [variants[0], *variants[-(_MAX_VARIANTS_SCORED - 1) :]]
        score = max(quote_similarity(key, v, score_cutoff=threshold) for v in variants)
        if score >= threshold and (best is None or score > best[0] + 1e-9):
            best = (score, gi)
    return None if best is None else best[1]
