"""Fetching feeds over HTTP, safely and politely; failures are values.

This module owns the network side of a refresh: an :class:`httpx.AsyncClient`
factory (with an injectable transport for tests), conditional GET, redirects,
size and time limits, and the classification of what went wrong. It knows
nothing about SQL: the caller passes a feed's :class:`FeedState` in and stores
what :class:`FetchResult` says.

What httpx does not do for us, and why it is done here:

* **Total time.** httpx timeouts measure inactivity, so a server that drips a
  byte a second never times out. Each feed runs under ``asyncio.timeout``.
* **Body size.** Nothing caps a body, and a 200 KB gzip stream inflates to
  200 MiB. The raw stream is decoded in bounded steps (:mod:`app.decode`) and
  the *decoded* bytes are counted against the cap, so a bomb stops after
  ~10 MiB of work.
* **Redirects.** They are followed by hand: at most ``max_redirects`` hops,
  http(s) targets only, no credentials in URLs, and a chain of permanent
  redirects (301/308) is reported so the caller can update the feed's URL.

No function here raises for a network or HTTP problem; every failure comes
back as a :class:`FetchResult` with ``outcome="error"``, a one-line cleaned
message and a short ``error_kind`` slug.

The pieces live in small modules, all re-exported here: the dataclasses in
:mod:`app.fetch_types`, body reading and sniffing in :mod:`app.fetch_body`,
failure classification, Retry-After and backoff in :mod:`app.fetch_errors`.
This module keeps the client factory, the URL rules and the fetch loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from app.fetch_body import _read_body, sniff_not_a_feed
from app.fetch_errors import (
    _REDIRECTS,
    RETRY_AFTER_CAP,
    _classify,
    _Failure,
    _status_failure,
    next_attempt,
    parse_retry_after,
)
from app.fetch_types import DEFAULT_LIMITS, FeedState, FetchLimits, FetchResult, Outcome
from app.text import clean_line

__all__ = [
    "DEFAULT_LIMITS",
    "RETRY_AFTER_CAP",
    "FeedState",
    "FetchLimits",
    "FetchResult",
    "Outcome",
    "fetch_feed",
    "make_client",
    "next_attempt",
    "parse_retry_after",
    "sniff_not_a_feed",
]

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Only encodings we decode ourselves, in bounded steps (app.decode).
_ACCEPT_ENCODING = "gzip, deflate"
_PERMANENT = frozenset({301, 308})
# httpx parses a 3xx's Location inside send() even with follow_redirects=False,
# and raises on some (``javascript:alert(1)``); the client's response hook moves
# the header here first, so redirects are judged by our rules alone.
_LOCATION = "x-frontline-location"


@dataclass(slots=True)
class _Progress:
    """Mutable trail of one fetch, so an error can still report what was seen."""

    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    permanent: str | None = None


# --------------------------------------------------------------------------- client


async def _shelter_location(response: httpx.Response) -> None:
    """Response hook: hide a redirect's Location from httpx (see ``_LOCATION``)."""
    if response.status_code in _REDIRECTS and "location" in response.headers:
        response.headers[_LOCATION] = response.headers["location"]
        del response.headers["location"]


def make_client(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 16,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> httpx.AsyncClient:
    """Build the HTTP client a refresh shares between feeds.

    Redirects are not followed by httpx (:func:`fetch_feed` follows them with
    its own rules); proxies and ``.netrc`` from the environment are ignored
    (``trust_env=False``), so a cron job behaves like an interactive run;
    HTTP/2 stays off.

    Args:
        transport: Replace the network, e.g. ``httpx.MockTransport`` in tests.
        max_connections: Connection pool size across all hosts.
        limits: Timeouts and the User-Agent.

    Returns:
        An ``httpx.AsyncClient``; the caller closes it (``async with``).
    """
    timeout = httpx.Timeout(
        connect=limits.connect_timeout,
        read=limits.read_timeout,
        write=limits.read_timeout,
        pool=limits.feed_deadline,
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        http2=False,
        timeout=timeout,
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=min(max_connections, 8),
        ),
        headers={"User-Agent": limits.user_agent},
        event_hooks={"response": [_shelter_location]},
    )


# --------------------------------------------------------------------------- fetching


_URL_PROBLEMS = {
    "malformed": ("malformed feed URL refused", "redirect to malformed URL refused"),
    "scheme": ("non-http(s) feed URL refused", "redirect to non-http(s) URL refused"),
    "credentials": (
        "feed URL with credentials refused",
        "redirect to URL with credentials refused",
    ),
    "host": ("feed URL without a host refused", "redirect to URL without a host refused"),
}


def _check_url(url: str, *, redirect: bool) -> str:
    """Return ``url`` if it may be fetched, else raise a classified failure.

    Only absolute http(s) URLs with a host and without user:password are
    fetched: a feed or a redirect must never make us read ``file:`` or
    ``ftp:``, run ``javascript:``, or send credentials somewhere.
    """
    kind = "bad_redirect" if redirect else "bad_url"

    def refuse(problem: str, detail: str = "") -> _Failure:
        message = _URL_PROBLEMS[problem][redirect]
        return _Failure(kind, f"{message} ({detail})" if detail else message)

    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise refuse("malformed")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        has_credentials = parts.username is not None or parts.password is not None
        _ = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        raise refuse("malformed", str(exc)) from exc
    if not parts.scheme:
        raise refuse("malformed", "no scheme")
    if parts.scheme.lower() not in ("http", "https"):
        raise refuse("scheme", f"{parts.scheme[:20]}:")
    if has_credentials:
        raise refuse("credentials")
    if not host:
        raise refuse("host")
    return url


def _join(base: str, location: str) -> str:
    try:
        return urljoin(base, location.strip())
    except ValueError as exc:
        raise _Failure("bad_redirect", "redirect to malformed URL refused") from exc


def _header_dict(headers: httpx.Headers) -> dict[str, str]:
    out = dict(headers.items())
    if _LOCATION in out:
        out["location"] = out.pop(_LOCATION)
    return out


def _request_headers(state: FeedState, limits: FetchLimits) -> dict[str, str]:
    headers = {
        "User-Agent": limits.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": _ACCEPT_ENCODING,
    }
    # Validators come from a server; never echo one that could split a header.
    if state.etag and state.etag.isascii() and state.etag.isprintable():
        headers["If-None-Match"] = state.etag
    if state.last_modified and state.last_modified.isascii() and state.last_modified.isprintable():
        headers["If-Modified-Since"] = state.last_modified
    return headers


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    state: FeedState,
    limits: FetchLimits,
    progress: _Progress,
    clock: Callable[[], datetime],
) -> FetchResult:
    current = _check_url(url, redirect=False)
    headers = _request_headers(state, limits)
    permanent_run = True
    for _hop in range(limits.max_redirects + 1):
        progress.final_url = current
        request = client.build_request("GET", current, headers=headers)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.InvalidURL as exc:
            # Only a client without our hook gets here: httpx choked on a Location.
            raise _Failure("bad_redirect", "redirect to malformed URL refused") from exc
        try:
            progress.status = response.status_code
            progress.headers = _header_dict(response.headers)
            status = response.status_code
            location = response.headers.get(_LOCATION) or response.headers.get("location")
            if status in _REDIRECTS and location:
                target = _check_url(_join(current, location), redirect=True)
                if status in _PERMANENT and permanent_run:
                    progress.permanent = target
                else:
                    permanent_run = False
                current = target
                continue
            if status == 304:
                return FetchResult(
                    url=url,
                    outcome="not_modified",
                    http_status=304,
                    headers=progress.headers,
                    etag=response.headers.get("etag") or state.etag,
                    last_modified=response.headers.get("last-modified") or state.last_modified,
                    body_hash=state.body_hash,
                    final_url=current,
                    permanent_redirect=progress.permanent,
                )
            if not 200 <= status < 300:
                raise _status_failure(response, clock())
            body = await _read_body(response, limits.max_body_bytes)
        finally:
            await response.aclose()
        if not body.strip():
            raise _Failure("empty", "empty response")
        problem = sniff_not_a_feed(body, response.headers.get("content-type"))
        if problem is not None:
            raise _Failure("empty" if problem == "empty response" else "not_a_feed", problem)
        digest = hashlib.sha256(body).hexdigest()
        same = state.body_hash is not None and digest == state.body_hash
        return FetchResult(
            url=url,
            outcome="not_modified" if same else "ok",
            http_status=status,
            body=None if same else body,
            headers=progress.headers,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            body_hash=digest,
            final_url=current,
            permanent_redirect=progress.permanent,
        )
    raise _Failure("redirect_loop", f"too many redirects (>{limits.max_redirects})")


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return clean_line(host or "?", max_len=200)


def _utcnow() -> datetime:
    return datetime.now(UTC)


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    state: FeedState | None = None,
    limits: FetchLimits = DEFAULT_LIMITS,
    *,
    per_host: asyncio.Semaphore | None = None,
    clock: Callable[[], datetime] = _utcnow,
) -> FetchResult:
    """Fetch one feed with conditional GET, redirects, limits and a deadline.

    Outcomes:

    * ``ok``: a new body (``body``, ``body_hash``, validators to store).
    * ``not_modified``: a 304, or a 200 whose body hashes to
      ``state.body_hash``; ``body`` is None, the validators (possibly new)
      are set. Exactly one request is made for a 304.
    * ``error``: ``error`` and ``error_kind`` say why; ``gone`` for a 410,
      ``retry_after`` for a 429/503 with a usable ``Retry-After``.

    Args:
        client: From :func:`make_client` (shared by the whole refresh).
        url: The feed's http(s) URL.
        state: Validators and body hash from the last good fetch.
        limits: Size, time and redirect limits.
        per_host: Held while fetching, to bound concurrency per host; the
            wait for it does not count against the deadline.
        clock: Current time, for ``Retry-After`` dates (tests freeze it).

    Returns:
        A :class:`FetchResult`; this function does not raise for network,
        TLS, HTTP or content problems (cancellation still propagates).
    """
    state = state or FeedState()
    started = time.monotonic()
    progress = _Progress(final_url=url)
    try:
        if per_host is None:
            async with asyncio.timeout(limits.feed_deadline):
                result = await _fetch(client, url, state, limits, progress, clock)
        else:
            async with per_host, asyncio.timeout(limits.feed_deadline):
                result = await _fetch(client, url, state, limits, progress, clock)
    except Exception as exc:
        failure = _classify(exc, _host(progress.final_url), limits)
        return FetchResult(
            url=url,
            outcome="error",
            http_status=progress.status,
            headers=progress.headers,
            final_url=progress.final_url,
            permanent_redirect=progress.permanent,
            retry_after=failure.retry_after,
            gone=failure.gone,
            error=clean_line(failure.message, max_len=300),
            error_kind=failure.kind,
            elapsed=time.monotonic() - started,
        )
    return replace(result, elapsed=time.monotonic() - started)
