"""Shared fixtures: a frozen clock, temp databases, seed-only settings."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import Settings, parse_settings
from app.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
#: The frozen "now" of the tests: a few days after the seeds' events.
NOW = datetime(2025, 12, 5, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A copy of the bundled seeds with a fixed mtime (relative times resolve against it)."""
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    ts = NOW.timestamp() - 3600
    for f in d.iterdir():
        import os

        os.utime(f, (ts, ts))
    return d


@pytest.fixture
def settings(tmp_path: Path, seed_dir: Path) -> Settings:
    """Seeds only, no feeds, a temp database."""
    return parse_settings(
        {
            "storage": {"database": str(tmp_path / "t.db")},
            "seeds": {"paths": [str(seed_dir)]},
            "feeds": [],
        },
        base=tmp_path,
    )


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store.open(settings.database)
    yield s  # type: ignore[misc]
    s.close()
