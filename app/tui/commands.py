"""The command palette: every desk action, plus commands built from the data.

Fixed actions come in as system commands (:func:`system_commands`), so the
palette lists all of them next to Textual's own. :class:`DeskCommands` adds
data-driven ones: go to a pane, jump to a loaded cluster, retry or
enable/disable a feed. Headlines and feed names are feed text: their
display is built as ``Content`` with the match styled by offset (Textual's
``Matcher.highlight`` would parse them as markup), and ``help`` strings,
which the palette does parse, never contain feed text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.screen import Screen

from app.text import clean_line
from widgets.pane_view import pane_label

if TYPE_CHECKING:
    from app.tui.app import DeskApp
    from app.tui.main import MainScreen

__all__ = ["DeskCommands", "safe_highlight", "system_commands"]

#: (title, help, action on the main screen or the app) for every desk key.
_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Refresh now", "Fetch every due feed and seed now (R, F5)", "app.refresh_now"),
    ("Search", "Full-text search over every story (/)", "app.search"),
    ("Feeds", "Feed health: retry, enable, disable (F)", "app.feeds"),
    ("Help", "Every key and row marker (?)", "app.help"),
    ("Undo", "Undo the last triage action (u)", "screen.undo"),
    ("Filter pane", "Unread only, starred only, since a time (f)", "screen.filter"),
    ("Mark pane read", "Mark every cluster in this pane read (A)", "screen.mark_pane_read"),
    ("Next pane", "Switch to the next pane (tab)", "screen.cycle_pane(1)"),
    ("Previous pane", "Switch to the previous pane (shift+tab)", "screen.cycle_pane(-1)"),
    ("Open detail", "Show the highlighted cluster's detail (enter)", "list.open"),
    ("Toggle read", "Mark the highlighted cluster read or unread (r)", "list.triage('read')"),
    ("Star", "Star or unstar the highlighted cluster (s)", "list.triage('star')"),
    ("Dismiss", "Hide the highlighted cluster (d)", "list.triage('dismiss')"),
    ("Mute", "Mute a term or an outlet, with an expiry (m)", "list.triage('mute')"),
    ("Move to pane", "Move the highlighted cluster to another pane (p)", "list.triage('move')"),
    ("Merge", "Mark a cluster, then merge it into another (M)", "list.triage('merge')"),
    ("Open link", "Open the cluster's first link in the browser (o)", "list.triage('open_link')"),
    ("Copy link", "Copy the cluster's first link (c)", "list.triage('copy_link')"),
    ("Split story", "Split the highlighted member out of its cluster (x)", "members.split"),
)


def _run(app: DeskApp, action: str) -> None:
    main = app.main
    target, _, name = action.partition(".")
    if target == "list":
        main.active_list.focus()
        app.call_later(app.run_action, name, main.active_list)
    elif target == "members":
        main.open_detail()
        app.call_later(app.run_action, name, main.detail.members)
    elif target == "screen":
        app.call_later(app.run_action, name, main)
    else:
        app.call_later(app.run_action, action)


def system_commands(app: DeskApp, screen: Screen[object]) -> Iterator[SystemCommand]:
    """The desk's fixed actions (on the main screen only)."""
    from app.tui.main import MainScreen

    if not isinstance(screen, MainScreen):
        return
    for title, help_text, action in _ACTIONS:
        yield SystemCommand(title, help_text, partial(_run, app, action))


def safe_highlight(matcher: Matcher, text: str) -> Content:
    """``text`` as plain ``Content`` with the fuzzy match styled by offset."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if offset < len(text) and not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class DeskCommands(Provider):
    """Panes, loaded clusters and feeds as palette commands."""

    def _candidates(self) -> Iterable[tuple[str, Callable[[], object], str]]:
        from app.tui.app import DeskApp

        app = self.app
        if not isinstance(app, DeskApp) or not isinstance(self.screen, _main_screen_type()):
            return
        main: MainScreen = app.main
        for pane in main.panes:
            yield f"Go to pane: {pane_label(pane)}", partial(main.deck.activate, pane), "Pane"
        for pane in main.panes:
            cluster_list = main.deck.pane(pane).cluster_list
            cluster_list.row_at(0)  # a pane not shown yet has loaded nothing
            for row in cluster_list.loaded_rows()[:300]:
                title = f"Jump to: {clean_line(row.headline, max_len=120)}"
                yield title, partial(main.jump_to, row.id), f"Cluster in {pane_label(pane)}"
        for feed in app.desk.feeds():
            name = clean_line(feed.name or feed.url, max_len=80)
            yield f"Retry feed: {name}", partial(self._feed, "retry", feed.url), "Feed"
            verb = "Disable" if feed.enabled else "Enable"
            yield (
                f"{verb} feed: {name}",
                partial(self._feed, "enable", feed.url, not feed.enabled),
                "Feed",
            )

    def _feed(self, what: str, url: str, enabled: bool = True) -> None:
        from app.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)
        from app.tui import triage

        desk = app.desk
        if what == "retry":
            triage.write(app.main, lambda: desk.retry_feed(url))
        else:
            triage.write(app.main, lambda: desk.set_feed_enabled(url, enabled))

    async def discover(self) -> Hits:
        """Panes first, without typing."""
        for title, command, help_text in self._candidates():
            if title.startswith("Go to pane"):
                yield DiscoveryHit(Content(title), command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match every candidate."""
        matcher = self.matcher(query)
        for title, command, help_text in self._candidates():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, safe_highlight(matcher, title), command, text=title, help=help_text
                )


def _main_screen_type() -> type[Screen[None]]:
    from app.tui.main import MainScreen

    return MainScreen
