"""JSON Feed 1.x bodies to entries, parsed by hand (no feedparser involved).

:func:`_parse_json` checks the ``version`` and reads ``items`` into
:class:`~app.parse_entries._RawEntry` values, which
:func:`~app.parse_entries._build` turns into stories like any other format.
Pure; :func:`app.parse.parse_feed` dispatches here when a body looks like JSON.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

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

_JSON_FEED_PREFIX = "https://jsonfeed.org/version/1"


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
