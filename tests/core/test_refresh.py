"""The refresh pipeline end to end: seeds and mocked feeds into the store."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app.config import Settings, parse_settings
from app.models import SourceKind, SourceStatus
from app.refresh import refresh
from app.store import Store
from tests.conftest import NOW

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<item><title>Russia launches drone attack on Kyiv overnight, mayor says</title>
<link>https://wire.example/a</link><guid>wire-a</guid>
<description>Russia launched an overnight drone attack on Kyiv, the mayor said early on Monday.</description>
<pubDate>Mon, 01 Dec 2025 06:00:00 GMT</pubDate></item>
<item><title>Finland announces $217 million military aid package for Ukraine</title>
<link>https://wire.example/b</link><guid>wire-b</guid>
<description>Finland announced a fresh package of military aid for Ukraine totaling $217 million.</description>
<pubDate>Mon, 01 Dec 2025 07:00:00 GMT</pubDate></item>
</channel></rss>"""


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'stories_fts%'"
        )
    ]
    out = {n: sorted(conn.execute(f"SELECT * FROM [{n}]").fetchall(), key=repr) for n in names}
    conn.close()
    return out


def run(settings: Settings, *, now=NOW, transport=None, **kw):  # type: ignore[no-untyped-def]
    with Store.open(settings.database) as store:
        return asyncio.run(refresh(settings, store, now=now, transport=transport, **kw))


def test_seeds_refresh_then_unchanged_second_run(settings: Settings) -> None:
    report = run(settings)
    files = [r for r in report.results if r.kind is SourceKind.FILE]
    assert len(files) == 5
    assert all(r.status is SourceStatus.OK for r in files), files
    assert report.new >= 10 and report.stories == report.new
    assert 0 < report.clusters < report.stories  # at least one pair clustered
    before = dump(settings.database)
    again = run(settings)
    assert all(r.status is SourceStatus.NOT_MODIFIED for r in again.results)
    assert again.new == 0 and again.updated == 0
    assert dump(settings.database) == before


def test_edited_seed_updates_and_never_duplicates(settings: Settings, seed_dir: Path) -> None:
    run(settings)
    with Store.open(settings.database) as s:
        n = s.story_count()
    f = seed_dir / "004_44eb2994a6798eda.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("28-point plan", "28-point peace plan"))
    report = run(settings, now=NOW + timedelta(minutes=5))
    assert report.updated >= 1 and report.new == 0
    with Store.open(settings.database) as s:
        assert s.story_count() == n
        assert s.search("28-point peace plan")


def feed_settings(tmp_path: Path, urls: list[str]) -> Settings:
    return parse_settings(
        {
            "storage": {"database": str(tmp_path / "f.db")},
            "feeds": [{"url": u, "name": u.split("/")[2]} for u in urls],
        },
        base=tmp_path,
    )


def test_feeds_ok_failing_and_conditional_get(tmp_path: Path) -> None:
    calls: list[tuple[str, dict[str, str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((str(request.url), dict(request.headers)))
        if request.url.host == "wire.example":
            if request.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304, headers={"ETag": '"v1"'})
            return httpx.Response(
                200, content=RSS, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'}
            )
        return httpx.Response(500, text="oops")

    transport = httpx.MockTransport(handler)
    settings = feed_settings(tmp_path, ["https://wire.example/rss", "https://broken.example/rss"])
    r1 = run(settings, transport=transport)
    by = {r.source: r for r in r1.results}
    assert by["https://wire.example/rss"].status is SourceStatus.OK
    assert by["https://wire.example/rss"].new == 2
    bad = by["https://broken.example/rss"]
    assert bad.status is SourceStatus.ERROR and "500" in (bad.error or "")
    with Store.open(settings.database) as s:
        feeds = {f.url: f for f in s.feed_statuses()}
        assert feeds["https://broken.example/rss"].error_count == 1
        assert feeds["https://broken.example/rss"].next_attempt is not None
        assert feeds["https://broken.example/rss"].next_attempt > NOW
        assert feeds["https://wire.example/rss"].stories == 2
        panes = {st.title: st.pane for st in s.stories()}
    assert panes["Finland announces $217 million military aid package for Ukraine"] == "aid"
    assert panes["Russia launches drone attack on Kyiv overnight, mayor says"] == "battlefield"

    calls.clear()
    r2 = run(settings, now=NOW + timedelta(seconds=30), transport=transport)
    by = {r.source: r for r in r2.results}
    assert by["https://wire.example/rss"].status is SourceStatus.NOT_MODIFIED
    assert by["https://broken.example/rss"].status is SourceStatus.SKIPPED  # backing off
    assert [u for u, _ in calls] == ["https://wire.example/rss"]  # exactly one request
    assert calls[0][1].get("if-none-match") == '"v1"'


def test_one_failing_feed_never_stops_the_others(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host.startswith("bad"):
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, content=RSS.replace(b"wire-", request.url.host.encode()))

    urls = [f"https://bad{i}.example/rss" for i in range(3)] + [
        f"https://good{i}.example/rss" for i in range(3)
    ]
    report = run(feed_settings(tmp_path, urls), transport=httpx.MockTransport(handler))
    statuses = sorted((r.source, r.status.value) for r in report.results)
    assert [s for _, s in statuses] == ["error"] * 3 + ["ok"] * 3
    assert report.new == 6


def test_missing_seed_path_is_an_error_result_not_a_crash(tmp_path: Path) -> None:
    settings = parse_settings(
        {
            "storage": {"database": str(tmp_path / "m.db")},
            "seeds": {"paths": ["nope"]},
            "feeds": [],
        },
        base=tmp_path,
    )
    report = run(settings)
    assert [r.status for r in report.results] == [SourceStatus.ERROR]
    assert "nope" in (report.results[0].error or "")


def test_unreadable_seed_is_isolated(settings: Settings, seed_dir: Path) -> None:
    fifo = seed_dir / "pipe.txt"
    os.mkfifo(fifo)
    report = run(settings)
    errors = [r for r in report.results if r.status is SourceStatus.ERROR]
    assert len(errors) == 1 and "pipe.txt" in errors[0].source
    assert sum(1 for r in report.results if r.status is SourceStatus.OK) == 5


@pytest.mark.parametrize(
    "bad_title", ["[/]", "[@click=app.quit]x", "\x1b]52;c;SGk=\x07evil\x1b[2J"]
)
def test_hostile_feed_text_is_cleaned_at_ingest(tmp_path: Path, bad_title: str) -> None:
    body = RSS.replace(
        b"Finland announces $217 million military aid package for Ukraine",
        bad_title.encode().replace(b"&", b"&amp;"),
    )
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    settings = feed_settings(tmp_path, ["https://wire.example/rss"])
    run(settings, transport=transport)
    with Store.open(settings.database) as s:
        titles = [st.title for st in s.stories()]
    assert all("\x1b" not in t and "\x07" not in t for t in titles)
