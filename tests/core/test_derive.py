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


def _write(store: Store, feeds: dict[str, list[ParsedStory]], now: datetime) -> list[str]:
    ids: list[str] = []
    for url, stories in feeds.items():
        ids.extend(store.write_stories(url, SourceKind.FEED, stories, outlet=url, now=now).new)
    return ids


def _split(feeds: dict[str, list[ParsedStory]], cut: datetime) -> tuple[dict, dict]:  # type: ignore[type-arg]
    early = {u: [s for s in ss if s.published and s.published < cut] for u, ss in feeds.items()}
    late = {u: [s for s in ss if s.published and s.published >= cut] for u, ss in feeds.items()}
    return early, late


def test_second_update_reads_stored_features_not_text(
    tmp_path: Path, prepared_ids: list[str]
) -> None:
    settings = _settings(tmp_path)
    now = START + timedelta(days=9)
    # Two rounds 50 h apart plus a third 1 h after the second: the third update
    # has the second round (and part of the first) in its window.
    feeds = _stories(random.Random(5))
    early, late = _split(feeds, START + timedelta(hours=100))
    prepared = prepared_ids
    with Store.open(tmp_path / "d.db") as store:
        first = _write(store, early, now)
        derive.update_derived(store, settings, first, now=now)
        assert sorted(prepared) == sorted(first)
        stored = store.db.execute("SELECT count(*) FROM story_features").fetchone()[0]
        assert stored == len(first)
        prepared.clear()
        second = _write(store, late, now)
        derive.update_derived(store, settings, second, now=now)
        # Only the new stories were tokenised; the window came from the table.
        assert sorted(prepared) == sorted(second)
        incremental = store.cluster_links()
        quotes = store.db.execute("SELECT id, stories FROM quotes ORDER BY id").fetchall()
        derive.rebuild(store, settings, now=now)
        assert store.cluster_links() == incremental
        assert store.db.execute("SELECT id, stories FROM quotes ORDER BY id").fetchall() == quotes


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE story_features SET data = 'not json'",
        "UPDATE story_features SET data = '[[1, 2], []]'",
        "UPDATE story_features SET data = '{\"a\": 1}'",
        "UPDATE story_features SET version = 'old'",
        "UPDATE story_features SET content_hash = 'stale'",
    ],
)
def test_unusable_stored_features_are_recomputed(tmp_path: Path, damage: str) -> None:
    settings = _settings(tmp_path)
    now = START + timedelta(days=9)
    early, late = _split(_stories(random.Random(5)), START + timedelta(hours=100))
    with Store.open(tmp_path / "d.db") as store:
        derive.update_derived(store, settings, _write(store, early, now), now=now)
        store.db.execute(damage)
        store.db.conn.commit()
        derive.update_derived(store, settings, _write(store, late, now), now=now)
        incremental = store.cluster_links()
        assert (
            store.db.execute(
                "SELECT count(*) FROM story_features WHERE data LIKE '[[%' AND version != 'old'"
                " AND content_hash != 'stale'"
            ).fetchone()[0]
            == store.db.execute("SELECT count(*) FROM story_features").fetchone()[0]
        )
        derive.rebuild(store, settings, now=now)
        assert store.cluster_links() == incremental


def test_stored_features_format_is_pinned_to_its_version() -> None:
    """If this fails, what ``prepare`` computes changed: bump ``_FEATURES_CODE``
    in app/cluster_score.py (stored features are then recomputed) and update
    the digest here."""
    import hashlib
    import json

    from app.cluster_params import ClusterParams, Doc
    from app.cluster_score import dump_features, features_version, prepare

    doc = Doc(
        id="x",
        source="s",
        title="Grushko: Russia will treat any European peacekeepers in Ukraine as a threat",
        lead="Russia's deputy foreign minister Alexander Grushko said on Sunday: \"We will"
        ' consider the deployment of troops under any flag as a direct threat." Talks in'
        " Jeddah, 30-day ceasefire.",
        guid="urn:x:12345678",
        url="https://WWW.Example.com/a/?utm_source=x&id=2#frag",
        published=datetime(2025, 3, 12, tzinfo=UTC),
        quotes=("we will consider the deployment of troops under any flag as a direct threat",),
    )
    params = ClusterParams()
    out = json.dumps(dump_features(prepare(doc, params)))
    assert (features_version(params), hashlib.sha256(out.encode()).hexdigest()[:16]) == (
        "2:500:20:3:50:60",
        "03f788d093795ba8",
    )
