"""A response body: read under a decoded-size cap, and sniffed for impostors.

:func:`_read_body` decodes the raw stream in bounded steps (:mod:`app.decode`)
and counts the *decoded* bytes against the cap, so a gzip bomb stops early;
:func:`sniff_not_a_feed` says why a 200 response is not a feed (empty, HTML,
JSON, binary, plain text). Both raise or return values :mod:`app.fetch` uses;
``sniff_not_a_feed`` is public and re-exported there.
"""

from __future__ import annotations

import httpx

from app.decode import ContentDecoder, DecodingFailed
from app.fetch_errors import _Failure

__all__ = ["sniff_not_a_feed"]

_SNIFF_BYTES = 64 * 1024


def _looks_binary(head: bytes) -> bool:
    # Ratios, not "any NUL": a feed with one stray NUL in a title is still a
    # feed (the text is cleaned at ingest); images and archives are dense in both.
    sample = head[:1024]
    if sample.count(0) > len(sample) // 100:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 20


def _decode_head(body: bytes) -> str | None:
    """The start of ``body`` as text when it is UTF-16/32 (by BOM or pattern)."""
    for marker, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if body.startswith(marker):
            return body[:_SNIFF_BYTES].decode(codec, errors="replace").lstrip("\ufeff")
    return None


def sniff_not_a_feed(body: bytes, content_type: str | None = None) -> str | None:
    """Say why a 200 response is not a feed, or None when it may be one.

    Cheap and lenient: it looks at the first 64 KiB only and lets anything
    with an ``<rss``, ``<feed`` or ``<rdf`` root (even one served as
    ``text/html``) through to the parser. It catches the common impostors: an
    empty body, an HTML page (login walls, error pages), JSON that is not a
    JSON Feed, binary data, and plain text.

    Args:
        body: The decoded response body.
        content_type: The ``Content-Type`` header, if any.

    Returns:
        ``"empty response"``, ``"not a feed (text/html)"``,
        ``"not a feed (JSON)"``, ``"not a feed (binary data)"``,
        ``"not a feed (plain text)"``, or None.
    """
    wide = _decode_head(body)
    if wide is None:
        raw = body[:_SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            return "empty response"
        if _looks_binary(raw):
            return "not a feed (binary data)"
        head = raw.decode("latin-1")
    else:
        head = wide
        if not head.strip():
            return "empty response"
    head = head.lstrip().lower()
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if head.startswith(("{", "[")):
        if b"jsonfeed.org/version/" in body and head.startswith("{"):
            return None
        return "not a feed (JSON)"
    feed_at = min(
        (i for i in (head.find("<rss"), head.find("<feed"), head.find("<rdf")) if i >= 0),
        default=-1,
    )
    html_at = min(
        (
            i
            for i in (head.find("<html"), head.find("<!doctype html"), head.find("<body"))
            if i >= 0
        ),
        default=-1,
    )
    if feed_at >= 0 and (html_at < 0 or feed_at < html_at):
        return None
    if html_at >= 0 or mime in ("text/html", "application/xhtml+xml"):
        return "not a feed (text/html)"
    if head.startswith("<"):
        return None  # some other XML: the parser will say what it makes of it
    return "not a feed (plain text)"


def _size(n: int) -> str:
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


async def _read_body(response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise _Failure(
            "too_large", f"body larger than {_size(cap)} (Content-Length {int(declared)})"
        )
    try:
        # Already read, and decoded, by httpx: a response built in memory, as
        # MockTransport handlers often do with content=... .
        ready: bytes | None = response.content
    except httpx.ResponseNotRead:
        ready = None
    if ready is not None:
        if len(ready) > cap:
            raise _Failure("too_large", f"body larger than {_size(cap)}")
        return ready
    try:
        decoder = ContentDecoder(response.headers.get("content-encoding"))
    except DecodingFailed as exc:
        raise _Failure("protocol", str(exc)) from None
    chunks: list[bytes] = []
    total = 0

    def take(piece: bytes) -> None:
        nonlocal total
        total += len(piece)
        if total > cap:
            raise _Failure("too_large", f"body larger than {_size(cap)}")
        chunks.append(piece)

    try:
        async for raw in response.aiter_raw():
            for piece in decoder.feed(raw):
                take(piece)
        for piece in decoder.flush():
            take(piece)
    except DecodingFailed as exc:
        raise _Failure("protocol", str(exc)) from None
    return b"".join(chunks)
