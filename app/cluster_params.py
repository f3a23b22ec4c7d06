"""The clusterer's inputs: its tuning (:class:`ClusterParams`), a story as it
sees one (:class:`Doc`) and the user's decisions it must keep (:class:`Decisions`).

Split out of :mod:`app.cluster`, which re-exports all three.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.models import Story
from app.quotes import extract_quotes, quote_key

__all__ = ["ClusterParams", "Decisions", "Doc"]


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
