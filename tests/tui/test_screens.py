"""Search, feeds, filter, help, keymap and the command palette."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from textual.command import CommandList

from app.config import Settings
from app.desk import Desk, open_desk
from app.store import Store
from app.tui.app import DeskApp, make_app
from app.tui.feeds import FeedsScreen
from app.tui.help import HelpScreen
from app.tui.keys import known_binding_ids
from app.tui.pickers import FilterPicker
from app.tui.search import SearchScreen
from tests.conftest import NOW
from tests.tui.conftest import frozen
from widgets.feed_table import FeedTable
from widgets.search_results import SearchResults


async def test_search_jumps_to_cluster_in_its_pane(app: DeskApp, desk: Desk) -> None:
    hits = desk.search("Kursk")
    assert hits
    target = desk.cluster_detail(hits[0].cluster_id)  # type: ignore[arg-type]
    assert target is not None
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"Kursk", "enter")
        await pilot.pause()
        results = app.screen.query_one(SearchResults)
        assert [h.story_id for h in results.hits] == [h.story_id for h in hits]
        assert app.focused is results
        prompt = results.get_option_at_index(0).prompt
        assert any(span.style == "reverse" for span in prompt.spans)  # highlighted match
        await pilot.press("enter")
        await pilot.pause()
        main = app.main
        assert app.screen is main
        assert main.deck.active == target.row.pane
        assert main.active_list.highlighted is not None
        assert main.active_list.highlighted.id == target.row.id
        assert main.detail.detail is not None and main.detail.detail.row.id == target.row.id


async def test_search_no_hits_and_escape(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*'zzqx "(', "enter")
        await pilot.pause()
        assert app.screen.query_one(SearchResults).hits == ()
        assert "No hits" in str(app.screen.query_one("#search-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_feeds_screen_retry_disable_enable_undo(desk_settings: Settings) -> None:
    url = "https://b.example/rss"
    later = NOW + timedelta(hours=2)
    with Store.open(desk_settings.database) as store:
        store.sync_feeds([("https://a.example/rss", "A wire", ()), (url, "B wire", ())], NOW)
        store.record_feed_result(url, now=NOW, ok=False, error="timeout", next_attempt=later)
    desk = open_desk(desk_settings, clock=frozen)
    app = make_app(desk, clock=frozen)

    def feed(u: str):  # type: ignore[no-untyped-def]
        return next(f for f in desk.feeds() if f.url == u)

    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        table = app.screen.query_one(FeedTable)
        assert table.row_count == 2
        assert [str(c) for c in table.get_row(url)][:5] == [
            "B wire",
            "failing",
            "never",
            "timeout",
            "     1",
        ]
        await pilot.press("down")
        assert table.highlighted_feed is not None and table.highlighted_feed.url == url
        await pilot.press("t")
        assert feed(url).next_attempt is None
        await pilot.press("e")
        assert not feed(url).enabled
        assert table.highlighted_feed.url == url  # cursor kept on the feed
        assert str(table.get_row(url)[1]) == "disabled"
        await pilot.press("e")
        assert feed(url).enabled
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        await pilot.press("u")  # undo the re-enable
        assert not feed(url).enabled
    desk.store.close()


async def test_filter_unread_starred_since(app: DeskApp, desk: Desk) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        total = main.active_list.total
        await pilot.press("r")  # first cluster read
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterPicker)
        await pilot.press("space")  # unread only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert main.filters["diplomacy"].unread_only
        assert main.active_list.total == total - 1
        assert "[unread]" in str(main.deck.active_pane.header.query_one("Label").render())
        assert main.filters["battlefield"].unread_only is False
        # starred only, all panes
        await pilot.press("f")
        await pilot.pause()
        picker = app.screen
        picker.query_one("#f-unread").value = False  # type: ignore[attr-defined]
        picker.query_one("#f-starred").value = True  # type: ignore[attr-defined]
        picker.query_one("#f-all").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert all(f.starred_only for f in main.filters.values())
        assert main.active_list.total == 0
        # since: last hour; then clear
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#f-starred").value = False  # type: ignore[attr-defined]
        app.screen.query_one("#f-since").focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert main.filters["diplomacy"].since == NOW - timedelta(hours=1)
        assert main.active_list.total == desk.count_clusters("diplomacy", main.filters["diplomacy"])
        await pilot.press("f")
        await pilot.pause()
        await pilot.click("#clear")
        await pilot.pause()
        assert main.filters["diplomacy"] == type(main.filters["diplomacy"])()


async def test_help_lists_every_binding_with_keymap(desk: Desk) -> None:
    app = make_app(desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.set_keymap({"star": "S"})
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        for binding_id in ("star", "split", "mark_pane_read", "refresh", "open_link", "merge"):
            assert f"[{binding_id}]" in text
        assert "S             Toggle star" in text.replace("  S ", "  S ")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_keymap_from_settings_remaps_keys(desk_settings: Settings) -> None:
    from dataclasses import replace

    settings = replace(desk_settings, keymap={"star": "S", "down": "n", "nonsense": "z"})
    desk = open_desk(settings, clock=frozen)
    first = desk.clusters("diplomacy")[0]
    app = make_app(desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert any("nonsense" in n.message for n in app._notifications)
        await pilot.press("s")  # no longer star
        assert not desk.cluster_detail(first.id).row.starred  # type: ignore[union-attr]
        await pilot.press("S")
        assert desk.cluster_detail(first.id).row.starred  # type: ignore[union-attr]
        await pilot.press("n")
        assert app.main.active_list.cursor == 1
    desk.store.close()


def test_binding_ids_are_known_and_every_feature_has_one() -> None:
    ids = known_binding_ids()
    for required in (
        "down", "up", "top", "bottom", "page_down", "page_up", "next_pane", "prev_pane",
        "pane_1", "pane_2", "pane_3", "pane_4", "open", "read", "star", "dismiss", "mute",
        "move", "split", "merge", "mark_pane_read", "undo", "open_link", "copy_link",
        "refresh", "search", "filter", "feeds", "help", "quit",
    ):  # fmt: skip
        assert required in ids


async def test_palette_lists_desk_actions_and_runs_them(app: DeskApp, desk: Desk) -> None:
    first = desk.clusters("diplomacy")[0]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.main)}
        for title in (
            "Refresh now", "Search", "Feeds", "Help", "Undo", "Filter pane", "Mark pane read",
            "Next pane", "Open detail", "Toggle read", "Star", "Dismiss", "Mute", "Move to pane",
            "Merge", "Open link", "Copy link", "Split story",
        ):  # fmt: skip
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Star")
        await pilot.pause(0.5)
        await pilot.pause(0.5)
        shown = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
        assert any(text.startswith("Star") for text in shown), shown
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is app.main
        assert desk.cluster_detail(first.id).row.starred  # type: ignore[union-attr]


async def test_palette_provider_goes_to_pane(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to pane aid")
        await pilot.pause(0.5)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.deck.active == "aid"


async def test_quit_key_exits(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with mock.patch.object(app, "exit") as exit_:
            await pilot.press("q")
        exit_.assert_called_once()
