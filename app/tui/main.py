"""The main screen: header, panes, detail panel and footer.

It owns layout and navigation: which pane is active, which cluster the
detail panel shows, each pane's filter, and reloading lists after any change
(keeping every cursor on its cluster). Triage actions live in
:mod:`app.tui.triage`; this screen routes the widgets' messages there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from app.models import ClusterFilter, ClusterRow
from app.tui import triage
from app.tui.pickers import FilterChoice, FilterPicker, describe_filter
from widgets.cluster_list import ClusterList
from widgets.desk_header import DeskHeader, HeaderStatus
from widgets.detail import DetailPanel, MemberList
from widgets.key_bar import KeyBar
from widgets.pane_deck import PaneDeck

if TYPE_CHECKING:
    from app.desk import Desk
    from app.tui.app import DeskApp

__all__ = ["DETAIL_DELAY", "MainScreen", "PaneSource"]

#: Quiet time after the last cursor move before the detail panel follows it.
#: Holding j/k moves the cursor at full speed (a key repeats every ~33 ms,
#: so the panel waits until the key is let go); one press shows its detail
#: this long after the cursor line, which repaints at once.
DETAIL_DELAY = 0.05


class PaneSource:
    """A pane's rows from the desk, under a filter (the list's :class:`RowSource`)."""

    def __init__(self, desk: Desk, pane: str, filt: ClusterFilter) -> None:
        """Rows of ``pane`` matching ``filt``."""
        self.desk = desk
        self.pane = pane
        self.filter = filt
        self._total: int | None = None

    def count(self) -> int:
        """How many clusters match."""
        self._total = self.desk.count_clusters(self.pane, self.filter)
        return self._total

    def fetch(self, offset: int, limit: int) -> Sequence[ClusterRow]:
        """One page of clusters (pages near the end are read from the end)."""
        return self.desk.clusters(
            self.pane, self.filter, limit=limit, offset=offset, total=self._total
        )


class MainScreen(Screen[None]):
    """The desk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab", "cycle_pane(1)", "Next pane", show=False, id="next_pane", tooltip="Next pane"
        ),
        Binding(
            "shift+tab",
            "cycle_pane(-1)",
            "Prev pane",
            show=False,
            id="prev_pane",
            tooltip="Previous pane",
        ),
        Binding("1", "pane(0)", "Pane 1", show=False, id="pane_1"),
        Binding("2", "pane(1)", "Pane 2", show=False, id="pane_2"),
        Binding("3", "pane(2)", "Pane 3", show=False, id="pane_3"),
        Binding("4", "pane(3)", "Pane 4", show=False, id="pane_4"),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo the last action"),
        Binding(
            "A",
            "mark_pane_read",
            "All read",
            show=False,
            id="mark_pane_read",
            tooltip="Mark pane read",
        ),
        Binding("R,f5", "app.refresh_now", "Refresh", id="refresh", tooltip="Refresh now"),
        Binding("slash", "app.search", "Search", id="search", tooltip="Full-text search"),
        Binding("f", "filter", "Filter", id="filter", tooltip="Unread / starred / since"),
        Binding("F", "app.feeds", "Feeds", id="feeds", tooltip="Feed health"),
        Binding("question_mark", "app.help", "Help", id="help", tooltip="Keys and markers"),
        Binding("escape", "close", "Close", show=False, id="close", tooltip="Close detail"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit the desk"),
    ]

    #: Textual repaints the whole screen when focus moves (``Screen.focused``
    #: repaints by default); here focus moves with every pane switch, and the
    #: widgets that gain and lose focus repaint themselves (their ``:focus``
    #: styles and ``Focus``/``Blur`` handlers), so the full repaint (~20-40 ms
    #: at 160x48) is skipped.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, desk: Desk) -> None:
        """The desk screen over ``desk``."""
        super().__init__(id="main")
        self.desk = desk
        self.panes = desk.pane_names()
        self.filters: dict[str, ClusterFilter] = {p: ClusterFilter() for p in self.panes}
        self.merge_mark: ClusterRow | None = None
        self._left: dict[str, ClusterRow | None] = {}
        self._unseen: list[tuple[ClusterList, ClusterRow]] = []
        self._detail_timer: Timer | None = None
        self._feeds_total = 0
        self._feeds_failing = 0

    @property
    def desk_app(self) -> DeskApp:
        """The app, typed."""
        from app.tui.app import DeskApp

        assert isinstance(self.app, DeskApp)
        return self.app

    def compose(self) -> ComposeResult:
        """Header, read-only banner, panes, detail, footer."""
        yield DeskHeader(id="header")
        if self.desk.readonly:
            yield Static(
                Content("Read-only database: browsing only, triage is disabled."),
                id="banner",
                markup=False,
            )
        with Vertical(id="body"):
            yield PaneDeck(
                ((p, PaneSource(self.desk, p, self.filters[p])) for p in self.panes),
                wide_min_width=self.desk.settings.ui.wide_min_width,
                id="deck",
            )
            detail = DetailPanel(id="detail")
            detail.border_title = Content("Detail")
            yield detail
        yield KeyBar()

    @property
    def deck(self) -> PaneDeck:
        """The panes."""
        return self.query_one(PaneDeck)

    @property
    def detail(self) -> DetailPanel:
        """The detail panel."""
        return self.query_one(DetailPanel)

    @property
    def active_list(self) -> ClusterList:
        """The active pane's list."""
        return self.deck.active_pane.cluster_list

    def on_mount(self) -> None:
        """Start on the first pane; figures (counts, sparklines) after the first frame."""
        self.now_for_widgets()
        self.deck.activate(self.panes[0])
        self.call_after_refresh(self.refresh_figures)
        self.set_interval(1.0, self.update_header)

    def on_unmount(self) -> None:
        """Keep the "seen" marks of clusters left just before quitting."""
        self._flush_seen()

    def on_resize(self, event: events.Resize) -> None:
        """Narrow terminals show the detail only on demand."""
        narrow = event.size.width < self.desk.settings.ui.wide_min_width
        self.set_class(narrow, "-narrow")

    # -- loading ----------------------------------------------------------------

    def now_for_widgets(self) -> None:
        """Give every list the current time for its ages."""
        now = self.desk_app.clock()
        for pane in self.panes:
            self.deck.pane(pane).cluster_list.now = now

    def refresh_figures(self) -> None:
        """Pane titles, tab labels, header and detail after the data changed."""
        now = self.desk_app.clock()
        stats = self.desk.pane_stats()
        self.deck.update_stats(stats, {p: describe_filter(f, now) for p, f in self.filters.items()})
        feeds = self.desk.feeds()
        self._feeds_total = len(feeds)
        self._feeds_failing = sum(1 for f in feeds if f.enabled and not f.gone and f.error_count)
        self.update_header()

    def reload_all(self, panes: Iterable[str] | None = None) -> None:
        """Reload panes (rows by key, cursors kept) and every figure.

        Args:
            panes: Only these panes' lists (a triage action knows what it
                touched); None reloads every pane.
        """
        self.now_for_widgets()
        targets = self.panes if panes is None else [p for p in self.panes if p in set(panes)]
        for pane in targets:
            self.deck.pane(pane).cluster_list.reload()
        self.refresh_figures()
        self.show_detail(self.active_list.highlighted)
        self.desk_app.check_alerts(
            row for p in self.panes for row in self.deck.pane(p).cluster_list.loaded_rows()
        )

    def update_header(self) -> None:
        """Redraw the header line (the countdown ticks every second)."""
        app = self.desk_app
        now = app.clock()
        self.query_one(DeskHeader).set_status(
            HeaderStatus(
                now=now,
                last_refresh=self.desk.last_refresh(),
                next_refresh_in=app.seconds_to_next_refresh(),
                feeds=self._feeds_total,
                failing=self._feeds_failing,
                refreshing=app.refresh_state,
                readonly=self.desk.readonly,
            )
        )

    def show_detail(self, row: ClusterRow | None) -> None:
        """Load ``row``'s detail into the panel now."""
        self._cancel_follow()
        detail = self.desk.cluster_detail(row.id) if row is not None else None
        self.detail.show(detail, self.desk_app.clock())

    def follow_cursor(self) -> None:
        """Show the active cursor's detail once the cursor rests for :data:`DETAIL_DELAY`."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._cursor_rested, name="detail")

    @property
    def detail_pending(self) -> bool:
        """True while the detail panel waits for the cursor to rest."""
        return self._detail_timer is not None

    def _cancel_follow(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

    def _cursor_rested(self) -> None:
        self._detail_timer = None
        self._flush_seen()
        self.show_detail(self.active_list.highlighted)

    def _flush_seen(self) -> None:
        """Clear "new" on the clusters the cursor left (one short write each)."""
        pending, self._unseen = self._unseen, []
        for cluster_list, row in pending:
            triage.mark_seen(self, cluster_list, row)

    def set_filter(self, choice: FilterChoice | None) -> None:
        """Apply a filter from the picker to the active pane (or all panes)."""
        if choice is None:
            return
        targets = self.panes if choice.all_panes else (self.deck.active,)
        for pane in targets:
            self.filters[pane] = choice.filter
            self.deck.pane(pane).cluster_list.set_source(PaneSource(self.desk, pane, choice.filter))
        self.refresh_figures()

    def jump_to(self, cluster_id: str) -> None:
        """Show a cluster: its pane, the cursor on it when listed, its detail."""
        detail = self.desk.cluster_detail(cluster_id)
        if detail is None:
            self.app.notify("That cluster no longer exists.", severity="warning", markup=False)
            return
        pane = detail.row.pane if detail.row.pane in self.panes else self.panes[-1]
        self.deck.activate(pane)
        if not self.deck.pane(pane).cluster_list.move_to_id(cluster_id):
            self.app.notify(
                "Not in the list (filtered, dismissed or far down); showing its detail.",
                markup=False,
            )
        self.detail.show(detail, self.desk_app.clock())
        self.open_detail()

    def open_detail(self) -> None:
        """Show the detail panel (full screen when narrow) and focus its members."""
        self.add_class("-detail-open")
        self.detail.members.focus()

    # -- widget messages --------------------------------------------------------

    def on_cluster_list_highlighted(self, event: ClusterList.Highlighted) -> None:
        """Follow the active list's cursor; clear "new" on the cluster left behind.

        Both wait until the cursor rests, so a held key costs a cursor line
        repaint and nothing else.
        """
        key = event.cluster_list.id or ""
        left = self._left.get(key)
        if left is not None and left.new and (event.row is None or event.row.id != left.id):
            self._unseen.append((event.cluster_list, left))
        self._left[key] = event.row
        if event.cluster_list is self.active_list:
            if self.detail.detail is None and event.row is not None and not self.detail_pending:
                self.show_detail(event.row)  # the first cluster shown: no moves to wait for
            else:
                self.follow_cursor()
        elif self._unseen and self._detail_timer is None:
            self._flush_seen()

    def on_cluster_list_open_requested(self, event: ClusterList.OpenRequested) -> None:
        """Enter: mark seen, show and focus the detail."""
        if event.row.new:
            triage.mark_seen(self, event.cluster_list, event.row)
        self.show_detail(event.cluster_list.highlighted)
        self.open_detail()

    def on_cluster_list_triage_requested(self, event: ClusterList.TriageRequested) -> None:
        """A triage key on a cluster."""
        triage.cluster_action(self, event.row, event.action)

    def on_member_list_split_requested(self, event: MemberList.SplitRequested) -> None:
        """x on a member."""
        triage.split(self, event.story)

    def on_member_list_link_requested(self, event: MemberList.LinkRequested) -> None:
        """o / c on a member."""
        triage.link(self, event.story.url, event.action)

    def on_pane_deck_active_pane_changed(self, event: PaneDeck.ActivePaneChanged) -> None:
        """Another pane: the detail follows its cursor (once the keys rest)."""
        self.follow_cursor()

    # -- actions ----------------------------------------------------------------

    def action_cycle_pane(self, step: int) -> None:
        """Tab / shift+tab."""
        self.remove_class("-detail-open")
        self.deck.cycle(step)

    def action_pane(self, index: int) -> None:
        """1-4: a pane by position."""
        if 0 <= index < len(self.panes):
            self.remove_class("-detail-open")
            self.deck.activate(self.panes[index])

    def action_close(self) -> None:
        """Escape: close the detail, else drop a merge mark."""
        if self.has_class("-detail-open") or self.detail.members.has_focus:
            self.remove_class("-detail-open")
            self.active_list.focus()
        elif self.merge_mark is not None:
            triage.clear_merge_mark(self)

    def action_undo(self) -> None:
        """u."""
        triage.undo(self)

    def action_mark_pane_read(self) -> None:
        """A: after confirmation."""
        triage.mark_pane_read(self, self.deck.active)

    def action_filter(self) -> None:
        """f: the filter picker for the active pane."""
        pane = self.deck.active
        self.app.push_screen(
            FilterPicker(self.filters[pane], self.desk_app.clock(), pane), self.set_filter
        )

    def with_filter(self, pane: str, **changes: object) -> None:
        """Change one pane's filter in code (used by commands)."""
        filt = dataclasses.replace(self.filters[pane], **changes)  # type: ignore[arg-type]
        self.set_filter(FilterChoice(filt, all_panes=False))
