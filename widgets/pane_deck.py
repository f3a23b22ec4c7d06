"""The container that shows panes side by side when wide and as tabs when narrow.

All panes are mounted once and never moved: switching layout only toggles CSS
classes, so a resize keeps every list's cursor, scroll position and loaded
pages. When the deck is at least ``wide_min_width`` cells wide it shows as
many panes as fit (at least the three main ones) in columns, plus the active
pane if it is not among them; narrower, a tab bar appears and only the active
pane is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Tab, Tabs

from app.models import PaneStats
from widgets.cluster_list import RowSource
from widgets.pane_view import PaneView, pane_label

__all__ = ["PaneDeck"]

#: Narrowest useful column for a pane in side-by-side layout.
MIN_COLUMN = 50


class PaneDeck(Vertical):
    """Panes in columns (wide) or behind tabs (narrow)."""

    DEFAULT_CSS = """
    PaneDeck { height: 1fr; width: 1fr; }
    PaneDeck > Tabs { height: 2; }
    PaneDeck > #deck-body { height: 1fr; width: 1fr; }
    PaneDeck.-wide > Tabs { display: none; }
    PaneDeck PaneView.-hidden { display: none; }
    """

    @dataclass
    class ActivePaneChanged(Message):
        """Another pane became the active one."""

        deck: PaneDeck
        pane: str

        @property
        def control(self) -> PaneDeck:
            return self.deck

    def __init__(
        self,
        panes: Iterable[tuple[str, RowSource | None]],
        *,
        wide_min_width: int = 140,
        id: str | None = None,
    ) -> None:
        """Build the deck.

        Args:
            panes: ``(pane name, row source)`` in display order.
            wide_min_width: Width from which panes go side by side.
            id: Widget id.
        """
        super().__init__(id=id)
        self._panes = list(panes)
        self.pane_names = tuple(name for name, _ in self._panes)
        self.wide_min_width = wide_min_width
        self._active = self.pane_names[0] if self.pane_names else ""
        self._wide = False

    def compose(self) -> ComposeResult:
        """Tab bar plus a row of panes, classed for the terminal's width.

        The classes are right before the first layout (the deck spans the
        screen), so mounting does not restyle every pane a second time; a
        resize corrects them.
        """
        wide, shown = self._layout_for(self.app.size.width)
        self._wide = wide
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")
        tabs = Tabs(
            *(Tab(pane_label(name), id=f"tab-{name}") for name in self.pane_names),
            active=f"tab-{self._active}" if self._active else None,
        )
        tabs.can_focus = False
        yield tabs
        with Horizontal(id="deck-body"):
            for name, source in self._panes:
                view = PaneView(name, source, active=name == self._active)
                view.set_class(name not in shown, "-hidden")
                yield view

    @property
    def active(self) -> str:
        """The active pane's name."""
        return self._active

    @property
    def is_wide(self) -> bool:
        """True while panes are side by side."""
        return self._wide

    def pane(self, name: str) -> PaneView:
        """The pane widget called ``name``."""
        return self.query_one(f"#pane-{name}", PaneView)

    @property
    def active_pane(self) -> PaneView:
        """The active pane widget."""
        return self.pane(self._active)

    def activate(self, name: str, *, focus: bool = True) -> None:
        """Make ``name`` the active pane (and focus its list)."""
        if name not in self.pane_names:
            return
        changed = name != self._active
        self._active = name
        self._apply_layout()
        if focus:
            self.pane(name).cluster_list.focus()
        if changed:
            self.post_message(self.ActivePaneChanged(self, name))

    def cycle(self, step: int) -> None:
        """Activate the next (1) or previous (-1) pane, wrapping around."""
        if not self.pane_names:
            return
        index = self.pane_names.index(self._active) if self._active in self.pane_names else 0
        self.activate(self.pane_names[(index + step) % len(self.pane_names)])

    def update_stats(self, stats: dict[str, PaneStats], filters: dict[str, str]) -> None:
        """Refresh every pane title and tab label."""
        for name in self.pane_names:
            pane_stats = stats.get(name, PaneStats(pane=name, clusters=0, unread=0))
            self.pane(name).header.update(pane_stats, filters.get(name, ""))
            tab = self.query_one(f"#tab-{name}", Tab)
            tab.label = Content.assemble(pane_label(name), f" {pane_stats.unread}")

    def on_resize(self, event: events.Resize) -> None:
        """Switch between columns and tabs."""
        self._apply_layout()

    def on_mount(self) -> None:
        """Lay out for the starting size."""
        self._apply_layout()

    def _layout_for(self, width: int) -> tuple[bool, set[str]]:
        """(side by side?, the panes shown) at ``width`` cells."""
        if width >= self.wide_min_width:
            columns = max(3, width // MIN_COLUMN)
            return True, set(self.pane_names[:columns]) | {self._active}
        return False, {self._active}

    def _apply_layout(self) -> None:
        # Before the first layout the deck has no size yet: it will span the screen.
        self._wide, shown = self._layout_for(self.size.width or self.app.size.width)
        self.set_class(self._wide, "-wide")
        self.set_class(not self._wide, "-narrow")
        for name in self.pane_names:
            view = self.pane(name)
            view.set_class(name not in shown, "-hidden")
            view.active = name == self._active
        if not self._wide:
            # The tab bar is hidden when wide: moving its underline then
            # would only cost a relayout.
            tabs = self.query_one(Tabs)
            if tabs.active != f"tab-{self._active}":
                tabs.active = f"tab-{self._active}"

    def on_pane_view_activated(self, event: PaneView.Activated) -> None:
        """Focus moved into a pane: it becomes active."""
        event.stop()
        self.activate(event.pane_view.pane, focus=False)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """A tab was clicked (narrow layout)."""
        event.stop()
        tab_id = event.tab.id or ""
        name = tab_id.removeprefix("tab-")
        if name and name != self._active:
            self.activate(name)
