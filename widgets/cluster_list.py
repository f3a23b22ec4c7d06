"""A virtual, paged list of clusters: one terminal line per cluster.

A pane can hold a hundred thousand clusters, so this widget never builds a
widget (or even a row object) per cluster. It draws only the visible lines
with the Line API and pulls rows a page at a time from a :class:`RowSource`
that its owner supplies (the desk screen backs it with one indexed query per
page). After the data changes, :meth:`ClusterList.reload` refetches what is in
view and keeps the cursor on the same cluster, at the same screen line.

Row text comes from feeds, so it is drawn as plain rich ``Segment`` text: no
markup is ever parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.models import ClusterRow
from widgets.format import fit_cells, format_age, one_line
from widgets.row_pages import PAGE_SIZE, RowPages, RowSource

__all__ = ["PAGE_SIZE", "ClusterList", "RowSource", "TriageAction"]

#: What a triage key asks the owner to do with the highlighted cluster.
TriageAction = Literal["read", "star", "dismiss", "mute", "move", "merge", "open_link", "copy_link"]


class ClusterList(ScrollView, can_focus=True):
    """The clusters of one pane, newest first, with a cursor."""

    DEFAULT_CSS = """
    ClusterList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    ClusterList > .cluster-list--cursor { background: $block-cursor-blurred-background; }
    ClusterList:focus > .cluster-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    ClusterList > .cluster-list--unread { text-style: bold; }
    ClusterList > .cluster-list--read { color: $text-muted; }
    ClusterList > .cluster-list--new { color: $success; text-style: bold; }
    ClusterList > .cluster-list--star { color: $warning; }
    ClusterList > .cluster-list--alert { color: $error; text-style: bold; }
    ClusterList > .cluster-list--marked { color: $accent; text-style: bold reverse; }
    ClusterList > .cluster-list--age { color: $text-muted; }
    ClusterList > .cluster-list--meta { color: $text-muted; }
    ClusterList > .cluster-list--empty { color: $text-muted; text-style: italic; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cluster-list--cursor",
        "cluster-list--unread",
        "cluster-list--read",
        "cluster-list--new",
        "cluster-list--star",
        "cluster-list--alert",
        "cluster-list--marked",
        "cluster-list--age",
        "cluster-list--meta",
        "cluster-list--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down", tooltip="Next cluster"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up", tooltip="Previous cluster"),
        Binding("g,home", "cursor_first", "Top", show=False, id="top", tooltip="First cluster"),
        Binding("G,end", "cursor_last", "Bottom", show=False, id="bottom", tooltip="Last cluster"),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="page_down"),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="page_up"),
        Binding("enter", "open", "Open", id="open", tooltip="Open the cluster's detail"),
        Binding("r", "triage('read')", "Read", id="read", tooltip="Toggle read"),
        Binding("s", "triage('star')", "Star", id="star", tooltip="Toggle star"),
        Binding("d", "triage('dismiss')", "Dismiss", id="dismiss", tooltip="Dismiss cluster"),
        Binding("m", "triage('mute')", "Mute", id="mute", tooltip="Mute a term or an outlet"),
        Binding("p", "triage('move')", "Move", id="move", tooltip="Move to another pane"),
        Binding("M", "triage('merge')", "Merge", id="merge", tooltip="Mark for merge / merge here"),
        Binding(
            "o", "triage('open_link')", "Browser", show=False, id="open_link", tooltip="Open link"
        ),
        Binding(
            "c", "triage('copy_link')", "Copy", show=False, id="copy_link", tooltip="Copy link"
        ),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor is on another cluster (``row`` None: the list is empty)."""

        cluster_list: ClusterList
        row: ClusterRow | None

        @property
        def control(self) -> ClusterList:
            return self.cluster_list

    @dataclass
    class OpenRequested(Message):
        """The user asked to open the highlighted cluster."""

        cluster_list: ClusterList
        row: ClusterRow

        @property
        def control(self) -> ClusterList:
            return self.cluster_list

    @dataclass
    class TriageRequested(Message):
        """The user pressed a triage key on the highlighted cluster."""

        cluster_list: ClusterList
        row: ClusterRow
        action: TriageAction

        @property
        def control(self) -> ClusterList:
            return self.cluster_list

    def __init__(
        self,
        source: RowSource | None = None,
        *,
        now: datetime | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Build the list.

        Args:
            source: Where rows come from; set or replace later with :meth:`set_source`.
            now: The moment ages are measured from; the owner updates :attr:`now`.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
        """
        super().__init__(name=name, id=id, classes=classes)
        self._rows = RowPages(source)
        self._cursor = 0
        self._last_highlighted: ClusterRow | None = None
        self._announced = False
        self._now = now or datetime.now(UTC)
        self.empty_text = "No clusters"
        #: The id of a cluster marked for a merge, drawn with a marker.
        self.marked_id: str | None = None
        self._styles: dict[tuple[str, bool], Style] | None = None
        self._row_cache: dict[tuple[object, ...], Strip] = {}

    # -- data -----------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many clusters the list holds."""
        return self._rows.total

    @property
    def cursor(self) -> int:
        """The cursor's row index."""
        return self._cursor

    @property
    def now(self) -> datetime:
        """The moment ages are measured from."""
        return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        if value != self._now:
            self._now = value
            self.refresh()

    @property
    def highlighted(self) -> ClusterRow | None:
        """The cluster under the cursor, if any."""
        return self.row_at(self._cursor)

    def row_at(self, index: int) -> ClusterRow | None:
        """The row at ``index``, fetching its page if needed."""
        return self._rows.row(index)

    def loaded_rows(self) -> list[ClusterRow]:
        """The rows fetched so far, in order (for alerts and the command palette)."""
        return self._rows.loaded()

    def set_source(self, source: RowSource) -> None:
        """Show rows from another source (a new filter): cursor back to the top."""
        self._rows.replace_source(source)
        self._cursor = 0
        self._sync_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self._announce(force=True)

    def reload(self) -> None:
        """Refetch after the data changed, keeping the cursor on the same cluster.

        Rows are updated by key: the highlighted cluster is looked up in the
        refreshed pages around its old place. When it is gone (dismissed,
        moved), the cursor stays at the same index, on the next cluster. The
        cursor keeps its screen line unless the list was scrolled to the top,
        where new clusters are shown above it instead of scrolled away.
        """
        old = self.highlighted
        old_index = self._cursor
        screen_line = old_index - round(self.scroll_offset.y)
        at_top = round(self.scroll_offset.y) == 0
        self._rows.recount()
        new_index = min(old_index, max(0, self.total - 1))
        if old is not None:
            found = self._rows.find(old.id, old_index)
            if found is not None:
                new_index = found
        self._cursor = new_index
        self._sync_size()
        height = max(1, self.scrollable_content_region.height)
        target = 0 if at_top and new_index < height else max(0, new_index - screen_line)
        self.scroll_to(y=target, animate=False, immediate=True)
        self._scroll_cursor_visible()
        self.refresh()
        self._announce(force=True)

    def move_to_id(self, cluster_id: str) -> bool:
        """Put the cursor on a cluster among the first pages; True when found."""
        found = self._rows.find(cluster_id, 0, span=20)
        if found is None:
            return False
        self.move_cursor(found)
        return True

    def patch_row(self, row: ClusterRow) -> None:
        """Replace a loaded row by key (e.g. after its "new" marker was cleared)."""
        if self._rows.patch(row):
            if self._last_highlighted is not None and self._last_highlighted.id == row.id:
                self._last_highlighted = row
            self.refresh()

    def _sync_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)

    # -- cursor ---------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Move the cursor to ``index`` (clamped) and scroll it into view.

        Without a scroll only the two lines that changed are repainted (the
        old and the new cursor line); a scroll repaints the view.
        """
        old = self._cursor
        self._cursor = max(0, min(index, self.total - 1))
        if self._scroll_cursor_visible():
            self.refresh()
        elif self._cursor != old:
            self.refresh_line(old)
            self.refresh_line(self._cursor)
        self._announce()

    def _scroll_cursor_visible(self) -> bool:
        """Scroll so the cursor line is in view; True when it scrolled."""
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
            return True
        if self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False, immediate=True)
            return True
        return False

    def _announce(self, force: bool = False) -> None:
        self._announced = True
        row = self.highlighted
        if force or row != self._last_highlighted:
            self._last_highlighted = row
            self.post_message(self.Highlighted(self, row))

    def action_cursor_down(self) -> None:
        """Next cluster."""
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous cluster."""
        self.move_cursor(self._cursor - 1)

    def action_cursor_first(self) -> None:
        """First cluster."""
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        """Last cluster."""
        self.move_cursor(self.total - 1)

    def action_cursor_page(self, direction: int) -> None:
        """A screenful down (1) or up (-1)."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(self._cursor + direction * step)

    def action_open(self) -> None:
        """Ask the owner to open the highlighted cluster."""
        row = self.highlighted
        if row is not None:
            self.post_message(self.OpenRequested(self, row))

    def action_triage(self, action: TriageAction) -> None:
        """Ask the owner to triage the highlighted cluster."""
        row = self.highlighted
        if row is not None:
            self.post_message(self.TriageRequested(self, row, action))

    def on_click(self, event: events.Click) -> None:
        """Clicking a row moves the cursor there."""
        offset = event.get_content_offset(self)
        if offset is not None:
            self.move_cursor(round(self.scroll_offset.y) + offset.y)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size and the cursor's visibility in step with the size.

        The first resize is the list's first layout: a list that is shown
        counts its rows and announces its first cluster then, after the first
        frame is drawn; a list hidden at start (a tab not chosen) does neither
        until it is shown, so start-up pays only for what is on screen.
        """
        self._sync_size()
        self._scroll_cursor_visible()
        if not self._announced:
            self._announce(force=True)

    # -- drawing --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw one visible line."""
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        styles = self._style_table()
        base = styles[("", False)]
        if self.total == 0:
            if y == 0:
                style = styles[("cluster-list--empty", False)]
                return Strip([Segment(fit_cells(self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        return self._render_row(row, width, index == self._cursor)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: drop cached styles and rows."""
        super().notify_style_update()
        self._forget_styles()

    def on_focus(self) -> None:
        """The cursor colour depends on focus."""
        self._forget_styles()

    def on_blur(self) -> None:
        """The cursor colour depends on focus."""
        self._forget_styles()

    def _forget_styles(self) -> None:
        self._styles = None
        self._row_cache.clear()
        self.refresh()

    def _style_table(self) -> dict[tuple[str, bool], Style]:
        if self._styles is None:
            plain = self.rich_style
            cursor = plain + self.get_component_rich_style("cluster-list--cursor")
            table: dict[tuple[str, bool], Style] = {("", False): plain, ("", True): cursor}
            for name in self.COMPONENT_CLASSES:
                component = self.get_component_rich_style(name)
                table[(name, False)] = plain + component
                # A component style carries the widget's background: on the
                # cursor line it would paint over the cursor (only the gaps
                # between segments showed it), so the cursor keeps its own.
                table[(name, True)] = (
                    cursor + component.without_color + Style(color=component.color)
                )
            self._styles = table
        return self._styles

    def _render_row(self, row: ClusterRow, width: int, is_cursor: bool) -> Strip:
        styles = self._style_table()
        marked = self.marked_id == row.id
        key = (row, width, is_cursor, marked, self._now, id(styles))
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached

        def style(name: str) -> Style:
            return styles[(name, is_cursor)]

        base = style("")
        text_style = style("cluster-list--unread" if row.unread else "cluster-list--read")
        if marked:
            flag = Segment("⇄", style("cluster-list--marked"))
        elif row.alert:
            flag = Segment("!", style("cluster-list--alert"))
        else:
            flag = Segment(" ", base)
        age = format_age(row.last_update, self._now).rjust(3)
        outlets = f"×{row.outlets}".rjust(4)
        fixed = 4 + 1 + 3 + 1 + 1 + 4
        headline = fit_cells(one_line(row.headline, max_len=400), max(0, width - fixed))
        segments = [
            Segment("●", style("cluster-list--unread")) if row.unread else Segment(" ", base),
            Segment("✱", style("cluster-list--new")) if row.new else Segment(" ", base),
            Segment("★", style("cluster-list--star")) if row.starred else Segment(" ", base),
            flag,
            Segment(" ", base),
            Segment(age, style("cluster-list--age")),
            Segment(" ", base),
            Segment(headline, text_style),
            Segment(" ", base),
            Segment(outlets, style("cluster-list--meta")),
        ]
        strip = Strip(segments).adjust_cell_length(width, base)
        if len(self._row_cache) > 512:
            self._row_cache.clear()
        self._row_cache[key] = strip
        return strip
