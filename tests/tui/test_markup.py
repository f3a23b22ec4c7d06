"""Hostile feed text (RELIABILITY T1-T3) shown literally everywhere, acting on nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from app.config import Settings
from app.desk import Desk, open_desk
from app.store import Store
from app.tui.app import DeskApp, make_app
from app.tui.feeds import FeedsScreen
from app.tui.search import SearchScreen
from tests.conftest import NOW
from tests.tui.conftest import add_stories, frozen, settle
from widgets.feed_table import FeedTable
from widgets.search_results import SearchResults

HOSTILE = [
    "[/]",
    "[@click=app.quit]",
    "[link=file:///etc/passwd]x[/link]",
    "a [/bold] b",
    "x [/",
    "[$accent]",
    "[@click=app.screenshot('victim','out')]click me",
    "Sneaky \x1b]52;c;ZXZpbA==\x07 \x1b[2J \x9b31m NUL\x00 \u202eRTL title",
]


@pytest.fixture
def hostile_desk(desk_settings: Settings) -> Iterator[Desk]:
    add_stories(
        desk_settings,
        HOSTILE,
        source="https://evil.example/[/]",
        outlet="[@click=app.quit] Evil",
        summary="[bold]unclosed [link=javascript:alert(1)]lead",
    )
    with Store.open(desk_settings.database) as store:
        store.sync_feeds([("https://evil.example/[/]", "[/] evil [@click=app.quit]", ())], NOW)
        store.record_feed_result(
            "https://evil.example/[/]",
            now=NOW,
            ok=False,
            error="redirect to [link=file:///etc/passwd]x[/link] \x1b]8;;file:///\x07",
        )
    desk = open_desk(desk_settings, clock=frozen)
    yield desk
    desk.store.close()


def hostile_rows(desk: Desk) -> list[tuple[str, str]]:
    return [
        (p, r.id)
        for p in desk.pane_names()
        for r in desk.clusters(p)
        if r.headline.startswith(("[", "a [", "x [", "Sneaky"))
    ]


async def test_hostile_rows_render_literally_and_triage_works(hostile_desk: Desk) -> None:
    rows = hostile_rows(hostile_desk)
    assert len(rows) == len(HOSTILE)
    app = make_app(hostile_desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        seen_lines: list[str] = []
        for pane, cluster_id in rows:
            main.deck.activate(pane)
            assert main.active_list.move_to_id(cluster_id)
            await settle(pilot)
            line = main.active_list.render_line(
                main.active_list.cursor - round(main.active_list.scroll_offset.y)
            )
            assert all("@click" not in str(seg.style.meta if seg.style else {}) for seg in line)
            seen_lines.append(line.text)
            detail_text = str(main.detail.query_one("#detail-text").render())
            assert "[link=javascript:alert(1)]" in detail_text  # the lead, literally
            seen_lines.append(detail_text.splitlines()[0])  # the untruncated headline
            await pilot.press("enter")  # detail with hostile outlet / members
            await pilot.pause()
            await pilot.press("escape", "s")  # star toast quotes the headline
            await pilot.pause()
        joined = "\n".join(seen_lines)
        for literal in ("[/]", "[@click=app.quit]", "[link=file:///etc/passwd]x[/link]"):
            assert literal in joined
        assert "a [/bold] b" in joined and "x [/" in joined and "[$accent]" in joined
        for bad in ("\x1b", "\x9b", "\x00", "\u202e", "\x07"):
            assert bad not in joined
        assert app.is_running and app.screen is main
        assert all(not n.markup for n in app._notifications)


async def test_clicking_hostile_row_runs_no_action(hostile_desk: Desk, tmp_path: Path) -> None:
    app = make_app(hostile_desk, clock=frozen)
    pane, cluster_id = next(
        (p, c)
        for p, c in hostile_rows(hostile_desk)
        if hostile_desk.cluster_detail(c).row.headline.startswith("[@click=app.screenshot")  # type: ignore[union-attr]
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        main = app.main
        main.deck.activate(pane)
        assert main.active_list.move_to_id(cluster_id)
        await pilot.pause()
        with (
            mock.patch.object(app, "save_screenshot") as shot,
            mock.patch.object(app, "deliver_screenshot") as deliver,
            mock.patch.object(app, "exit") as exit_,
        ):
            y = main.active_list.cursor - round(main.active_list.scroll_offset.y)
            for x in (6, 10, 20, 30):
                await pilot.click(main.active_list, offset=(x, y))
            await pilot.click("#detail-text", offset=(2, 0))
            await pilot.pause()
        shot.assert_not_called()
        deliver.assert_not_called()
        exit_.assert_not_called()
        assert app.is_running
    assert not list(tmp_path.glob("victim*")) and not list(Path.cwd().glob("victim*"))


async def test_hostile_feed_names_and_errors_on_feeds_screen(hostile_desk: Desk) -> None:
    app = make_app(hostile_desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        table = app.screen.query_one(FeedTable)
        cells = [str(c) for c in table.get_row("https://evil.example/[/]")]
        assert cells[0] == "[/] evil [@click=app.quit]"
        assert "[link=file:///etc/passwd]x[/link]" in cells[3]
        assert "\x1b" not in cells[3] and "\x07" not in cells[3]
        await pilot.click(FeedTable, offset=(3, 1))
        await pilot.pause()
        assert app.is_running


async def test_hostile_search_hits_and_palette(hostile_desk: Desk) -> None:
    app = make_app(hostile_desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"passwd", "enter")
        await pilot.pause()
        results = app.screen.query_one(SearchResults)
        assert results.hits
        prompt = results.get_option_at_index(0).prompt
        assert "[link=file:///etc/passwd]x[/link]" in str(prompt)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"jump click")
        await pilot.pause(0.5)
        await pilot.pause(0.5)
        from textual.command import CommandList

        shown = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
        assert any("Jump to: [@click=app.quit]" in text for text in shown), shown
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_markup_in_toasts_is_plain(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.notify("[/] [@click=app.quit]", markup=False)
        await pilot.pause()
        assert app.is_running
