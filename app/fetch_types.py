"""What a fetch takes and gives back: limits, a feed's stored validators, the result.

Plain frozen dataclasses, no I/O: :class:`FetchLimits` (size, time and
redirect limits), :class:`FeedState` (what the store remembers from the last
good fetch) and :class:`FetchResult` (what :func:`app.fetch.fetch_feed`
returns, failures included). :mod:`app.fetch` re-exports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = ["DEFAULT_LIMITS", "FeedState", "FetchLimits", "FetchResult", "Outcome"]

Outcome = Literal["ok", "not_modified", "error"]


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Per-feed limits. The defaults are the documented ones."""

    #: Cap on the decoded body, in bytes.
    max_body_bytes: int = 10 * 1024 * 1024
    #: Total time for one feed, redirects and body included, in seconds.
    feed_deadline: float = 30.0
    #: Time to open a connection (httpx inactivity timeout).
    connect_timeout: float = 10.0
    #: Longest silence while reading (httpx inactivity timeout).
    read_timeout: float = 20.0
    #: Redirect hops followed before giving up.
    max_redirects: int = 5
    user_agent: str = "frontline/0.1 (+terminal news desk)"


DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store remembers about a feed's last good fetch."""

    etag: str | None = None
    last_modified: str | None = None
    #: sha256 hex digest of the last body that was parsed.
    body_hash: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching one feed.

    ``body`` is set only when ``outcome == "ok"``. On ``not_modified`` the
    validators to store are in ``etag``/``last_modified``/``body_hash``. On
    ``error``, ``error`` is one cleaned line for people and ``error_kind`` a
    slug for code: refused, dns, timeout, deadline, too_large, http_404,
    http_4xx, http_5xx, gone, rate_limited, redirect_loop, bad_redirect,
    bad_url, not_a_feed, empty, tls, network, protocol, internal.
    """

    url: str
    outcome: Outcome
    http_status: int | None = None
    body: bytes | None = None
    #: Response headers of the last response, lower-case names.
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    #: The URL the body (or error) finally came from.
    final_url: str | None = None
    #: Where the leading run of 301/308 redirects points (the feed has moved).
    permanent_redirect: str | None = None
    #: Do not try again before this time (from Retry-After), capped.
    retry_after: datetime | None = None
    #: HTTP 410: the feed is gone for good.
    gone: bool = False
    error: str | None = None
    error_kind: str | None = None
    elapsed: float = 0.0
