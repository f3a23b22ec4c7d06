"""Desk fixtures: a real Desk over a temp database with the seeds ingested.

Seeds are copied to a fixed directory (story ids hash the source path, and
the lists order ties by id), with a fixed mtime, and ingested at the frozen
NOW, so ages, order and snapshots are the same on every run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import derive
from app.config import Settings, parse_settings
from app.desk import Desk
from app.models import ParsedStory, SourceKind
from app.store import Store
from app.text import clean_line
from app.tui.app import DeskApp, make_app
from tests.conftest import NOW, SEEDS

#: A fixed place for the seed copy: ids depend on the path.
SEED_COPY = Path(tempfile.gettempdir()) / "frontline-tui-tests" / "seeds"


def frozen() -> datetime:
    return NOW


def seed_copy() -> Path:
    if SEED_COPY.exists():
        shutil.rmtree(SEED_COPY)
    shutil.copytree(SEEDS, SEED_COPY)
    ts = NOW.timestamp() - 3600
    for f in SEED_COPY.iterdir():
        os.utime(f, (ts, ts))
    return SEED_COPY


def make_settings(tmp_path: Path, **extra: Any) -> Settings:
    data: dict[str, Any] = {
        "storage": {"database": str(tmp_path / "desk.db")},
        "seeds": {"paths": [str(SEED_COPY)]},
        "feeds": [],
    }
    data.update(extra)
    return parse_settings(data, base=tmp_path)


def ingest_seeds(settings: Settings) -> None:
    from app.refresh import ingest_paths

    seed_copy()
    with Store.open(settings.database) as store:
        ingest_paths(settings, store, sorted(SEED_COPY.iterdir()), now=NOW)


def add_stories(
    settings: Settings,
    titles: Sequence[str],
    *,
    source: str = "https://wire.example/feed",
    outlet: str = "Wire",
    now: datetime = NOW,
    urls: Sequence[str | None] | None = None,
    summary: str = "",
) -> None:
    """Write stories through the core's ingest steps on a separate connection (like cron)."""
    stories = [
        ParsedStory(
            title=clean_line(title),
            summary=summary or clean_line(f"{title} — report from the wire service."),
            url=(urls[i] if urls is not None else f"https://wire.example/{i}"),
            guid=f"{source}#{title}",
            outlet=outlet,
            published=now - timedelta(minutes=len(titles) - i),
        )
        for i, title in enumerate(titles)
    ]
    with Store.open(settings.database) as store:
        res = store.write_stories(source, SourceKind.FEED, stories, outlet=outlet, now=now)
        derive.update_derived(store, settings, res.new + res.updated, now=now)


@pytest.fixture
def desk_settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path, alerts={"terms": ["Kursk"], "bell": True})
    ingest_seeds(settings)
    return settings


@pytest.fixture
def desk(desk_settings: Settings) -> Iterator[Desk]:
    from app.desk import open_desk

    d = open_desk(desk_settings, clock=frozen)
    yield d
    d.store.close()


@pytest.fixture
def app(desk: Desk) -> DeskApp:
    return make_app(desk, clock=frozen)


async def settle(pilot: Any) -> None:
    """Wait until the detail panel has followed the cursor.

    The panel waits for the cursor to rest (``DETAIL_DELAY``) before it
    loads; this polls the screen's own flag, so it is not a timing guess.
    """
    from app.tui.main import DETAIL_DELAY, MainScreen

    await pilot.pause()
    main = pilot.app.screen_stack[0]
    assert isinstance(main, MainScreen)
    for _ in range(100):
        if not main.detail_pending:
            break
        await pilot.pause(DETAIL_DELAY)
    assert not main.detail_pending, "the detail panel never followed the cursor"
    await pilot.pause()
