"""Per-story costs of a first refresh: storing, quote extraction, classification.

Builds the bench workload of ``bench/feedserver.py`` (N feeds of 50 items,
rendered as RSS and parsed by ``app.parse.parse_feed``, so the stories are
what a refresh hands to the store), then times, each ``--repeat`` times:

* ``write``: ``Store.write_stories`` for every feed into a fresh database (one
  transaction per feed, ``feed_result`` included, like ``app.refresh``), then
  the same stories again (the "unchanged" pass, which must write nothing);
* ``quotes``: ``extract_quotes`` on summary + body of every story, and
  ``group_quotes`` over all the quotes found;
* ``classify``: ``classify`` of every story with the default pane rules.

Usage:
  PYTHONPATH=. python bench/story_costs.py [--feeds 500] [--repeat 3]
      [--only write,quotes,classify] [--cache FILE] [--corpus DIR] [--json-out FILE]

Times are CPU seconds (``time.process_time``; the machine is shared and the
work is CPU-bound), wall seconds of the first write too. Parsing 500 feeds
takes ~20 s; ``--cache`` keeps the parsed stories (pickle)
for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.classify import DEFAULT_PANE_RULES, classify
from app.models import ParsedStory, SourceKind
from app.parse import parse_feed
from app.quotes import extract_quotes, group_quotes
from app.store import Store
from bench.feedserver import FeedSet, ServerConfig, generate_events

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

Feeds = list[tuple[str, str, list[ParsedStory]]]


def build(n_feeds: int, corpus: Path | None) -> Feeds:
    """(url, name, stories) per feed, parsed from the rendered RSS bodies."""
    config = ServerConfig(feeds=n_feeds, items=50, corpus=corpus, base_time=NOW, seed=1)
    feed_set = FeedSet(config, generate_events(config))
    out: Feeds = []
    for f in range(n_feeds):
        url = f"http://127.0.0.{1 + f % 25}:8000/feed/{f}.xml"
        body = feed_set.render(f, url)
        parsed = parse_feed(body, url=url, now=NOW)
        out.append((url, feed_set.outlet(f), list(parsed.stories)))
    return out


def load(n_feeds: int, corpus: Path | None, cache: Path | None) -> Feeds:
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            feeds: Feeds = pickle.load(fh)  # our own cache file, never a download
        if len(feeds) == n_feeds:
            return feeds
    feeds = build(n_feeds, corpus)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(feeds, fh)
    return feeds


def _timed(fn: Callable[[], Any]) -> float:
    """CPU seconds of ``fn()``: the machine is shared, and this work is CPU-bound."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def bench_write(feeds: Feeds, repeat: int) -> dict[str, Any]:
    n = sum(len(s) for _, _, s in feeds)
    first: list[float] = []
    first_wall: list[float] = []
    again: list[float] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(Path(tmp) / "bench.db")
            try:
                store.sync_feeds(((url, name, ()) for url, name, _ in feeds), NOW)

                def write_all(store: Store = store) -> int:
                    written = 0
                    for url, name, stories in feeds:
                        res = store.write_stories(
                            url,
                            SourceKind.FEED,
                            stories,
                            outlet=name,
                            now=NOW,
                            feed_result={"ok": True, "etag": '"x"', "body_hash": "h"},
                        )
                        written += len(res.new) + len(res.updated)
                    return written

                w0, c0 = time.perf_counter(), time.process_time()
                assert write_all() == n
                first.append(time.process_time() - c0)
                first_wall.append(time.perf_counter() - w0)
                c0 = time.process_time()
                assert write_all() == 0  # unchanged: nothing written
                again.append(time.process_time() - c0)
                assert store.story_count() == n
                assert store.fts_check() is None
            finally:
                store.close()
    med = statistics.median(first)
    return {
        "stories": n,
        "feeds": len(feeds),
        "first_cpu_s": [round(x, 3) for x in first],
        "first_wall_s": [round(x, 3) for x in first_wall],
        "first_median_cpu_s": round(med, 3),
        "rows_per_cpu_s": round(n / med),
        "unchanged_cpu_s": [round(x, 3) for x in again],
        "unchanged_median_cpu_s": round(statistics.median(again), 3),
    }


def bench_quotes(stories: Sequence[ParsedStory], repeat: int) -> dict[str, Any]:
    texts = [f"{s.summary}\n{s.body}" for s in stories]
    runs = [_timed(lambda: [extract_quotes(t) for t in texts]) for _ in range(repeat)]
    items = [
        (str(i), q, s.published or NOW, s.outlet or "x")
        for i, (s, t) in enumerate(zip(stories, texts, strict=True))
        for q in extract_quotes(t)
    ]
    grouping = [_timed(lambda: group_quotes(items)) for _ in range(repeat)]
    return {
        "stories": len(texts),
        "with_quotes": len({i for i, *_ in items}),
        "quotes": len(items),
        "extract_us_per_story": round(statistics.median(runs) / len(texts) * 1e6, 1),
        "group_s": round(statistics.median(grouping), 3),
    }


def bench_classify(stories: Sequence[ParsedStory], repeat: int) -> dict[str, Any]:
    def run() -> None:
        for s in stories:
            classify(s.title, s.summary, s.body, rules=DEFAULT_PANE_RULES)

    runs = [_timed(run) for _ in range(repeat)]
    return {
        "stories": len(stories),
        "classify_us_per_story": round(statistics.median(runs) / len(stories) * 1e6, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--feeds", type=int, default=500)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--only", default="write,quotes,classify")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--cache", type=Path, help="pickle of the parsed stories (made if missing)")
    p.add_argument("--json-out", type=Path)
    a = p.parse_args(argv)
    corpus = a.corpus if a.corpus.is_dir() else None
    t0 = time.perf_counter()
    feeds = load(a.feeds, corpus, a.cache)
    stories = [s for _, _, ss in feeds for s in ss]
    result: dict[str, Any] = {
        "build_s": round(time.perf_counter() - t0, 1),
        "loadavg": os.getloadavg()[0],
    }
    only = set(a.only.split(","))
    if "write" in only:
        result["write"] = bench_write(feeds, a.repeat)
    if "quotes" in only:
        result["quotes"] = bench_quotes(stories, a.repeat)
    if "classify" in only:
        result["classify"] = bench_classify(stories, a.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if a.json_out is not None:
        a.json_out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
