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
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import hashlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from app.decode import ContentDecoder, DecodingFailed
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

Outcome = Literal["ok", "not_modified", "error"]

#: Longest wait a server may impose with Retry-After.
RETRY_AFTER_CAP = timedelta(days=7)
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Only encodings we decode ourselves, in bounded steps (app.decode).
_ACCEPT_ENCODING = "gzip, deflate"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_SNIFF_BYTES = 64 * 1024
# httpx parses a 3xx's Location inside send() even with follow_redirects=False,
# and raises on some (``javascript:alert(1)``); the client's response hook moves
# the header here first, so redirects are judged by our rules alone.
_LOCATION = "x-frontline-location"


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


class _Failure(Exception):
    """Internal: a classified failure, turned into a FetchResult at the top."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retry_after: datetime | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.gone = gone


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


# --------------------------------------------------------------------------- pure helpers


def next_attempt(
    error_count: int,
    now: datetime,
    *,
    retry_after: datetime | None = None,
    base: float = 60,
    cap: float = 6 * 3600,
) -> datetime:
    """When to try a failing feed again: exponential backoff with a cap.

    The delay is ``base * 2 ** (error_count - 1)`` seconds, at most ``cap``;
    no errors means "now". A server's ``retry_after`` wins when it is later,
    itself capped at seven days from ``now``.

    Args:
        error_count: Consecutive failures so far (including this one).
        now: The current time.
        retry_after: The time the server asked us to wait until, if any.
        base: Delay after the first failure, in seconds.
        cap: Longest backoff delay, in seconds.

    Returns:
        The earliest time for the next attempt.
    """
    delay = 0.0 if error_count <= 0 else min(cap, base * 2.0 ** min(error_count - 1, 64))
    when = now + timedelta(seconds=max(0.0, delay))
    if retry_after is not None:
        retry_after = min(retry_after, now + RETRY_AFTER_CAP)
        when = max(when, retry_after)
    return when


def parse_retry_after(
    value: str | None, now: datetime, *, cap: timedelta = RETRY_AFTER_CAP
) -> datetime | None:
    """Read a ``Retry-After`` header: delta-seconds or an HTTP date.

    Args:
        value: The header value, if any.
        now: The current time (timezone-aware).
        cap: Longest wait honoured; later times are cut to ``now + cap``.

    Returns:
        The time to wait until, or None for a missing, past or garbled value.
    """
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        seconds = min(int(text), int(cap.total_seconds()))
        return now + timedelta(seconds=seconds) if seconds > 0 else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when <= now:
        return None
    return min(when, now + cap)


def _looks_binary(head: bytes) -> bool:
    # Ratios, not "any NUL": a feed with one stray NUL in a title is still a
    # feed (the text is cleaned at ingest); images and archives are dense in both.
    sample = head[:1024]
    if sample.count(0) > len(sample) // 100:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 20


def _decode_head(body: bytes) -> str | None:
    """The start of ``body`` as text when it is UTF-16/32 (by BOM or pattern)."""
    for marker, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if body.startswith(marker):
            return body[:_SNIFF_BYTES].decode(codec, errors="replace").lstrip("\ufeff")
    return None


def sniff_not_a_feed(body: bytes, content_type: str | None = None) -> str | None:
    """Say why a 200 response is not a feed, or None when it may be one.

    Cheap and lenient: it looks at the first 64 KiB only and lets anything
    with an ``<rss``, ``<feed`` or ``<rdf`` root (even one served as
    ``text/html``) through to the parser. It catches the common impostors: an
    empty body, an HTML page (login walls, error pages), JSON that is not a
    JSON Feed, binary data, and plain text.

    Args:
        body: The decoded response body.
        content_type: The ``Content-Type`` header, if any.

    Returns:
        ``"empty response"``, ``"not a feed (text/html)"``,
        ``"not a feed (JSON)"``, ``"not a feed (binary data)"``,
        ``"not a feed (plain text)"``, or None.
    """
    wide = _decode_head(body)
    if wide is None:
        raw = body[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            return "empty response"
        if _looks_binary(raw):
            return "not a feed (binary data)"
        head = raw.decode("latin-1")
    else:
        head = wide
        if not head.strip():
            return "empty response"
    head = head.lstrip().lower()
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if head.startswith(("{", "[")):
        if b"jsonfeed.org/version/" in body and head.startswith("{"):
            return None
        return "not a feed (JSON)"
    feed_at = min(
        (i for i in (head.find("<rss"), head.find("<feed"), head.find("<rdf")) if i >= 0),
        default=-1,
    )
    html_at = min(
        (
            i
            for i in (head.find("<html"), head.find("<!doctype html"), head.find("<body"))
            if i >= 0
        ),
        default=-1,
    )
    if feed_at >= 0 and (html_at < 0 or feed_at < html_at):
        return None
    if html_at >= 0 or mime in ("text/html", "application/xhtml+xml"):
        return "not a feed (text/html)"
    if head.startswith("<"):
        return None  # some other XML: the parser will say what it makes of it
    return "not a feed (plain text)"


# --------------------------------------------------------------------------- body


def _size(n: int) -> str:
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


async def _read_body(response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise _Failure(
            "too_large", f"body larger than {_size(cap)} (Content-Length {int(declared)})"
        )
    try:
        # Already read, and decoded, by httpx: a response built in memory, as
        # MockTransport handlers often do with content=... .
        ready: bytes | None = response.content
    except httpx.ResponseNotRead:
        ready = None
    if ready is not None:
        if len(ready) > cap:
            raise _Failure("too_large", f"body larger than {_size(cap)}")
        return ready
    try:
        decoder = ContentDecoder(response.headers.get("content-encoding"))
    except DecodingFailed as exc:
        raise _Failure("protocol", str(exc)) from None
    chunks: list[bytes] = []
    total = 0

    def take(piece: bytes) -> None:
        nonlocal total
        total += len(piece)
        if total > cap:
            raise _Failure("too_large", f"body larger than {_size(cap)}")
        chunks.append(piece)

    try:
        async for raw in response.aiter_raw():
            for piece in decoder.feed(raw):
                take(piece)
        for piece in decoder.flush():
            take(piece)
    except DecodingFailed as exc:
        raise _Failure("protocol", str(exc)) from None
    return b"".join(chunks)


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


def _status_failure(response: httpx.Response, now: datetime) -> _Failure:
    status = response.status_code
    label = f"HTTP {status} {httpx.codes.get_reason_phrase(status)}".rstrip()
    if status == 410:
        return _Failure("gone", f"{label}: the feed was removed", gone=True)
    if status in (429, 503):
        retry = parse_retry_after(response.headers.get("retry-after"), now)
        kind = "rate_limited" if status == 429 else "http_5xx"
        suffix = f" (retry after {retry:%Y-%m-%d %H:%M} UTC)" if retry else ""
        return _Failure(kind, label + suffix, retry_after=retry)
    if status == 404:
        return _Failure("http_404", label)
    if 400 <= status < 500:
        return _Failure("http_4xx", label)
    if 500 <= status < 600:
        return _Failure("http_5xx", label)
    if status in _REDIRECTS:
        return _Failure("protocol", f"{label} without a Location header")
    return _Failure("protocol", f"unexpected {label}")


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


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it was raised from, groups included (bounded)."""
    seen: set[int] = set()
    stack = [exc]
    while stack and len(seen) < 32:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, BaseExceptionGroup):
            stack.extend(item.exceptions)
        for nxt in (item.__cause__, item.__context__):
            if nxt is not None:
                stack.append(nxt)


def _classify_os_error(exc: BaseException, host: str) -> _Failure | None:
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return _Failure("dns", f"DNS lookup failed for {host}")
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or cause.reason or "verification failed"
            return _Failure("tls", f"TLS certificate error: {detail}")
        if isinstance(cause, ssl.SSLError):
            return _Failure("tls", f"TLS error: {cause.reason or cause}")
        if isinstance(cause, ConnectionRefusedError):
            return _Failure("refused", "connection refused")
        if isinstance(cause, ConnectionResetError):
            return _Failure("network", "connection reset by the server")
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return _Failure("network", f"network unreachable ({host})")
    return None


def _classify(exc: BaseException, host: str, limits: FetchLimits) -> _Failure:
    if isinstance(exc, _Failure):
        return exc
    if isinstance(exc, TimeoutError):
        return _Failure("deadline", f"timed out after {limits.feed_deadline:g} s (total deadline)")
    if isinstance(exc, httpx.ConnectTimeout):
        return _Failure("timeout", f"connect timed out after {limits.connect_timeout:g} s")
    if isinstance(exc, httpx.ReadTimeout):
        return _Failure("timeout", f"read timed out after {limits.read_timeout:g} s without data")
    if isinstance(exc, httpx.TimeoutException):
        return _Failure("timeout", f"timed out ({type(exc).__name__})")
    classified = _classify_os_error(exc, host)
    if classified is not None:
        return classified
    if isinstance(exc, httpx.ConnectError):
        return _Failure("network", f"cannot connect to {host}: {exc}")
    if isinstance(exc, httpx.ProtocolError | httpx.DecodingError):
        return _Failure("protocol", f"protocol error: {exc}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return _Failure("bad_url", f"bad URL: {exc}")
    if isinstance(exc, httpx.TransportError | OSError):
        return _Failure("network", f"network error: {exc or type(exc).__name__}")
    if isinstance(exc, httpx.HTTPError):
        return _Failure("protocol", f"HTTP error: {exc}")
    return _Failure("internal", f"internal error: {type(exc).__name__}: {exc}")


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
