"""A loopback RSS server for refresh benchmarks: many feeds, realistic text, 304s.

What it serves: ``N`` RSS 2.0 feeds of ~50 items (~50 KB) each. Headlines and
ledes come from real feed items (the ``conflict_feeds_rumca_2023`` corpus,
``--corpus``) or from a small synthetic generator when no corpus is given.
Each *event* (one corpus item) is carried by one to ten outlets, re-headlined
per outlet (dropped or swapped words, an outlet suffix, a "Live:" prefix, case
changes) and published within a few hours of each other, so a client that
clusters gets real near-duplicate work, like a desk following 500 outlets.

HTTP: asyncio streams, HTTP/1.1 keep-alive, ``ETag`` and ``Last-Modified`` on
every feed, ``304 Not Modified`` for a matching ``If-None-Match`` (or, without
one, a fresh enough ``If-Modified-Since``), optional gzip (``--gzip``), and a
configurable latency (``asyncio.sleep`` before each feed response). Feeds are
spread over ``--hosts`` loopback addresses 127.0.0.1 ... 127.0.0.K (Linux routes
all of 127.0.0.0/8 to ``lo``), one listening socket each, so a client's
per-host limits see several hosts as they would on the real web.

Control (``/_admin/...`` on the first address, no latency):

* ``reset``: back to generation 0 (the first-fetch content) and zero stats;
* ``bump?fraction=0.1&items=5``: that fraction of feeds gains new items;
* ``stats``: JSON counts (requests, 200s, 304s, conditional requests, bytes,
  connections opened, peak open connections); ``clear`` zeroes them;
* ``urls``: the feed URLs; ``stop``: shut down.

Bounded: it listens on loopback only, caps open connections (``--max-conns``)
and header size, and stops by itself after ``--max-lifetime`` seconds.

Run it as a process (the first stdout line is JSON with ``admin`` and ``urls``)::

    PYTHONPATH=. .venv/bin/python bench/feedserver.py --feeds 500 --latency 0.05 \\
        --hosts 25 --corpus ../shared/corpus/conflict_feeds_rumca_2023

or in a thread (tests, profiling)::

    server = FeedServer(ServerConfig(feeds=5, items=3, latency=0.0)).start_in_thread()
    ...; server.bump(0.2); ...; server.stop()
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.utils
import gzip
import hashlib
import html
import json
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "DEFAULT_CORPUS",
    "Event",
    "FeedServer",
    "ServerConfig",
    "generate_events",
    "load_corpus",
]

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "conflict_feeds_rumca_2023"
)
MAX_HEADER_BYTES = 16 * 1024
IDLE_TIMEOUT = 30.0
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_SLUG_RE = re.compile(r"[^a-z0-9]+")

OUTLETS = (
    "Wire",
    "Courier",
    "Herald",
    "Observer",
    "Dispatch",
    "Monitor",
    "Tribune",
    "Chronicle",
    "Gazette",
    "Post",
    "Sentinel",
    "Bulletin",
)
PREFIXES = ("Live: ", "Update: ", "Breaking: ", "Watch: ", "Analysis: ")


@dataclass(frozen=True, slots=True)
class Event:
    """One development: a headline and a lede, carried by one or more outlets."""

    title: str
    lede: str


@dataclass(slots=True)
class Item:
    """One outlet's copy of an event, as it appears in that outlet's feed."""

    guid: str
    title: str
    link: str
    description: str
    published: datetime
    author: str
    category: str


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """How many feeds, how big, how slow, and on which loopback addresses."""

    feeds: int = 100
    items: int = 50
    #: Approximate size of one feed body (bytes, before gzip).
    feed_bytes: int = 50_000
    #: Seconds slept before each feed response (not for /_admin).
    latency: float = 0.05
    #: Loopback addresses 127.0.0.1 .. 127.0.0.K to spread the feeds over.
    hosts: int = 1
    corpus: Path | None = None
    seed: int = 1
    gzip: bool = False
    #: The server stops by itself after this many seconds.
    max_lifetime: float = 3600.0
    max_conns: int = 4096
    #: The newest item's time at generation 0 (default: now, whole minutes).
    base_time: datetime | None = None
    #: Hours between the oldest and newest event at generation 0.
    span_hours: float = 60.0


@dataclass(slots=True)
class Stats:
    """Request counters since the last reset (read with :meth:`FeedServer.stats`)."""

    requests: int = 0
    ok: int = 0
    not_modified: int = 0
    other: int = 0
    conditional: int = 0
    bytes_sent: int = 0
    connections: int = 0
    open_connections: int = 0
    peak_connections: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "not_modified": self.not_modified,
            "other": self.other,
            "conditional": self.conditional,
            "bytes_sent": self.bytes_sent,
            "connections": self.connections,
            "peak_connections": self.peak_connections,
        }


@dataclass(frozen=True, slots=True)
class _Rendered:
    body: bytes
    gz: bytes
    etag: str
    last_modified: datetime


# --------------------------------------------------------------------------- text


def _plain(text: str) -> str:
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text))).strip()


def load_corpus(path: Path, *, limit: int = 50_000) -> list[Event]:
    """Events from a rumca-style corpus: JSON arrays of feed items.

    Items with a short title or no description are skipped, titles are
    de-duplicated, and the result is sorted by title so it does not depend on
    the directory order.
    """
    seen: set[str] = set()
    events: list[Event] = []
    for f in sorted(path.rglob("*.json")):
        try:
            data = json.loads(f.read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, list):
            continue
        for it in data:
            if not isinstance(it, dict):
                continue
            title = _plain(str(it.get("title") or ""))
            lede = _plain(str(it.get("description") or ""))
            if len(title) < 20 or len(lede) < 40 or title.casefold() in seen:
                continue
            seen.add(title.casefold())
            events.append(Event(title=title[:300], lede=lede[:1200]))
            if len(events) >= limit:
                break
    events.sort(key=lambda e: e.title)
    return events


_ACTORS = (
    "Ukraine",
    "Russia",
    "NATO",
    "The UN",
    "Israel",
    "Hamas",
    "The EU",
    "Sudan's army",
    "The RSF",
    "Kyiv",
    "Moscow",
    "Washington",
    "The Red Cross",
    "Turkey",
    "Iran",
)
_VERBS = (
    "launches drone strikes on",
    "calls for talks over",
    "sends aid convoy to",
    "shells",
    "evacuates civilians from",
    "threatens sanctions over",
    "retakes",
    "pledges funding for",
    "rejects ceasefire proposal for",
    "reports heavy fighting near",
)
_PLACES = (
    "Kharkiv",
    "Zaporizhzhia",
    "Gaza City",
    "Rafah",
    "Khartoum",
    "El Fasher",
    "Odesa",
    "Bakhmut",
    "Avdiivka",
    "Kherson",
    "the Black Sea",
    "Donetsk",
)


def synthetic_events(n: int, seed: int = 1) -> list[Event]:
    """Plain generated events, for when no corpus is available."""
    rng = random.Random(seed)
    out: list[Event] = []
    for i in range(n):
        actor, verb, place = rng.choice(_ACTORS), rng.choice(_VERBS), rng.choice(_PLACES)
        title = f"{actor} {verb} {place} as {rng.randint(2, 900)} reported on day {i}"
        other = rng.choice(_ACTORS)
        lede = (
            f"{actor} {verb} {place}, officials said on day {i}. "
            f'{other} said the move was "a decision that will shape the coming weeks", '
            f"while local authorities counted {rng.randint(2, 400)} people affected. "
            f"The situation around {rng.choice(_PLACES)} remained tense."
        )
        out.append(Event(title=title, lede=lede))
    return out


def _perturb(title: str, outlet: str, rng: random.Random) -> str:
    """Another outlet's headline for the same event (one or two small edits)."""
    words = title.split()
    for _ in range(rng.choice((1, 1, 2))):
        roll = rng.random()
        if roll < 0.25 and len(words) > 6:
            del words[rng.randrange(1, len(words))]
        elif roll < 0.45 and len(words) > 4:
            i = rng.randrange(1, len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif roll < 0.6:
            words = [words[0], *(w.lower() if not w.isupper() else w for w in words[1:])]
        elif roll < 0.75:
            words = [*rng.choice(PREFIXES).split(), *words]
        elif roll < 0.9:
            words = [*words, "|", outlet]
        # else: the wire headline as it is
    return " ".join(words)


def _lede(lede: str, copy: int, rng: random.Random) -> str:
    if copy == 0 or rng.random() < 0.5:
        return lede  # wire copy: the same lede word for word
    sentences = re.split(r"(?<=[.!?])\s+", lede)
    if len(sentences) > 2:
        return " ".join(sentences[1:])
    return lede


def generate_events(config: ServerConfig) -> list[Event]:
    """The events to deal out: corpus items (or synthetic ones) plus filler text."""
    corpus = config.corpus
    events = load_corpus(corpus) if corpus is not None and corpus.is_dir() else []
    need = config.feeds * config.items // 2 + 200
    if len(events) < 50:
        events = synthetic_events(max(need, 100), seed=config.seed)
    return events


# --------------------------------------------------------------------------- feeds


def _slug(title: str) -> str:
    return _SLUG_RE.sub("-", title.casefold()).strip("-")[:60]


def _http_date(dt: datetime) -> str:
    return email.utils.format_datetime(dt.astimezone(UTC), usegmt=True)


class FeedSet:
    """The feeds' items for every generation; deterministic from the seed."""

    COVERAGE = (1, 1, 1, 2, 2, 3, 3, 4, 6, 10)

    def __init__(self, config: ServerConfig, events: Sequence[Event]) -> None:
        self.config = config
        self.events = list(events)
        base = config.base_time or datetime.now(UTC).replace(second=0, microsecond=0)
        self.base_time = base.astimezone(UTC)
        self.generation = 0
        self._cursor = 0
        self.items: list[list[Item]] = []
        self.changed_at: list[datetime] = []
        self.reset()

    def outlet(self, f: int) -> str:
        return f"{OUTLETS[f % len(OUTLETS)]} {f:03d}"

    def _next_event(self) -> tuple[int, Event]:
        i = self._cursor
        self._cursor += 1
        ev = self.events[i % len(self.events)]
        lap = i // len(self.events)
        if lap:
            # The corpus ran out: a new development in the same story line.
            ev = Event(
                title=f"{ev.title} (day {lap + 1})",
                lede=f"Day {lap + 1}. {ev.lede}",
            )
        return i, ev

    def _copy(
        self, f: int, event_id: int, ev: Event, copy: int, when: datetime, rng: random.Random
    ) -> Item:
        outlet = self.outlet(f)
        title = ev.title if copy == 0 else _perturb(ev.title, outlet, rng)
        if copy > 0 and rng.random() < 0.1:
            link = f"https://news.example.org/{event_id}/{_slug(ev.title)}"  # syndicated copy
        else:
            link = f"https://outlet{f:03d}.example.com/{when:%Y/%m/%d}/{_slug(title)}-{event_id}"
        return Item(
            guid=link,
            title=title,
            link=link,
            description=_lede(ev.lede, copy, rng),
            published=when,
            author=f"{outlet} staff",
            category=rng.choice(("World", "Europe", "Middle East", "Africa", "Politics")),
        )

    def reset(self) -> None:
        cfg = self.config
        rng = random.Random(cfg.seed)
        self.generation = 0
        self._cursor = 0
        n, per = cfg.feeds, cfg.items
        slots = n * per
        feed_items: list[list[Item]] = [[] for _ in range(n)]
        feed_events: list[set[int]] = [set() for _ in range(n)]
        span = cfg.span_hours * 3600
        cursor_feed = 0
        filled = 0
        while filled < slots:
            event_id, ev = self._next_event()
            coverage = min(rng.choice(self.COVERAGE), n)
            t0 = self.base_time - timedelta(seconds=rng.uniform(0, span))
            for copy in range(coverage):
                if filled >= slots:
                    break
                tries = 0
                while (
                    len(feed_items[cursor_feed]) >= per or event_id in feed_events[cursor_feed]
                ) and tries < n:
                    cursor_feed = (cursor_feed + 1) % n
                    tries += 1
                if tries >= n:
                    break
                f = cursor_feed
                when = min(self.base_time, t0 + timedelta(seconds=rng.uniform(0, 3 * 3600)))
                when = when.replace(microsecond=0)
                feed_items[f].append(self._copy(f, event_id, ev, copy, when, rng))
                feed_events[f].add(event_id)
                filled += 1
                cursor_feed = (cursor_feed + rng.randint(1, 7)) % n
        for lst in feed_items:
            lst.sort(key=lambda it: (it.published, it.guid), reverse=True)
        self.items = feed_items
        self.changed_at = [self.base_time] * n

    def bump(self, fraction: float, new_items: int = 5) -> list[int]:
        """A new generation: ``fraction`` of the feeds gain ``new_items`` each.

        New events are shared by one to three of the changed feeds (a story
        breaking across outlets); the oldest items fall off, so each feed keeps
        its size. Returns the indices of the changed feeds.
        """
        cfg = self.config
        self.generation += 1
        rng = random.Random(f"{cfg.seed}:{self.generation}")
        n = cfg.feeds
        k = min(n, max(1, round(fraction * n))) if fraction > 0 else 0
        chosen = sorted(rng.sample(range(n), k))
        when = self.base_time + timedelta(minutes=10 * self.generation)
        fresh: dict[int, list[Item]] = {f: [] for f in chosen}
        pending = {f: new_items for f in chosen}
        while any(pending.values()):
            event_id, ev = self._next_event()
            open_feeds = [f for f in chosen if pending[f] > 0]
            carriers = rng.sample(open_feeds, min(len(open_feeds), rng.choice((1, 1, 2, 3))))
            t = when - timedelta(seconds=rng.randint(0, 540))
            for copy, f in enumerate(carriers):
                fresh[f].append(self._copy(f, event_id, ev, copy, t, rng))
                pending[f] -= 1
        for f in chosen:
            merged = fresh[f] + self.items[f]
            merged.sort(key=lambda it: (it.published, it.guid), reverse=True)
            self.items[f] = merged[: cfg.items]
            self.changed_at[f] = when
        return chosen

    def render(self, f: int, link_base: str) -> bytes:
        """Feed ``f`` as RSS 2.0, each item padded towards the size target."""
        cfg = self.config
        outlet = self.outlet(f)
        items = self.items[f]
        per_item = max(300, (cfg.feed_bytes - 600) // max(1, cfg.items))
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            f"<title>{html.escape(outlet)}</title>\n<link>{link_base}</link>\n"
            f"<description>World news from {html.escape(outlet)}</description>\n"
            f"<language>en</language>\n<lastBuildDate>{_http_date(self.changed_at[f])}"
            "</lastBuildDate>\n"
        )
        parts = [head]
        for idx, it in enumerate(items):
            desc = f"<p>{html.escape(it.description, quote=False)}</p>"
            k = 1
            while True:
                xml = self._item_xml(it, desc)
                if len(xml) >= per_item or k > 8:
                    break
                # Pad with background paragraphs (other events' ledes), as long
                # summaries with "related" text do.
                other = self.events[(hash_int(it.guid) + k * 7919 + idx) % len(self.events)]
                need = per_item - len(xml)
                desc += f"<p>{html.escape(other.lede[: max(40, need)], quote=False)}</p>"
                k += 1
            parts.append(xml)
        parts.append("</channel>\n</rss>\n")
        return "".join(parts).encode("utf-8")

    @staticmethod
    def _item_xml(it: Item, desc_html: str) -> str:
        return (
            "<item>\n"
            f"<title>{html.escape(it.title, quote=False)}</title>\n"
            f"<link>{html.escape(it.link)}</link>\n"
            f'<guid isPermaLink="true">{html.escape(it.guid)}</guid>\n'
            f"<pubDate>{_http_date(it.published)}</pubDate>\n"
            f"<dc:creator>{html.escape(it.author)}</dc:creator>\n"
            f"<category>{html.escape(it.category)}</category>\n"
            f"<description>{html.escape(desc_html, quote=False)}</description>\n"
            "</item>\n"
        )


def hash_int(text: str) -> int:
    """A stable small integer from a string (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")


# --------------------------------------------------------------------------- server


class FeedServer:
    """The HTTP side: feeds on K loopback addresses, admin on the first."""

    def __init__(self, config: ServerConfig, events: Sequence[Event] | None = None) -> None:
        if not 1 <= config.hosts <= 250:
            raise ValueError("hosts must be 1..250")
        self.config = config
        self.feedset = FeedSet(config, events if events is not None else generate_events(config))
        self._stats = Stats()
        self._lock = threading.Lock()
        self._rendered: dict[int, _Rendered] = {}
        self._ports: list[int] = []
        self._servers: list[asyncio.Server] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # ---------------------------------------------------------------- content
    def host_of(self, f: int) -> str:
        return f"127.0.0.{1 + f % self.config.hosts}"

    def url(self, f: int) -> str:
        host_index = f % self.config.hosts
        return f"http://127.0.0.{1 + host_index}:{self._ports[host_index]}/feed/{f}.xml"

    @property
    def urls(self) -> list[str]:
        return [self.url(f) for f in range(self.config.feeds)]

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self._ports[0]}/_admin"

    def _render_all(self, feeds: Sequence[int] | None = None) -> None:
        targets = range(self.config.feeds) if feeds is None else feeds
        fresh = dict(self._rendered)
        for f in targets:
            body = self.feedset.render(f, self.url(f).rsplit("/", 2)[0] + "/")
            fresh[f] = _Rendered(
                body=body,
                gz=gzip.compress(body, 6, mtime=0) if self.config.gzip else b"",
                etag='"' + hashlib.sha1(body).hexdigest()[:20] + '"',
                last_modified=self.feedset.changed_at[f],
            )
        self._rendered = fresh  # one reference swap: readers see old or new, never half

    def reset(self) -> None:
        """Generation 0 again, and zeroed counters."""
        with self._lock:
            self.feedset.reset()
            self._rendered = {}
            self._render_all()
            self._stats = Stats(open_connections=self._stats.open_connections)

    def bump(self, fraction: float, new_items: int = 5) -> list[int]:
        """Give ``fraction`` of the feeds ``new_items`` new items each."""
        with self._lock:
            changed = self.feedset.bump(fraction, new_items)
            self._render_all(changed)
        return changed

    def stats(self) -> dict[str, int]:
        with self._lock:
            return self._stats.as_dict()

    def clear_stats(self) -> None:
        with self._lock:
            self._stats = Stats(open_connections=self._stats.open_connections)

    def feed_sizes(self) -> list[int]:
        return [len(self._rendered[f].body) for f in range(self.config.feeds)]

    # ---------------------------------------------------------------- HTTP
    def _route(
        self, method: str, target: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, bool]:
        """(status, headers, body, is_feed) for one request."""
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/_admin/"):
            return (*self._admin(path[len("/_admin/") :], parse_qs(parts.query)), False)
        if method not in ("GET", "HEAD"):
            return 405, {"Allow": "GET, HEAD"}, b"method not allowed\n", False
        m = re.fullmatch(r"/feed/(\d{1,6})\.xml", path)
        rendered = self._rendered.get(int(m.group(1))) if m else None
        if rendered is None:
            return 404, {"Content-Type": "text/plain"}, b"not found\n", True
        common = {
            "ETag": rendered.etag,
            "Last-Modified": _http_date(rendered.last_modified),
            "Cache-Control": "max-age=0",
        }
        if self._not_modified(rendered, headers):
            return 304, common, b"", True
        out = {**common, "Content-Type": "application/rss+xml; charset=utf-8"}
        body = rendered.body
        if self.config.gzip and "gzip" in headers.get("accept-encoding", ""):
            out["Content-Encoding"] = "gzip"
            out["Vary"] = "Accept-Encoding"
            body = rendered.gz
        return 200, out, body, True

    @staticmethod
    def _not_modified(rendered: _Rendered, headers: dict[str, str]) -> bool:
        inm = headers.get("if-none-match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or rendered.etag in tags
        ims = headers.get("if-modified-since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return rendered.last_modified <= since
        return False

    def _admin(self, what: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        js = {"Content-Type": "application/json"}
        if what == "reset":
            self.reset()
            return 200, js, b'{"ok": true}\n'
        if what == "bump":
            fraction = float(query.get("fraction", ["0.1"])[0])
            items = int(query.get("items", ["5"])[0])
            changed = self.bump(fraction, items)
            return 200, js, json.dumps({"changed": changed}).encode() + b"\n"
        if what == "stats":
            return 200, js, json.dumps(self.stats()).encode() + b"\n"
        if what == "clear":
            self.clear_stats()
            return 200, js, b'{"ok": true}\n'
        if what == "urls":
            return 200, js, json.dumps(self.urls).encode() + b"\n"
        if what == "stop":
            if self._loop is not None and self._stop is not None:
                self._loop.call_soon(self._stop.set)
            return 200, js, b'{"ok": true}\n'
        return 404, js, b'{"error": "unknown admin command"}\n'

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self._stats.connections += 1
            self._stats.open_connections += 1
            self._stats.peak_connections = max(
                self._stats.peak_connections, self._stats.open_connections
            )
            over = self._stats.open_connections > self.config.max_conns
        try:
            if over:
                writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            pass
        finally:
            with self._lock:
                self._stats.open_connections -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Serve one request; False when the connection should close."""
        line = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
        if not line:
            return False
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        method, target, version = parts
        headers: dict[str, str] = {}
        size = 0
        while True:
            h = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
            size += len(h)
            if size > MAX_HEADER_BYTES:
                writer.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n")
                return False
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length", "0")
        if length.isdigit() and 0 < int(length) <= 65536:
            await reader.readexactly(int(length))
        elif length != "0":
            return False
        connection = headers.get("connection", "").lower()
        keep = (version == "HTTP/1.1" and "close" not in connection) or "keep-alive" in connection
        status, out, body, is_feed = self._route(method, target, headers)
        if is_feed and self.config.latency > 0:
            await asyncio.sleep(self.config.latency)
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "Other")
        head = [f"HTTP/1.1 {status} {reason}", "Server: frontline-bench"]
        head += [f"{k}: {v}" for k, v in out.items()]
        if status != 304:
            head.append(f"Content-Length: {len(body)}")
        head.append("Connection: keep-alive" if keep else "Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if method != "HEAD" and status != 304:
            data += body
        writer.write(data)
        await writer.drain()
        if is_feed:
            with self._lock:
                st = self._stats
                st.requests += 1
                st.bytes_sent += len(data)
                if "if-none-match" in headers or "if-modified-since" in headers:
                    st.conditional += 1
                if status == 200:
                    st.ok += 1
                elif status == 304:
                    st.not_modified += 1
                else:
                    st.other += 1
        return keep

    # ---------------------------------------------------------------- lifecycle
    async def _bind(self) -> None:
        for i in range(self.config.hosts):
            server = await asyncio.start_server(
                self._handle, host=f"127.0.0.{i + 1}", port=0, backlog=2048, limit=64 * 1024
            )
            self._servers.append(server)
            self._ports.append(server.sockets[0].getsockname()[1])
        with self._lock:
            self._render_all()

    async def serve(self, on_ready: Callable[[FeedServer], None] | None = None) -> None:
        """Bind, serve until stopped or the lifetime is over, then close."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self._bind()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            raise
        self._ready.set()
        if on_ready is not None:
            on_ready(self)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.config.max_lifetime)
        finally:
            for s in self._servers:
                s.close()
            for s in self._servers:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(s.wait_closed(), 2)

    def start_in_thread(self) -> FeedServer:
        """Serve from a daemon thread; returns once the sockets are bound."""

        def run() -> None:
            with contextlib.suppress(Exception):
                asyncio.run(self.serve())

        self._thread = threading.Thread(target=run, name="feedserver", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("feed server did not start")
        if self._error is not None:
            raise RuntimeError(f"feed server failed: {self._error}")
        return self

    def stop(self) -> None:
        """Stop a server started with :meth:`start_in_thread` (idempotent)."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FeedServer:
        return self.start_in_thread()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _announce(server: FeedServer, urls_file: Path | None) -> None:
    """Print the JSON line a parent process waits for (and write the URL list)."""
    urls = server.urls
    if urls_file is not None:
        urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    sizes = server.feed_sizes()
    info = {
        "admin": server.admin_url,
        "feeds": len(urls),
        "mean_feed_bytes": sum(sizes) // max(1, len(sizes)),
        "events": len(server.feedset.events),
        "urls": urls,
    }
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=100)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--feed-bytes", type=int, default=50_000)
    p.add_argument("--latency", type=float, default=0.05, help="seconds per feed response")
    p.add_argument("--hosts", type=int, default=1, help="loopback addresses 127.0.0.1..K")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gzip", action="store_true", help="gzip bodies for clients that accept it")
    p.add_argument("--max-lifetime", type=float, default=3600.0)
    p.add_argument("--max-conns", type=int, default=4096)
    p.add_argument("--urls-file", type=Path)
    a = p.parse_args(argv)
    if not 1 <= a.feeds <= 100_000 or not 1 <= a.items <= 1000:
        p.error("--feeds 1..100000, --items 1..1000")
    config = ServerConfig(
        feeds=a.feeds,
        items=a.items,
        feed_bytes=a.feed_bytes,
        latency=a.latency,
        hosts=a.hosts,
        corpus=a.corpus,
        seed=a.seed,
        gzip=a.gzip,
        max_lifetime=min(a.max_lifetime, 6 * 3600.0),
        max_conns=a.max_conns,
    )
    started = time.monotonic()
    server = FeedServer(config)
    sys.stderr.write(f"feedserver: content ready in {time.monotonic() - started:.1f} s\n")
    asyncio.run(server.serve(lambda srv: _announce(srv, a.urls_file)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
