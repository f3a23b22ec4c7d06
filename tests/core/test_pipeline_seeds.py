"""The five seeds through the whole pipeline: what the desk will show."""

from __future__ import annotations

import asyncio

import pytest

from app.config import Settings
from app.refresh import refresh
from app.store import Store
from tests.conftest import NOW


@pytest.fixture
def loaded(settings: Settings) -> Store:
    store = Store.open(settings.database)
    asyncio.run(refresh(settings, store, now=NOW))
    yield store  # type: ignore[misc]
    store.close()


def by_title(store: Store, start: str):  # type: ignore[no-untyped-def]
    matches = [s for s in store.stories() if s.title.startswith(start)]
    assert len(matches) == 1, (start, [s.title for s in store.stories()])
    return matches[0]


def test_grushko_pair_is_one_cluster_with_shared_quotes(loaded: Store) -> None:
    a = by_title(loaded, "Russia demands peace deal includes ban on Ukraine joining Nato")
    b = by_title(loaded, "Russia seeks NATO exclusion in Ukraine")
    assert a.cluster_id == b.cluster_id
    joined = a if a.cluster_signal.value != "founder" else b
    assert joined.cluster_signal.value in ("lead", "quote")
    assert joined.cluster_matched in (a.id, b.id)
    shared = set(a.quote_ids) & set(b.quote_ids)
    quotes = {q.id: q for q in loaded.cluster_quotes([a.id])}
    (ironclad,) = [quotes[q] for q in shared if "ironclad security guarantees" in quotes[q].text]
    assert ironclad.stories == 2
    # Both stories also carry "Part of these guarantees ..." (Nato vs NATO): one quote too.
    assert len(shared) == 2


@pytest.mark.parametrize(
    "title",
    ["Russia launches drone attack on Ukraine", "Fresh Aid For Ukraine"],
)
def test_unrelated_seed_stories_stay_alone(loaded: Store, title: str) -> None:
    s = by_title(loaded, title)
    assert loaded.cluster_story_ids(s.cluster_id or "") == [s.id]


@pytest.mark.parametrize(
    ("title", "pane"),
    [
        ("Fresh Aid For Ukraine", "aid"),
        ("Russia launches drone attack on Ukraine", "battlefield"),
        ("Russia Says It Has Retaken Last Major Kursk Settlement", "battlefield"),
        ("Putin and Trump's representative scheduled", "diplomacy"),
        ("Russia demands peace deal includes ban on Ukraine joining Nato", "diplomacy"),
    ],
)
def test_seed_panes(loaded: Store, title: str, pane: str) -> None:
    s = by_title(loaded, title)
    (row,) = loaded.cluster_rows(None, cluster_ids=[s.cluster_id or ""])
    assert row["pane"] == pane
    assert s.pane_terms  # the deciding terms are stored


def test_every_story_is_in_exactly_one_cluster_and_one_pane(loaded: Store) -> None:
    stories = loaded.stories()
    assert all(s.cluster_id for s in stories)
    clusters = {s.cluster_id for s in stories}
    rows = loaded.cluster_rows(None, limit=10_000)
    assert {r["id"] for r in rows} == clusters
    assert sum(r["size"] for r in rows) == len(stories)
    assert loaded.fts_check() is None and loaded.quick_check() is None


def test_readme_states_what_the_seeds_become(loaded: Store) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    stories = loaded.story_count()
    clusters = len(loaded.cluster_rows(None, limit=10_000))
    assert f"**{stories} stories** in **{clusters} clusters**" in readme
    assert (stories, clusters) == (17, 16)
