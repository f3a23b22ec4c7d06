"""The feeds table: every feed's health at a glance, with retry and enable keys.

A desk has tens of feeds, not thousands, so a ``DataTable`` is right here.
Every cell is ``Content`` (feed names and error texts come from the network
and are never parsed as markup); rows are keyed by feed URL so an update keeps
the cursor on the same feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable

from app.models import FeedStatus
from widgets.format import ago, format_clock, one_line

__all__ = ["FeedTable", "feed_cells"]

COLUMNS = ("Feed", "State", "Last success", "Last error", "Errors", "Next attempt", "Stories")
#: Fixed widths: DataTable sizes auto columns by their header when the cells
#: are Content, which cut every name to four characters.
WIDTHS = (26, 9, 13, 48, 6, 12, 7)


def feed_cells(feed: FeedStatus, now: datetime) -> tuple[Content, ...]:
    """The cells of one feed's row.

    Args:
        feed: The feed.
        now: The moment ages are measured from.

    Returns:
        One ``Content`` per column of :data:`COLUMNS`.
    """
    if feed.gone:
        state = Content.styled("gone", "bold red")
    elif not feed.enabled:
        state = Content.styled("disabled", "dim")
    elif feed.error_count:
        state = Content.styled("failing", "bold yellow")
    else:
        state = Content("ok")
    success = ago(feed.last_success, now) if feed.last_success is not None else "never"
    error = one_line(feed.last_error or "", max_len=200) or "—"
    if feed.next_attempt is None:
        next_attempt = "—"
    elif feed.next_attempt <= now:
        next_attempt = "due"
    else:
        next_attempt = format_clock(feed.next_attempt, now)
    return (
        Content(one_line(feed.name or feed.url, max_len=80)),
        state,
        Content(success),
        Content(error),
        Content(str(feed.error_count)).right(6),
        Content(next_attempt),
        Content(str(feed.stories)).right(7),
    )


class FeedTable(DataTable[Content]):
    """All feeds, one row each, keyed by URL."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "retry", "Retry now", id="retry_feed", tooltip="Fetch this feed next refresh"),
        Binding("e", "toggle_enabled", "Enable/disable", id="toggle_feed", tooltip="On or off"),
    ]

    @dataclass
    class RetryRequested(Message):
        """Retry ``feed`` now (clear its back-off)."""

        feed_table: FeedTable
        feed: FeedStatus

        @property
        def control(self) -> FeedTable:
            return self.feed_table

    @dataclass
    class EnableToggleRequested(Message):
        """Enable a disabled ``feed`` or disable an enabled one."""

        feed_table: FeedTable
        feed: FeedStatus

        @property
        def control(self) -> FeedTable:
            return self.feed_table

    def __init__(self, *, id: str | None = None) -> None:
        """An empty table with the feed columns."""
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.feeds: dict[str, FeedStatus] = {}

    def on_mount(self) -> None:
        """Add the columns."""
        for label, width in zip(COLUMNS, WIDTHS, strict=True):
            self.add_column(Text(label), key=label, width=width)

    def show(self, feeds: list[FeedStatus], now: datetime | None = None) -> None:
        """Show ``feeds``, keeping the cursor on the same feed."""
        now = now or datetime.now(UTC)
        current = self.highlighted_feed
        self.clear()
        self.feeds = {feed.url: feed for feed in feeds}
        for feed in feeds:
            self.add_row(*feed_cells(feed, now), key=feed.url)
        if current is not None and current.url in self.feeds:
            self.move_cursor(row=self.get_row_index(current.url))

    @property
    def highlighted_feed(self) -> FeedStatus | None:
        """The feed under the cursor."""
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # cursor outside the table while it is rebuilt
            return None
        return self.feeds.get(str(key.value))

    def action_retry(self) -> None:
        """Ask to retry the highlighted feed."""
        feed = self.highlighted_feed
        if feed is not None:
            self.post_message(self.RetryRequested(self, feed))

    def action_toggle_enabled(self) -> None:
        """Ask to enable or disable the highlighted feed."""
        feed = self.highlighted_feed
        if feed is not None:
            self.post_message(self.EnableToggleRequested(self, feed))
