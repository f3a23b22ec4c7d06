"""A fast path for plain RSS 2.0: expat straight to feedparser-shaped dicts.

feedparser costs about 20 ms for a typical 50 KB, 50-item RSS 2.0 body: it
dispatches every element through several layers of Python. Most feeds use a
handful of elements in a handful of ways, so this module parses those with
:mod:`xml.parsers.expat` directly and builds the few keys
:mod:`app.parse` reads (``title``, ``link``, ``id``, ``summary``,
``content``, ``author``, ``published``/``updated`` and their ``_parsed``
and ``_detail`` companions) exactly as feedparser 6 would.

It only says yes when it is sure. :func:`parse_rss` returns ``None`` (and
the caller uses feedparser) for anything it does not fully understand: a
body expat rejects, a root other than a namespace-free ``<rss>``, a charset
other than UTF-8, ``xml:base``, attributes that change a field's content
type, markup inside text fields, repeated fields, and every element that
feedparser treats specially and is not on the lists below. The
differential tests (``tests/core/test_fastfeed.py``) and
``bench/parse_fastpath.py`` hold it to byte-identical results.

The body must already be defused (:mod:`app.xmlsafe`): a DOCTYPE or entity
declaration makes this parser give up, so it never expands an entity
beyond the five predefined ones and character references.

Pure: no I/O.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin

__all__ = ["FastFeed", "parse_rss"]

_looks_like_html: Callable[[str], bool] = _FeedParserMixin.looks_like_html
#: feedparser's namespace URI (lower-cased) -> canonical prefix.
_KNOWN_NS: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_XML_DECL_RE = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]{0,200}?encoding\s*=\s*["']([^"']{0,40})["']"""
)
_LINK_REF_RE = re.compile("&([A-Za-z0-9_]+);")
_URI_FIX_RE = re.compile("[A-Za-z][A-Za-z0-9+-.]*://(/+)")
_C1_RE = re.compile("[\x80-\x9f]")

# Item children handled here, by feedparser tag, with the entry key they set.
_ITEM_TEXT: dict[str, str] = {
    "title": "title",
    "link": "link",
    "description": "summary",
    "guid": "id",
    "pubdate": "published",
    "author": "author",
    "dc:creator": "author",
    "dc:date": "updated",
    "content:encoded": "content",
}
# Item children that never touch those keys (their text goes nowhere we read).
_ITEM_INERT = frozenset(
    {"category", "comments", "enclosure", "dc:subject", "media:content", "media:thumbnail"}
)
# Channel children that never touch the feed title or the entries. Their own
# children are checked too (see _CHANNEL_NESTED).
_CHANNEL_INERT = frozenset(
    {
        "link", "description", "language", "copyright", "managingeditor", "webmaster",
        "pubdate", "lastbuilddate", "category", "generator", "docs", "cloud", "ttl",
        "rating", "image", "textinput", "skiphours", "skipdays",
        "dc:creator", "dc:date", "dc:language", "dc:publisher", "dc:rights", "dc:subject",
        "itunes:author", "itunes:summary", "itunes:subtitle", "itunes:owner", "itunes:name",
        "itunes:email", "itunes:image", "itunes:category", "itunes:explicit",
        "itunes:keywords", "itunes:block", "media:thumbnail", "media:content",
        "media:category", "media:rating", "media:credit", "media:keywords",
    }
)  # fmt: skip
_CHANNEL_NESTED: dict[str, frozenset[str]] = {
    "image": frozenset({"title", "url", "link", "width", "height", "description"}),
    "textinput": frozenset({"title", "description", "name", "link"}),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
    "itunes:owner": frozenset({"itunes:name", "itunes:email"}),
    "itunes:category": frozenset({"itunes:category"}),
}
# Entry keys feedparser's generic handling must never write (prefix_local).
_RESERVED_PREFIXES = frozenset(
    {"title", "summary", "published", "updated", "created", "author", "authors",
     "content", "link", "links", "id", "tags", "guidislink", "media", "itunes"}
)  # fmt: skip
_NO_ATTRS_OK = frozenset(
    {"title", "link", "description", "pubdate", "author", "dc:creator", "dc:date",
     "content:encoded"}
)  # fmt: skip


class _Refuse(Exception):
    """Raised inside the expat callbacks: leave this body to feedparser."""


@dataclass(frozen=True, slots=True)
class FastFeed:
    """What feedparser would have put in ``result.feed`` and ``result.entries``."""

    feed: dict[str, Any]
    entries: list[dict[str, Any]]


def _has_method(prefix: str, local: str) -> bool:
    name = f"{prefix}_{local}" if prefix else local
    return hasattr(_FeedParserMixin, "_start_" + name) or hasattr(_FeedParserMixin, "_end_" + name)


def _resolve(text: str) -> str:
    """feedparser's ``resolve_uri`` with no base: only ``scheme:///x`` changes."""
    match = _URI_FIX_RE.match(text)
    return _urljoin("", text) if match and match.group(1) else text


def _finish(text: str) -> str:
    """feedparser's ``pop`` tail for text in a strict (UTF-8) parse."""
    if text.isascii():
        return text  # both steps below leave ASCII alone
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    # str.translate with a dict is slow; most text has no C1 character at all.
    return text.translate(_cp1252) if _C1_RE.search(text) else text


class _Builder:
    """The expat callbacks: walk rss > channel > item, refuse the unexpected."""

    def __init__(self) -> None:
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        # Mirrors of feedparser's namespace bookkeeping (insertion order matters).
        self.ns_in_use: dict[str, str] = {}
        self.ns_map: dict[str | None, str] = {}
        # One frame per open element: (role, tag, text pieces or None).
        self.stack: list[tuple[str, str, list[str] | None]] = []
        self.entry: dict[str, Any] | None = None
        self.seen: set[str] = set()
        self.guid_is_link = False
        self.channels = 0

    # -- namespaces, as feedparser's track_namespace and startElementNS see them
    def start_ns(self, prefix: str | None, uri: str | None) -> None:
        if not uri:
            return
        lower = uri.lower()
        if "backend.userland.com/rss" in lower:
            uri = lower = "http://backend.userland.com/rss"
        canonical = _KNOWN_NS.get(lower)
        if canonical is not None:
            self.ns_map[prefix] = canonical
            self.ns_in_use[canonical] = uri
        else:
            self.ns_in_use[prefix or ""] = uri

    def tag_of(self, name: str) -> str:
        """feedparser's name for an element: ``"title"``, ``"dc:creator"``..."""
        uri, sep, local = name.rpartition(" ")
        local = local.lower()
        if not sep:
            return local
        lower = uri.lower()
        if "backend.userland.com/rss" in lower:
            raise _Refuse("userland namespace")  # start and end tags disagree in feedparser
        prefix = _KNOWN_NS.get(lower)
        if prefix is None or prefix == "":
            prefix = next((p for p, u in self.ns_in_use.items() if p and u == uri), "")
        if not prefix:
            return local
        prefix = self.ns_map.get(prefix.lower(), prefix.lower())
        return f"{prefix}:{local}"

    # -- elements
    def start(self, name: str, attrs: dict[str, str]) -> None:
        for key in attrs:
            if key.rpartition(" ")[2].lower() == "base":
                raise _Refuse("xml:base")
        tag = self.tag_of(name)
        parent = self.stack[-1] if self.stack else None
        role = parent[0] if parent else "root"
        if role == "root":
            if tag != "rss" or " " in name:
                raise _Refuse("not RSS")
            self.stack.append(("rss", tag, None))
        elif role == "rss":
            if tag != "channel" or self.channels:
                raise _Refuse("unexpected rss child")
            self.channels += 1
            self.stack.append(("channel", tag, None))
        elif role == "channel":
            self.start_in_channel(tag, attrs)
        elif role == "item":
            self.start_in_item(tag, attrs)
        elif parent is not None and role in ("nested", "generic", "inert"):
            self.start_nested(tag, parent)
        else:  # inside a text field: markup feedparser would re-serialise
            raise _Refuse(f"markup inside {parent[1] if parent else tag}")

    def generic(self, tag: str) -> bool:
        """True for an element feedparser stores under ``prefix_local`` only."""
        prefix, sep, local = tag.partition(":")
        return bool(sep) and not _has_method(prefix, local) and prefix not in _RESERVED_PREFIXES

    def start_in_channel(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "item":
            if attrs:
                raise _Refuse("item attributes")
            self.entry = {}
            self.seen = set()
            self.guid_is_link = False
            self.entries.append(self.entry)
            self.stack.append(("item", tag, None))
        elif tag == "title":
            if attrs or "title" in self.feed:
                raise _Refuse("channel title")
            self.stack.append(("ctitle", tag, []))
        elif tag in _CHANNEL_INERT:
            self.stack.append(("inert", tag, None))
        elif self.generic(tag):
            self.stack.append(("generic", tag, None))
        else:
            raise _Refuse(f"channel element {tag}")

    def start_in_item(self, tag: str, attrs: dict[str, str]) -> None:
        key = _ITEM_TEXT.get(tag)
        if key is not None:
            if key in self.seen:
                raise _Refuse(f"repeated {key}")
            self.seen.add(key)
            if tag == "guid":
                if any(k != "isPermaLink" for k in attrs):
                    raise _Refuse("guid attributes")
                self.guid_is_link = attrs.get("isPermaLink", "true") == "true"
            elif attrs and tag in _NO_ATTRS_OK:
                raise _Refuse(f"{tag} attributes")
            self.stack.append(("text", tag, []))
        elif tag in _ITEM_INERT:
            self.stack.append(("inert", tag, None))
        elif self.generic(tag):
            self.stack.append(("generic", tag, None))
        else:
            raise _Refuse(f"item element {tag}")

    def start_nested(self, tag: str, parent: tuple[str, str, list[str] | None]) -> None:
        role, parent_tag, _ = parent
        if role == "generic" and self.generic(tag):
            self.stack.append(("generic", tag, None))
        elif role == "inert" and tag in _CHANNEL_NESTED.get(parent_tag, ()):
            if len(self.stack) != 3:
                raise _Refuse("nested element outside the channel")
            self.stack.append(("nested", tag, None))
        else:
            raise _Refuse(f"{tag} inside {parent_tag}")

    def data(self, text: str) -> None:
        if self.stack:
            pieces = self.stack[-1][2]
            if pieces is not None:
                pieces.append(text)

    def end(self, _name: str) -> None:
        role, tag, pieces = self.stack.pop()
        if pieces is None:
            if role == "item":
                self.entry = None
            return
        text = "".join(pieces).strip()
        if role == "ctitle":
            self.feed["title_detail"] = {"type": self.text_type(text)}
            self.feed["title"] = _finish(text)
            return
        entry = self.entry
        if entry is None:  # pragma: no cover - item children only
            raise _Refuse("text outside an item")
        key = _ITEM_TEXT[tag]
        if key == "title":
            entry["title_detail"] = {"type": self.text_type(text)}
            entry["title"] = _finish(text)
        elif key == "link":
            value = _finish(_resolve(text))
            value = _LINK_REF_RE.sub(r"&\g<1>", value.replace("&amp;", "&"))
            entry["link"] = value
        elif key == "id":
            value = _finish(_resolve(text) if self.guid_is_link else text)
            entry["id"] = value
            if self.guid_is_link:
                entry.setdefault("link", value)
        elif key == "summary":
            entry["summary"] = _finish(text)
            entry["summary_detail"] = {"type": "text/html"}
        elif key == "content":
            value = _finish(text)
            entry["content"] = [{"type": "text/html", "value": value}]
            entry.setdefault("summary", value)
        elif key in ("published", "updated"):
            value = _finish(text)
            entry[key] = value
            entry[key + "_parsed"] = _parse_date(value)
        else:  # author
            entry["author"] = _finish(text)

    @staticmethod
    def text_type(text: str) -> str:
        # RSS titles are plain text unless they look like HTML (feedparser's
        # guess, which needs a close tag or an entity reference to say yes).
        if "&" not in text and "</" not in text:
            return "text/plain"
        return "text/html" if _looks_like_html(text) else "text/plain"


def _utf8(body: bytes, charset: str | None) -> bool:
    """True when feedparser would read ``body`` as UTF-8 without complaint."""
    match = _XML_DECL_RE.match(body)
    declared = match.group(1).decode("latin-1").lower() if match else None
    if declared is not None:
        return declared == "utf-8" and charset in (None, "utf-8")
    return charset in (None, "utf-8")


def parse_rss(body: bytes, *, charset: str | None = None) -> FastFeed | None:
    """Parse a defused RSS 0.9x/2.0 body the way feedparser would, or refuse.

    Args:
        body: The defused XML (see :mod:`app.xmlsafe`).
        charset: The charset the caller tells feedparser (lower-case), if any.

    Returns:
        The feed and entry dicts, or None when feedparser must do it.
    """
    if not _utf8(body, charset):
        return None
    builder = _Builder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartNamespaceDeclHandler = builder.start_ns
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data

    def refuse(*_: object) -> None:
        raise _Refuse("declaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(body, True)
    except (_Refuse, expat.ExpatError, ValueError, UnicodeError, RecursionError):
        return None
    if not builder.channels:
        return None
    return FastFeed(builder.feed, builder.entries)
