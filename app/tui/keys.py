"""Every desk key binding, gathered for the help screen and keymap checks.

Bindings are declared on their narrowest owner (the list, the member list,
the feeds table, a screen); this module only collects them, so ``?`` and
the ``[keymap]`` validation always agree with what is actually bound.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding, BindingType

__all__ = ["binding_table", "effective_key", "known_binding_ids"]


def _bindings(items: list[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def binding_table() -> list[tuple[str, Binding]]:
    """``(where, binding)`` for every desk binding with an id, in help order."""
    from app.tui.app import DeskApp
    from app.tui.feeds import FeedsScreen
    from app.tui.main import MainScreen
    from app.tui.pickers import ConfirmScreen, FilterPicker
    from app.tui.search import SearchScreen
    from widgets.cluster_list import ClusterList
    from widgets.detail import MemberList
    from widgets.feed_table import FeedTable

    owners: list[tuple[str, list[BindingType]]] = [
        ("Pane list", ClusterList.BINDINGS),
        ("Detail members", MemberList.BINDINGS),
        ("Desk", MainScreen.BINDINGS),
        ("Search", SearchScreen.BINDINGS),
        ("Feeds", [*FeedTable.BINDINGS, *FeedsScreen.BINDINGS]),
        ("Dialogs", [*ConfirmScreen.BINDINGS, *FilterPicker.BINDINGS]),
        ("App", DeskApp.BINDINGS),
    ]
    table: list[tuple[str, Binding]] = []
    for where, items in owners:
        table.extend((where, b) for b in _bindings(items) if b.id)
    return table


def known_binding_ids() -> set[str]:
    """Every binding id a ``[keymap]`` may remap."""
    return {b.id for _, b in binding_table() if b.id} | {"cancel"}


def effective_key(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The key(s) a binding answers to after the keymap, for display."""
    keys = keymap.get(binding.id or "", binding.key)
    return ", ".join(
        k.strip().replace("question_mark", "?").replace("slash", "/") for k in keys.split(",")
    )
