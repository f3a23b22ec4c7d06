"""Entries of any feed format, and how they become a :class:`~app.models.ParsedFeed`.

The format readers (feedparser and the expat fast path in :mod:`app.parse`,
JSON Feed in :mod:`app.jsonfeed`) turn each entry into a :class:`_RawEntry`:
its guid and checked date up front, its text on demand. :func:`_build` then
selects the entries to keep (duplicate guids dropped, the newest
``max_items``), renders their text, and writes the warnings. Shared helpers
for dates, capped text fields and links live here too.

Pure, like the rest of the parser; :mod:`app.parse` is the public surface.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from app.htmltext import html_to_text
from app.models import ParsedFeed, ParsedStory
from app.text import clean_line, clean_text

#: Dates before this are placeholders (epoch 0, year 0001), not news.
_MIN_YEAR = 1990
#: A date up to this far ahead is clock skew: clamped to ``now``, not flagged.
_CLOCK_SKEW = timedelta(minutes=15)
_URL_CAP = 4096
_GUID_CAP = 2048
_AUTHOR_CAP = 200
#: Length of a title made from the text when an entry has none.
_DERIVED_TITLE_CAP = 160

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class _Details:
    """The text of an entry, extracted only for entries that are kept."""

    link: str | None
    title: str
    title_html: bool
    summary: str
    summary_html: bool
    body: str
    body_html: bool
    author: str | None


@dataclass(slots=True)
class _RawEntry:
    """One entry, whatever the feed format: what selection needs, and the rest on demand.

    A 50,000-item feed is cut to the newest ``max_items`` on guid and date
    alone, so links, text and HTML are only looked at for the kept entries.
    """

    guid: str | None
    published: datetime | None
    estimated: bool
    details: Callable[[], _Details]


@dataclass(slots=True)
class _Tally:
    bad_dates: int = 0
    future_dates: int = 0
    duplicates: int = 0
    empty: int = 0


def _to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _check_date(
    value: datetime | None, had_text: bool, now: datetime, tally: _Tally
) -> tuple[datetime | None, bool]:
    """Apply the date rules: too old or missing -> None, future -> ``now`` (flagged)."""
    if value is None:
        if had_text:
            tally.bad_dates += 1
        return None, False
    if value.year < _MIN_YEAR:
        tally.bad_dates += 1
        return None, False
    if value > now:
        if value - now > _CLOCK_SKEW:
            tally.future_dates += 1
            return now, True
        return now, False
    return value, False


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional(value: object, cap: int) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = clean_line(value, max_len=cap)
    return cleaned or None


def _link(value: object, base: str) -> str | None:
    """The entry link as given; a relative one is resolved against the feed URL."""
    link = _optional(value, _URL_CAP)
    if link is None or not base or _SCHEME_RE.match(link):
        return link
    try:
        joined = urljoin(base, link)
    except ValueError:
        return link
    return clean_line(joined, max_len=_URL_CAP) or link


def _select(raw: list[_RawEntry], max_items: int, tally: _Tally) -> tuple[list[_RawEntry], int]:
    """Drop duplicate guids (first wins), then keep the newest ``max_items``.

    Undated entries rank after dated ones, in document order; the kept
    entries stay in document order. Returns them and how many were cut.
    """
    seen: set[str] = set()
    unique: list[_RawEntry] = []
    for entry in raw:
        if entry.guid is not None:
            if entry.guid in seen:
                tally.duplicates += 1
                continue
            seen.add(entry.guid)
        unique.append(entry)
    if len(unique) <= max_items:
        return unique, 0

    def rank(index: int) -> tuple[bool, float, int]:
        published = unique[index].published
        return (published is None, -published.timestamp() if published else 0.0, index)

    keep = sorted(sorted(range(len(unique)), key=rank)[: max(0, max_items)])
    return [unique[k] for k in keep], len(unique) - len(keep)


def _render(value: str, is_html: bool, cap: int) -> str:
    if not value:
        return ""
    if is_html:
        return html_to_text(value, max_len=cap)
    return clean_text(value, max_len=cap)


def _story(entry: _RawEntry, title_cap: int, body_cap: int) -> ParsedStory | None:
    info = entry.details()
    if info.title_html:
        title = clean_line(html_to_text(info.title, max_len=title_cap), max_len=title_cap)
    else:
        title = clean_line(info.title, max_len=title_cap)
    summary = _render(info.summary, info.summary_html, body_cap)
    body = _render(info.body, info.body_html, body_cap)
    if body == summary:
        body = ""
    if not title:
        title = clean_line(summary or body, max_len=min(title_cap, _DERIVED_TITLE_CAP))
    if not (title or info.link or entry.guid):
        return None
    return ParsedStory(
        title=title,
        summary=summary,
        body=body,
        url=info.link,
        guid=entry.guid,
        author=info.author,
        published=entry.published,
        published_estimated=entry.estimated,
    )


def _build(
    title: str | None,
    raw: list[_RawEntry],
    warnings: list[str],
    *,
    max_items: int,
    title_cap: int,
    body_cap: int,
    tally: _Tally,
    trimmed: int = 0,
) -> ParsedFeed:
    kept, cut = _select(raw, max_items, tally)
    cut += trimmed  # items app.feedtrim cut before parsing
    stories: list[ParsedStory] = []
    for entry in kept:
        story = _story(entry, title_cap, body_cap)
        if story is None:
            tally.empty += 1
        else:
            stories.append(story)
    if cut:
        warnings.append(f"kept the newest {len(kept)} of {len(kept) + cut} entries")
    if tally.duplicates:
        warnings.append(f"{tally.duplicates} entries with a duplicate guid dropped")
    if tally.empty:
        warnings.append(f"{tally.empty} empty entries skipped")
    if tally.bad_dates:
        warnings.append(f"{tally.bad_dates} entries with a missing or unusable date")
    if tally.future_dates:
        warnings.append(f"{tally.future_dates} entries dated in the future (clamped)")
    return ParsedFeed(
        title=title or None,
        stories=tuple(stories),
        warnings=tuple(dict.fromkeys(clean_line(w, max_len=300) for w in warnings)),
    )
