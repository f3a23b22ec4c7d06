"""DeskApp: wiring only. Desk, refresh function and clock go in; screens come out.

The app owns what outlives a screen: the refresh worker and its timer, the
cheap ``data_version`` poll that notices a cron refresh, alert toasts, the
keymap and the command palette. Everything the user sees lives in
:mod:`app.tui.main` and the other screens.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from app.desk import Desk
from app.errors import FrontlineError, LockedError
from app.models import ClusterRow, RefreshReport
from app.text import clean_line
from app.tui.commands import DeskCommands, system_commands
from app.tui.feeds import FeedsScreen
from app.tui.help import HelpScreen
from app.tui.keys import known_binding_ids
from app.tui.main import MainScreen
from app.tui.search import SearchScreen

__all__ = ["DeskApp", "make_app"]

Clock = Callable[[], datetime]
RefreshFn = Callable[[], RefreshReport]

#: How often the desk checks whether another process wrote to the database.
POLL_SECONDS = 2.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeskApp(App[int]):
    """The frontline desk."""

    CSS_PATH = "desk.tcss"
    TITLE = "frontline"
    COMMANDS: ClassVar = App.COMMANDS | {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, id="app_quit", priority=True),
    ]

    @dataclass
    class RefreshDone(Message):
        """The refresh worker finished."""

        report: RefreshReport

    @dataclass
    class RefreshBlocked(Message):
        """Another process holds the refresh lock."""

        pid: int | None

    @dataclass
    class RefreshFailed(Message):
        """The refresh could not run at all."""

        error: str

    @dataclass
    class IntegrityChecked(Message):
        """The deferred database check finished (``problem`` None: sound)."""

        problem: str | None

    def __init__(self, desk: Desk, *, refresh: RefreshFn | None, clock: Clock) -> None:
        """Build the app (see :func:`make_app`)."""
        super().__init__()
        self.desk = desk
        self.refresh_fn = refresh
        self.clock = clock
        self.refresh_state = ""
        self.next_refresh_at: datetime | None = None
        self.alerted: set[str] = set()
        self._data_version = 0

    # -- start-up ----------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        """The desk is the default screen."""
        return MainScreen(self.desk)

    @property
    def main(self) -> MainScreen:
        """The main screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        """Theme, keymap, timers, first figures."""
        settings = self.desk.settings
        if settings.ui.theme in self.available_themes:
            self.theme = settings.ui.theme
        keymap = dict(settings.keymap)
        unknown = sorted(set(keymap) - known_binding_ids())
        if unknown:
            self.notify(
                "keymap: unknown binding id(s): " + ", ".join(clean_line(k) for k in unknown),
                severity="warning",
                markup=False,
            )
        self.set_keymap({k: v for k, v in keymap.items() if k not in unknown})
        self._data_version = self.desk.data_version()
        self.set_interval(POLL_SECONDS, self.poll_data_version)
        if self.refresh_fn is not None:
            interval = settings.refresh.interval
            self.next_refresh_at = self.clock() + timedelta(seconds=interval)
            self.set_interval(interval, self.action_refresh_now)
            last = self.desk.last_refresh()
            if last is None or (self.clock() - last).total_seconds() >= interval:
                self.call_after_refresh(self.action_refresh_now)  # stale at start: refresh
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Start the deferred integrity check; toast the alerts among each pane's first rows.

        Runs after the first frame: a pane not on screen has loaded nothing
        yet, so its first page is read here rather than before the paint.
        """
        if self.desk.integrity_pending:
            self._integrity_worker()
        lists = [self.main.deck.pane(p).cluster_list for p in self.main.panes]
        for cluster_list in lists:
            cluster_list.row_at(0)
        self.check_alerts(row for cluster_list in lists for row in cluster_list.loaded_rows())

    # -- refresh -------------------------------------------------------------------

    def seconds_to_next_refresh(self) -> float | None:
        """Seconds until the timed refresh (None when refresh is off)."""
        if self.next_refresh_at is None:
            return None
        return (self.next_refresh_at - self.clock()).total_seconds()

    def action_refresh_now(self) -> None:
        """Start a refresh in the worker thread, unless one is running."""
        if self.refresh_fn is None:
            self.notify("Refresh is not available here.", severity="warning", markup=False)
            return
        self.next_refresh_at = self.clock() + timedelta(seconds=self.desk.settings.refresh.interval)
        if any(w.group == "refresh" and w.is_running for w in self.workers):
            self.notify("A refresh is already running.", markup=False)
            return
        self.refresh_state = "refreshing…"
        self.main.update_header()
        self._refresh_worker()

    @work(exclusive=True, group="refresh", exit_on_error=False, thread=True)
    def _refresh_worker(self) -> None:
        """Run the blocking pipeline off the UI thread; report back by message."""
        assert self.refresh_fn is not None
        try:
            report = self.refresh_fn()
        except LockedError as exc:
            self.post_message(self.RefreshBlocked(exc.pid))
        except FrontlineError as exc:
            self.post_message(self.RefreshFailed(str(exc)))
        except Exception as exc:  # the desk must survive any pipeline bug
            self.post_message(self.RefreshFailed(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.RefreshDone(report))

    @work(exclusive=True, group="integrity", exit_on_error=False, thread=True)
    def _integrity_worker(self) -> None:
        """``PRAGMA quick_check`` on a connection of its own (writes wait for it)."""
        self.post_message(self.IntegrityChecked(self.desk.check_integrity()))

    def on_desk_app_integrity_checked(self, message: IntegrityChecked) -> None:
        """A damaged database: leave before anything is written to it (RELIABILITY D8)."""
        if message.problem is None:
            return
        self.exit(
            2,
            return_code=2,
            message=Text(
                f"frontline: error: database {clean_line(str(self.desk.store.path))}: integrity"
                f" check failed ({clean_line(message.problem, max_len=200)}); restore from a"
                " backup (frontline doctor explains)"
            ),
        )

    def on_desk_app_refresh_done(self, message: RefreshDone) -> None:
        """Reload and summarise."""
        report = message.report
        self.refresh_state = ""
        self._data_version = self.desk.data_version()
        failed = len(report.failed)
        summary = f"Refreshed: {report.new} new, {report.updated} updated"
        if failed:
            summary += f", {failed} source{'s' if failed != 1 else ''} failing"
        self.notify(summary, severity="warning" if failed else "information", markup=False)
        self.main.reload_all()

    def on_desk_app_refresh_blocked(self, message: RefreshBlocked) -> None:
        """Someone else (cron) is refreshing: say so; the poll picks up their writes."""
        pid = f" (pid {message.pid})" if message.pid else ""
        self.refresh_state = f"refresh in progress{pid}"
        self.notify(f"Refresh in progress{pid}: showing its results when done.", markup=False)
        self.main.update_header()

    def on_desk_app_refresh_failed(self, message: RefreshFailed) -> None:
        """Report a refresh that could not run."""
        self.refresh_state = ""
        self.notify(
            "Refresh failed: " + clean_line(message.error, max_len=300),
            severity="error",
            markup=False,
        )
        self.main.update_header()

    def poll_data_version(self) -> None:
        """Reload when another connection (cron, the worker) committed."""
        try:
            version = self.desk.data_version()
        except Exception:  # a briefly locked database: try again next tick
            return
        if version != self._data_version:
            self._data_version = version
            if self.refresh_state.startswith("refresh in progress"):
                self.refresh_state = ""
            self.main.reload_all()

    # -- alerts, links -----------------------------------------------------------

    def check_alerts(self, rows: Iterable[ClusterRow]) -> None:
        """Toast each new alert cluster once (and ring the bell if configured)."""
        fresh = [r for r in rows if r.alert and r.new and r.id not in self.alerted]
        if not fresh:
            return
        for row in fresh:
            self.alerted.add(row.id)
        for row in fresh[:3]:
            self.notify(
                clean_line(row.headline, max_len=200),
                title="Alert",
                severity="warning",
                timeout=15,
                markup=False,
            )
        if len(fresh) > 3:
            self.notify(f"…and {len(fresh) - 3} more alerts", title="Alert", markup=False)
        if self.desk.settings.alerts.bell:
            self.bell()

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> None:
        """Hand a validated http(s) URL to the browser (no shell), off the UI thread."""
        webbrowser.open(url, new=2)

    # -- screens and commands ------------------------------------------------------

    def action_search(self) -> None:
        """/: the search screen; a chosen hit jumps to its cluster."""

        def chosen(cluster_id: str | None) -> None:
            if cluster_id:
                self.main.jump_to(cluster_id)

        self.push_screen(SearchScreen(self.desk), chosen)

    def action_feeds(self) -> None:
        """F: the feeds screen."""
        self.push_screen(FeedsScreen(self.desk, self.clock), lambda _: self.main.reload_all())

    def action_help(self) -> None:
        """?: keys and markers."""
        self.push_screen(HelpScreen(self._keymap))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands plus every desk action."""
        yield from super().get_system_commands(screen)
        yield from system_commands(self, screen)


def make_app(
    desk: Desk,
    *,
    refresh: RefreshFn | None = None,
    clock: Clock | None = None,
) -> DeskApp:
    """Build the desk app.

    Args:
        desk: The core's desk over an open store.
        refresh: A blocking full refresh (runs in a worker thread); None hides it.
        clock: The time source for ages and countdowns (tests freeze it).

    Returns:
        The app, ready for ``run()`` or ``run_test()``.
    """
    return DeskApp(desk, refresh=refresh, clock=clock or _utcnow)
