"""Moving around the desk: panes, cursor, detail, layout switch."""

from __future__ import annotations

from app.desk import Desk
from app.tui.app import DeskApp
from tests.tui.conftest import settle
from widgets.cluster_list import ClusterList
from widgets.pane_deck import PaneDeck


def lists(app: DeskApp) -> dict[str, ClusterList]:
    main = app.main
    return {p: main.deck.pane(p).cluster_list for p in main.panes}


async def test_starts_on_first_pane_with_rows_and_detail(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main = app.main
        assert main.deck.is_wide
        assert main.deck.active == "diplomacy"
        first = desk.clusters("diplomacy")[0]
        assert main.active_list.highlighted == first
        assert main.detail.detail is not None and main.detail.detail.row.id == first.id
        assert app.focused is main.active_list


async def test_cursor_keys_move_and_detail_follows(app: DeskApp, desk: Desk) -> None:
    rows = desk.clusters("diplomacy")
    assert len(rows) >= 4
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        await pilot.press("j", "j")
        assert main.active_list.cursor == 2
        await settle(pilot)
        assert main.detail.detail is not None and main.detail.detail.row.id == rows[2].id
        await pilot.press("k")
        assert main.active_list.cursor == 1
        await pilot.press("G")
        assert main.active_list.cursor == len(rows) - 1
        await pilot.press("g")
        assert main.active_list.cursor == 0
        await pilot.press("pagedown")
        assert main.active_list.cursor == min(len(rows) - 1, main.active_list.size.height - 1)
        await pilot.press("down", "up", "end", "home")
        assert main.active_list.cursor == 0


async def test_pane_switching_keys(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        deck = app.main.deck
        await pilot.press("tab")
        assert deck.active == "battlefield"
        assert app.focused is deck.pane("battlefield").cluster_list
        await pilot.press("shift+tab")
        assert deck.active == "diplomacy"
        await pilot.press("3")
        assert deck.active == "aid"
        await pilot.press("4")
        assert deck.active == "other"
        # "Other" is not a default column: it is shown as an extra column while active.
        assert deck.pane("other").display
        await pilot.press("1")
        assert deck.active == "diplomacy"
        assert not deck.pane("other").display


async def test_narrow_uses_tabs_and_enter_opens_detail(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = app.main
        deck = main.query_one(PaneDeck)
        assert not deck.is_wide
        shown = [p for p in main.panes if deck.pane(p).display]
        assert shown == ["diplomacy"]
        assert not main.detail.display
        await pilot.press("2")
        assert [p for p in main.panes if deck.pane(p).display] == ["battlefield"]
        await pilot.press("enter")
        await pilot.pause()
        assert main.detail.display and not deck.display
        assert app.focused is main.detail.members
        assert main.detail.detail is not None
        assert main.detail.detail.row.id == desk.clusters("battlefield")[0].id
        await pilot.press("escape")
        await pilot.pause()
        assert deck.display and not main.detail.display
        assert app.focused is deck.pane("battlefield").cluster_list


async def test_resize_switches_layout_and_keeps_cursor(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        await pilot.press("j", "j")
        cursor_id = main.active_list.highlighted.id  # type: ignore[union-attr]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not main.deck.is_wide
        assert main.active_list.highlighted.id == cursor_id  # type: ignore[union-attr]
        await pilot.resize_terminal(20, 5)
        await pilot.pause()
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert main.deck.is_wide
        assert main.active_list.highlighted.id == cursor_id  # type: ignore[union-attr]


async def test_leaving_a_new_cluster_marks_it_seen(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    assert first.new
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.main.active_list.highlighted.new  # type: ignore[union-attr]
        await pilot.press("j")
        await settle(pilot)
    assert desk.cluster_detail(first.id).row.new is False  # type: ignore[union-attr]
    assert desk.clusters("diplomacy")[1].new  # only the one left behind
