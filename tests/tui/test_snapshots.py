"""Snapshots of the desk on seed data with a frozen clock (160x45 and 80x24).

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and review
the SVGs in ``tests/tui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from app.desk import Desk, open_desk
from app.tui.app import DeskApp, make_app
from tests.tui.conftest import frozen, ingest_seeds, make_settings, settle

WIDE = (160, 45)
NARROW = (80, 24)
Snap = Callable[..., bool]


@pytest.fixture
def calm_desk(tmp_path: Path) -> Iterator[Desk]:
    """Seeds only, no alert terms (no toasts over the picture)."""
    settings = make_settings(tmp_path)
    ingest_seeds(settings)
    desk = open_desk(settings, clock=frozen)
    yield desk
    desk.store.close()


@pytest.fixture
def calm_app(calm_desk: Desk) -> DeskApp:
    return make_app(calm_desk, clock=frozen)


async def _settle(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.pause()


def test_desk_wide(snap_compare: Snap, calm_app: DeskApp) -> None:
    assert snap_compare(calm_app, terminal_size=WIDE, run_before=_settle)


def test_desk_wide_triaged(snap_compare: Snap, calm_app: DeskApp) -> None:
    async def triage(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("j", "s", "j", "r", "j", "M", "tab", "j")
        calm_app.clear_notifications()
        await _settle(pilot)

    assert snap_compare(calm_app, terminal_size=WIDE, run_before=triage)


def test_desk_narrow(snap_compare: Snap, calm_app: DeskApp) -> None:
    assert snap_compare(calm_app, terminal_size=NARROW, run_before=_settle)


def test_desk_narrow_detail(snap_compare: Snap, calm_app: DeskApp) -> None:
    async def open_detail(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("j", "enter")
        await _settle(pilot)

    assert snap_compare(calm_app, terminal_size=NARROW, run_before=open_detail)


def test_search_narrow(snap_compare: Snap, calm_app: DeskApp) -> None:
    async def search(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Kursk", "enter")
        await _settle(pilot)

    assert snap_compare(calm_app, terminal_size=NARROW, run_before=search)


def test_help_wide(snap_compare: Snap, calm_app: DeskApp) -> None:
    async def help_screen(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(calm_app, terminal_size=WIDE, run_before=help_screen)
