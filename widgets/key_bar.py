"""A one-line footer of the live key bindings, cheap enough to follow every focus change.

Textual's ``Footer`` recomposes a widget per key whenever focus moves, which
costs a few hundred milliseconds on a desk where focus moves with every pane
switch. This bar is one ``Static``: it rebuilds its ``Content`` from the
screen's active bindings (so ``[keymap]`` changes show) and repaints only
when the text actually changed. Clicking a key presses it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["KeyBar"]


class KeyBar(Static):
    """``⏎ Open  r Read  s Star …`` for the focused widget and its ancestors."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        """An empty bar; it fills itself once mounted."""
        super().__init__("", id=id, markup=False)
        self._signature: tuple[tuple[str, str, bool], ...] = ()
        self._ranges: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        """Follow the screen's binding changes."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.rebuild)

    def on_unmount(self) -> None:
        """Stop following."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.rebuild)

    def rebuild(self) -> None:
        """Recompute the text from the active bindings; repaint only on change."""
        if not self.is_attached:
            return
        items: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((key, binding.description, active.enabled))
        palette = self.app.COMMAND_PALETTE_BINDING
        if self.app.ENABLE_COMMAND_PALETTE and palette in self.screen.active_bindings:
            items.append((palette, "Commands", True))
        signature = tuple(items)
        if signature == self._signature:
            return
        self._signature = signature
        key_style = self.get_visual_style("key-bar--key")
        off_style = self.get_visual_style("key-bar--disabled")
        parts: list[Content] = []
        ranges: list[tuple[int, int, str]] = []
        offset = 0
        for key, description, enabled in items:
            shown = self.app.get_key_display(self.screen.active_bindings[key].binding)
            piece = Content.assemble(
                " ",
                Content.styled(shown, key_style if enabled else off_style),
                " ",
                Content.styled(description, "" if enabled else off_style),
                " ",
            )
            ranges.append((offset, offset + piece.cell_length, key))
            offset += piece.cell_length
            parts.append(piece)
        self._ranges = ranges
        self.update(Content.assemble(*parts), layout=False)

    def on_click(self, event: events.Click) -> None:
        """Clicking a key presses it."""
        for start, end, key in self._ranges:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
