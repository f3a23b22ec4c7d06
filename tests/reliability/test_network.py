"""RELIABILITY.md N1-N15: a misbehaving server, through the real refresh pipeline.

Every case goes through :func:`app.refresh.refresh` with feeds pointed at the
loopback fault server and small configured deadlines, and (where a feed
could have had stories) checks the "isolated" contract with
:func:`check_isolated`.
"""

from __future__ import annotations

import email.utils
import json
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app.doctor import Level, check_feeds
from app.models import SourceStatus
from app.store import Store
from tests.conftest import NOW
from tests.reliability.conftest import (
    GOOD,
    LATER,
    by_source,
    check_isolated,
    feed_row,
    frontline,
    make_settings,
    run,
    story_rows,
    write_config,
)
from tests.reliability.faultserver import (
    FaultServer,
    bomb,
    closed_port,
    counter_feed,
    declared_length,
    drip,
    endless_chunked,
    hang,
    make_tls_context,
    raw,
    redirect,
    respond,
)

MiB = 1024 * 1024


# --------------------------------------------------------------------------- N1
def test_n1_connection_refused_is_isolated(server: FaultServer, tmp_path: Path) -> None:
    with FaultServer(lifetime=60) as doomed:
        doomed.route("/victim", respond(200, GOOD))
        seen = check_isolated(
            server, tmp_path, respond(), victim_url=doomed.url("/victim"), stop_before_fault=doomed
        )
    assert (seen.result.error_kind, seen.result.error) == ("refused", "connection refused")


def _invalid_tld_fails_fast() -> bool:
    started = time.monotonic()
    try:
        socket.getaddrinfo("x.invalid", 80)
    except OSError:
        return time.monotonic() - started < 2
    return False


@pytest.mark.skipif(not _invalid_tld_fails_fast(), reason="resolver does not fail fast on .invalid")
def test_n1_dns_failure_is_named_and_the_run_exits_1(server: FaultServer, tmp_path: Path) -> None:
    server.route("/other", counter_feed("other"))
    refused = f"http://127.0.0.1:{closed_port()}/feed"
    config = write_config(
        tmp_path,
        [("http://x.invalid/feed", "Nowhere"), (refused, "Closed"), (server.url("/other"), "Ok")],
        feed_deadline=5.0,
    )
    child = frontline("refresh", "--config", str(config))
    assert child.returncode == 1
    err = child.stderr.decode()
    assert "feed http://x.invalid/feed: DNS lookup failed for x.invalid" in err
    assert f"feed {refused}: connection refused" in err
    assert "Traceback" not in err
    row = feed_row(tmp_path / "c.db", server.url("/other"))
    assert row["error_count"] == 0 and row["last_success"]


# --------------------------------------------------------------------------- N2, N3
def test_n2_server_that_never_answers_hits_the_read_timeout(
    server: FaultServer, tmp_path: Path
) -> None:
    seen = check_isolated(server, tmp_path, hang(), read_timeout=1.0, feed_deadline=5.0)
    assert seen.result.error_kind == "timeout"
    assert seen.result.error == "read timed out after 1 s without data"
    assert seen.result.elapsed < 4


def test_n3_slow_drip_is_cut_by_the_total_feed_deadline(
    server: FaultServer, tmp_path: Path
) -> None:
    # 5 bytes a second: the read timeout (2 s) never fires, the deadline must.
    seen = check_isolated(server, tmp_path, drip(interval=0.2), feed_deadline=2.0)
    assert seen.result.error_kind == "deadline"
    assert seen.result.error == "timed out after 2 s (total deadline)"
    assert 1.5 < seen.result.elapsed < 6


# --------------------------------------------------------------------------- N4
def test_n4_declared_length_is_refused_before_reading(server: FaultServer, tmp_path: Path) -> None:
    seen = check_isolated(server, tmp_path, declared_length(500_000_000))
    assert seen.result.error_kind == "too_large"
    assert seen.result.error == "body larger than 10 MiB (Content-Length 500000000)"
    assert seen.result.elapsed < 2  # it did not wait for the body


def test_n4_endless_chunked_body_stops_at_the_cap(server: FaultServer, tmp_path: Path) -> None:
    seen = check_isolated(server, tmp_path, endless_chunked(), max_body_mb=2.0)
    assert (seen.result.error_kind, seen.result.error) == ("too_large", "body larger than 2 MiB")


# --------------------------------------------------------------------------- N5
@pytest.mark.parametrize("kind", ["gzip", "deflate", "deflate-raw", "gzip-gzip"])
def test_n5_compression_bombs_abort_on_the_decoded_size(
    server: FaultServer, tmp_path: Path, kind: str
) -> None:
    body, encoding = bomb(kind)
    assert len(body) < 300 * 1024  # ~204 KB on the wire for 200 MiB decoded
    seen = check_isolated(server, tmp_path, respond(200, body, {"Content-Encoding": encoding}))
    assert (seen.result.error_kind, seen.result.error) == ("too_large", "body larger than 10 MiB")
    assert seen.result.elapsed < 5  # measured well under 1 s; generous hang guard
    print(f"N5 {kind}: aborted after {seen.result.elapsed * 1000:.0f} ms")


def test_n5_brotli_is_never_decoded_without_the_package(
    server: FaultServer, tmp_path: Path
) -> None:
    # The client never offers br; a server sending it anyway is a protocol error.
    body, encoding = bomb("br")
    seen = check_isolated(server, tmp_path, respond(200, body, {"Content-Encoding": encoding}))
    assert (seen.result.error_kind, seen.result.error) == (
        "protocol",
        "unsupported Content-Encoding: br",
    )


def test_n4_n5_memory_of_a_whole_refresh_stays_bounded(server: FaultServer, tmp_path: Path) -> None:
    """Peak RSS of a ``frontline refresh`` child fed every oversized body at once."""
    hostile = {
        "/declared": declared_length(500_000_000),
        "/chunked": endless_chunked(),
        **{
            f"/bomb-{kind}": respond(200, bomb(kind)[0], {"Content-Encoding": bomb(kind)[1]})
            for kind in ("gzip", "deflate", "deflate-raw", "gzip-gzip")
        },
    }
    for path, behaviour in hostile.items():
        server.route(path, behaviour)
    server.route("/ok", counter_feed("ok"))
    baseline_cfg = write_config(tmp_path, [(server.url("/ok"), "ok")])
    baseline = frontline("refresh", "--config", str(baseline_cfg))
    assert baseline.returncode == 0, baseline.stderr
    feeds = [(server.url(p), p.strip("/")) for p in hostile] + [(server.url("/ok"), "ok")]
    config = write_config(tmp_path, feeds, feed_deadline=10.0, concurrency=1)
    child = frontline("refresh", "--json", "--config", str(config))
    assert child.returncode == 1, child.stderr
    report = json.loads(child.stdout)
    kinds = {r["source"].rsplit("/", 1)[1]: r["error_kind"] for r in report["results"]}
    assert kinds == {p.strip("/"): "too_large" for p in hostile} | {"ok": None}
    growth = child.maxrss_mb - baseline.maxrss_mb
    print(
        f"N4/N5 RSS: baseline {baseline.maxrss_mb:.0f} MB, hostile {child.maxrss_mb:.0f} MB "
        f"(+{growth:.0f} MB); per-feed ms "
        + ", ".join(
            f"{r['source'].rsplit('/', 1)[1]}={r['elapsed'] * 1000:.0f}" for r in report["results"]
        )
    )
    assert child.maxrss_mb < baseline.maxrss_mb + 100


# --------------------------------------------------------------------------- N6
@pytest.mark.parametrize(
    "data",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>short",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    ],
    ids=["banner", "short-body", "bad-chunk", "200k-header"],
)
def test_n6_broken_http_is_a_protocol_error(
    server: FaultServer, tmp_path: Path, data: bytes
) -> None:
    seen = check_isolated(server, tmp_path, raw(data))
    assert seen.result.error_kind == "protocol"
    assert seen.result.error.startswith("protocol error")


# --------------------------------------------------------------------------- N7
def test_n7_redirect_loop_stops_after_five_hops(server: FaultServer, tmp_path: Path) -> None:
    server.route("/loop", redirect("/loop"))
    seen = check_isolated(server, tmp_path, redirect("/loop"))
    assert (seen.result.error_kind, seen.result.error) == (
        "redirect_loop",
        "too many redirects (>5)",
    )
    assert len(server.hits("/loop")) == 5  # victim + 5 hops, then it stops


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "redirect to non-http(s) URL refused (file:)"),
        ("ftp://127.0.0.1/feed.xml", "redirect to non-http(s) URL refused (ftp:)"),
        ("javascript:alert(1)", "redirect to non-http(s) URL refused (javascript:)"),
        ("http://user:pw@127.0.0.1:{port}/creds", "redirect to URL with credentials refused"),
    ],
    ids=["file", "ftp", "javascript", "credentials"],
)
def test_n7_unsafe_redirect_targets_are_not_followed(
    server: FaultServer, tmp_path: Path, target: str, message: str
) -> None:
    server.route("/creds", respond(200, GOOD))
    seen = check_isolated(server, tmp_path, redirect(target.format(port=server.port)))
    assert (seen.result.error_kind, seen.result.error) == ("bad_redirect", message)
    assert server.hits("/creds") == []
    assert not any(
        "root:" in str(cell) for row in story_rows(seen.settings.database) for cell in row
    )


# --------------------------------------------------------------------------- N8
@pytest.mark.parametrize("status", [301, 308])
def test_n8_permanent_redirect_is_followed_and_suggested_after_three(
    server: FaultServer, tmp_path: Path, status: int
) -> None:
    server.route("/old", redirect("/new", status))
    server.route("/new", counter_feed("moved"))
    old = server.url("/old")
    settings = make_settings(tmp_path, [(old, "Moved")])
    for n in range(3):
        report = run(settings, NOW + timedelta(hours=n))
        assert by_source(report)[old].status is SourceStatus.OK
        row = feed_row(settings.database, old)
        assert (row["url"], row["redirect_url"], row["redirect_count"]) == (
            old,
            server.url("/new"),
            n + 1,
        )
        with Store.open(settings.database, readonly=True) as store:
            moved = [f for f in check_feeds(store, NOW) if "moved permanently" in f.message]
        assert len(moved) == (1 if n == 2 else 0)
    assert moved[0].level is Level.WARN and moved[0].fix == "update its url in config.toml"


@pytest.mark.parametrize("status", [302, 307])
def test_n8_temporary_redirect_never_rewrites(
    server: FaultServer, tmp_path: Path, status: int
) -> None:
    server.route("/old", redirect("/new", status))
    server.route("/new", counter_feed("temp"))
    settings = make_settings(tmp_path, [(server.url("/old"), "Temp")])
    for n in range(3):
        assert run(settings, NOW + timedelta(hours=n)).failed == ()
    row = feed_row(settings.database, server.url("/old"))
    assert (row["redirect_url"], row["redirect_count"]) == (None, 0)


# --------------------------------------------------------------------------- N9
def test_n9_304_with_a_new_etag(server: FaultServer, tmp_path: Path) -> None:
    stamp = "Mon, 01 Dec 2025 06:00:00 GMT"
    server.route("/f", respond(200, GOOD, {"ETag": '"v1"', "Last-Modified": stamp}))
    url = server.url("/f")
    settings = make_settings(tmp_path, [(url, "Conditional")])
    run(settings, NOW)
    before = story_rows(settings.database)
    server.clear()
    server.route("/f", respond(304, b"", {"ETag": '"v2"'}, content_type=None))
    result = by_source(run(settings, LATER))[url]
    assert result.status is SourceStatus.NOT_MODIFIED
    hits = server.hits("/f")
    assert len(hits) == 1  # no retry
    assert hits[0].headers["if-none-match"] == '"v1"'
    assert hits[0].headers["if-modified-since"] == stamp
    assert story_rows(settings.database) == before
    row = feed_row(settings.database, url)
    assert (row["etag"], row["last_checked"], row["error_count"]) == (
        '"v2"',
        "2025-12-05T13:00:00Z",
        0,
    )


# --------------------------------------------------------------------------- N10
def test_n10_gone_feed_is_skipped_until_re_enabled(server: FaultServer, tmp_path: Path) -> None:
    seen = check_isolated(server, tmp_path, respond(410, b"gone"))
    url = seen.settings.feeds[0].url
    assert seen.result.error_kind == "gone"
    assert seen.result.error == "HTTP 410 Gone: the feed was removed"
    assert seen.row["gone"] == 1
    server.clear()
    third = by_source(run(seen.settings, LATER + timedelta(days=1)))[url]
    assert third.status is SourceStatus.SKIPPED
    assert third.error == "gone (HTTP 410); re-enable it to try again"
    assert server.hits("/victim") == []
    with Store.open(seen.settings.database) as store:
        gone = [f for f in check_feeds(store, NOW) if "gone" in f.message]
        assert gone and gone[0].level is Level.FAIL
        store.set_feed_enabled(url, True)
    server.route("/victim", respond(200, GOOD))
    fourth = by_source(run(seen.settings, LATER + timedelta(days=2)))[url]
    assert fourth.status in (SourceStatus.OK, SourceStatus.NOT_MODIFIED)  # same body as before
    assert len(server.hits("/victim")) == 1
    row = feed_row(seen.settings.database, url)
    assert (row["gone"], row["error_count"], row["last_error"]) == (0, 0, None)


# --------------------------------------------------------------------------- N11
@pytest.mark.parametrize(
    ("status", "value", "wait"),
    [
        (429, "120", timedelta(seconds=120)),
        (503, "120", timedelta(seconds=120)),
        (429, "HTTPDATE+3h", timedelta(hours=3)),
        (429, "soon, please", timedelta(seconds=60)),  # garbage: plain back-off
        (503, str(10 * 365 * 86400), timedelta(days=7)),  # ten years: capped
        (429, "HTTPDATE+3650d", timedelta(days=7)),
    ],
    ids=["429-seconds", "503-seconds", "http-date", "garbage", "ten-years", "date-ten-years"],
)
def test_n11_retry_after_in_every_form(
    server: FaultServer, tmp_path: Path, status: int, value: str, wait: timedelta
) -> None:
    if value.startswith("HTTPDATE+"):
        amount = value.removeprefix("HTTPDATE+")
        delta = timedelta(days=int(amount[:-1])) if amount.endswith("d") else timedelta(hours=3)
        value = email.utils.format_datetime(LATER + delta, usegmt=True)
    fault = respond(status, b"slow down", {"Retry-After": value}, content_type="text/plain")
    seen = check_isolated(server, tmp_path, fault)
    assert seen.row["next_attempt"] == (LATER + wait).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(server.hits("/victim")) == 2  # one per run: no retry within a run
    server.clear()
    early = by_source(run(seen.settings, LATER + wait - timedelta(seconds=1)))
    assert early[seen.settings.feeds[0].url].status is SourceStatus.SKIPPED
    assert server.hits("/victim") == []


# --------------------------------------------------------------------------- N12
@pytest.mark.parametrize("status", [500, 502, 404])
def test_n12_error_streak_backs_off_exponentially_then_resets(
    server: FaultServer, tmp_path: Path, status: int
) -> None:
    server.route("/f", respond(status, b"oops", content_type="text/plain"))
    url = server.url("/f")
    settings = make_settings(tmp_path, [(url, "Flaky")])
    when = NOW
    delays = []
    for n in range(1, 6):
        result = by_source(run(settings, when))[url]
        assert result.status is SourceStatus.ERROR and str(status) in (result.error or "")
        row = feed_row(settings.database, url)
        assert row["error_count"] == n
        delay = NOW.__class__.fromisoformat(row["next_attempt"].replace("Z", "+00:00")) - when
        delays.append(delay.total_seconds())
        with Store.open(settings.database, readonly=True) as store:
            broken = [f for f in check_feeds(store, when) if "broken" in f.message]
        assert bool(broken) == (n >= 3)  # the "broken" badge from the third failure
        when += delay
    assert delays == [60, 120, 240, 480, 960]
    server.route("/f", respond(200, GOOD))
    assert by_source(run(settings, when))[url].status is SourceStatus.OK
    row = feed_row(settings.database, url)
    assert (row["error_count"], row["next_attempt"], row["last_error"]) == (0, None, None)


def test_n12_backoff_is_capped() -> None:
    from app.fetch import next_attempt

    assert next_attempt(40, NOW) - NOW == timedelta(hours=6)


# --------------------------------------------------------------------------- N13
@pytest.mark.parametrize(
    ("body", "ctype", "kind", "message"),
    [
        (
            b"<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>",
            "text/html",
            "not_a_feed",
            "not a feed (text/html)",
        ),
        (b"", "application/rss+xml", "empty", "empty response"),
        (b'{"status": "ok", "items": []}', "application/json", "not_a_feed", "not a feed (JSON)"),
        (
            bytes(range(256)) * 8,
            "application/octet-stream",
            "not_a_feed",
            "not a feed (binary data)",
        ),
    ],
    ids=["html-login", "empty", "json", "binary"],
)
def test_n13_responses_that_are_not_feeds(
    server: FaultServer, tmp_path: Path, body: bytes, ctype: str, kind: str, message: str
) -> None:
    seen = check_isolated(server, tmp_path, respond(200, body, content_type=ctype))
    assert (seen.result.error_kind, seen.result.error) == (kind, message)


# --------------------------------------------------------------------------- N14
def test_n14_untrusted_certificate_is_an_error_without_fallback(
    server: FaultServer, tmp_path: Path
) -> None:
    context = make_tls_context(str(tmp_path))
    if context is None:
        pytest.skip("neither the cryptography package nor the openssl command is available")
    with FaultServer(lifetime=60, tls=context) as tls:
        tls.route("/victim", respond(200, GOOD))
        server.route("/other", counter_feed("other"))
        url = tls.url("/victim")
        assert url.startswith("https://")
        settings = make_settings(tmp_path, [(url, "TLS"), (server.url("/other"), "Other")])
        result = by_source(run(settings, NOW))[url]
        assert result.error_kind == "tls"
        assert result.error.startswith("TLS certificate error: ")
        assert "self-signed" in result.error or "self signed" in result.error
        assert tls.hits() == []  # no request reached it, over TLS or in plain text
        assert story_rows(settings.database, url) == []
        assert feed_row(settings.database, url)["error_count"] == 1


# --------------------------------------------------------------------------- N15
def test_n15_one_hung_feed_among_twenty_fast_ones(server: FaultServer, tmp_path: Path) -> None:
    server.route("/hung", hang())
    feeds = [(server.url("/hung"), "Hung")]
    for n in range(20):
        server.route(f"/fast{n}", counter_feed(f"fast{n}"))
        feeds.append((server.url(f"/fast{n}"), f"Fast {n}"))
    settings = make_settings(
        tmp_path, feeds, feed_deadline=2.0, read_timeout=30.0, total_deadline=8.0
    )
    started = time.monotonic()
    report = run(settings, NOW)
    elapsed = time.monotonic() - started
    results = by_source(report)
    hung = results.pop(server.url("/hung"))
    assert (hung.error_kind, hung.error) == ("deadline", "timed out after 2 s (total deadline)")
    assert all(r.status is SourceStatus.OK and r.new == 1 for r in results.values())
    assert all(r.elapsed < 2 for r in results.values())  # none waited for the hung one
    assert elapsed < settings.refresh.total_deadline
    print(f"N15: 21 feeds, one hung, run took {elapsed:.1f} s (feed deadline 2 s)")


def test_n15_the_global_deadline_cuts_what_is_left(server: FaultServer, tmp_path: Path) -> None:
    server.route("/hung", hang())
    server.route("/fast", counter_feed("fast"))
    feeds = [(server.url("/hung"), "Hung"), (server.url("/fast"), "Fast")]
    settings = make_settings(
        tmp_path, feeds, feed_deadline=60.0, read_timeout=60.0, total_deadline=3.0
    )
    started = time.monotonic()
    results = by_source(run(settings, NOW))
    elapsed = time.monotonic() - started
    assert results[server.url("/fast")].status is SourceStatus.OK
    hung = results[server.url("/hung")]
    assert (hung.error_kind, hung.error) == ("deadline", "refresh deadline (3 s) reached")
    assert feed_row(settings.database, server.url("/hung"))["error_count"] == 1
    assert elapsed < 3 + 5
