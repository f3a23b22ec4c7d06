"""Plain data shared by the core, the CLI and the desk.

Everything here is a frozen dataclass or an enum: no I/O, no SQL, no Textual.
The store returns these, the pure modules (parse, cluster, classify) take and
return these, and the widgets render them. Times are timezone-aware UTC
``datetime`` objects everywhere above the store.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "DEFAULT_PANES",
    "OTHER",
    "Classification",
    "ClusterDetail",
    "ClusterFilter",
    "ClusterLink",
    "ClusterRow",
    "FeedStatus",
    "FeedSubscription",
    "PaneStats",
    "ParsedFeed",
    "ParsedStory",
    "QuoteInfo",
    "RefreshReport",
    "SearchHit",
    "Signal",
    "SourceKind",
    "SourceResult",
    "SourceStatus",
    "Story",
]

#: The panes of the desk, in display order. A user can add panes in config.
DEFAULT_PANES: tuple[str, ...] = ("diplomacy", "battlefield", "aid", "other")
OTHER = "other"


class SourceKind(enum.StrEnum):
    """Where a story came from."""

    FEED = "feed"
    FILE = "file"


class Signal(enum.StrEnum):
    """Why a story sits in its cluster (strongest first)."""

    FOUNDER = "founder"  # the story started the cluster
    GUID = "guid"  # same guid as a member (another feed)
    LINK = "link"  # same normalised link as a member
    TITLE = "title"  # same or near-same normalised title
    LEAD = "lead"  # title + lead text close to a member's
    QUOTE = "quote"  # carries the same long quote as a member
    TOPIC = "topic"  # shares the distinctive words of a member's title and lead
    USER = "user"  # a user's merge put it here


@dataclass(frozen=True, slots=True)
class ParsedStory:
    """A story as parsed from a feed entry or a seed page, before storage.

    All text fields have already been through ``clean_text``.
    """

    title: str
    summary: str = ""
    body: str = ""
    url: str | None = None
    guid: str | None = None
    author: str | None = None
    #: The outlet the text states ("Yahoo", "The Hill"); None = use the source's name.
    outlet: str | None = None
    published: datetime | None = None
    #: True when ``published`` is an estimate (relative time like "3 days ago").
    published_estimated: bool = False
    #: Character offsets [start, end) in the decoded seed file, for provenance.
    offset: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What the parser made of one feed body."""

    title: str | None
    stories: tuple[ParsedStory, ...]
    #: Non-fatal problems ("malformed XML", "encoding guessed") for the feed's record.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The pane a text belongs to and why."""

    pane: str
    score: float
    #: The terms/phrases that decided it, strongest first.
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterLink:
    """One story's place in a cluster, with the evidence that put it there."""

    story_id: str
    cluster_id: str
    signal: Signal
    score: float
    #: The member it matched (None for a founder).
    matched_id: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A stored story with its derived and user state."""

    id: str
    source: str
    source_kind: SourceKind
    outlet: str
    title: str
    summary: str
    body: str
    url: str | None
    guid: str | None
    author: str | None
    published: datetime
    published_estimated: bool
    fetched: datetime
    offset_start: int | None = None
    offset_end: int | None = None
    pane: str = OTHER
    pane_score: float = 0.0
    pane_terms: tuple[str, ...] = ()
    cluster_id: str | None = None
    cluster_signal: Signal = Signal.FOUNDER
    cluster_score: float = 100.0
    cluster_matched: str | None = None
    quote_ids: tuple[str, ...] = ()
    read: bool = False


@dataclass(frozen=True, slots=True)
class QuoteInfo:
    """A tracked quote and how widely it is carried."""

    id: str
    text: str
    first_seen: datetime
    stories: int
    outlets: int


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """One row of a pane: a cluster, summarised for a list."""

    id: str
    pane: str
    headline: str
    first_seen: datetime
    last_update: datetime
    size: int
    outlets: int
    unread: int
    new: bool = False
    starred: bool = False
    dismissed: bool = False
    alert: bool = False


@dataclass(frozen=True, slots=True)
class ClusterDetail:
    """Everything the detail panel shows for one cluster."""

    row: ClusterRow
    members: tuple[Story, ...]
    quotes: tuple[QuoteInfo, ...]
    pane_score: float
    pane_terms: tuple[str, ...]
    pane_overridden: bool
    first_outlet: str
    lead: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text search result."""

    story_id: str
    cluster_id: str | None
    title: str
    #: Snippet with match spans as (start, end) character offsets into ``snippet``.
    snippet: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed's health as the feeds screen and ``frontline feeds list`` show it."""

    url: str
    name: str
    tags: tuple[str, ...]
    enabled: bool
    gone: bool
    last_checked: datetime | None
    last_success: datetime | None
    last_error: str | None
    error_count: int
    next_attempt: datetime | None
    stories: int


@dataclass(frozen=True, slots=True)
class FeedSubscription:
    """A row of the feeds table as feed lists (OPML export, ``config show``) need it."""

    url: str
    name: str
    tags: tuple[str, ...]
    #: "config" (from config.toml) or "user" (``feeds add`` / ``feeds import``).
    origin: str
    enabled: bool
    #: False once removed (``feeds remove``) or, for config feeds, gone from config.toml.
    subscribed: bool
    #: The site's home page, when an OPML import named it.
    html_url: str | None = None
    #: The title the feed gives itself (seen at the last successful fetch).
    title: str | None = None


class SourceStatus(enum.StrEnum):
    """The outcome for one source in one refresh."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304, or same body hash, or unchanged file
    SKIPPED = "skipped"  # backing off, gone, disabled
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one refresh did with one feed or file. Failures are values."""

    source: str
    kind: SourceKind
    status: SourceStatus
    new: int = 0
    updated: int = 0
    error: str | None = None
    #: Short machine-readable error class: "refused", "dns", "timeout", "http_404", ...
    error_kind: str | None = None
    warnings: tuple[str, ...] = ()
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """The whole refresh, folded."""

    started: datetime
    finished: datetime
    results: tuple[SourceResult, ...] = field(default_factory=tuple)
    clusters: int = 0
    stories: int = 0

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status is SourceStatus.ERROR)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.results)


@dataclass(frozen=True, slots=True)
class ClusterFilter:
    """What a pane list shows."""

    unread_only: bool = False
    starred_only: bool = False
    since: datetime | None = None
    include_dismissed: bool = False


@dataclass(frozen=True, slots=True)
class PaneStats:
    """A pane's title figures: clusters, unread clusters, 24 hourly story counts."""

    pane: str
    clusters: int
    unread: int
    #: Stories first seen in each of the last 24 hours, oldest first.
    hourly: tuple[int, ...] = ()
