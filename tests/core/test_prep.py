"""Per-story work done in the parse workers gives exactly what the derive step computes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app import derive
from app.classify import classify
from app.cluster_score import features_version, prepare
from app.config import Settings, parse_settings
from app.models import ParsedStory, SourceKind
from app.parse import parse_feed
from app.prep import PrepSpec, features_json, parse_and_prep, prep_story
from app.refresh import run_refresh
from app.seeds import segment_page
from app.store import Store
from tests.conftest import DATA, NOW, SEEDS

BBC = DATA / "feeds" / "bbc_2021.xml"


def _settings(tmp_path: Path, feeds: list[dict[str, str]] | None = None) -> Settings:
    return parse_settings(
        {
            "storage": {"database": str(tmp_path / "p.db")},
            "seeds": {"paths": []},
            "feeds": feeds or [],
        },
        base=tmp_path,
    )


def _seed_stories() -> Iterator[ParsedStory]:
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        yield from segment_page(text, name=path.name, mtime=NOW, suffix=path.suffix)


def test_worker_prep_equals_what_derive_computes_from_the_stored_row(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    feed = parse_feed(BBC.read_bytes(), url="https://bbc.example/rss", now=NOW)
    body_only = ParsedStory(
        title="Grushko warns Europe over peacekeepers",
        body="Russia's deputy foreign minister said: \"We will consider any deployment of"
        ' troops under any flag as a direct threat to our security."\nMore text follows.',
        url="https://x.example/body-only",
        published=NOW,
    )
    stories = [*feed.stories, *_seed_stories(), body_only]
    assert len(stories) > 50
    with Store.open(settings.database) as store:
        res = store.write_stories(
            "https://bbc.example/rss", SourceKind.FEED, stories, outlet="BBC", now=NOW
        )
        assert len(res.new) == len({(s.guid, s.url, s.title) for s in stories})
        rows = {r["id"]: r for r in store.raw_stories(list(res.new))}
    quoted = 0
    for sid, row in rows.items():
        doc, quotes = derive._doc_and_quotes(row)
        quoted += bool(quotes)
        expected = features_json(prepare(doc, settings.clustering), quotes)
        story = ParsedStory(
            title=row["title"],
            summary=row["summary"],
            body=row["body"],
            url=row["url"],
            guid=row["guid"],
        )
        got = prep_story(story, settings.panes, settings.clustering)
        assert got.features == expected, sid
        c = classify(row["title"], row["summary"], row["body"], rules=settings.panes)
        assert (got.pane, got.score, got.terms) == (c.pane, c.score, tuple(c.terms))
        assert got.version == features_version(settings.clustering)
    assert quoted >= 2  # the seeds' Grushko quote travels too


def test_stories_written_with_preps_are_not_tokenised_again(
    tmp_path: Path, prepared_ids: list[str]
) -> None:
    settings = _settings(tmp_path)
    spec = PrepSpec.of(settings.panes, settings.clustering)
    parsed, preps = parse_and_prep(
        BBC.read_bytes(),
        url="https://bbc.example/rss",
        headers=None,
        now=NOW,
        max_items=500,
        spec=spec,
    )
    assert len(preps) == len(parsed.stories) > 20
    prepared = prepared_ids
    with Store.open(settings.database) as store:
        res = store.write_stories(
            "https://bbc.example/rss",
            SourceKind.FEED,
            parsed.stories,
            outlet="BBC",
            now=NOW,
            preps=preps,
        )
        assert store.db.execute("SELECT count(*) FROM story_features").fetchone()[0] == len(res.new)
        panes = store.story_panes(list(res.new))
        assert len(panes) == len(res.new)
        derive.update_derived(store, settings, list(res.new), now=NOW)
        assert prepared == []  # the window came from the stored features
        assert store.story_panes(list(res.new)) == panes
        links = store.cluster_links()
        assert set(links) == set(res.new)
        derive.rebuild(store, settings, now=NOW)
        assert store.cluster_links() == links
        assert store.story_panes(list(res.new)) == panes


def test_preps_must_match_the_stories(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story = ParsedStory(title="Talks in Jeddah end with a ceasefire proposal", published=NOW)
    prep = prep_story(story, settings.panes, settings.clustering)
    with Store.open(settings.database) as store, pytest.raises(ValueError, match="2 preps for 1"):
        store.write_stories(
            "https://x.example/", SourceKind.FEED, [story], outlet="X", now=NOW, preps=[prep, prep]
        )


def test_an_interrupted_refresh_is_clustered_by_the_next_one(tmp_path: Path) -> None:
    """Stories written by a run that died before its derive step are placed later."""
    settings = _settings(tmp_path)
    title = "Ukraine accepts US proposal for a 30-day ceasefire after talks in Jeddah"
    first = [
        ParsedStory(
            title=title,
            summary="Officials met for eight hours.",
            url="https://a.example/1",
            published=NOW,
        )
    ]
    later = [
        replace(
            first[0],
            title=title + " - update",
            url="https://b.example/1",
            published=NOW + timedelta(hours=1),
        )
    ]
    with Store.open(settings.database) as store:
        orphan = store.write_stories(
            "https://a.example/", SourceKind.FEED, first, outlet="A", now=NOW
        ).new
        # ... the process is killed here; the next refresh brings one story.
        new = store.write_stories(
            "https://b.example/", SourceKind.FEED, later, outlet="B", now=NOW
        ).new
        derive.update_derived(store, settings, list(new), now=NOW)
        links = store.cluster_links()
        assert links[orphan[0]].cluster_id == links[new[0]].cluster_id == orphan[0]
        assert store.story_panes(list(orphan))


def test_refresh_stores_preps_for_fetched_feeds(tmp_path: Path) -> None:
    body = BBC.read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/rss+xml"})

    settings = _settings(tmp_path, [{"url": "https://bbc.example/rss", "name": "BBC"}])
    report = run_refresh(settings, transport=httpx.MockTransport(handler), now=NOW)
    assert report.new > 20
    with Store.open(settings.database) as store:
        rows = store.db.execute(
            "SELECT f.version, f.data FROM story_features f JOIN stories s ON s.id = f.story_id"
            " WHERE f.content_hash = s.content_hash"
        ).fetchall()
        assert len(rows) == report.new
        assert {v for v, _ in rows} == {features_version(settings.clustering)}
        assert all(isinstance(json.loads(d), list) for _, d in rows)


def test_a_refresh_with_nothing_new_still_clusters_what_a_killed_run_left(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    story = ParsedStory(
        title="Ukraine accepts US proposal for a 30-day ceasefire after talks in Jeddah",
        summary="Officials met for eight hours.",
        url="https://a.example/1",
        published=NOW,
    )
    with Store.open(settings.database) as store:
        (orphan,) = store.write_stories(
            "https://a.example/", SourceKind.FEED, [story], outlet="A", now=NOW
        ).new
        # The run is killed here: the journal says what its derive step owed.
        assert store.pending() == ([orphan], [])
    report = run_refresh(settings, now=NOW + timedelta(minutes=10))  # no feeds, no seeds
    assert report.new == 0
    with Store.open(settings.database) as store:
        assert store.pending() == ([], [])
        assert store.cluster_links()[orphan].cluster_id == orphan
        assert store.story_panes([orphan])


def test_a_killed_run_that_removed_stories_has_their_clusters_rewritten(tmp_path: Path) -> None:
    """Removing a member (seed file edited) shrinks its cluster, even across a killed run."""
    settings = _settings(tmp_path)
    source = str(tmp_path / "page.txt")
    a = ParsedStory(
        title="Ukraine accepts US proposal for a 30-day ceasefire after talks in Jeddah",
        summary="Officials met for eight hours.",
        published=NOW,
    )
    b = replace(a, title="Ukraine accepts US proposal for 30-day ceasefire after Jeddah talks")
    with Store.open(settings.database) as store:
        first = store.write_stories(
            source, SourceKind.FILE, [a, b], outlet="F", now=NOW, replace_all=True
        )
        derive.update_derived(store, settings, store.pending()[0], now=NOW)
        store.clear_pending(list(first.new))
        (cluster,) = {lk.cluster_id for lk in store.cluster_links().values()}
        assert store.db.execute("SELECT size FROM clusters").fetchall() == [(2,)]
        gone = store.write_stories(
            source, SourceKind.FILE, [a], outlet="F", now=NOW, replace_all=True
        )
        assert len(gone.removed) == 1
        assert store.pending() == ([], [cluster])
    run_refresh(settings, now=NOW + timedelta(minutes=10))  # the next run, nothing new
    with Store.open(settings.database) as store:
        assert store.db.execute("SELECT id, size FROM clusters").fetchall() == [(cluster, 1)]
        assert store.pending() == ([], [])


def test_stored_features_stay_bounded_on_feeds_alone(tmp_path: Path) -> None:
    """Feed stories arrive with features; those behind the window are still dropped."""
    settings = _settings(tmp_path)
    spec = PrepSpec.of(settings.panes, settings.clustering)
    with Store.open(settings.database) as store:
        for day in range(6):
            at = NOW + timedelta(days=day)
            stories = [
                ParsedStory(
                    title=f"Day {day}: talks on a ceasefire continue in city number {i}",
                    summary="Delegations met again.",
                    url=f"https://a.example/{day}/{i}",
                    published=at,
                )
                for i in range(5)
            ]
            preps = [prep_story(s, spec.rules(), spec.params) for s in stories]
            store.write_stories(
                "https://a.example/", SourceKind.FEED, stories, outlet="A", now=at, preps=preps
            )
            derive.update_derived(store, settings, store.pending()[0], now=at)
            store.clear_pending(None)
        kept = store.db.execute(
            "SELECT min(s.published) FROM story_features f JOIN stories s ON s.id = f.story_id"
        ).fetchone()[0]
        total = store.db.execute("SELECT count(*) FROM story_features").fetchone()[0]
    # Only the last day's window (48 h before its stories) keeps features.
    assert total <= 15
    assert kept >= (NOW + timedelta(days=3)).strftime("%Y-%m-%d")
