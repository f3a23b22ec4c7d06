"""One pane of the desk: a title line (name, counts, 24-hour sparkline) over its list.

The title line is built from :class:`~app.models.PaneStats` and the active
filter's description; every piece is ``Content`` so nothing is parsed as
markup. Clicking the title, or focusing the list, makes the pane active.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Label, Sparkline

from app.models import PaneStats
from widgets.cluster_list import ClusterList, RowSource

__all__ = ["PaneHeader", "PaneView", "pane_label"]


def pane_label(pane: str) -> str:
    """A pane's display name: ``"battlefield"`` -> ``"Battlefield"``."""
    return pane.replace("_", " ").strip().title() or "?"


class PaneHeader(Horizontal):
    """The pane's title: name, unread / total clusters, filter, sparkline."""

    DEFAULT_CSS = """
    PaneHeader { height: 1; width: 1fr; }
    PaneHeader > .pane-header--title {
        width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    PaneHeader > Sparkline { width: 24; max-width: 40%; height: 1; }
    """

    def __init__(self, pane: str, *, id: str | None = None, classes: str | None = None) -> None:
        """Build the header for ``pane``."""
        super().__init__(id=id, classes=classes)
        self.pane = pane
        self._stats = PaneStats(pane=pane, clusters=0, unread=0)
        self._filter_text = ""

    def compose(self) -> ComposeResult:
        """A label and a sparkline."""
        yield Label(self._title(), classes="pane-header--title", markup=False)
        yield Sparkline(list(self._stats.hourly) or [0], summary_function=max)

    def _title(self) -> Content:
        stats = self._stats
        parts: list[Content | str] = [
            Content.styled(pane_label(self.pane), "bold"),
            f" · {stats.unread} unread / {stats.clusters}",
        ]
        if self._filter_text:
            parts.append(Content.styled(f"  [{self._filter_text}]", "italic"))
        return Content.assemble(*parts)

    def update(self, stats: PaneStats, filter_text: str = "") -> None:
        """Show new figures and the active filter's description."""
        self._stats = stats
        self._filter_text = filter_text
        if not self.is_mounted:
            return
        self.query_one(Label).update(self._title(), layout=False)
        self.query_one(Sparkline).data = list(stats.hourly) or [0]


class PaneView(Vertical):
    """A pane: header plus virtual cluster list."""

    DEFAULT_CSS = """
    PaneView { width: 1fr; height: 1fr; }
    """

    @dataclass
    class Activated(Message):
        """The user moved into this pane (focus or click)."""

        pane_view: PaneView

        @property
        def control(self) -> PaneView:
            return self.pane_view

    def __init__(self, pane: str, source: RowSource | None = None, *, active: bool = False) -> None:
        """Build the pane ``pane`` with rows from ``source``."""
        super().__init__(id=f"pane-{pane}", classes="pane-view")
        self.pane = pane
        self._source = source
        self._active = active

    def compose(self) -> ComposeResult:
        """Header over list."""
        yield PaneHeader(self.pane, classes="-active" if self._active else None)
        yield ClusterList(self._source, id=f"list-{self.pane}")

    @property
    def active(self) -> bool:
        """True for the active pane (its title is highlighted)."""
        return self._active

    @active.setter
    def active(self, value: bool) -> None:
        # The class goes on the header, not on the pane: a class change
        # restyles the node and all it holds, and restyling the list (and
        # its scrollbar) forced a relayout of the screen on every switch.
        self._active = value
        if self.is_mounted:
            self.header.set_class(value, "-active")

    @property
    def header(self) -> PaneHeader:
        """The title line."""
        return self.query_one(PaneHeader)

    @property
    def cluster_list(self) -> ClusterList:
        """The list."""
        return self.query_one(ClusterList)

    def on_descendant_focus(self) -> None:
        """Focusing the list activates the pane."""
        self.post_message(self.Activated(self))

    def on_click(self, event: Click) -> None:
        """Clicking anywhere in the pane activates it and focuses its list."""
        self.cluster_list.focus()
