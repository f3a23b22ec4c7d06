"""Triage: what each desk key does to the store, and what the user is told.

Every write goes through :func:`write`, which refuses on a read-only
database, turns expected errors into a toast (``markup=False``: messages can
quote headlines), and reloads the panes so rows update in place with the
cursor kept. The past-tense description the desk returns is the toast; ``u``
undoes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from app.errors import FrontlineError
from app.models import ClusterRow, Story
from app.text import clean_line
from app.tui.links import check_url
from app.tui.pickers import ConfirmScreen, MuteChoice, MutePicker, PanePicker
from widgets.cluster_list import ClusterList, TriageAction
from widgets.pane_view import pane_label

if TYPE_CHECKING:
    from app.tui.main import MainScreen

__all__ = [
    "clear_merge_mark",
    "cluster_action",
    "link",
    "mark_pane_read",
    "mark_seen",
    "split",
    "undo",
    "write",
]


def _say(screen: MainScreen, message: str, *, severity: str = "information") -> None:
    screen.app.notify(
        clean_line(message, max_len=300),
        severity=severity,  # type: ignore[arg-type]
        markup=False,
    )


def write(
    screen: MainScreen, do: Callable[[], str | None], panes: Iterable[str] | None = None
) -> bool:
    """Run one desk write, report it, reload ``panes`` (None: all). True on success."""
    if screen.desk.readonly:
        _say(screen, "Read-only database: nothing was changed.", severity="warning")
        return False
    try:
        message = do()
    except FrontlineError as exc:
        _say(screen, str(exc), severity="warning")
        return False
    except Exception as exc:  # a locked or broken database must not kill the desk
        _say(screen, f"Could not save: {type(exc).__name__}: {exc}", severity="error")
        return False
    if message:
        _say(screen, message)
    screen.reload_all(panes)
    return True


def mark_seen(screen: MainScreen, cluster_list: ClusterList, row: ClusterRow) -> None:
    """Clear "new" on a cluster the user has looked at (not undoable, no toast)."""
    if screen.desk.readonly:
        return
    try:
        screen.desk.mark_seen(row.id)
    except Exception:  # best effort: a failed seen-mark only leaves a marker on
        return
    cluster_list.patch_row(dataclasses.replace(row, new=False))


def cluster_action(screen: MainScreen, row: ClusterRow, action: TriageAction) -> None:
    """Dispatch a triage key pressed on ``row``."""
    desk = screen.desk
    here = (row.pane,)
    if action == "read":
        write(screen, lambda: desk.toggle_read(row.id), here)
    elif action == "star":
        write(screen, lambda: desk.toggle_star(row.id), here)
    elif action == "dismiss":
        write(screen, lambda: desk.dismiss(row.id), here)
    elif action == "move":
        _move(screen, row)
    elif action == "mute":
        _mute(screen, row)
    elif action == "merge":
        _merge(screen, row)
    elif action in ("open_link", "copy_link"):
        detail = desk.cluster_detail(row.id)
        members = detail.members if detail is not None else ()
        founder = next((m for m in members if m.id == row.id), members[0] if members else None)
        link(screen, founder.url if founder is not None else None, action)


def _move(screen: MainScreen, row: ClusterRow) -> None:
    def chosen(pane: str | None) -> None:
        if pane:
            write(screen, lambda: screen.desk.move_to_pane(row.id, pane), (row.pane, pane))

    screen.app.push_screen(PanePicker(screen.panes, row.pane), chosen)


def _mute(screen: MainScreen, row: ClusterRow) -> None:
    detail = screen.desk.cluster_detail(row.id)
    outlets: list[str] = []
    terms: list[str] = []
    if detail is not None:
        outlets = sorted({m.outlet for m in detail.members if m.outlet})
        terms = list(dict.fromkeys(detail.pane_terms))

    def chosen(choice: MuteChoice | None) -> None:
        if choice is not None:
            write(screen, lambda: screen.desk.mute(choice.kind, choice.value, choice.expires))

    screen.app.push_screen(MutePicker(outlets, terms, screen.desk_app.clock()), chosen)


def clear_merge_mark(screen: MainScreen) -> None:
    """Forget the cluster marked for a merge."""
    screen.merge_mark = None
    for pane in screen.panes:
        cluster_list = screen.deck.pane(pane).cluster_list
        cluster_list.marked_id = None
        cluster_list.refresh()


def _merge(screen: MainScreen, row: ClusterRow) -> None:
    marked = screen.merge_mark
    if marked is None or marked.id == row.id:
        if marked is not None:
            clear_merge_mark(screen)
            _say(screen, "Merge mark cleared.")
            return
        screen.merge_mark = row
        for pane in screen.panes:
            screen.deck.pane(pane).cluster_list.marked_id = row.id
        screen.active_list.refresh()
        _say(screen, "Marked for merge: press M on the cluster to merge it into (esc cancels).")
        return
    clear_merge_mark(screen)
    write(screen, lambda: screen.desk.merge_clusters(row.id, marked.id), (row.pane, marked.pane))


def split(screen: MainScreen, story: Story) -> None:
    """Split a member story out of its cluster."""
    write(screen, lambda: screen.desk.split_story(story.id))


def undo(screen: MainScreen) -> None:
    """Undo the last recorded action."""
    if screen.desk.readonly:
        _say(screen, "Read-only database: nothing to undo.", severity="warning")
        return
    write(screen, lambda: screen.desk.undo() or "Nothing to undo.")


def mark_pane_read(screen: MainScreen, pane: str) -> None:
    """Ask, then mark every cluster of ``pane`` read."""
    stats = screen.desk.pane_stats().get(pane)
    unread = stats.unread if stats is not None else 0
    if not unread:
        _say(screen, f"Nothing unread in {pane_label(pane)}.")
        return

    def answered(yes: bool | None) -> None:
        if yes:
            write(screen, lambda: screen.desk.mark_pane_read(pane), (pane,))

    screen.app.push_screen(
        ConfirmScreen(f"Mark all {unread} unread clusters in {pane_label(pane)} read?"), answered
    )


def link(screen: MainScreen, url: str | None, action: str) -> None:
    """Open (in a worker thread) or copy a validated http(s) link; refuse others."""
    safe, reason = check_url(url)
    if safe is None:
        _say(screen, reason, severity="warning")
        return
    if action == "copy_link":
        screen.app.copy_to_clipboard(safe)
        _say(screen, "Link copied.")
    else:
        screen.desk_app.open_in_browser(safe)
        _say(screen, "Opening in the browser…")
