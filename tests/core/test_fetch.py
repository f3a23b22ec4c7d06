"""app.fetch: conditional GET, limits, redirects, error classification.

No network: httpx.MockTransport, or servers on 127.0.0.1 that the test
starts and stops itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import hashlib
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.fetch import (
    FeedState,
    FetchLimits,
    fetch_feed,
    make_client,
    next_attempt,
    parse_retry_after,
    sniff_not_a_feed,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://feeds.example.org/world.rss"
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>World</title>'
    b"<item><title>Talks resume in Istanbul</title><guid>a1</guid></item></channel></rss>\n"
)
MiB = 1024 * 1024

Handler = Callable[[httpx.Request], Awaitable[httpx.Response] | httpx.Response]


def clock() -> datetime:
    return NOW


class Recorder:
    """A MockTransport handler that records requests and replays responses."""

    def __init__(self, *responses: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._responses = list(responses)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self._responses)) - 1
        return self._responses[index](request)


def reply(
    status: int = 200,
    body: bytes = RSS,
    headers: dict[str, str] | None = None,
) -> Callable[[httpx.Request], httpx.Response]:
    def make(request: httpx.Request) -> httpx.Response:
        # A stream (not content=) so httpx neither reads nor decodes it eagerly.
        return httpx.Response(
            status,
            headers={"content-type": "application/rss+xml", **(headers or {})},
            stream=httpx.ByteStream(body),
            request=request,
        )

    return make


async def fetch(
    handler: Handler,
    url: str = URL,
    state: FeedState | None = None,
    limits: FetchLimits | None = None,
) -> object:
    limits = limits or FetchLimits()
    async with make_client(transport=httpx.MockTransport(handler), limits=limits) as client:
        return await fetch_feed(client, url, state or FeedState(), limits, clock=clock)


# --------------------------------------------------------------------------- 200 / 304


async def test_200_returns_body_hash_and_validators() -> None:
    rec = Recorder(
        reply(headers={"ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026 10:00:00 GMT"})
    )
    result = await fetch(rec)
    assert result.outcome == "ok"
    assert result.http_status == 200
    assert result.body == RSS
    assert result.body_hash == hashlib.sha256(RSS).hexdigest()
    assert result.etag == '"v1"'
    assert result.last_modified == "Sun, 01 Mar 2026 10:00:00 GMT"
    assert result.headers["etag"] == '"v1"'  # lower-case names
    assert result.final_url == URL
    assert result.error is None and result.error_kind is None
    sent = rec.requests[0].headers
    assert sent["user-agent"] == "frontline/0.1 (+terminal news desk)"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent


async def test_304_sends_validators_makes_one_request_and_keeps_new_etag() -> None:
    rec = Recorder(reply(304, b"", headers={"ETag": '"v2"'}))
    state = FeedState(etag='"v1"', last_modified="Sat, 28 Feb 2026 10:00:00 GMT", body_hash="ab")
    result = await fetch(rec, state=state)
    assert len(rec.requests) == 1
    assert rec.requests[0].headers["if-none-match"] == '"v1"'
    assert rec.requests[0].headers["if-modified-since"] == "Sat, 28 Feb 2026 10:00:00 GMT"
    assert result.outcome == "not_modified"
    assert result.http_status == 304
    assert result.body is None
    assert result.etag == '"v2"'
    assert result.last_modified == "Sat, 28 Feb 2026 10:00:00 GMT"
    assert result.body_hash == "ab"


async def test_304_without_validators_keeps_the_old_ones() -> None:
    state = FeedState(etag='"v1"', last_modified="Sat, 28 Feb 2026 10:00:00 GMT")
    result = await fetch(Recorder(reply(304, b"")), state=state)
    assert result.outcome == "not_modified"
    assert result.etag == '"v1"'
    assert result.last_modified == state.last_modified


async def test_200_with_the_same_body_hash_is_not_modified() -> None:
    state = FeedState(body_hash=hashlib.sha256(RSS).hexdigest())
    result = await fetch(Recorder(reply(headers={"ETag": '"v3"'})), state=state)
    assert result.outcome == "not_modified"
    assert result.http_status == 200
    assert result.body is None
    assert result.etag == '"v3"'
    assert result.body_hash == state.body_hash


async def test_validator_with_line_break_is_not_echoed() -> None:
    rec = Recorder(reply())
    await fetch(rec, state=FeedState(etag='"x"\r\nX-Evil: 1'))
    assert "if-none-match" not in rec.requests[0].headers
    assert "x-evil" not in rec.requests[0].headers


# --------------------------------------------------------------------------- size limits


class CountingStream(httpx.AsyncByteStream):
    """Yields ``chunk`` up to ``count`` times (forever if None), counting reads."""

    def __init__(self, chunk: bytes, count: int | None = None) -> None:
        self.chunk = chunk
        self.count = count
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.count is None or self.pulled < self.count:
            self.pulled += 1
            yield self.chunk


async def test_declared_content_length_over_cap_is_refused_before_reading() -> None:
    stream = CountingStream(b"x" * 1024, count=10)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "500000000"}, stream=stream)

    result = await fetch(handler)
    assert result.outcome == "error"
    assert result.error_kind == "too_large"
    assert result.error == "body larger than 10 MiB (Content-Length 500000000)"
    assert stream.pulled == 0


async def test_streamed_body_over_cap_is_cut_at_the_cap() -> None:
    stream = CountingStream(b"<rss>" + b"x" * (64 * 1024 - 5))  # endless, no length

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=stream)

    result = await fetch(handler, limits=FetchLimits(max_body_bytes=1 * MiB))
    assert result.error_kind == "too_large"
    assert result.error == "body larger than 1 MiB"
    assert stream.pulled == 17  # 16 chunks fill the cap; the 17th goes over


@functools.cache
def _bomb(layers: int = 1, size: int = 200 * MiB, wbits: int = 31) -> bytes:
    """``size`` zero bytes compressed (gzip by default) without holding them."""
    if layers > 1:
        return gzip.compress(_bomb(layers - 1, size, wbits))
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits, 9, zlib.Z_RLE)
    block = bytes(MiB)
    return b"".join(packer.compress(block) for _ in range(size // MiB)) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "layers", "wbits"),
    [("gzip", 1, 31), ("deflate", 1, 15), ("deflate", 1, -15), ("gzip, gzip", 2, 31)],
    ids=["gzip", "deflate-zlib", "deflate-raw", "double-gzip"],
)
async def test_compression_bomb_aborts_on_decoded_size(
    encoding: str, layers: int, wbits: int
) -> None:
    body = _bomb(layers, wbits=wbits)
    assert len(body) < 400 * 1024
    started = time.monotonic()
    result = await fetch(Recorder(reply(body=body, headers={"content-encoding": encoding})))
    assert result.outcome == "error"
    assert result.error_kind == "too_large"
    assert result.error == "body larger than 10 MiB"
    assert time.monotonic() - started < 5  # hang guard only


async def test_gzip_bomb_memory_stays_near_the_cap() -> None:
    body = _bomb()
    tracemalloc.start()
    try:
        result = await fetch(Recorder(reply(body=body, headers={"content-encoding": "gzip"})))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error_kind == "too_large"
    assert peak < 24 * MiB  # 10 MiB of kept chunks plus working buffers, not 200 MiB


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("gzip", lambda b: gzip.compress(b[:50]) + gzip.compress(b[50:])),  # two members
        ("identity", lambda b: b),
    ],
    ids=["gzip", "deflate", "raw-deflate", "double", "multi-member", "identity"],
)
async def test_compressed_bodies_are_decoded(
    encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    result = await fetch(Recorder(reply(body=encode(RSS), headers={"content-encoding": encoding})))
    assert result.outcome == "ok"
    assert result.body == RSS


async def test_in_memory_responses_from_sync_handlers_work() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        encoded = gzip.compress(RSS)
        return httpx.Response(200, content=encoded, headers={"content-encoding": "gzip"})

    result = await fetch(handler)
    assert (result.outcome, result.body) == ("ok", RSS)
    result = await fetch(handler, limits=FetchLimits(max_body_bytes=10))
    assert result.error_kind == "too_large"
    assert result.error.startswith("body larger than 10 bytes")


async def test_unsupported_or_corrupt_encoding_is_a_protocol_error() -> None:
    result = await fetch(Recorder(reply(headers={"content-encoding": "br"})))
    assert (result.error_kind, result.error) == ("protocol", "unsupported Content-Encoding: br")
    result = await fetch(
        Recorder(reply(body=b"\x1f\x8bnot gzip", headers={"content-encoding": "gzip"}))
    )
    assert result.error_kind == "protocol"
    assert result.error.startswith("bad gzip data")


# --------------------------------------------------------------------------- redirects


async def test_redirect_loop_stops_after_max_hops() -> None:
    rec = Recorder(reply(302, b"", headers={"location": "/loop"}))
    result = await fetch(rec)
    assert result.error_kind == "redirect_loop"
    assert result.error == "too many redirects (>5)"
    assert len(rec.requests) == 6  # the first request and five hops


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("file:///etc/passwd", "redirect to non-http(s) URL refused (file:)"),
        ("javascript:alert(1)", "redirect to non-http(s) URL refused (javascript:)"),
        ("ftp://files.example.org/feed.xml", "redirect to non-http(s) URL refused (ftp:)"),
        ("http://user:pw@evil.example/feed", "redirect to URL with credentials refused"),
        ("http:///no-host", "redirect to URL without a host refused"),
        ("http://[::1/feed", "redirect to malformed URL refused"),
    ],
)
async def test_redirect_to_unsafe_target_is_refused(location: str, message: str) -> None:
    rec = Recorder(reply(302, b"", headers={"location": location}))
    result = await fetch(rec)
    assert result.outcome == "error"
    assert result.error_kind == "bad_redirect"
    assert result.error == message
    assert len(rec.requests) == 1


async def test_escape_sequences_in_location_do_not_reach_the_error_text() -> None:
    rec = Recorder(reply(302, b"", headers={"location": "javascript\x1b]52;c;ZXZpbA==\x07:x"}))
    result = await fetch(rec)
    assert result.error_kind == "bad_redirect"
    assert "\x1b" not in result.error and "\x07" not in result.error


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect_is_reported(status: int) -> None:
    rec = Recorder(
        reply(status, b"", headers={"location": "https://new.example.org/feed"}),
        reply(headers={"ETag": '"n"'}),
    )
    result = await fetch(rec)
    assert result.outcome == "ok"
    assert result.permanent_redirect == "https://new.example.org/feed"
    assert result.final_url == "https://new.example.org/feed"
    assert str(rec.requests[1].url) == "https://new.example.org/feed"


@pytest.mark.parametrize("status", [302, 303, 307])
async def test_temporary_redirect_is_followed_but_not_reported(status: int) -> None:
    rec = Recorder(reply(status, b"", headers={"location": "/tmp-feed"}), reply())
    result = await fetch(rec)
    assert result.outcome == "ok"
    assert result.permanent_redirect is None
    assert result.final_url == "https://feeds.example.org/tmp-feed"


async def test_permanent_then_temporary_reports_the_permanent_leg() -> None:
    rec = Recorder(
        reply(301, b"", headers={"location": "https://b.example/feed"}),
        reply(302, b"", headers={"location": "https://c.example/feed"}),
        reply(),
    )
    result = await fetch(rec)
    assert result.permanent_redirect == "https://b.example/feed"
    assert result.final_url == "https://c.example/feed"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "non-http(s) feed URL refused (file:)"),
        ("javascript:alert(1)", "non-http(s) feed URL refused (javascript:)"),
        ("http://u:p@example.org/", "feed URL with credentials refused"),
        ("/local/feed.xml", "malformed feed URL refused (no scheme)"),
        ("http://[::1/feed", "malformed feed URL refused (Invalid IPv6 URL)"),
        ("https://example.org/\x1b[2Jfeed", "malformed feed URL refused"),
    ],
)
async def test_unsafe_feed_url_is_refused_without_a_request(url: str, message: str) -> None:
    rec = Recorder(reply())
    result = await fetch(rec, url=url)
    assert (result.error_kind, result.error) == ("bad_url", message)
    assert rec.requests == []


# --------------------------------------------------------------------------- HTTP statuses


async def test_410_marks_the_feed_gone() -> None:
    result = await fetch(Recorder(reply(410, b"")))
    assert result.outcome == "error"
    assert result.gone is True
    assert result.error_kind == "gone"
    assert result.error == "HTTP 410 Gone: the feed was removed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", NOW + timedelta(seconds=120)),
        ("Sun, 01 Mar 2026 14:30:00 GMT", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("soon-ish", None),
        ("", None),
        ("315360000", NOW + timedelta(days=7)),  # ten years, capped
        ("Wed, 01 Mar 2036 12:00:00 GMT", NOW + timedelta(days=7)),
        ("Sun, 01 Mar 2020 12:00:00 GMT", None),  # in the past
    ],
)
async def test_429_retry_after(value: str, expected: datetime | None) -> None:
    rec = Recorder(reply(429, b"slow down", headers={"retry-after": value}))
    result = await fetch(rec)
    assert len(rec.requests) == 1  # no retry in this run
    assert result.error_kind == "rate_limited"
    assert result.error.startswith("HTTP 429 Too Many Requests")
    assert result.retry_after == expected


async def test_503_with_retry_after_is_a_server_error_with_a_wait() -> None:
    result = await fetch(Recorder(reply(503, b"", headers={"retry-after": "60"})))
    assert result.error_kind == "http_5xx"
    assert result.retry_after == NOW + timedelta(seconds=60)


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (404, "http_404", "HTTP 404 Not Found"),
        (403, "http_4xx", "HTTP 403 Forbidden"),
        (500, "http_5xx", "HTTP 500 Internal Server Error"),
        (502, "http_5xx", "HTTP 502 Bad Gateway"),
    ],
)
async def test_http_error_statuses(status: int, kind: str, message: str) -> None:
    result = await fetch(Recorder(reply(status, b"<html>oops</html>")))
    assert (result.outcome, result.error_kind, result.error) == ("error", kind, message)
    assert result.http_status == status
    assert result.body is None


# --------------------------------------------------------------------------- not a feed


LOGIN_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
    b"<body><form action='/login'><input name=user></form></body></html>"
)


@pytest.mark.parametrize(
    ("body", "ctype", "kind", "message"),
    [
        (LOGIN_PAGE, "text/html; charset=utf-8", "not_a_feed", "not a feed (text/html)"),
        (b"", "application/rss+xml", "empty", "empty response"),
        (b"  \r\n\t ", "application/rss+xml", "empty", "empty response"),
        (
            bytes(range(256)) * 8,
            "application/octet-stream",
            "not_a_feed",
            "not a feed (binary data)",
        ),
        (b'{"error": "quota"}', "application/json", "not_a_feed", "not a feed (JSON)"),
        (b"/etc/passwd", "text/plain", "not_a_feed", "not a feed (plain text)"),
    ],
    ids=["html-login", "empty", "whitespace", "binary", "json", "plain-text"],
)
async def test_responses_that_are_not_feeds(
    body: bytes, ctype: str, kind: str, message: str
) -> None:
    result = await fetch(Recorder(reply(body=body, headers={"content-type": ctype})))
    assert result.outcome == "error"
    assert (result.error_kind, result.error) == (kind, message)
    assert result.body is None


async def test_rss_served_as_text_html_is_still_a_feed() -> None:
    result = await fetch(Recorder(reply(headers={"content-type": "text/html"})))
    assert result.outcome == "ok"


@pytest.mark.parametrize(
    ("body", "ctype", "expected"),
    [
        (RSS, "text/xml", None),
        ('<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16"), None, None),
        (b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'/>", None, None),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None, None),
        (b"<rdf:RDF></rdf:RDF>", None, None),
        (b"<html><body>hi</body></html>", None, "not a feed (text/html)"),
        (b"<opml version='2.0'/>", "text/xml", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "not a feed (binary data)"),
        ("\ufeff".encode("utf-16-le"), None, "empty response"),
        (b"[1, 2]", None, "not a feed (JSON)"),
    ],
)
def test_sniff_not_a_feed(body: bytes, ctype: str | None, expected: str | None) -> None:
    assert sniff_not_a_feed(body, ctype) == expected


# --------------------------------------------------------------------------- time


async def test_total_deadline_stops_a_slow_drip() -> None:
    async def drip() -> AsyncIterator[bytes]:
        yield b"<rss>"
        while True:
            await asyncio.sleep(0.02)
            yield b" "

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=drip())

    started = time.monotonic()
    result = await fetch(handler, limits=FetchLimits(feed_deadline=0.3))
    assert result.outcome == "error"
    assert result.error_kind == "deadline"
    assert result.error == "timed out after 0.3 s (total deadline)"
    assert result.http_status == 200
    assert time.monotonic() - started < 5  # hang guard only


async def test_read_timeout_is_classified() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    result = await fetch(handler)
    assert (result.error_kind, result.error) == (
        "timeout",
        "read timed out after 20 s without data",
    )


async def test_a_hanging_feed_does_not_hold_up_the_others() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/hang":
            await asyncio.sleep(3600)
        return reply()(request)

    limits = FetchLimits(feed_deadline=0.3)
    urls = ["https://a.example/hang"] + [f"https://b.example/{n}" for n in range(20)]
    started = time.monotonic()
    async with make_client(transport=httpx.MockTransport(handler)) as client:
        results = await asyncio.gather(*(fetch_feed(client, u, FeedState(), limits) for u in urls))
    assert results[0].error_kind == "deadline"
    assert [r.outcome for r in results[1:]] == ["ok"] * 20
    assert max(r.elapsed for r in results[1:]) < results[0].elapsed
    assert time.monotonic() - started < 5  # hang guard only


async def test_server_that_never_answers_hits_the_read_timeout() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await asyncio.sleep(3)  # accept, read, say nothing

    limits = FetchLimits(read_timeout=0.2, feed_deadline=5)
    async with loopback(handle) as port, make_client(limits=limits) as client:
        result = await fetch_feed(client, f"http://127.0.0.1:{port}/", FeedState(), limits)
    assert (result.error_kind, result.error) == (
        "timeout",
        "read timed out after 0.2 s without data",
    )


async def test_per_host_semaphore_bounds_concurrency() -> None:
    active = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return reply()(request)

    gate = asyncio.Semaphore(2)
    async with make_client(transport=httpx.MockTransport(handler)) as client:
        results = await asyncio.gather(
            *(fetch_feed(client, f"{URL}?n={i}", FeedState(), per_host=gate) for i in range(6))
        )
    assert [r.outcome for r in results] == ["ok"] * 6
    assert peak == 2


# --------------------------------------------------------------------------- connection errors


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_on_a_closed_loopback_port() -> None:
    url = f"http://127.0.0.1:{_free_port()}/feed.xml"
    async with make_client() as client:
        result = await fetch_feed(client, url, FeedState(), FetchLimits(feed_deadline=5))
    assert (result.outcome, result.error_kind, result.error) == (
        "error",
        "refused",
        "connection refused",
    )


async def test_dns_failure_is_named() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    result = await fetch(handler, url="http://x.invalid/feed")
    assert (result.error_kind, result.error) == ("dns", "DNS lookup failed for x.invalid")


def _invalid_tld_fails_fast() -> bool:
    started = time.monotonic()
    try:
        socket.getaddrinfo("x.invalid", 80)
    except OSError:
        return time.monotonic() - started < 2
    return False  # a resolver that answers for .invalid: skip


@pytest.mark.skipif(not _invalid_tld_fails_fast(), reason="resolver does not fail fast on .invalid")
async def test_real_dns_failure_for_the_invalid_tld() -> None:
    async with make_client() as client:
        result = await fetch_feed(
            client, "http://x.invalid/", FeedState(), FetchLimits(feed_deadline=5)
        )
    assert (result.error_kind, result.error) == ("dns", "DNS lookup failed for x.invalid")


async def test_tls_verification_error_is_named() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        try:
            err = ssl.SSLCertVerificationError(1, "certificate verify failed")
            err.verify_message = "self-signed certificate"
            raise err
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    result = await fetch(handler)
    assert (result.error_kind, result.error) == (
        "tls",
        "TLS certificate error: self-signed certificate",
    )


@contextlib.asynccontextmanager
async def loopback(
    handle: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1 for the duration of the block."""

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(handle(reader, writer), 5)
        except (OSError, TimeoutError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(guarded, "127.0.0.1", 0, ssl=ssl_context)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


@pytest.mark.parametrize(
    "raw",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>short",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    ],
    ids=["banner", "short-body", "bad-chunk", "huge-header"],
)
async def test_broken_http_is_a_protocol_error(raw: bytes) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(raw)
        await writer.drain()

    async with loopback(handle) as port, make_client() as client:
        result = await fetch_feed(
            client, f"http://127.0.0.1:{port}/", FeedState(), FetchLimits(feed_deadline=5)
        )
    assert result.outcome == "error"
    assert result.error_kind == "protocol"
    assert result.error.startswith("protocol error")


async def test_loopback_server_happy_path_with_gzip() -> None:
    payload = gzip.compress(RSS)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        writer.write(head.encode() + payload)
        await writer.drain()

    async with loopback(handle) as port, make_client() as client:
        result = await fetch_feed(client, f"http://127.0.0.1:{port}/", FeedState())
    assert result.outcome == "ok"
    assert result.body == RSS


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_untrusted_self_signed_certificate(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)

    async with loopback(handle, context) as port, make_client() as client:
        result = await fetch_feed(
            client, f"https://127.0.0.1:{port}/", FeedState(), FetchLimits(feed_deadline=5)
        )
    assert result.error_kind == "tls"
    assert result.error.startswith("TLS certificate error: ")
    assert "self-signed" in result.error or "self signed" in result.error


# --------------------------------------------------------------------------- pure helpers


def test_next_attempt_backs_off_exponentially_with_a_cap() -> None:
    assert next_attempt(0, NOW) == NOW
    assert next_attempt(1, NOW) == NOW + timedelta(seconds=60)
    assert next_attempt(2, NOW) == NOW + timedelta(seconds=120)
    assert next_attempt(4, NOW) == NOW + timedelta(seconds=480)
    assert next_attempt(30, NOW) == NOW + timedelta(hours=6)
    assert next_attempt(10**9, NOW) == NOW + timedelta(hours=6)
    assert next_attempt(3, NOW, base=10, cap=25) == NOW + timedelta(seconds=25)


def test_next_attempt_honours_a_later_retry_after_capped_at_seven_days() -> None:
    later = NOW + timedelta(days=2)
    assert next_attempt(1, NOW, retry_after=later) == later
    assert next_attempt(12, NOW, retry_after=NOW + timedelta(minutes=1)) == NOW + timedelta(hours=6)
    assert next_attempt(1, NOW, retry_after=NOW + timedelta(days=3650)) == NOW + timedelta(days=7)


@pytest.mark.parametrize("value", [None, "", "-5", "1.5", "Tomorrow", "99999999999999999999999"])
def test_parse_retry_after_never_raises(value: str | None) -> None:
    result = parse_retry_after(value, NOW)
    assert result is None or NOW < result <= NOW + timedelta(days=7)


def test_gzip_bomb_helper_is_small() -> None:
    # The bombs above really are bombs: tiny on the wire, huge decoded.
    data = _bomb(size=16 * MiB)
    assert len(data) < 40 * 1024
    assert len(zlib.decompress(data, 31)) == 16 * MiB


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_body_arriving_in_tiny_chunks_is_reassembled() -> None:
    payload = gzip.compress(RSS * 50)

    async def handler(request: httpx.Request) -> httpx.Response:
        async def stream() -> AsyncIterator[bytes]:
            for piece in _chunks(payload, 7):
                yield piece

        return httpx.Response(200, headers={"content-encoding": "gzip"}, content=stream())

    result = await fetch(handler)
    assert result.outcome == "ok"
    assert result.body == RSS * 50
