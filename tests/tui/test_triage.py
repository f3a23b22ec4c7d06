"""Every triage key's effect on the store, and undo."""

from __future__ import annotations

from unittest import mock

import pytest

from app.desk import Desk
from app.tui.app import DeskApp
from app.tui.pickers import ConfirmScreen, MutePicker, PanePicker


def row_of(desk: Desk, cluster_id: str):  # type: ignore[no-untyped-def]
    detail = desk.cluster_detail(cluster_id)
    assert detail is not None
    return detail.row


async def test_read_star_dismiss_and_undo(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert row_of(desk, first.id).unread == 0
        assert app.main.active_list.highlighted.unread == 0  # row updated in place
        await pilot.press("r")
        assert row_of(desk, first.id).unread == first.unread
        await pilot.press("s")
        assert row_of(desk, first.id).starred
        await pilot.press("u")
        assert not row_of(desk, first.id).starred
        await pilot.press("d")
        assert row_of(desk, first.id).dismissed
        assert first.id not in [r.id for r in desk.clusters("diplomacy")]
        # the cursor stays at the same index: now on the next cluster
        assert app.main.active_list.highlighted.id != first.id
        await pilot.press("u")
        assert not row_of(desk, first.id).dismissed
        assert app.main.active_list.total == desk.count_clusters("diplomacy")


async def test_move_to_pane_with_picker_and_undo(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PanePicker)
        assert "diplomacy" not in app.screen.panes
        await pilot.press("down", "enter")  # battlefield, aid, other -> aid
        await pilot.pause()
        moved = desk.cluster_detail(first.id)
        assert moved is not None and moved.row.pane == "aid" and moved.pane_overridden
        assert first.id in [r.id for r in desk.clusters("aid")]
        assert app.main.deck.pane("aid").cluster_list.move_to_id(first.id)
        await pilot.press("u")
        assert row_of(desk, first.id).pane == "diplomacy"


async def test_move_picker_escape_changes_nothing(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
    assert row_of(desk, first.id).pane == "diplomacy"


async def test_mute_outlet_with_expiry_and_undo(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    outlet = desk.cluster_detail(first.id).members[0].outlet  # type: ignore[union-attr]
    before = desk.count_clusters("diplomacy")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MutePicker)
        assert app.screen.targets[0] == ("outlet", outlet)
        await pilot.press("enter")  # the outlet
        await pilot.press("enter")  # default expiry: 7 days
        await pilot.pause()
        assert app.screen is app.main
        mutes = desk.store.mutes(desk.clock())
        assert [(m["kind"], m["value"]) for m in mutes] == [("outlet", outlet)]
        assert desk.count_clusters("diplomacy") < before
        assert app.main.active_list.total == desk.count_clusters("diplomacy")
        await pilot.press("u")
        assert desk.store.mutes(desk.clock()) == []
        assert desk.count_clusters("diplomacy") == before


async def test_mute_typed_term_forever(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#mute-term").focus()
        await pilot.press(*"zzyzx", "enter")
        await pilot.press("end", "enter")  # "until I unmute it"
        await pilot.pause()
    mutes = desk.store.mutes(desk.clock())
    assert [(m["kind"], m["value"]) for m in mutes] == [("term", "zzyzx")]
    assert mutes[0]["expires"] is None


async def test_mark_pane_read_asks_first(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert desk.pane_stats()["diplomacy"].unread > 0
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert desk.pane_stats()["diplomacy"].unread == 0
        assert desk.pane_stats()["battlefield"].unread > 0
        await pilot.press("u")
        assert desk.pane_stats()["diplomacy"].unread > 0


async def test_merge_marks_then_merges_and_undo(app: DeskApp, desk: Desk) -> None:
    rows = desk.clusters("diplomacy")
    a, b = rows[0], rows[1]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("M")  # mark a
        assert app.main.merge_mark is not None and app.main.merge_mark.id == a.id
        await pilot.press("j", "M")  # merge a into b
        await pilot.pause()
        assert app.main.merge_mark is None
        merged = desk.cluster_detail(b.id)
        assert merged is not None
        assert a.id in {m.id for m in merged.members}
        assert merged.row.size == a.size + b.size
        assert desk.count_clusters("diplomacy") == len(rows) - 1
        assert app.main.active_list.total == len(rows) - 1
        await pilot.press("u")
        assert desk.count_clusters("diplomacy") == len(rows)
        assert desk.story(a.id).cluster_id == a.id  # type: ignore[union-attr]


async def test_split_from_detail_member_list_and_undo(app: DeskApp, desk: Desk) -> None:
    pane, big = next((p, r) for p in desk.pane_names() for r in desk.clusters(p) if r.size >= 2)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        main.deck.activate(pane)
        assert main.active_list.move_to_id(big.id)
        await pilot.press("enter")
        await pilot.pause()
        members = main.detail.members
        assert app.focused is members
        index = next(i for i, s in enumerate(members.stories) if s.id != big.id)
        split_id = members.stories[index].id
        members.highlighted = index
        await pilot.press("x")
        await pilot.pause()
        story = desk.story(split_id)
        assert story is not None and story.cluster_id != big.id
        assert desk.cluster_detail(big.id).row.size == big.size - 1  # type: ignore[union-attr]
        await pilot.press("u")
        assert desk.story(split_id).cluster_id == big.id  # type: ignore[union-attr]


async def test_merge_mark_cleared_by_escape_and_second_press(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        assert app.main.merge_mark is not None
        await pilot.press("escape")
        assert app.main.merge_mark is None
        await pilot.press("M", "M")
        assert app.main.merge_mark is None


async def test_undo_with_nothing_to_undo(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with mock.patch.object(app, "notify") as notify:
            await pilot.press("u")
        assert notify.call_args.args[0] == "Nothing to undo."
        assert notify.call_args.kwargs["markup"] is False


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://news.example/a?b=1", True),
        ("http://news.example/x", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("-x", False),
        ("ftp://example.com/a", False),
        ("custom+scheme://x", False),
        ("https://user:pw@example.com/", False),
        ("https://exa mple.com/", False),
        (None, False),
    ],
)
async def test_open_and_copy_link_validation(app: DeskApp, url: str | None, opened: bool) -> None:
    from app.tui import triage

    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with (
            mock.patch("webbrowser.open") as browser,
            mock.patch.object(app, "copy_to_clipboard") as clip,
            mock.patch.object(app, "notify") as notify,
        ):
            triage.link(app.main, url, "open_link")
            triage.link(app.main, url, "copy_link")
            await app.workers.wait_for_complete()
            await pilot.pause()
        if opened:
            browser.assert_called_once_with(url, new=2)
            clip.assert_called_once_with(url)
        else:
            browser.assert_not_called()
            clip.assert_not_called()
            assert "refused" in notify.call_args.args[0] or "no link" in notify.call_args.args[0]
        assert all(c.kwargs.get("markup") is False for c in notify.call_args_list)


async def test_o_and_c_keys_use_the_clusters_link(app: DeskApp, desk: Desk) -> None:
    from tests.tui.conftest import add_stories

    add_stories(desk.settings, ["Zelensky and Macron hold ceasefire talks in Paris"])
    desk.store.close()
    from app.desk import open_desk
    from tests.tui.conftest import frozen

    fresh = open_desk(desk.settings, clock=frozen)
    app2 = type(app)(fresh, refresh=None, clock=frozen)
    async with app2.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app2.main
        for pane in main.panes:
            if main.deck.pane(pane).cluster_list.move_to_id(
                next(r.id for r in fresh.clusters(pane) if r.headline.startswith("Zelensky"))
                if any(r.headline.startswith("Zelensky") for r in fresh.clusters(pane))
                else "-"
            ):
                main.deck.activate(pane)
                break
        await pilot.pause()
        with (
            mock.patch("webbrowser.open") as browser,
            mock.patch.object(app2, "copy_to_clipboard") as clip,
        ):
            await pilot.press("o", "c")
            await app2.workers.wait_for_complete()
        browser.assert_called_once_with("https://wire.example/0", new=2)
        clip.assert_called_once_with("https://wire.example/0")
    fresh.store.close()
