"""The refresh pipeline: the one path from sources to stored, clustered stories.

``frontline refresh`` (cron), ``frontline ingest`` and the desk's refresh
worker all call this module; none has a pipeline of its own.

Shape: local seed files are read and segmented, due feeds are fetched
concurrently (bounded globally and per host, each under a total deadline),
bodies are parsed off the event loop (in a process pool when many arrive, so
both cores work), and each source is written in one short transaction.
Then panes, clusters and quotes are brought up to date for what changed.
Failures are values: one broken feed is a result with an error, never an
exception that stops the others.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from app import derive
from app.config import Settings
from app.errors import DatabaseError, SourceFileError
from app.fetch import FeedState, FetchLimits, FetchResult, fetch_feed, make_client, next_attempt
from app.lock import refresh_lock
from app.models import ParsedFeed, RefreshReport, SourceKind, SourceResult, SourceStatus
from app.parse import parse_feed
from app.prep import PrepSpec, StoryPrep, parse_and_prep
from app.seeds import decode_bytes, read_source_file, segment_page
from app.store import FeedRecord, Store, to_db_time
from app.text import clean_line

__all__ = [
    "FEED_FILE_SUFFIXES",
    "PAGE_SUFFIXES",
    "ingest_paths",
    "refresh",
    "refresh_iter",
    "run_refresh",
    "seed_files",
]

PAGE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
FEED_FILE_SUFFIXES = (".xml", ".rss", ".atom", ".json")
#: Above this many bodies in one run, parsing moves to a process pool.
PROCESS_POOL_MIN_FEEDS = 8
#: A body this big is parsed in a worker process even in a small run.
PROCESS_PARSE_MIN_BYTES = 2 * 2**20


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def seed_files(paths: Sequence[Path]) -> tuple[list[Path], list[SourceResult]]:
    """Expand seed paths (files or directories) into the files to read.

    Returns:
        The files, and error results for paths that do not exist.
    """
    files: list[Path] = []
    errors: list[SourceResult] = []
    for p in paths:
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix.lower() in PAGE_SUFFIXES + FEED_FILE_SUFFIXES and not (
                    child.name.startswith(".")
                ):
                    files.append(child)
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            errors.append(
                SourceResult(
                    source=clean_line(str(p)),
                    kind=SourceKind.FILE,
                    status=SourceStatus.ERROR,
                    error=f"{clean_line(str(p))}: no such file or directory",
                    error_kind="missing",
                )
            )
    return files, errors


def _looks_like_feed(data: bytes, suffix: str) -> bool:
    if suffix in FEED_FILE_SUFFIXES:
        return True
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))


def _parse_file(path: Path, data: bytes, now: datetime, max_items: int) -> ParsedFeed:
    """Bytes of a local file into stories (runs in a worker thread)."""
    suffix = path.suffix.lower()
    if _looks_like_feed(data, suffix):
        return parse_feed(data, url=path.as_uri(), now=now, max_items=max_items)
    text, warnings = decode_bytes(data, name=path.name)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(microsecond=0)
    stories = segment_page(text, name=path.name, mtime=mtime, suffix=suffix)
    return ParsedFeed(title=None, stories=tuple(stories), warnings=tuple(warnings))


@dataclass
class _Run:
    """Mutable state of one refresh run."""

    settings: Settings
    store: Store
    now: datetime
    pool: concurrent.futures.Executor | None = None
    #: A one-process pool for big bodies when ``pool`` is threads (made on demand).
    procs: concurrent.futures.ProcessPoolExecutor | None = None
    #: Pane rules and clustering parameters for the parse workers (made on demand).
    spec: PrepSpec | None = None


async def _ingest_file(run: _Run, path: Path) -> SourceResult:
    started = time.monotonic()
    source = str(path.absolute())
    shown = clean_line(source)
    max_bytes = int(run.settings.refresh.max_body_mb * 2**20)
    try:
        data = await asyncio.to_thread(read_source_file, path, max_bytes=max_bytes)
        digest = hashlib.sha256(data).hexdigest()
        if run.store.file_hash(source) == digest:
            return SourceResult(
                source=shown, kind=SourceKind.FILE, status=SourceStatus.NOT_MODIFIED
            )
        parsed = await asyncio.to_thread(
            _parse_file, path, data, run.now, run.settings.refresh.max_new_items
        )
    except SourceFileError as exc:
        run.store.record_file_error(source, str(exc), run.now)
        return SourceResult(
            source=shown,
            kind=SourceKind.FILE,
            status=SourceStatus.ERROR,
            error=str(exc),
            error_kind="file",
        )
    stat = path.stat()
    res = run.store.write_stories(
        source,
        SourceKind.FILE,
        parsed.stories,
        outlet=clean_line(parsed.title or path.name, max_len=200),
        now=run.now,
        replace_all=True,
        file_info={
            "content_hash": digest,
            "size": stat.st_size,
            "mtime": to_db_time(datetime.fromtimestamp(stat.st_mtime, tz=UTC)),
        },
    )
    return SourceResult(
        source=shown,
        kind=SourceKind.FILE,
        status=SourceStatus.OK,
        new=len(res.new),
        updated=len(res.updated),
        warnings=parsed.warnings,
        elapsed=time.monotonic() - started,
    )


def _limits(settings: Settings) -> FetchLimits:
    r = settings.refresh
    return FetchLimits(
        max_body_bytes=int(r.max_body_mb * 2**20),
        feed_deadline=r.feed_deadline,
        connect_timeout=r.connect_timeout,
        read_timeout=r.read_timeout,
        max_redirects=r.max_redirects,
    )


async def _parse_body(run: _Run, result: FetchResult) -> tuple[ParsedFeed, tuple[StoryPrep, ...]]:
    """Parse a body and prep its stories (pane, quotes, clustering features) off the loop."""
    body = result.body or b""
    if run.spec is None:
        run.spec = PrepSpec.of(run.settings.panes, run.settings.clustering)
    func = functools.partial(
        parse_and_prep,
        body,
        url=result.final_url or result.url,
        headers=result.headers,
        now=run.now,
        max_items=run.settings.refresh.max_new_items * 4,
        spec=run.spec,
    )
    executor = run.pool
    if len(body) >= PROCESS_PARSE_MIN_BYTES and not isinstance(
        executor, concurrent.futures.ProcessPoolExecutor
    ):
        # feedparser is pure Python: in a thread, a big body holds the GIL for
        # seconds and the desk's UI thread (which runs this refresh in a worker)
        # stops answering keys. A worker process has a GIL of its own.
        if run.procs is None:
            run.procs = _process_pool(1)
        executor = run.procs
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, func)


def _feed_failed(
    run: _Run,
    feed: FeedRecord,
    error: str,
    kind: str,
    started: float,
    *,
    retry_after: datetime | None = None,
    gone: bool = False,
) -> SourceResult:
    """Record a feed's failure (count, back-off, gone) and return it as a result."""
    when = None if gone else next_attempt(feed.error_count + 1, run.now, retry_after=retry_after)
    run.store.record_feed_result(
        feed.url,
        now=run.now,
        ok=False,
        error=error,
        error_kind=kind,
        next_attempt=when,
        gone=gone,
    )
    return SourceResult(
        source=feed.url,
        kind=SourceKind.FEED,
        status=SourceStatus.ERROR,
        error=error,
        error_kind=kind,
        elapsed=time.monotonic() - started,
    )


async def _feed(
    run: _Run,
    client: httpx.AsyncClient,
    feed: FeedRecord,
    limits: FetchLimits,
    gate: asyncio.Semaphore,
    hosts: dict[str, asyncio.Semaphore],
) -> SourceResult:
    started = time.monotonic()
    host = (urlsplit(feed.url).hostname or "").lower()
    per_host = hosts.setdefault(host, asyncio.Semaphore(run.settings.refresh.per_host))
    state = FeedState(etag=feed.etag, last_modified=feed.last_modified, body_hash=feed.body_hash)
    # Per-host slot first, global slot second: a task holding a global slot
    # while it queues for its host would starve every other host (feeds come
    # sorted by URL, so one host's feeds are adjacent and used to take all the
    # global slots; 500 feeds ran at per_host concurrency). Neither wait counts
    # against the feed's deadline, as before.
    async with per_host, gate:
        # The run's clock, not the wall clock: Retry-After dates and the
        # back-off computed from them must agree with ``run.now``.
        result = await fetch_feed(client, feed.url, state, limits, clock=lambda: run.now)
    if result.outcome == "error":
        return _feed_failed(
            run,
            feed,
            result.error or "failed",
            result.error_kind or "error",
            started,
            retry_after=result.retry_after,
            gone=result.gone,
        )
    if result.outcome == "not_modified":
        run.store.record_feed_result(
            feed.url,
            now=run.now,
            ok=True,
            etag=result.etag,
            last_modified=result.last_modified,
            redirect_url=result.permanent_redirect,
        )
        return SourceResult(
            source=feed.url,
            kind=SourceKind.FEED,
            status=SourceStatus.NOT_MODIFIED,
            elapsed=time.monotonic() - started,
        )
    try:
        parsed, preps = await _parse_body(run, result)
    except Exception as exc:  # a parser crash on one body must not stop the run
        msg = clean_line(f"parse failed: {type(exc).__name__}: {exc}", max_len=300)
        return _feed_failed(run, feed, msg, "parse", started)
    if not parsed.stories and parsed.title is None and parsed.warnings:
        # Nothing usable: report it like a fetch error, keep existing stories.
        return _feed_failed(run, feed, parsed.warnings[0], "not_a_feed", started)
    max_new = run.settings.refresh.max_new_items
    res = run.store.write_stories(
        feed.url,
        SourceKind.FEED,
        parsed.stories,
        outlet=feed.name,
        now=run.now,
        max_new=max_new,
        preps=preps,
        feed_result={
            "ok": True,
            "etag": result.etag,
            "last_modified": result.last_modified,
            "body_hash": result.body_hash,
            "redirect_url": result.permanent_redirect,
            "title": clean_line(parsed.title, max_len=300) if parsed.title else None,
            "warnings": list(parsed.warnings),
        },
    )
    warnings = parsed.warnings
    if res.dropped:
        warnings = (*warnings, f"{res.dropped} new items over the cap of {max_new} were skipped")
    return SourceResult(
        source=feed.url,
        kind=SourceKind.FEED,
        status=SourceStatus.OK,
        new=len(res.new),
        updated=len(res.updated),
        warnings=warnings,
        elapsed=time.monotonic() - started,
    )


def _skipped(feed: FeedRecord, why: str) -> SourceResult:
    return SourceResult(
        source=feed.url, kind=SourceKind.FEED, status=SourceStatus.SKIPPED, error=why
    )


def _start_process_helpers(method: str) -> None:
    """Start multiprocessing's helper processes with a real stderr, once.

    Inside the desk, Textual replaces ``sys.stderr`` with a capture object
    whose ``fileno()`` is -1; the resource tracker passes that descriptor to
    its child and every worker start fails ("bad value(s) in fds_to_keep"),
    so every feed of a big refresh failed with "parse failed". The helpers
    are started here with the process's own stderr instead.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        usable = False
    if usable or sys.__stderr__ is None:
        return
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
        if method == "forkserver":
            forkserver.ensure_running()
    finally:
        sys.stderr = saved


def _process_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    # forkserver/spawn, not fork: the desk calls this from a thread, and
    # forking a threaded process can deadlock the child.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    _start_process_helpers(method)
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method)
    )


def _make_pool(n_feeds: int, workers: int) -> concurrent.futures.Executor:
    if n_feeds >= PROCESS_POOL_MIN_FEEDS and workers > 1 and (os.cpu_count() or 1) > 1:
        return _process_pool(workers)
    return concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse")


async def refresh_iter(
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient | None = None,
    *,
    now: datetime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    include_seeds: bool = True,
    include_feeds: bool = True,
    paths: Sequence[Path] | None = None,
) -> AsyncIterator[SourceResult]:
    """Refresh every source, yielding one result per source as it completes.

    Derived data (panes, clusters, quotes) is updated after the last source,
    before the iterator finishes.

    Args:
        settings: Validated settings.
        store: An open, writable store (owned by the calling thread).
        client: An httpx client; made here (with ``transport``) when None.
        now: The refresh time (a frozen clock in tests).
        transport: For tests: an ``httpx.MockTransport``.
        include_seeds: Read the configured seed paths.
        include_feeds: Poll the due feeds.
        paths: Local files/directories to read instead of the configured seeds.
    """
    run = _Run(settings, store, now or _utcnow())
    file_list, missing = seed_files(list(paths if paths is not None else settings.seeds))
    for r in missing:
        yield r
    if include_seeds or paths is not None:
        for f in file_list:
            yield await _ingest_file(run, f)
    if include_feeds:
        store.sync_feeds(((f.url, f.name, f.tags) for f in settings.feeds), run.now)
        due: list[FeedRecord] = []
        for feed in store.active_feeds():
            if not feed.enabled:
                continue
            if feed.gone:
                yield _skipped(feed, "gone (HTTP 410); re-enable it to try again")
            elif feed.next_attempt is not None and feed.next_attempt > run.now:
                yield _skipped(feed, f"backing off until {to_db_time(feed.next_attempt)}")
            else:
                due.append(feed)
        if due:
            async for r in _fetch_all(run, due, client, transport):
                yield r
    # The journal holds this run's new and changed stories and the clusters
    # that lost stories, plus whatever a run killed before this step left.
    stories, clusters = store.pending()
    derive.update_derived(store, settings, stories, lost=clusters, now=run.now)
    store.clear_pending(stories, clusters)
    store.set_meta("last_refresh", to_db_time(run.now) or "")
    store.checkpoint()


async def _fetch_all(
    run: _Run,
    due: list[FeedRecord],
    client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
) -> AsyncIterator[SourceResult]:
    settings = run.settings
    limits = _limits(settings)
    own_client = client is None
    if client is None:
        client = make_client(
            transport=transport, max_connections=settings.refresh.concurrency, limits=limits
        )
    run.pool = _make_pool(len(due), settings.refresh.parse_workers)
    gate = asyncio.Semaphore(settings.refresh.concurrency)
    hosts: dict[str, asyncio.Semaphore] = {}
    tasks = {asyncio.ensure_future(_feed(run, client, f, limits, gate, hosts)): f for f in due}
    deadline = time.monotonic() + settings.refresh.total_deadline
    try:
        pending = set(tasks)
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            done, pending = await asyncio.wait(
                pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            for t in done:
                feed = tasks[t]
                exc = t.exception()
                if exc is None:
                    yield t.result()
                elif not isinstance(exc, Exception) or isinstance(exc, DatabaseError):
                    # A signal (SIGTERM's exception, KeyboardInterrupt) that
                    # landed inside a feed's task, or a database that cannot
                    # be written (disk full): the run stops, it is not one
                    # feed's failure. The feed's transaction was rolled back.
                    raise exc
                else:
                    msg = clean_line(f"internal error: {type(exc).__name__}: {exc}", max_len=300)
                    yield SourceResult(
                        source=feed.url,
                        kind=SourceKind.FEED,
                        status=SourceStatus.ERROR,
                        error=msg,
                        error_kind="internal",
                    )
        for t in pending:
            t.cancel()
            feed = tasks[t]
            msg = f"refresh deadline ({settings.refresh.total_deadline:g} s) reached"
            run.store.record_feed_result(
                feed.url,
                now=run.now,
                ok=False,
                error=msg,
                error_kind="deadline",
                next_attempt=next_attempt(feed.error_count + 1, run.now),
            )
            yield SourceResult(
                source=feed.url,
                kind=SourceKind.FEED,
                status=SourceStatus.ERROR,
                error=msg,
                error_kind="deadline",
            )
    finally:
        for t in tasks:
            if not t.done():
                t.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)
        if own_client:
            await client.aclose()
        for pool in (run.pool, run.procs):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)


async def refresh(
    settings: Settings,
    store: Store,
    client: httpx.AsyncClient | None = None,
    *,
    now: datetime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    include_seeds: bool = True,
    include_feeds: bool = True,
    paths: Sequence[Path] | None = None,
    on_result: Callable[[SourceResult], Any] | None = None,
) -> RefreshReport:
    """Run :func:`refresh_iter` to the end and fold it into a report."""
    started = now or _utcnow()
    results: list[SourceResult] = []
    async for r in refresh_iter(
        settings,
        store,
        client,
        now=started,
        transport=transport,
        include_seeds=include_seeds,
        include_feeds=include_feeds,
        paths=paths,
    ):
        results.append(r)
        if on_result is not None:
            on_result(r)
    counts = store.pane_counts()
    return RefreshReport(
        started=started,
        finished=_utcnow() if now is None else started,
        results=tuple(results),
        clusters=sum(total for total, _ in counts.values()),
        stories=store.story_count(),
    )


def run_refresh(
    settings: Settings,
    *,
    db_path: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    now: datetime | None = None,
    include_feeds: bool = True,
    on_result: Callable[[SourceResult], Any] | None = None,
) -> RefreshReport:
    """A whole refresh, blocking: lock, open the store, refresh, close.

    Used by ``frontline refresh`` and by the desk's thread worker (which must
    never call it on the UI thread).

    Raises:
        LockedError: Another refresh holds the lock.
        FrontlineError: The database cannot be opened or written.
    """
    if db_path is not None:
        settings = settings.with_database(db_path)
    with refresh_lock(settings.lock_path):
        store = Store.open(settings.database, check=True)
        try:
            return asyncio.run(
                refresh(
                    settings,
                    store,
                    now=now,
                    transport=transport,
                    include_feeds=include_feeds,
                    on_result=on_result,
                )
            )
        finally:
            store.close()


def ingest_paths(
    settings: Settings,
    store: Store,
    paths: Sequence[Path],
    *,
    now: datetime | None = None,
) -> RefreshReport:
    """Ingest local files once (``frontline ingest``), with clustering and panes."""
    return asyncio.run(
        refresh(settings, store, now=now, include_seeds=False, include_feeds=False, paths=paths)
    )
