"""Small pure formatters shared by the desk widgets.

Ages, clock times and single-line fitting live here so every widget shows a
time the same way ("3m", "2h", "4d") and cuts text the same way (by terminal
cells, with an ellipsis). Nothing here parses markup: callers wrap results in
``Content``/``Text`` or rich ``Segment`` objects.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, set_cell_size

from app.text import clean_line

__all__ = [
    "ago",
    "fit_cells",
    "format_age",
    "format_clock",
    "format_countdown",
    "one_line",
]


def format_age(then: datetime, now: datetime) -> str:
    """How long ago ``then`` was, in at most four cells.

    Args:
        then: The earlier moment (timezone-aware).
        now: The current moment (timezone-aware).

    Returns:
        ``"now"`` under a minute, then ``"3m"``, ``"2h"``, ``"4d"``, ``"12w"``
        and ``"3y"``. A moment in the future (clock skew) reads ``"now"``.
    """
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    if days < 365:
        return f"{days // 7}w"
    return f"{days // 365}y"


def ago(then: datetime, now: datetime) -> str:
    """``"3m ago"``, or ``"just now"`` under a minute."""
    age = format_age(then, now)
    return "just now" if age == "now" else f"{age} ago"


def format_clock(moment: datetime | None, now: datetime) -> str:
    """A moment as ``HH:MM`` today, ``Mon DD HH:MM`` otherwise, in UTC.

    Args:
        moment: The moment, or None.
        now: The current moment, to decide whether the date is needed.

    Returns:
        The formatted time, or ``"never"`` for None.
    """
    if moment is None:
        return "never"
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    return moment.strftime("%b %d %H:%M")


def format_countdown(seconds: float) -> str:
    """Seconds left as ``M:SS`` (or ``H:MM:SS`` from an hour up).

    Args:
        seconds: Seconds left; negative values read as zero.

    Returns:
        The countdown text.
    """
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def one_line(value: str, *, max_len: int = 1000) -> str:
    """Untrusted text made safe for a single terminal line.

    Args:
        value: Any text; feed text has been cleaned at ingest already, this is
            defence in depth against controls and line breaks.
        max_len: Cap in characters before cell fitting.

    Returns:
        Text without control characters or line breaks.
    """
    return clean_line(value, max_len=max_len)


def fit_cells(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` terminal cells.

    Args:
        text: Single-line text (wide CJK and emoji count two cells).
        width: Target width in cells.

    Returns:
        The text padded with spaces, or cut with a trailing ellipsis.
    """
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, width - 1) + "\u2026"
