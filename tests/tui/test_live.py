"""Live desk: refresh worker, cron writes, locked refresh, alerts, header."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from app.config import Settings
from app.desk import Desk, open_desk
from app.errors import LockedError
from app.models import RefreshReport
from app.tui.app import DeskApp, make_app
from tests.conftest import NOW
from tests.tui.conftest import add_stories, frozen
from widgets.desk_header import DeskHeader

NEW_TITLES = [
    "Ukraine and Russia agree to resume ceasefire talks in Istanbul, diplomats say",
    "EU foreign ministers meet on Ukraine peace plan and sanctions package",
]


def header_text(app: DeskApp) -> str:
    return str(app.main.query_one(DeskHeader).render_status(app.main.query_one(DeskHeader).status))


async def test_refresh_worker_inserts_rows_and_keeps_cursor(
    desk: Desk, desk_settings: Settings
) -> None:
    calls: list[str] = []

    def refresh() -> RefreshReport:
        calls.append("run")  # runs in the worker thread, with its own connection
        add_stories(desk_settings, NEW_TITLES, now=NOW + timedelta(minutes=5))
        return RefreshReport(started=NOW, finished=NOW)

    app = make_app(desk, refresh=refresh, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        cluster_list = app.main.active_list
        await pilot.press("j", "j")
        before = cluster_list.highlighted
        assert before is not None
        total = cluster_list.total
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["run"]
        assert cluster_list.total > total
        assert cluster_list.highlighted is not None
        assert cluster_list.highlighted.id == before.id  # never jumps to another cluster
        assert cluster_list.cursor == 2 + (cluster_list.total - total)
        top = cluster_list.row_at(0)
        assert top is not None and top.new
        assert app.refresh_state == ""


async def test_f5_refresh_locked_elsewhere_shows_pid(desk: Desk) -> None:
    def refresh() -> RefreshReport:
        raise LockedError("another refresh is running", pid=4242)

    app = make_app(desk, refresh=refresh, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with mock.patch.object(app, "notify") as notify:
            await pilot.press("f5")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert "Refresh in progress (pid 4242)" in notify.call_args.args[0]
        assert "refresh in progress (pid 4242)" in header_text(app)
        assert app.is_running


async def test_refresh_failure_is_a_toast_not_a_crash(desk: Desk) -> None:
    def refresh() -> RefreshReport:
        raise RuntimeError("[/] boom [@click=app.quit]")

    app = make_app(desk, refresh=refresh, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with mock.patch.object(app, "notify") as notify:
            await pilot.press("R")
            await app.workers.wait_for_complete()
            await pilot.pause()
        message = notify.call_args.args[0]
        assert message.startswith("Refresh failed: RuntimeError: [/] boom")
        assert notify.call_args.kwargs["markup"] is False
        assert app.is_running


async def test_refresh_unavailable_without_function(app: DeskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        with mock.patch.object(app, "notify") as notify:
            await pilot.press("R")
        assert "not available" in notify.call_args.args[0]


async def test_cron_write_is_picked_up_by_data_version_poll(
    desk: Desk, desk_settings: Settings
) -> None:
    app = make_app(desk, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        cluster_list = app.main.active_list
        await pilot.press("j")
        before = cluster_list.highlighted
        total = cluster_list.total
        add_stories(desk_settings, NEW_TITLES, now=NOW + timedelta(minutes=5))  # "cron"
        app.poll_data_version()  # the timer's callback, called directly
        await pilot.pause()
        assert cluster_list.total > total
        assert cluster_list.highlighted is not None and before is not None
        assert cluster_list.highlighted.id == before.id
        # a second poll without writes reloads nothing
        with mock.patch.object(app.main, "reload_all") as reload_all:
            app.poll_data_version()
        reload_all.assert_not_called()


async def test_alert_toasts_once_with_bell(desk: Desk, desk_settings: Settings) -> None:
    # desk_settings alert on "Kursk"; the seeds have Kursk stories.
    alerting = [r for p in desk.pane_names() for r in desk.clusters(p) if r.alert]
    assert alerting
    app = make_app(desk, clock=frozen)
    with mock.patch.object(DeskApp, "bell") as bell:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            toasts = [n for n in app._notifications if n.title == "Alert"]
            assert {n.message for n in toasts} <= {r.headline for r in alerting}
            assert len(toasts) == min(3, len(alerting)) + (1 if len(alerting) > 3 else 0)
            assert all(not n.markup for n in toasts)
            assert bell.called
            bell.reset_mock()
            app.main.reload_all()  # the same alerts again: no new toast
            await pilot.pause()
            assert len([n for n in app._notifications if n.title == "Alert"]) == len(toasts)
            bell.assert_not_called()
            add_stories(
                desk_settings, ["Russian forces shell Kursk border villages overnight"], now=NOW
            )
            app.poll_data_version()
            await pilot.pause()
            fresh = [n for n in app._notifications if n.title == "Alert"]
            assert len(fresh) == len(toasts) + 1
            assert fresh[-1].message == "Russian forces shell Kursk border villages overnight"
            assert bell.called


async def test_header_shows_refresh_countdown_and_feed_health(desk_settings: Settings) -> None:
    from app.store import Store

    with Store.open(desk_settings.database) as store:
        store.sync_feeds(
            [("https://a.example/rss", "A", ()), ("https://b.example/rss", "B", ())], NOW
        )
        store.record_feed_result("https://b.example/rss", now=NOW, ok=False, error="timeout")
    desk = open_desk(desk_settings, clock=frozen)
    app = make_app(desk, refresh=lambda: RefreshReport(started=NOW, finished=NOW), clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        text = header_text(app)
        assert "frontline" in text
        assert "refreshed 12:00" in text
        assert f"next in {desk_settings.refresh.interval // 60}:00" in text
        assert "2 feeds · 1 failing" in text
    desk.store.close()


async def test_read_only_database_refuses_triage(desk_settings: Settings) -> None:
    from app.store import Store

    desk = Desk(Store.open(desk_settings.database, readonly=True), desk_settings, clock=frozen)
    assert desk.readonly
    app = make_app(desk, clock=frozen)
    first = desk.clusters("diplomacy")[0]
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.main.query_one("#banner")
        assert "READ-ONLY" in header_text(app)
        with mock.patch.object(app, "notify") as notify:
            await pilot.press("s", "r", "d", "u")
        assert all("Read-only" in c.args[0] for c in notify.call_args_list)
        await pilot.press("j")  # moving still works (and marks nothing seen)
        assert app.main.active_list.cursor == 1
    row = desk.cluster_detail(first.id).row  # type: ignore[union-attr]
    assert not row.starred and not row.dismissed and row.unread == first.unread and row.new
    desk.store.close()


async def test_stale_database_refreshes_on_start(desk: Desk) -> None:
    calls: list[str] = []

    def refresh() -> RefreshReport:
        calls.append("run")
        return RefreshReport(started=NOW, finished=NOW)

    later = NOW + timedelta(seconds=desk.settings.refresh.interval + 1)
    app = make_app(desk, refresh=refresh, clock=lambda: later)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["run"]


async def test_fresh_database_does_not_refresh_on_start(desk: Desk) -> None:
    calls: list[str] = []

    def refresh() -> RefreshReport:
        calls.append("run")
        return RefreshReport(started=NOW, finished=NOW)

    app = make_app(desk, refresh=refresh, clock=frozen)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert calls == []
        assert app.seconds_to_next_refresh() == desk.settings.refresh.interval
