"""Datelines and relative times: "Feb 27, 2026 6:40 pm", "time21 minutes ago".

Owns turning a meta line into a UTC time: :func:`absolute_time` for a line of
dates and date labels only, :func:`relative_time` for "<n> <unit> ago" lines
(counted back from the file's modification time, with an outlet that may be
glued on: "Yahooa day ago"). Pure.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from app.seeds.shapes import is_outlet_name, split_words

__all__ = ["absolute_time", "relative_time"]
_TIME_LABEL_RE = re.compile(
    r"^(?:last\s+updated?|updated?(?:\s+on)?|published(?:\s+on)?|posted(?:\s+on)?|date|time)"
    r"(?![a-z])\s*:?\s*",
    re.IGNORECASE,
)
_UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "mo": timedelta(days=30),
    "y": timedelta(days=365),
}
_RELATIVE_RE = re.compile(
    r"(?P<n>\d{1,4}|an?|one)\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdwy])"
    r"\s+ago\s*$",
    re.IGNORECASE,
)
_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
_CLOCK = r"(?:,?\s+(?:at\s+)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})\s*(?P<ampm>[ap]\.?m\.?|h)?)?"
_ZONE = r"(?:\s*(?P<zone>Z|UTC|GMT)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?"
_DIGIT_RE = re.compile(r"\d")
_YEAR = r"(?:,?\s+(?P<y>\d{4})(?!\d))?"
_DATE_RES = (
    re.compile(
        r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})"
        r"(?::\d{2}(?:\.\d+)?)?)?(?P<iso>Z|[+-]\d{2}:?\d{2})?"
    ),
    re.compile(
        r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)" + _YEAR + _CLOCK + _ZONE,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?" + _YEAR + _CLOCK + _ZONE,
        re.IGNORECASE,
    ),
    re.compile(r"(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4})\.?" + _CLOCK + _ZONE, re.IGNORECASE),
)
# What may surround a date on a dateline: labels, weekdays, zone abbreviations.
_DATELINE_WORDS_RE = re.compile(
    r"\b(?:published|updated?|posted|last|on|at|date|time|modified"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
    r"|[A-Z]{1,3}[SD]?T)\b",
    re.IGNORECASE,
)


def _date_from(match: re.Match[str], mtime: datetime) -> tuple[datetime, bool] | None:
    groups = match.groupdict()
    if groups.get("mon"):
        month = _MONTHS.get(groups["mon"].casefold().rstrip("."), 0)
    else:
        month = int(groups["mo"])
    hour = int(groups["hh"]) if groups.get("hh") else 0
    minute = int(groups["mm"]) if groups.get("mm") else 0
    ampm = (groups.get("ampm") or "").casefold()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    zone = UTC
    stated = bool(groups.get("zone") or groups.get("iso"))
    offset = groups.get("iso") or groups.get("offset")
    if offset and offset.upper() != "Z":
        digits = offset[1:].replace(":", "")
        hours, minutes = (
            (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        )
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    year = int(groups["y"]) if groups.get("y") else mtime.year
    try:
        when = datetime(year, month, int(groups["d"]), hour, minute, tzinfo=zone)
    except ValueError:
        return None
    if not groups.get("y") and when > mtime + timedelta(days=2):
        # "27 February" seen in January is last year's.
        try:
            when = when.replace(year=year - 1)
        except ValueError:
            return None
    return when.astimezone(UTC), stated


def absolute_time(text: str, mtime: datetime) -> tuple[datetime, bool] | None:
    """Parse a dateline: a line of dates and date labels only.

    "Feb 27, 2026 6:40 pm", "Friday, 27 February 2026, 17:07", "27.02.2026 -
    Update : 27.02.2026", "Published On 27 Feb 2026", "27 February, 02:20 PM"
    (the year of ``mtime``). Returns (when in UTC, zone stated); the first
    date on the line wins. A line with other words is not a dateline.
    """
    if len(text) > 80 or not _DIGIT_RE.search(text):
        return None  # every dateline has a day number, and none is long
    for pattern in _DATE_RES:
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        residue = pattern.sub(" ", text)
        if re.search(r"[^\W\d_]", _DATELINE_WORDS_RE.sub(" ", residue)):
            continue
        parsed = _date_from(matches[0], mtime)
        if parsed is not None:
            return parsed
    return None


def relative_time(text: str, mtime: datetime) -> tuple[datetime, str | None] | None:
    """Parse "[Outlet]<n> <unit> ago" lines; the outlet may be glued on ("Yahooa day ago")."""
    if "ago" not in text.casefold():
        return None
    body = _TIME_LABEL_RE.sub("", text, count=1)
    match = _RELATIVE_RE.search(body)
    if match is None:
        return None
    prefix = body[: match.start()]
    outlet: str | None = None
    glued = bool(prefix) and prefix[-1].isalpha()
    prefix = prefix.strip(" ·•|,-–—")
    if prefix:
        # A space-separated prefix could be the end of a sentence ("struck
        # Kyiv 2 days ago"); only an outlet-shaped one makes this a time line.
        if not is_outlet_name(prefix) or (not glued and len(split_words(prefix)) > 3):
            return None
        outlet = prefix
    count_text = match.group("n").casefold()
    count = 1 if count_text in {"a", "an", "one"} else int(count_text)
    unit_text = match.group("unit").casefold()
    unit = "mo" if unit_text.startswith("mo") else unit_text[0]
    delta = _UNITS[unit] * count
    if delta > timedelta(days=3650):
        return None
    return mtime - delta, outlet
