"""The RSS fast path against feedparser, over whole corpora, and parse timing.

Two jobs:

* ``--corpus DIR [DIR ...]``: every file under the folders (``.xml``,
  ``.rss``, ``.atom``, ``.rdf``, ``.feed``, ``.txt`` and files without a suffix) is
  parsed by :func:`app.parse.parse_feed` twice, with the fast path
  (:mod:`app.fastfeed`) and without it, and the two
  :class:`~app.models.ParsedFeed` results must be equal. It reports how many
  bodies the fast path accepted and lists every mismatch (the bar is zero).
* ``--timing``: milliseconds of CPU per typical bench body (RSS 2.0, 50 items,
  ~52 KB, made by ``bench/feedserver.py``'s generator), both paths, median
  of ``--repeat`` batches (``time.process_time``, so other processes on a
  shared machine count less).

Usage::

    PYTHONPATH=. .venv/bin/python bench/parse_fastpath.py --corpus path/to/corpus
    PYTHONPATH=. .venv/bin/python bench/parse_fastpath.py --timing --repeat 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from app.fastfeed import parse_rss  # noqa: E402
from app.parse import parse_feed  # noqa: E402
from app.xmlsafe import defuse  # noqa: E402

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".feed", ".txt", ""}


def corpus_files(roots: Sequence[Path]) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES and path.stat().st_size:
                yield path


def accepted(body: bytes) -> bool:
    """Whether the fast path takes this body (as parse_feed would give it)."""
    defused = defuse(body)
    return defused.charset is None and parse_rss(defused.body) is not None


def compare(roots: Sequence[Path], show: int) -> int:
    counts: Counter[str] = Counter()
    mismatches: list[str] = []
    for path in corpus_files(roots):
        body = path.read_bytes()
        counts["files"] += 1
        if not accepted(body):
            continue
        counts["accepted"] += 1
        fast = parse_feed(body, url="http://corpus.invalid/feed", now=NOW)
        slow = parse_feed(body, url="http://corpus.invalid/feed", now=NOW, fast_path=False)
        counts["stories"] += len(fast.stories)
        if fast != slow:
            mismatches.append(str(path))
    files = counts["files"]
    rate = counts["accepted"] / files * 100 if files else 0.0
    print(
        f"files {files}, fast path accepted {counts['accepted']} ({rate:.1f}%), "
        f"stories {counts['stories']}, mismatches {len(mismatches)}"
    )
    for name in mismatches[:show]:
        print("  MISMATCH", name)
    return 1 if mismatches else 0


def bench_bodies(n: int = 20) -> list[bytes]:
    from feedserver import FeedSet, ServerConfig, generate_events

    config = ServerConfig(feeds=n, items=50, base_time=NOW)
    feeds = FeedSet(config, generate_events(config))
    return [feeds.render(f, "http://127.0.0.1:8080/feed/") for f in range(n)]


def cpu_ms(bodies: Sequence[bytes], fn: Callable[[bytes], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        for body in bodies:
            fn(body)
        samples.append((time.process_time() - start) / len(bodies))
    return statistics.median(samples) * 1000


def timing(repeat: int) -> None:
    bodies = bench_bodies()
    size = sum(map(len, bodies)) / len(bodies)
    items = 50
    print(f"{len(bodies)} bodies, RSS 2.0, {items} items, {size / 1000:.1f} KB on average")
    for label, fast in (("feedparser path", False), ("fast path", True)):
        ms = cpu_ms(
            bodies,
            lambda b, fast=fast: parse_feed(
                b, url="http://bench.invalid/", now=NOW, fast_path=fast
            ),
            repeat,
        )
        print(f"  {label:16s} {ms:6.2f} ms per body, {items / ms * 1000:7.0f} entries/s")
    print(f"  parse_rss alone  {cpu_ms(bodies, parse_rss, repeat):6.2f} ms per body")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", nargs="*", type=Path, default=[])
    ap.add_argument("--timing", action="store_true")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--show", type=int, default=30, help="mismatches to list")
    args = ap.parse_args(argv)
    status = 0
    if args.corpus:
        status = compare(args.corpus, args.show)
    if args.timing:
        timing(args.repeat)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
