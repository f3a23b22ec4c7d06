"""The desk's one-line header: name, last refresh, countdown, feed health.

The owner pushes plain figures in with :meth:`DeskHeader.set_status`; the
header only formats them. Error text never reaches it (the toast shows that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from textual.content import Content
from textual.widgets import Static

from widgets.format import ago, format_clock, format_countdown

__all__ = ["DeskHeader", "HeaderStatus"]


@dataclass(frozen=True, slots=True)
class HeaderStatus:
    """What the header shows."""

    now: datetime
    last_refresh: datetime | None = None
    next_refresh_in: float | None = None
    feeds: int = 0
    failing: int = 0
    refreshing: str = ""
    readonly: bool = False


class DeskHeader(Static):
    """``frontline │ refreshed 12:03 (3m ago) │ next 4:12 │ 38 feeds · 3 failing``."""

    DEFAULT_CSS = """
    DeskHeader { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """An empty header."""
        super().__init__(Content("frontline"), id=id, markup=False)
        self.status = HeaderStatus(now=datetime.now(UTC))

    def set_status(self, status: HeaderStatus) -> None:
        """Show ``status`` (no repaint when nothing changed)."""
        if status == self.status:
            return
        self.status = status
        self.update(self.render_status(status), layout=False)

    @staticmethod
    def render_status(status: HeaderStatus) -> Content:
        """The header line for ``status``."""
        sep = Content.styled(" │ ", "dim")
        parts: list[Content] = [Content.styled("frontline", "bold")]
        if status.last_refresh is None:
            parts.append(Content("never refreshed"))
        else:
            parts.append(
                Content(
                    f"refreshed {format_clock(status.last_refresh, status.now)} UTC"
                    f" ({ago(status.last_refresh, status.now)})"
                )
            )
        if status.refreshing:
            parts.append(Content.styled(status.refreshing, "bold"))
        elif status.next_refresh_in is not None:
            parts.append(Content(f"next in {format_countdown(status.next_refresh_in)}"))
        feeds = Content(f"{status.feeds} feed{'' if status.feeds == 1 else 's'}")
        if status.failing:
            feeds = Content.assemble(feeds, " · ", (f"{status.failing} failing", "bold"))
        parts.append(feeds)
        if status.readonly:
            parts.append(Content.styled("READ-ONLY", "bold reverse"))
        return sep.join(parts)
