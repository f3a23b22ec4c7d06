"""The help screen: every key (after the keymap) and what the row markers mean."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from app.tui.keys import binding_table, effective_key
from widgets.key_bar import KeyBar

__all__ = ["HelpScreen", "help_text"]

LEGEND = (
    ("●", "unread stories in the cluster"),
    ("✱", "new since you last looked"),
    ("★", "starred"),
    ("!", "matches an alert term"),
    ("⇄", "marked for a merge (M on another cluster merges it there)"),
    ("3h", "time since the cluster's last update"),
    ("×4", "number of outlets carrying it"),
)


def help_text(keymap: Mapping[str, str]) -> Content:
    """The help page for the current keymap."""
    lines: list[Content] = [Content.styled("Keys", "bold underline")]
    where_last = ""
    for where, binding in binding_table():
        if where != where_last:
            lines.append(Content.styled(f"\n{where}", "bold"))
            where_last = where
        key = effective_key(binding, keymap)
        text = binding.tooltip or binding.description
        lines.append(
            Content.assemble((f"  {key:<14}", "bold"), f"{text:<36}", (f" [{binding.id}]", "dim"))
        )
    lines.append(Content.styled("\nRow markers", "bold underline"))
    for mark, meaning in LEGEND:
        lines.append(Content.assemble((f"  {mark:<4}", "bold"), meaning))
    lines.append(
        Content(
            "\nRemap any key in config.toml under [keymap], by the id in brackets,"
            ' e.g. star = "S". Ctrl+P opens the command palette.'
        )
    )
    return Content("\n").join(lines)


class HelpScreen(Screen[None]):
    """Keys and markers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Back", id="help_close", tooltip="Back"),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        """Help for ``keymap``."""
        super().__init__(id="help")
        self.keymap = dict(keymap)

    def compose(self) -> ComposeResult:
        """The page and a footer."""
        with VerticalScroll():
            yield Static(help_text(self.keymap), markup=False, id="help-text")
        yield KeyBar()

    def action_close(self) -> None:
        """Back."""
        self.dismiss(None)
