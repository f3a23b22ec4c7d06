"""The derive step: one incremental update over a long span equals a full rebuild."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import derive
from app.config import Settings, parse_settings
from app.models import ParsedStory, SourceKind
from app.store import Store

START = datetime(2025, 3, 10, 6, tzinfo=UTC)
EVENTS = [
    "Ukraine accepts a 30-day ceasefire proposal after talks in Jeddah",
    "Russian drones strike an apartment block in Kyiv overnight",
    "Finland announces a new military aid package for Ukraine",
    "Grushko warns against European peacekeepers in Ukraine",
    "Ukrainian troops withdraw from Sudzha in the Kursk region",
    "Zelensky meets European leaders in London for defence summit",
]
LEADS = [
    "Officials said the proposal would be taken to Moscow by the American envoy this week.",
    "Emergency services said several people were injured and fires broke out in two districts.",
    "The package includes air defence equipment and artillery ammunition, the ministry said.",
    "The deputy foreign minister said any such deployment would be treated as a provocation.",
    "The general staff said the troops moved to better positions to avoid encirclement.",
    "Leaders discussed security guarantees and financing for the country's armed forces.",
]


def _stories(rng: random.Random) -> dict[str, list[ParsedStory]]:
    """Six events recurring every 50 hours (past the 48 h window), each carried by 3 outlets."""
    feeds: dict[str, list[ParsedStory]] = {f"https://f{i}.example/rss": [] for i in range(3)}
    for day in range(4):
        for e, title in enumerate(EVENTS):
            at = START + timedelta(hours=50 * day + e)
            for f, url in enumerate(feeds):
                words = title.split()
                if f == 1:
                    words.insert(rng.randrange(len(words)), "Update:")
                feeds[url].append(
                    ParsedStory(
                        title=f"{' '.join(words)} (round {day + 1})",
                        summary=LEADS[e],
                        url=f"{url}/story/{day}/{e}",
                        guid=f"{url}#{day}-{e}",
                        published=at + timedelta(minutes=13 * f),
                    )
                )
    return feeds


def _settings(tmp_path: Path) -> Settings:
    return parse_settings({"storage": {"database": str(tmp_path / "d.db")}}, base=tmp_path)


def test_one_update_over_six_days_equals_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so the update forgets stories behind the window mid-run.
    monkeypatch.setattr(derive, "_BATCH", 10)
    settings = _settings(tmp_path)
    now = START + timedelta(days=9)
    with Store.open(tmp_path / "d.db") as store:
        ids: list[str] = []
        for url, stories in _stories(random.Random(3)).items():
            res = store.write_stories(url, SourceKind.FEED, stories, outlet=url, now=now)
            ids.extend(res.new)
        assert len(ids) == 72
        # Stories span 6 days (three 48 h windows): the update forgets
        # stories behind the window as it goes.
        derive.update_derived(store, settings, ids, now=now)
        incremental = store.cluster_links()
        quotes_inc = store.db.execute("SELECT count(*) FROM quotes").fetchone()[0]
        panes_inc = store.story_panes(ids)
        derive.rebuild(store, settings, now=now)
        assert store.cluster_links() == incremental
        assert store.story_panes(ids) == panes_inc
        assert store.db.execute("SELECT count(*) FROM quotes").fetchone()[0] == quotes_inc
    clusters = {link.cluster_id for link in incremental.values()}
    # Each event-round is one cluster: 3 outlets joined, never across rounds.
    assert len(clusters) == 24
    assert {p for p, _, _ in panes_inc.values()} >= {"diplomacy", "battlefield", "aid"}
