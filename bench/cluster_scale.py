"""Clustering scale: full rebuilds of 10k and 100k stories, and an incremental add.

Stories are synthetic but realistic: UCI News Aggregator headlines (the shared
corpus) re-issued as bursts of near-duplicates. Each burst takes one STORY's
headlines, perturbs them (dropped or swapped words, case changes, an outlet
suffix, a changed number) and spreads them over a few hours; the lead is two
other headlines of the same STORY. Bursts arrive at a steady rate
(``--per-day``, default 1,200 stories a day: the 20 general-news feeds of
``conflict_feeds_rumca_2023`` carried 8,098 items in 7 days, 1,157 a day), so
10k stories cover ~8 days and 100k ~83 days: the time window, not the corpus
size, bounds the work per story.

Reported:

* full rebuild (what ``cluster_all`` does) of 10k and of 100k stories, and the
  ratio (target <= 12, i.e. near-linear), in wall and CPU seconds (CPU time is
  steadier on a shared machine), plus story pairs scored per story (work that
  does not depend on the machine at all);
* loading 100k clustered stories into a ``ClusterIndex`` (``add_existing``),
  then assigning 1,000 new stories published after them (``assign``).

Usage::

    PYTHONPATH=. python bench/cluster_scale.py [--corpus DIR] [--per-day N] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.cluster import ClusterIndex, ClusterParams, Doc
from app.models import ClusterLink

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
UCI = Path("uci_news_aggregator_subset") / "uci-news-aggregator.csv"
START = datetime(2025, 3, 1, tzinfo=UTC)
OUTLETS = ("Reuters", "AP", "BBC", "Al Jazeera", "Kyiv Independent", "DW", "France 24", "CNN")


def load_stories(path: Path) -> list[list[str]]:
    """UCI headlines grouped by STORY (complete rows only)."""
    stories: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("STORY") and (row.get("TIMESTAMP") or "").isdigit() and row["TITLE"]:
                stories[row["STORY"]].append(row["TITLE"])
    return [titles for titles in stories.values() if len(titles) >= 3]


def perturb(title: str, rng: random.Random) -> str:
    """A plausible re-headline of ``title`` by another outlet."""
    words = title.split()
    roll = rng.random()
    if roll < 0.2 and len(words) > 4:
        del words[rng.randrange(len(words))]
    elif roll < 0.4 and len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif roll < 0.5:
        words = [w.upper() if rng.random() < 0.2 else w for w in words]
    elif roll < 0.6:
        words.append(str(rng.randrange(2, 500)))
    out = " ".join(words)
    if rng.random() < 0.3:
        out += f" - {rng.choice(OUTLETS)}"
    return out


def generate(n: int, stories: list[list[str]], per_day: int, seed: int) -> list[Doc]:
    """``n`` synthetic stories in bursts, ``per_day`` a day on average."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    seconds_per_story = 86400.0 / per_day
    clock = 0.0
    burst_no = 0
    while len(docs) < n:
        titles = rng.choice(stories)
        size = min(n - len(docs), rng.choice((1, 1, 1, 2, 3, 5, 8, 13)))
        base = clock
        for k in range(size):
            title = perturb(rng.choice(titles), rng)
            others = rng.sample(titles, 2)
            when = START + timedelta(seconds=base + rng.uniform(0, 6 * 3600))
            docs.append(
                Doc(
                    id=f"s{burst_no:06d}-{k:02d}",
                    source=f"https://feeds.example/{rng.choice(OUTLETS)}",
                    title=title,
                    lead=f"{others[0]}. {others[1]}.",
                    url=f"https://news.example/{burst_no}/{k}",
                    published=when,
                )
            )
        clock += size * seconds_per_story
        burst_no += 1
    return docs


@dataclass(frozen=True)
class Took:
    """Wall-clock and CPU seconds of one step (CPU time is steadier on a shared machine)."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:7.2f} s wall, {self.cpu:7.2f} s cpu"


class _Clock:
    def __enter__(self) -> _Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.took = Took(time.perf_counter() - self._wall, time.process_time() - self._cpu)


def timed_rebuild(docs: list[Doc], params: ClusterParams) -> tuple[Took, list[ClusterLink], int]:
    """Time a full rebuild (what ``cluster_all`` does); return its links and pairs scored."""
    with _Clock() as clock:
        index = ClusterIndex(params)
        index.assign_all(docs)
        links = index.links()
    return clock.took, links, index.pairs_scored


def timed_incremental(
    docs: list[Doc], links: list[ClusterLink], fresh: list[Doc], params: ClusterParams
) -> tuple[Took, Took]:
    """Time loading ``docs`` with their links into an index, then assigning ``fresh``."""
    by_id = {d.id: d for d in docs}
    with _Clock() as load:
        index = ClusterIndex(params)
        for link in links:
            if link.story_id in by_id:
                index.add_existing(by_id[link.story_id], link)
    with _Clock() as add:
        for doc in fresh:
            index.assign(doc)
    return load.took, add.took


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="shared corpus folder")
    ap.add_argument("--per-day", type=int, default=1200, help="stories per day (density)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=1_000)
    args = ap.parse_args(argv)
    path = args.corpus / UCI
    if not path.exists():
        print(f"cluster_scale: corpus file not found: {path}\n  pass --corpus DIR", file=sys.stderr)
        return 2

    params = ClusterParams()
    stories = load_stories(path)
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, {datetime.now(UTC):%Y-%m-%d}"
    )
    print(f"window {params.window_hours:g} h; {args.per_day} stories/day; seed {args.seed}")

    small = generate(args.small, stories, args.per_day, args.seed)
    t_small, links_small, pairs_small = timed_rebuild(small, params)
    n_small = len({link.cluster_id for link in links_small})
    print(f"rebuild {len(small):>7,} stories: {t_small}  ({n_small:,} clusters)")
    print(f"  pairs scored per story: {pairs_small / len(small):.1f}")

    everything = generate(args.large + args.new, stories, args.per_day, args.seed + 1)
    large, fresh = everything[: args.large], everything[args.large :]
    t_large, links, pairs_large = timed_rebuild(large, params)
    n_large = len({link.cluster_id for link in links})
    print(f"rebuild {len(large):>7,} stories: {t_large}  ({n_large:,} clusters)")
    print(f"  pairs scored per story: {pairs_large / len(large):.1f}")
    print(
        f"ratio {args.large / args.small:g}x stories -> {t_large.wall / t_small.wall:.1f}x wall, "
        f"{t_large.cpu / t_small.cpu:.1f}x cpu (target <= 12)"
    )

    # All stories loaded, and (what refresh does) only those inside the window.
    start = fresh[0].published - timedelta(hours=params.window_hours)
    recent = [d for d in large if d.published >= start]
    for label, loaded in (("all", large), ("window", recent)):
        t_load, t_add = timed_incremental(loaded, links, fresh, params)
        print(f"index of {len(loaded):>7,} stories ({label}): load {t_load}")
        per = 1000 * t_add.wall / len(fresh)
        print(f"  assign {len(fresh):,} new: {t_add}  ({per:.2f} ms/story wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
