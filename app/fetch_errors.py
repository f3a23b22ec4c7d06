"""Naming what went wrong with a fetch, and when to try again.

:class:`_Failure` is the internal, classified failure that
:func:`app.fetch.fetch_feed` turns into a :class:`~app.fetch_types.FetchResult`
with an ``error_kind`` slug; :func:`_status_failure` classifies an HTTP status
and :func:`_classify` any exception (timeouts, DNS, TLS, refused, reset, ...).
:func:`parse_retry_after` and :func:`next_attempt` (exponential backoff, capped,
honouring Retry-After) are pure and public, re-exported by :mod:`app.fetch`.
"""

from __future__ import annotations

import email.utils
import errno
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx

from app.fetch_types import FetchLimits

__all__ = ["RETRY_AFTER_CAP", "next_attempt", "parse_retry_after"]

#: Longest wait a server may impose with Retry-After.
RETRY_AFTER_CAP = timedelta(days=7)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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
