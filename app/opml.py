"""OPML subscription lists: read them safely, write them plainly, merge feed lists.

``frontline feeds import FILE.opml`` and ``frontline feeds export`` go through
here. Imported feeds become the user's feeds in the database; config.toml is
never rewritten.

Reading is defensive because an OPML file is someone else's XML:

* files over :data:`MAX_OPML_BYTES` are refused before parsing;
* ``<!DOCTYPE ...>`` and ``<!ENTITY ...>`` declarations are cut out before the
  XML parser sees the text, so no entity is ever defined or expanded (an
  undefined ``&name;`` is then a parse error, which names line and column);
  a declaration that survives the cut refuses the file;
* only http(s) feed URLs without credentials are kept (newsboat's ``|cmd``,
  ``exec:``, ``filter:``, ``query:``, ``javascript:`` and ``file:`` are
  skipped with a warning naming the outline);
* nesting is walked without recursion and capped at :data:`MAX_DEPTH`.

Tags: the names of the folders an outline sits in (``text``, else ``title``,
as newsboat reads them) plus the comma-separated ``category`` attribute
(newsboat's OPML 2.0 export; a leading or trailing ``/`` of a category path is
dropped). Writing produces OPML 2.0, one flat ``<outline type="rss">`` per
feed with its tags in ``category``, which newsboat, Miniflux and frontline
all read back.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from app.config import FeedConfig, check_feed_url, feed_key
from app.errors import EXIT_CONFIG, ConfigValueError, FrontlineError
from app.models import FeedSubscription
from app.text import clean_line

__all__ = [
    "MAX_DEPTH",
    "MAX_OPML_BYTES",
    "ImportPlan",
    "ListedFeed",
    "OpmlDocument",
    "OpmlError",
    "OpmlFeed",
    "listed_feeds",
    "parse_opml",
    "plan_import",
    "read_opml",
    "render_opml",
]

#: Larger files are refused unread (a subscription list is a few hundred KB).
MAX_OPML_BYTES = 10 * 1024 * 1024
#: Folders nested deeper than this are skipped with a warning.
MAX_DEPTH = 32

_DOCTYPE_RE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", re.IGNORECASE)
_ENTITY_RE = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
_DECL_LEFT_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_TAG = 60


class OpmlError(FrontlineError):
    """The file is not usable OPML (too big, not XML, no ``<opml>`` or ``<body>``)."""

    exit_code = EXIT_CONFIG


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed outline, validated."""

    url: str
    name: str
    tags: tuple[str, ...] = ()
    html_url: str | None = None


@dataclass(frozen=True, slots=True)
class OpmlDocument:
    """What an OPML file holds: its title, its feeds, and what was left out and why."""

    title: str | None
    feeds: tuple[OpmlFeed, ...]
    #: One message per outline left out (not http(s), repeated, nested too deeply).
    skipped: tuple[str, ...] = ()
    #: Remarks on feeds that were kept (an htmlUrl or a filtercmd ignored).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListedFeed:
    """A feed refresh polls: from config.toml or the user's, with its database state."""

    url: str
    name: str
    tags: tuple[str, ...]
    #: "config" or "database".
    source: str
    enabled: bool = True
    html_url: str | None = None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The feeds an import adds, and one warning per outline it leaves out."""

    add: tuple[OpmlFeed, ...]
    skipped: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------- read
@dataclass(slots=True)
class _Log:
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_opml(path: Path) -> OpmlDocument:
    """Read and parse an OPML file, refusing one over :data:`MAX_OPML_BYTES` unread.

    Raises:
        OpmlError: Unreadable, too big, or not OPML; the message names the file.
    """
    shown = clean_line(str(path))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_OPML_BYTES + 1)
    except FileNotFoundError:
        raise OpmlError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise OpmlError(f"{shown}: is a directory") from None
    except OSError as exc:
        raise OpmlError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    return parse_opml(data, source=shown)


def _to_utf8(data: bytes) -> bytes:
    """UTF-16/32 input (by its BOM) as UTF-8, so the declaration scan sees it."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return _XML_DECL_RE.sub("", text, count=1).encode("utf-8")
    return data


def _attr(el: ET.Element, name: str) -> str:
    """An attribute by name, any case (``xmlUrl``, ``xmlurl``, ``XMLURL``), stripped."""
    value = el.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in el.attrib.items() if k.lower() == lower), None)
    return (value or "").strip()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _tag(value: str) -> str:
    # A comma would split the tag in two on the way back in (category="a,b").
    return clean_line(value.replace(",", " "), max_len=_MAX_TAG).strip(" /")


def _merge_tags(*groups: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()
    for group in groups:
        for raw in group:
            tag = _tag(raw)
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return tuple(out)


def _describe(el: ET.Element) -> str:
    name = _attr(el, "title") or _attr(el, "text") or _attr(el, "xmlUrl") or "(untitled)"
    return f"outline {clean_line(name, max_len=80)!r}"


def _html_url(value: str) -> str | None:
    if not value:
        return None
    try:
        return check_feed_url(value, "htmlUrl")
    except ConfigValueError:
        return None


def _feed(el: ET.Element, folders: tuple[str, ...], log: _Log) -> OpmlFeed | None:
    try:
        url = check_feed_url(_attr(el, "xmlUrl"), "xmlUrl")
    except ConfigValueError as exc:
        log.skipped.append(f"skipped {_describe(el)}: {exc.message}")
        return None
    raw_html = _attr(el, "htmlUrl")
    html_url = _html_url(raw_html)
    if raw_html and html_url is None:
        log.notes.append(f"{_describe(el)}: htmlUrl ignored (not an http(s) URL)")
    if _attr(el, "filtercmd"):
        log.notes.append(f"{_describe(el)}: newsboat filtercmd ignored; imported unfiltered")
    name = clean_line(_attr(el, "title") or _attr(el, "text"), max_len=200)
    categories = _attr(el, "category").split(",")
    return OpmlFeed(
        url=url,
        name=name or urlsplit(url).hostname or url,
        tags=_merge_tags(folders, categories),
        html_url=html_url,
    )


def _walk(body: ET.Element, log: _Log) -> list[OpmlFeed]:
    feeds: list[OpmlFeed] = []
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [
        (el, ()) for el in reversed(list(body)) if _local(el.tag) == "outline"
    ]
    while stack:
        el, folders = stack.pop()
        children = [c for c in el if _local(c.tag) == "outline"]
        typed = _attr(el, "type").lower() in ("rss", "atom")
        if _attr(el, "xmlUrl") or (typed and not children):
            feed = _feed(el, folders, log)
            if feed is not None:
                feeds.append(feed)
        elif children:
            name = _tag(_attr(el, "text") or _attr(el, "title"))
            if len(folders) >= MAX_DEPTH:
                log.skipped.append(f"skipped {_describe(el)}: folders nested too deeply")
                continue
            folders = (*folders, name) if name else folders
        stack.extend((c, folders) for c in reversed(children))
    return feeds


def _dedupe(feeds: list[OpmlFeed], log: _Log) -> tuple[OpmlFeed, ...]:
    """One feed per URL; a feed listed in several folders keeps every folder's tags."""
    first: dict[str, int] = {}
    out: list[OpmlFeed] = []
    for f in feeds:
        key = feed_key(f.url)
        if key in first:
            i = first[key]
            kept = out[i]
            out[i] = OpmlFeed(kept.url, kept.name, _merge_tags(kept.tags, f.tags), kept.html_url)
            log.skipped.append(
                f"skipped outline {f.name!r}: {f.url} is listed again; tags merged into "
                f"{kept.name!r}"
            )
            continue
        first[key] = len(out)
        out.append(f)
    return tuple(out)


def parse_opml(data: bytes, *, source: str = "OPML") -> OpmlDocument:
    """Parse OPML 1.0/2.0 bytes without defining or expanding any entity.

    Args:
        data: The file's bytes.
        source: How to name the file in messages.

    Raises:
        OpmlError: Too big, not well-formed XML, or no ``<opml>``/``<body>``.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{source}: larger than {MAX_OPML_BYTES // (1024 * 1024)} MB; refused")
    data = _to_utf8(data)
    data = _ENTITY_RE.sub(b"", _DOCTYPE_RE.sub(b"", data))
    if _DECL_LEFT_RE.search(data):
        raise OpmlError(f"{source}: a DOCTYPE or ENTITY declaration could not be removed; refused")
    try:
        # Safe here: no DOCTYPE is left, so no entity can be declared or expanded.
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        line, col = exc.position
        reason = clean_line(str(exc).split(":")[0], max_len=100)
        raise OpmlError(
            f"{source}: not well-formed XML ({reason}, line {line}, column {col})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise OpmlError(f"{source}: cannot parse ({clean_line(str(exc), max_len=100)})") from None
    if _local(root.tag) != "opml":
        raise OpmlError(f"{source}: not an OPML file (the root element is <{_local(root.tag)}>)")
    body = next((el for el in root if _local(el.tag) == "body"), None)
    if body is None:
        raise OpmlError(f"{source}: not an OPML file (no <body>)")
    head = next((el for el in root if _local(el.tag) == "head"), None)
    title_el = None if head is None else next((e for e in head if _local(e.tag) == "title"), None)
    title = clean_line(title_el.text or "", max_len=200) if title_el is not None else ""
    log = _Log()
    feeds = _dedupe(_walk(body, log), log)
    return OpmlDocument(title or None, feeds, tuple(log.skipped), tuple(log.notes))


# -------------------------------------------------------------------- write
def render_opml(feeds: Iterable[OpmlFeed], *, now: datetime, title: str = "frontline") -> str:
    """OPML 2.0 text: ``head`` with title and dateCreated, one outline per feed.

    Each outline has ``type="rss"``, ``text`` and ``title`` (the name),
    ``xmlUrl``, ``htmlUrl`` when known and ``category`` (the tags, comma
    separated) when there are tags.
    """
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title, max_len=200)
    ET.SubElement(head, "dateCreated").text = format_datetime(now, usegmt=True)
    body = ET.SubElement(root, "body")
    for f in feeds:
        name = clean_line(f.name, max_len=200) or f.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": f.url}
        if f.html_url:
            attrs["htmlUrl"] = f.html_url
        tags = [t for t in (_tag(t) for t in f.tags) if t]
        if tags:
            attrs["category"] = ",".join(tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# ---------------------------------------------------------------- feed lists
def listed_feeds(
    config_feeds: Sequence[FeedConfig], rows: Sequence[FeedSubscription]
) -> list[ListedFeed]:
    """The feeds refresh polls: config.toml's in config order, then the user's by name.

    Matches :meth:`Store.sync_feeds` / :meth:`Store.active_feeds`: a config
    feed no longer in config.toml is not listed; a user feed is, until
    ``feeds remove``. Disabled feeds are listed (``enabled`` False).

    Args:
        config_feeds: ``settings.feeds``.
        rows: :meth:`Store.feed_subscriptions` (empty without a database).
    """
    by_url: Mapping[str, FeedSubscription] = {r.url: r for r in rows}
    out: list[ListedFeed] = []
    seen: set[str] = set()
    for f in config_feeds:
        row = by_url.get(f.url)
        seen.add(feed_key(f.url))
        out.append(
            ListedFeed(
                url=f.url,
                name=f.name,
                tags=f.tags,
                source="config",
                enabled=row.enabled if row else True,
                html_url=row.html_url if row else None,
            )
        )
    for r in rows:
        if r.origin != "user" or not r.subscribed or feed_key(r.url) in seen:
            continue
        seen.add(feed_key(r.url))
        out.append(ListedFeed(r.url, r.name, r.tags, "database", r.enabled, r.html_url))
    return out


def plan_import(doc: OpmlDocument, known: Sequence[ListedFeed]) -> ImportPlan:
    """Leave out the feeds refresh already polls (compared by :func:`feed_key`)."""
    have = {feed_key(f.url): f for f in known}
    add: list[OpmlFeed] = []
    skipped: list[str] = []
    for f in doc.feeds:
        old = have.get(feed_key(f.url))
        if old is None:
            add.append(f)
            continue
        where = "config.toml" if old.source == "config" else "the database"
        skipped.append(f"skipped outline {f.name!r}: {f.url} is already in {where} as {old.name!r}")
    return ImportPlan(add=tuple(add), skipped=tuple(skipped))
