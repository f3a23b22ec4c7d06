"""Smoke tests of the benchmark tools, tiny and loopback only (no timing asserted).

The feed server, a real ``frontline`` refresh against it (first fetch, an
all-304 round, a round with new items), the peers bench's measuring and
reporting code, and the desk-store generator, each at a size that runs in
seconds. newsboat and reader are never needed.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import Settings, parse_settings
from app.models import SourceStatus
from app.refresh import run_refresh
from app.store import Store
from tests.conftest import NOW

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import desk_bench  # noqa: E402
import refresh_vs_peers  # noqa: E402
from feedserver import FeedServer, ServerConfig  # noqa: E402


@pytest.fixture
def server() -> Iterator[FeedServer]:
    config = ServerConfig(
        feeds=5,
        items=3,
        feed_bytes=3000,
        latency=0.0,
        hosts=2,
        corpus=None,
        base_time=NOW - timedelta(hours=1),
        max_lifetime=120,
    )
    with FeedServer(config) as srv:
        yield srv


def _settings(tmp_path: Path, urls: list[str]) -> Settings:
    return parse_settings(
        {
            "storage": {"database": str(tmp_path / "bench.db")},
            "seeds": {"paths": []},
            "feeds": [{"url": u, "name": f"Feed {i}"} for i, u in enumerate(urls)],
        },
        base=tmp_path,
    )


def _dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, title, summary, published, content_hash FROM stories ORDER BY id"
        ).fetchall()


def test_feedserver_serves_feeds_304s_and_admin(server: FeedServer) -> None:
    urls = server.urls
    assert len(urls) == 5 and {u.split("/")[2].split(":")[0] for u in urls} == {
        "127.0.0.1",
        "127.0.0.2",
    }
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urls[0], timeout=10) as resp:
        body = resp.read()
        etag = resp.headers["ETag"]
        last_modified = resp.headers["Last-Modified"]
    assert body.startswith(b"<?xml") and body.count(b"<item>") == 3
    for header, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
        req = urllib.request.Request(urls[0], headers={header: value})
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(req, timeout=10)
        assert info.value.code == 304
    with opener.open(f"{server.admin_url}/stats", timeout=10) as resp:
        stats = json.loads(resp.read())
    assert stats["ok"] == 1 and stats["not_modified"] == 2 and stats["conditional"] == 2
    changed = server.bump(0.4, new_items=2)
    assert len(changed) == 2
    req = urllib.request.Request(urls[changed[0]], headers={"If-None-Match": etag})
    with opener.open(req, timeout=10) as resp:
        assert resp.status == 200 and resp.read().count(b"<item>") == 3


def test_refresh_against_the_feedserver_three_rounds(server: FeedServer, tmp_path: Path) -> None:
    settings = _settings(tmp_path, server.urls)
    first = run_refresh(settings, now=NOW)
    assert [r.status for r in first.results] == [SourceStatus.OK] * 5
    assert first.new == 15 and first.stories == 15
    assert 0 < first.clusters <= 15
    assert server.stats()["ok"] == 5
    before = _dump(settings.database)

    server.clear_stats()
    again = run_refresh(settings, now=NOW + timedelta(minutes=10))
    assert all(r.status is SourceStatus.NOT_MODIFIED for r in again.results)
    assert again.new == 0 and again.updated == 0
    stats = server.stats()
    assert stats["not_modified"] == 5 and stats["conditional"] == 5 and stats["ok"] == 0
    assert _dump(settings.database) == before

    changed = server.bump(0.2, new_items=2)
    server.clear_stats()
    third = run_refresh(settings, now=NOW + timedelta(minutes=20))
    statuses = sorted(r.status.value for r in third.results)
    assert statuses == ["not_modified"] * 4 + ["ok"]
    assert third.new == 2 and third.stories == 17
    assert server.stats()["ok"] == len(changed) == 1


def test_peers_bench_measures_and_reports_without_peers(tmp_path: Path) -> None:
    m = refresh_vs_peers.measure(
        [sys.executable, "-c", "x = bytearray(20 * 2**20); print('done')"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        timeout=60,
    )
    assert m.rc == 0 and "done" in m.out and m.maxrss_mb >= 20
    cfg = refresh_vs_peers.frontline_config(
        tmp_path, ["http://127.0.0.1:1/feed/0.xml"], {"concurrency": 8}
    )
    settings = parse_settings(__import__("tomllib").loads(cfg.read_text()), base=tmp_path)
    assert settings.refresh.concurrency == 8 and settings.seeds == () and len(settings.feeds) == 1
    stats = {"ok": 5, "not_modified": 0}
    samples = [
        refresh_vs_peers.Sample(5, name, "first", 0, wall, 1.0, 50.0, 40.0, 0, stats)
        for name, wall in (("frontline", 1.0), ("newsboat-t8", 4.0), ("newsboat-t4", 2.0))
    ]
    text = refresh_vs_peers.report(samples, ["first"])
    assert "0.50x newsboat-t4" in text  # the best variant of a peer is the reference
    assert "peak memory (tree PSS): 1.00x newsboat" in text


@pytest.mark.parametrize("mode", ["fast", "rebuild"])
def test_desk_store_generator_tiny(tmp_path: Path, mode: str) -> None:
    db = tmp_path / "desk.db"
    info = desk_bench.generate(
        db, stories=120, per_day=60, mode=mode, pane_clusters=10, corpus=None
    )
    assert info["stories"] == 120
    # Events are carried by several outlets: fewer clusters than stories.
    assert 0 < info["clusters"] < 120
    with Store.open(db, readonly=True) as store:
        assert store.story_count() == 120
        assert sum(total for total, _ in store.pane_counts().values()) == info["clusters"]
        assert store.search("day")  # FTS kept in step by the write path
    if mode == "fast":
        first_pane = desk_bench.bench_settings(db).panes.panes[0].name
        assert info["pane_clusters"][first_pane] >= 10
