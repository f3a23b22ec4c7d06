"""Feed bodies to stories: RSS, Atom and RDF through feedparser, JSON Feed by hand.

Everything here is pure: bytes and headers in, :class:`~app.models.ParsedFeed`
out. No network, no file paths, no clock (the caller passes ``now``).

Untrusted XML is defused before feedparser sees it. feedparser's loose
fallback parser expands entities without limit, and given a ``str`` it may
fetch a URL or open a local file, so:

* the prolog is rewritten by :mod:`app.xmlsafe`: ``<!DOCTYPE ...>`` (with
  its internal subset), ``<!ENTITY ...>`` and every other declaration before
  the root element are removed, which defeats billion laughs, quadratic
  blowup and XXE before any parser runs;
* feedparser always gets an :class:`io.BytesIO`, never a ``str`` or URL;
* HTML sanitising and relative-URI rewriting inside content are off: the desk
  renders plain text (:mod:`app.htmltext`), so feedparser's HTML passes would
  only cost time.

Warnings (malformed XML, encoding guessed, items cut) go into
``ParsedFeed.warnings``; entries are kept whenever feedparser found any.
"""

from __future__ import annotations

import functools
import io
import json
import multiprocessing
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import feedparser

from app.fastfeed import parse_rss
from app.feedtrim import MAX_TAGS, count_tags, cut_long_text, trim_items
from app.htmltext import html_to_text
from app.models import ParsedFeed, ParsedStory
from app.text import clean_line, clean_text
from app.xmlsafe import Defused, defuse, defuse_xml

__all__ = [
    "DEFAULT_BODY_CAP",
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_TITLE_CAP",
    "defuse_xml",
    "parse_feed",
    "parse_many",
]

DEFAULT_MAX_ITEMS = 500
DEFAULT_TITLE_CAP = 1000
DEFAULT_BODY_CAP = 256 * 1024

#: Dates before this are placeholders (epoch 0, year 0001), not news.
_MIN_YEAR = 1990
#: A date up to this far ahead is clock skew: clamped to ``now``, not flagged.
_CLOCK_SKEW = timedelta(minutes=15)
_URL_CAP = 4096
_GUID_CAP = 2048
_AUTHOR_CAP = 200
#: Length of a title made from the text when an entry has none.
_DERIVED_TITLE_CAP = 160
#: When to hand bodies to worker processes instead of parsing in-process.
_POOL_MIN_JOBS = 8
_POOL_MIN_BYTES = 2 * 1024 * 1024

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_JSON_FEED_PREFIX = "https://jsonfeed.org/version/1"
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


# --------------------------------------------------------------------------- feedparser


def _feedparser_headers(headers: Mapping[str, str] | None, defused: Defused) -> dict[str, str]:
    """The response headers feedparser should see.

    The content type is always ``application/xml``: feedparser's RFC 3023
    rules would otherwise decode ``text/xml`` without a charset as US-ASCII.
    The charset precedence becomes BOM, then XML declaration, then HTTP
    charset, then UTF-8 (feedparser still falls back to windows-1252 and
    says so).
    """
    lower = {k.lower(): v for k, v in (headers or {}).items()}
    charset = defused.charset
    if charset is None and not defused.self_declared:
        match = _CHARSET_RE.search(lower.get("content-type", ""))
        charset = match.group(1) if match else None
    # No content-location: feedparser would resolve every permalink guid against
    # it, so a feed that moves would change all its ids. Links are resolved here.
    out = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    if lower.get("content-language"):
        out["content-language"] = lower["content-language"]
    return out


def _header_charset(headers: Mapping[str, str]) -> str | None:
    match = _CHARSET_RE.search(headers.get("content-type", ""))
    return match.group(1).lower() if match else None


# --------------------------------------------------------------------------- entries


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


def _struct_to_datetime(value: object) -> datetime | None:
    if not isinstance(value, tuple) or len(value) < 6:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in value[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_html(detail: object, default: bool) -> bool:
    if isinstance(detail, Mapping):
        kind = detail.get("type")
        if isinstance(kind, str) and kind:
            return kind.lower() in _HTML_TYPES
    return default


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


def _feedparser_details(entry: Mapping[str, Any], base: str) -> _Details:
    get = functools.partial(dict.get, entry)
    body, body_html = "", False
    contents = get("content")
    if isinstance(contents, list) and contents:
        html_parts = [c for c in contents if _is_html(c, True)]
        best = (html_parts or contents)[0]
        if isinstance(best, Mapping):
            body, body_html = _text(best.get("value")), _is_html(best, True)
    return _Details(
        link=_link(get("link"), base),
        title=_text(get("title")),
        title_html=_is_html(get("title_detail"), False),
        summary=_text(get("summary")),
        summary_html=_is_html(get("summary_detail"), True),
        body=body,
        body_html=body_html,
        author=_optional(get("author"), _AUTHOR_CAP),
    )


def _entries_from_feedparser(
    entries: Sequence[Any], base: str, now: datetime, tally: _Tally
) -> list[_RawEntry]:
    raw: list[_RawEntry] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        # dict.get, not entry.get: FeedParserDict maps missing keys to others
        # (published -> updated) and warns about it.
        get = functools.partial(dict.get, entry)
        parsed = None
        had_text = False
        for key in ("published", "updated", "created"):
            if get(key):
                had_text = True
                parsed = _struct_to_datetime(get(key + "_parsed"))
                if parsed is not None:
                    break
        published, estimated = _check_date(parsed, had_text, now, tally)
        raw.append(
            _RawEntry(
                guid=_optional(get("id"), _GUID_CAP),
                published=published,
                estimated=estimated,
                details=functools.partial(_feedparser_details, entry, base),
            )
        )
    return raw


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _to_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _json_author(item: Mapping[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    names = [a.get("name") for a in candidates if isinstance(a, Mapping)]
    text = ", ".join(n for n in names if isinstance(n, str) and n.strip())
    return _optional(text, _AUTHOR_CAP)


def _json_details(item: Mapping[str, Any], base: str, feed_author: str | None) -> _Details:
    html_body = _text(item.get("content_html"))
    return _Details(
        link=_link(item.get("url"), base) or _link(item.get("external_url"), base),
        title=_text(item.get("title")),
        title_html=False,
        summary=_text(item.get("summary")),
        summary_html=False,
        body=html_body or _text(item.get("content_text")),
        body_html=bool(html_body),
        author=_json_author(item) or feed_author,
    )


def _entries_from_json(
    items: Sequence[Any], base: str, feed_author: str | None, now: datetime, tally: _Tally
) -> list[_RawEntry]:
    raw: list[_RawEntry] = []
    for item in items:
        if not isinstance(item, Mapping):
            tally.empty += 1
            continue
        stamp = item.get("date_published") or item.get("date_modified")
        published, estimated = _check_date(_parse_iso(stamp), bool(stamp), now, tally)
        raw.append(
            _RawEntry(
                guid=_optional(item.get("id"), _GUID_CAP),
                published=published,
                estimated=estimated,
                details=functools.partial(_json_details, item, base, feed_author),
            )
        )
    return raw


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


# --------------------------------------------------------------------------- formats


def _looks_like_json(body: bytes) -> bool:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _parse_json(
    body: bytes, *, url: str, now: datetime, max_items: int, title_cap: int, body_cap: int
) -> ParsedFeed:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return ParsedFeed(None, (), (clean_line(f"not a feed (invalid JSON: {exc})"),))
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_PREFIX):
        return ParsedFeed(None, (), ("not a feed (JSON, but not JSON Feed)",))
    warnings: list[str] = []
    items = doc.get("items")
    if not isinstance(items, list):
        warnings.append("JSON Feed without an items list")
        items = []
    tally = _Tally()
    raw = _entries_from_json(items, url, _json_author(doc), now, tally)
    title = clean_line(_text(doc.get("title")), max_len=title_cap)
    return _build(
        title,
        raw,
        warnings,
        max_items=max_items,
        title_cap=title_cap,
        body_cap=body_cap,
        tally=tally,
    )


def _bozo_warning(exc: object) -> str | None:
    if exc is None:
        return None
    if isinstance(exc, feedparser.NonXMLContentType):
        return None  # we always say application/xml; nothing to report
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown):
        return f"encoding: {exc}"
    return f"malformed feed: {exc}"


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    now: datetime,
    max_items: int = DEFAULT_MAX_ITEMS,
    title_cap: int = DEFAULT_TITLE_CAP,
    body_cap: int = DEFAULT_BODY_CAP,
    fast_path: bool = True,
) -> ParsedFeed:
    """Parse one feed body into stories.

    RSS 0.9x/1.0/2.0, Atom and RDF go through feedparser after the XML prolog
    is defused; JSON Feed 1.x is parsed here. Text fields are cleaned and
    capped: titles with :func:`~app.text.clean_line`, summaries and bodies
    rendered from HTML with :func:`~app.htmltext.html_to_text`.

    Dates: missing, unparseable or before 1990 give ``published=None`` (the
    store uses first-seen); a date more than 15 minutes ahead of ``now`` is
    clamped to ``now`` with ``published_estimated=True``.

    Args:
        body: The feed bytes as fetched (decoded transfer encoding).
        url: The feed's URL: base for relative links; never fetched.
        headers: Response headers (any case); ``content-type`` gives a charset.
        now: The fetch time (timezone-aware).
        max_items: Keep at most this many entries, the newest ones.
        title_cap: Maximum title length in characters.
        body_cap: Maximum summary and body length in characters.
        fast_path: Try :func:`app.fastfeed.parse_rss` before feedparser (it
            refuses what it does not fully understand; off only for tests
            and benchmarks that compare the two).

    Returns:
        The feed title, its stories in document order, and warnings such as
        ``"malformed feed: ..."`` or ``"kept the newest 500 of 900 entries"``.
    """
    now = _to_utc(now)
    if _looks_like_json(body):
        return _parse_json(
            body, url=url, now=now, max_items=max_items, title_cap=title_cap, body_cap=body_cap
        )
    defused = defuse(body)
    warnings: list[str] = []
    if defused.removed_entities:
        warnings.append("entity declarations removed")
    trimmed = trim_items(defused.body, max_items, now)
    xml = defused.body if trimmed is None else trimmed.body
    tags = count_tags(xml)
    if tags > MAX_TAGS:
        return ParsedFeed(
            None, (), (f"not parsed: {tags} XML tags, more than the limit of {MAX_TAGS}",)
        )
    # html_to_text reads at most 8 characters of markup per character kept.
    xml, cut = cut_long_text(xml, max(title_cap, body_cap) * 8 + 65_536)
    if cut:
        warnings.append(f"{cut} oversized fields cut before parsing")
    fp_headers = _feedparser_headers(headers, defused)
    fast = None
    if fast_path and defused.charset is None:
        fast = parse_rss(xml, charset=_header_charset(fp_headers))
    if fast is not None:
        entries: Sequence[Any] = fast.entries
        feed: Mapping[str, Any] = fast.feed
    else:
        result = feedparser.parse(
            io.BytesIO(xml),
            response_headers=fp_headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
        if result.get("bozo"):
            warning = _bozo_warning(result.get("bozo_exception"))
            if warning:
                warnings.append(warning)
        entries = result.get("entries") or []
        if not entries and not result.get("version"):
            warnings.append("not a feed (no RSS, Atom or JSON Feed structure found)")
        feed = result.get("feed") or {}
    raw_title = _text(feed.get("title"))
    if _is_html(feed.get("title_detail"), False):
        raw_title = html_to_text(raw_title, max_len=title_cap)
    tally = _Tally()
    raw = _entries_from_feedparser(entries, url, now, tally)
    return _build(
        clean_line(raw_title, max_len=title_cap),
        raw,
        warnings,
        max_items=max_items,
        title_cap=title_cap,
        body_cap=body_cap,
        tally=tally,
        trimmed=0 if trimmed is None else trimmed.total - trimmed.kept,
    )


# --------------------------------------------------------------------------- many


def _parse_job(
    body: bytes, url: str, headers: dict[str, str] | None, now: datetime, max_items: int
) -> ParsedFeed:
    """Worker entry point (module level, so it pickles)."""
    return parse_feed(body, url=url, headers=headers, now=now, max_items=max_items)


def _pool_context() -> multiprocessing.context.BaseContext:
    # Never fork: the desk runs threads (Textual, asyncio) and forking a
    # threaded process can deadlock the child.
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def parse_many(
    jobs: Sequence[tuple[bytes, str, Mapping[str, str] | None]],
    *,
    now: datetime,
    max_items: int = DEFAULT_MAX_ITEMS,
    workers: int = 2,
) -> list[ParsedFeed | Exception]:
    """Parse several feed bodies, in worker processes when it pays.

    With at least 8 bodies or more than 2 MiB in total (and ``workers > 1``)
    the bodies go to a process pool, so a huge feed neither blocks the event
    loop's process nor holds the GIL; otherwise they are parsed in-process.
    Blocking: call it from a thread (``asyncio.to_thread``) in async code.

    Args:
        jobs: ``(body, url, headers)`` per feed.
        now: The fetch time, passed to :func:`parse_feed`.
        max_items: Passed to :func:`parse_feed`.
        workers: Maximum worker processes.

    Returns:
        One slot per job, in order: the parsed feed, or the exception that
        parsing it raised (a crashed worker gives ``BrokenProcessPool``).
    """
    if not jobs:
        return []
    total = sum(len(body) for body, _, _ in jobs if isinstance(body, bytes | bytearray))
    use_pool = workers > 1 and (len(jobs) >= _POOL_MIN_JOBS or total > _POOL_MIN_BYTES)
    results: list[ParsedFeed | Exception] = []
    if not use_pool:
        for body, url, headers in jobs:
            try:
                results.append(
                    parse_feed(body, url=url, headers=headers, now=now, max_items=max_items)
                )
            except Exception as exc:  # one bad body must not sink the others
                results.append(exc)
        return results
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=_pool_context()
    ) as pool:
        futures: list[Future[ParsedFeed]] = [
            pool.submit(_parse_job, body, url, dict(headers) if headers else None, now, max_items)
            for body, url, headers in jobs
        ]
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:
                results.append(exc)
    return results
