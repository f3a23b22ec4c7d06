"""The feeds screen: every feed's health, with retry and enable/disable.

Changes go through the desk (``set_feed_enabled`` is recorded for undo);
the table is rebuilt by key afterwards so the cursor stays on its feed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label

from app.errors import FrontlineError
from app.text import clean_line
from widgets.feed_table import FeedTable
from widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from app.desk import Desk

__all__ = ["FeedsScreen"]


class FeedsScreen(Screen[None]):
    """Feed health."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,F", "close", "Back", id="feeds_close", tooltip="Back to the desk"),
    ]

    def __init__(self, desk: Desk, clock: Callable[[], datetime]) -> None:
        """Feeds of ``desk``."""
        super().__init__(id="feeds")
        self.desk = desk
        self.clock = clock

    def compose(self) -> ComposeResult:
        """Title, table, footer."""
        yield Label(Content(""), id="feeds-title")
        yield FeedTable(id="feed-table")
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill the table."""
        self.reload()
        self.query_one(FeedTable).focus()

    def reload(self) -> None:
        """Refetch every feed's status."""
        feeds = self.desk.feeds()
        failing = sum(1 for f in feeds if f.enabled and not f.gone and f.error_count)
        self.query_one("#feeds-title", Label).update(
            Content.assemble(
                ("Feeds", "bold"),
                f"  {len(feeds)} feeds · {failing} failing"
                "  (t: retry now · e: enable/disable · esc: back)",
            )
        )
        self.query_one(FeedTable).show(feeds, self.clock())

    def _write(self, do: Callable[[], str]) -> None:
        if self.desk.readonly:
            self.app.notify("Read-only database: nothing was changed.", markup=False)
            return
        try:
            message = do()
        except FrontlineError as exc:
            self.app.notify(clean_line(str(exc)), severity="warning", markup=False)
            return
        self.app.notify(clean_line(message, max_len=300), markup=False)
        self.reload()

    def on_feed_table_retry_requested(self, event: FeedTable.RetryRequested) -> None:
        """t: clear the back-off so the next refresh fetches it."""
        self._write(lambda: self.desk.retry_feed(event.feed.url))

    def on_feed_table_enable_toggle_requested(self, event: FeedTable.EnableToggleRequested) -> None:
        """e: enable or disable."""
        self._write(lambda: self.desk.set_feed_enabled(event.feed.url, not event.feed.enabled))

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
