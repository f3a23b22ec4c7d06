"""The desk stays responsive: the detail waits for the cursor to rest, a cursor
move repaints two lines, search runs on a worker, the database check runs
after the first frame and still guards every write."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from textual.geometry import Region

from app.config import Settings
from app.desk import Desk, open_desk
from app.errors import DatabaseError
from app.models import SearchHit
from app.tui import main as main_module
from app.tui.app import DeskApp, make_app
from app.tui.search import SearchScreen
from tests.tui.conftest import frozen, settle
from tests.tui.test_widgets import CountingSource, ListApp
from widgets.cluster_list import ClusterList
from widgets.search_results import SearchResults


async def test_detail_waits_for_the_cursor_to_rest_then_loads_once(
    app: DeskApp, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = desk.clusters("diplomacy")
    assert len(rows) >= 5
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.detail.detail is not None and main.detail.detail.row.id == rows[0].id
        monkeypatch.setattr(main_module, "DETAIL_DELAY", 30.0)  # a key held down
        with mock.patch.object(desk, "cluster_detail", wraps=desk.cluster_detail) as loads:
            await pilot.press("j", "j", "j")
            await pilot.pause()
            assert main.active_list.cursor == 3  # the cursor moved at once
            assert main.detail_pending
            assert main.detail.detail.row.id == rows[0].id  # the panel has not followed yet
            assert loads.call_count == 0
            monkeypatch.setattr(main_module, "DETAIL_DELAY", 0.01)  # the key is let go
            await pilot.press("j")
            await settle(pilot)
            assert main.detail.detail.row.id == rows[4].id
            assert loads.call_count == 1  # one load for the whole run of moves


async def test_pane_switch_detail_follows_the_new_pane(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        detail = app.main.detail.detail
        assert detail is not None and detail.row.id == desk.clusters("battlefield")[0].id


async def test_a_cursor_move_repaints_only_the_two_lines_that_changed() -> None:
    app = ListApp(CountingSource(1000))
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        lst = app.query_one(ClusterList)
        with mock.patch.object(lst, "refresh", wraps=lst.refresh) as refresh:
            await pilot.press("j")
            lines = [call.args for call in refresh.call_args_list]
        assert lst.cursor == 1
        width = lst.size.width
        assert lines == [(Region(0, 0, width, 1),), (Region(0, 1, width, 1),)]
        with mock.patch.object(lst, "refresh", wraps=lst.refresh) as refresh:
            await pilot.press("G")  # a scroll repaints the view
            assert any(call.args == () for call in refresh.call_args_list)


async def _open_search(app: DeskApp, pilot: Any) -> SearchScreen:
    await settle(pilot)
    await pilot.press("slash")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def _answered(screen: SearchScreen, pilot: Any) -> None:
    for _ in range(100):
        if not screen.searching:
            return
        await pilot.pause(0.02)
    raise AssertionError("the search never answered")


def _hit(title: str) -> SearchHit:
    return SearchHit(story_id=title, cluster_id=None, title=title, snippet=title)


async def test_search_runs_on_a_worker_thread_with_its_own_connection(
    app: DeskApp, desk: Desk
) -> None:
    threads: list[int] = []
    real = desk.search_apart

    def spy(query: str, *, limit: int = 50) -> list[SearchHit]:
        threads.append(threading.get_ident())
        return real(query, limit=limit)

    with (
        mock.patch.object(desk, "search_apart", side_effect=spy),
        mock.patch.object(
            desk.store, "search", side_effect=AssertionError("searched on the UI connection")
        ),
    ):
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await _open_search(app, pilot)
            await pilot.press(*"Kursk", "enter")
            await _answered(screen, pilot)
            assert screen.hits and threads
            assert all(t != threading.get_ident() for t in threads)
            assert app.focused is screen.query_one(SearchResults)


async def test_a_stale_search_never_overwrites_a_newer_one(app: DeskApp, desk: Desk) -> None:
    release = threading.Event()

    def fake(query: str, *, limit: int = 50) -> list[SearchHit]:
        if query == "slow":
            release.wait(timeout=10)
            return [_hit("slow answer")]
        return [_hit("fast answer")]

    with mock.patch.object(desk, "search_apart", side_effect=fake):
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await _open_search(app, pilot)
            await pilot.press(*"slow", "enter")
            await pilot.pause()
            assert screen.searching
            await pilot.press(*["backspace"] * 4, *"fast", "enter")
            await _answered(screen, pilot)
            assert [h.title for h in screen.hits] == ["fast answer"]
            release.set()  # the slow search answers late...
            screen.post_message(SearchScreen.HitsFound(1, "slow", [_hit("slow answer")]))
            await pilot.pause(0.1)
            await pilot.pause()
            assert [h.title for h in screen.hits] == ["fast answer"]  # ...and is dropped
            shown = screen.query_one(SearchResults).hits
            assert [h.title for h in shown] == ["fast answer"]


def _break_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    assert len(data) > 12 * 4096
    data[9 * 4096 + 8 : 9 * 4096 + 40] = bytes(range(32))  # page 10's cell pointers
    path.write_bytes(bytes(data))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_deferred_check_guards_every_write(desk_settings: Settings) -> None:
    sound = open_desk(desk_settings, clock=frozen, check=False)
    try:
        assert sound.integrity_pending
        assert sound.check_integrity() is None
        assert not sound.integrity_pending
        first = sound.clusters("diplomacy")[0]
        sound.toggle_star(first.id)  # a sound file takes writes
    finally:
        sound.store.close()
    path = desk_settings.database
    _break_a_page(path)
    before = _sha(path)
    with pytest.raises(DatabaseError):
        open_desk(desk_settings, clock=frozen).store.close()  # checked at open: refused
    broken = open_desk(desk_settings, clock=frozen, check=False)
    try:
        assert broken.check_integrity() is not None
        with pytest.raises(DatabaseError, match="integrity check failed"):
            broken.toggle_star(first.id)
        with pytest.raises(DatabaseError, match="integrity check failed"):
            broken.mark_seen(first.id)
    finally:
        broken.store.close()
    assert _sha(path) == before


async def test_the_desk_leaves_when_the_deferred_check_fails(desk_settings: Settings) -> None:
    _break_a_page(desk_settings.database)
    desk = open_desk(desk_settings, clock=frozen, check=False)
    try:
        app = make_app(desk, clock=frozen)
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(200):
                if app._exit:
                    break
                await pilot.pause(0.02)
        assert app.return_code == 2
    finally:
        desk.store.close()


def test_pages_read_from_the_end_are_the_same_rows(desk: Desk) -> None:
    for pane in desk.pane_names():
        total = desk.count_clusters(pane)
        forward = desk.clusters(pane, limit=total + 5)
        assert len(forward) == total
        for limit in (1, 3, 7):
            for offset in range(total + 1):
                page = desk.clusters(pane, limit=limit, offset=offset, total=total)
                assert page == forward[offset : offset + limit], (pane, offset, limit)
