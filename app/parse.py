"""Feed bodies to stories: the dispatch, RSS/Atom/RDF through feedparser, and the pool.

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

This module holds the public entry points (:func:`parse_feed`,
:func:`parse_many`) and the feedparser path. The expat fast path for plain
RSS is :mod:`app.fastfeed`, JSON Feed is :mod:`app.jsonfeed`, and the
entry selection, rendering and warnings all formats share are
:mod:`app.parse_entries`.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import re
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

import feedparser

from app.fastfeed import parse_rss
from app.feedtrim import MAX_TAGS, count_tags, cut_long_text, trim_items
from app.htmltext import html_to_text
from app.jsonfeed import _looks_like_json, _parse_json
from app.models import ParsedFeed
from app.parse_entries import (
    _AUTHOR_CAP,
    _GUID_CAP,
    _build,
    _check_date,
    _Details,
    _link,
    _optional,
    _RawEntry,
    _Tally,
    _text,
    _to_utc,
)
from app.text import clean_line
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

#: When to hand bodies to worker processes instead of parsing in-process.
_POOL_MIN_JOBS = 8
_POOL_MIN_BYTES = 2 * 1024 * 1024

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
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


# --------------------------------------------------------------------------- dispatch


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
