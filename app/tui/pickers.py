"""Small modal dialogs: confirm, pick a pane, pick a mute, pick a filter.

Each returns its answer through ``dismiss`` (None when cancelled with
escape). Options that show feed text (outlets, terms) are ``Content`` in an
``OptionList(markup=False)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from app.models import ClusterFilter
from app.text import clean_line
from widgets.pane_view import pane_label

__all__ = [
    "EXPIRY_CHOICES",
    "SINCE_CHOICES",
    "ConfirmScreen",
    "FilterChoice",
    "FilterPicker",
    "MuteChoice",
    "MutePicker",
    "PanePicker",
    "describe_filter",
]

#: (label, duration) for a mute's lifetime; None = until removed.
EXPIRY_CHOICES: tuple[tuple[str, timedelta | None], ...] = (
    ("for 1 hour", timedelta(hours=1)),
    ("for 1 day", timedelta(days=1)),
    ("for 7 days", timedelta(days=7)),
    ("for 30 days", timedelta(days=30)),
    ("until I unmute it", None),
)

#: (label, window) for the "since" filter; None = any time.
SINCE_CHOICES: tuple[tuple[str, timedelta | None], ...] = (
    ("any time", None),
    ("last hour", timedelta(hours=1)),
    ("last 6 hours", timedelta(hours=6)),
    ("last 24 hours", timedelta(days=1)),
    ("last 7 days", timedelta(days=7)),
)


def describe_filter(filt: ClusterFilter, now: datetime) -> str:
    """A short description for the pane title ("" for no filter)."""
    parts = []
    if filt.unread_only:
        parts.append("unread")
    if filt.starred_only:
        parts.append("starred")
    if filt.since is not None:
        hours = max(1, round((now - filt.since).total_seconds() / 3600))
        parts.append(f"{hours}h" if hours < 48 else f"{hours // 24}d")
    return " · ".join(parts)


_T = TypeVar("_T")


class _Modal(ModalScreen[_T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close without changes"),
    ]

    def action_cancel(self) -> None:
        """Close, answering None."""
        self.dismiss(None)


class ConfirmScreen(_Modal[bool | None]):
    """A yes/no question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        """Ask ``question`` (plain text)."""
        super().__init__(classes="dialog")
        self.question = question

    def compose(self) -> ComposeResult:
        """Question and two buttons."""
        with Vertical(classes="dialog-box"):
            yield Label(Content(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Yes (y)"), id="yes", variant="primary")
                yield Button(Content("No (n)"), id="no")

    def on_mount(self) -> None:
        """Default to No."""
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        """Answer."""
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        self.dismiss(event.button.id == "yes")


class PanePicker(_Modal[str | None]):
    """Choose a pane to move a cluster to."""

    def __init__(self, panes: tuple[str, ...], current: str) -> None:
        """Offer ``panes`` except ``current``."""
        super().__init__(classes="dialog")
        self.panes = tuple(p for p in panes if p != current)
        self.current = current

    def compose(self) -> ComposeResult:
        """A title and the panes."""
        with Vertical(classes="dialog-box"):
            yield Label(
                Content(f"Move from {pane_label(self.current)} to:"), classes="dialog-title"
            )
            yield OptionList(
                *(
                    Option(Content(f"{i}  {pane_label(p)}"), id=p)
                    for i, p in enumerate(self.panes, 1)
                ),
                markup=False,
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Choosing a pane answers."""
        event.stop()
        self.dismiss(event.option.id)


@dataclass(frozen=True, slots=True)
class MuteChoice:
    """What to mute and for how long."""

    kind: str  # "term" | "outlet"
    value: str
    expires: datetime | None


class MutePicker(_Modal[MuteChoice | None]):
    """Choose an outlet or a term (or type one), then how long to mute it."""

    def __init__(self, outlets: list[str], terms: list[str], now: datetime) -> None:
        """Offer the cluster's outlets and deciding terms."""
        super().__init__(classes="dialog")
        self.targets: list[tuple[str, str]] = [("outlet", o) for o in outlets] + [
            ("term", t) for t in terms
        ]
        self.now = now
        self.target: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        """Targets and a free-text term, then (after choosing) the expiry."""
        with Vertical(classes="dialog-box"):
            yield Label(Content("Mute what?"), classes="dialog-title", id="mute-title")
            yield OptionList(
                *(
                    Option(Content.assemble(f"{kind}: ", clean_line(value, max_len=120)))
                    for kind, value in self.targets
                ),
                markup=False,
                id="mute-targets",
            )
            yield Input(placeholder="…or type a term and press enter", id="mute-term")
            yield OptionList(
                *(Option(Content(label)) for label, _ in EXPIRY_CHOICES),
                markup=False,
                id="mute-expiry",
            )

    def on_mount(self) -> None:
        """Start on the target list."""
        self.query_one("#mute-expiry").display = False
        self.query_one("#mute-targets").focus()

    def _choose_target(self, kind: str, value: str) -> None:
        self.target = (kind, value)
        self.query_one("#mute-title", Label).update(
            Content.assemble(f"Mute {kind} ", (clean_line(value, max_len=120), "bold"), " …")
        )
        self.query_one("#mute-targets").display = False
        self.query_one("#mute-term").display = False
        expiry = self.query_one("#mute-expiry", OptionList)
        expiry.display = True
        expiry.highlighted = 2
        expiry.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """First a target, then an expiry."""
        event.stop()
        if event.option_list.id == "mute-targets":
            self._choose_target(*self.targets[event.option_index])
        elif self.target is not None:
            span = EXPIRY_CHOICES[event.option_index][1]
            expires = None if span is None else self.now + span
            self.dismiss(MuteChoice(self.target[0], self.target[1], expires))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """A typed term."""
        event.stop()
        term = clean_line(event.value, max_len=200)
        if term:
            self._choose_target("term", term)


@dataclass(frozen=True, slots=True)
class FilterChoice:
    """A filter and whether it applies to every pane."""

    filter: ClusterFilter
    all_panes: bool


class FilterPicker(_Modal[FilterChoice | None]):
    """Unread only, starred only, since when; for this pane or all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="filter_apply", tooltip="Apply the filter"),
    ]

    def __init__(self, current: ClusterFilter, now: datetime, pane: str) -> None:
        """Start from ``current``."""
        super().__init__(classes="dialog")
        self.current = current
        self.now = now
        self.pane = pane

    def compose(self) -> ComposeResult:
        """Checkboxes, a time window list and buttons."""
        with Vertical(classes="dialog-box"):
            yield Label(Content(f"Filter {pane_label(self.pane)}"), classes="dialog-title")
            yield Checkbox("Unread only", self.current.unread_only, id="f-unread")
            yield Checkbox("Starred only", self.current.starred_only, id="f-starred")
            yield Label(Content("Since:"))
            yield OptionList(
                *(Option(Content(label)) for label, _ in SINCE_CHOICES),
                markup=False,
                id="f-since",
            )
            yield Checkbox("Apply to all panes", False, id="f-all")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Apply"), id="apply", variant="primary")
                yield Button(Content("Clear"), id="clear")

    def on_mount(self) -> None:
        """Highlight the current window."""
        since = self.query_one("#f-since", OptionList)
        since.highlighted = 0
        if self.current.since is not None:
            window = self.now - self.current.since
            best = min(
                range(1, len(SINCE_CHOICES)),
                key=lambda i: abs((SINCE_CHOICES[i][1] or window) - window),
            )
            since.highlighted = best
        self.query_one("#f-unread", Checkbox).focus()

    def _choice(self) -> FilterChoice:
        index = self.query_one("#f-since", OptionList).highlighted or 0
        span = SINCE_CHOICES[index][1]
        return FilterChoice(
            ClusterFilter(
                unread_only=self.query_one("#f-unread", Checkbox).value,
                starred_only=self.query_one("#f-starred", Checkbox).value,
                since=None if span is None else self.now - span,
                include_dismissed=self.current.include_dismissed,
            ),
            self.query_one("#f-all", Checkbox).value,
        )

    def action_apply(self) -> None:
        """Apply the filter as set."""
        self.dismiss(self._choice())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a time window applies."""
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply, or clear every condition."""
        if event.button.id == "clear":
            self.dismiss(FilterChoice(ClusterFilter(), self.query_one("#f-all", Checkbox).value))
        else:
            self.action_apply()
