"""Desk figures at scale: a 100,000-story database, first paint, key latency, memory.

Two steps, each its own process so memory figures stay clean:

``generate``
    Fills a database with N realistic stories through the core's own writes
    (:meth:`app.store.Store.write_stories`, one transaction per source and
    day). Text comes from the ``conflict_feeds_rumca_2023`` corpus (or the
    feed server's synthetic generator): each event is carried by 1-10 of 200
    outlets, re-headlined per outlet, spread over ``N / per_day`` days, so
    the clustering time window (not the corpus size) bounds the work.
    Derived data, two ways:

    * ``--derive rebuild``: :func:`app.derive.rebuild` (real classification,
      clustering and quotes; slow and memory-hungry at 100k, see the README);
    * ``--derive fast`` (default): the generator knows which stories report
      the same event, so it writes those clusters directly
      (:meth:`Store.set_links`), spreads clusters over the panes so the first
      pane holds ``--pane-clusters`` of them (10,000), stores the panes
      (:meth:`Store.set_panes`) and lets :func:`app.derive.write_clusters`
      compute the cluster rows exactly as a refresh would.

``measure``
    In a fresh process: time to first paint of the desk (``make_app`` over
    ``open_desk`` on that database, headless ``App.run_test``) against a bare
    Textual app, from creating the app until the first pane shows its rows;
    then key-to-update latency in the first pane: ``time.perf_counter`` around
    ``pilot.press(key)`` + ``pilot.pause()`` for j/k, page down/up, g/G and
    pane switches; p50/p95/max; and the process's RSS (and ``ru_maxrss``).
    Floors, measured the same way: a minimal Textual app (header, one line,
    footer) for first paint, and an app with a 10,000-option ``OptionList``
    for first paint and key latency (its "down" key).

Usage::

    PYTHONPATH=. .venv/bin/python bench/desk_bench.py all --stories 100000 \\
        --db /tmp/frontline-bench/desk100k.db
    PYTHONPATH=. .venv/bin/python bench/desk_bench.py generate --stories 2000 --db X.db
    PYTHONPATH=. .venv/bin/python bench/desk_bench.py measure --db X.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from feedserver import (  # noqa: E402
    DEFAULT_CORPUS,
    Event,
    ServerConfig,
    generate_events,
)

from app import derive  # noqa: E402
from app.config import Settings, parse_settings  # noqa: E402
from app.models import ClusterLink, ParsedStory, Signal, SourceKind  # noqa: E402
from app.store import Store, story_id_for  # noqa: E402

#: The newest story's time; fixed so the database is the same on every run.
END = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OUTLETS = 200
COVERAGE = (1, 1, 1, 2, 2, 3, 3, 4, 6, 10)


def rss_mb() -> float:
    """Current resident set size of this process (MiB)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def bench_settings(db: Path) -> Settings:
    return parse_settings(
        {"storage": {"database": str(db)}, "seeds": {"paths": []}, "feeds": []}, base=db.parent
    )


# --------------------------------------------------------------------------- generate


@dataclass(frozen=True, slots=True)
class _Copy:
    outlet: int
    event: int
    story: ParsedStory


def _headline(ev: Event, copy: int, rng: random.Random) -> str:
    if copy == 0:
        return ev.title
    words = ev.title.split()
    roll = rng.random()
    if roll < 0.3 and len(words) > 6:
        del words[rng.randrange(1, len(words))]
    elif roll < 0.5:
        words = ["Update:", *words]
    elif roll < 0.7:
        words = [words[0], *(w.lower() for w in words[1:])]
    return " ".join(words)


def make_copies(n: int, per_day: int, events: Sequence[Event], seed: int) -> list[_Copy]:
    """N story copies: events spread evenly back from END, each carried by 1-10 outlets."""
    rng = random.Random(seed)
    span = timedelta(days=n / per_day).total_seconds()
    out: list[_Copy] = []
    e = 0
    while len(out) < n:
        ev = events[e % len(events)]
        lap = e // len(events)
        title_suffix = f" (day {lap + 1})" if lap else ""
        t0 = END - timedelta(seconds=span * len(out) / n)
        outlets = rng.sample(range(OUTLETS), min(OUTLETS, rng.choice(COVERAGE)))
        for copy, outlet in enumerate(outlets):
            if len(out) >= n:
                break
            when = (t0 - timedelta(seconds=rng.uniform(0, 3 * 3600))).replace(microsecond=0)
            url = f"https://outlet{outlet:03d}.example.com/{e}/{copy}"
            story = ParsedStory(
                title=_headline(ev, copy, rng) + title_suffix,
                summary=ev.lede,
                url=url,
                guid=url,
                author=f"Desk {outlet:03d}",
                published=when,
            )
            out.append(_Copy(outlet, e, story))
        e += 1
    return out


def generate(
    db: Path,
    *,
    stories: int,
    per_day: int,
    mode: str,
    pane_clusters: int,
    corpus: Path | None,
    seed: int = 1,
) -> dict[str, Any]:
    """Fill ``db`` (removed first) and return what was made and how long it took."""
    for suffix in ("", "-wal", "-shm", ".refresh.lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    settings = bench_settings(db)
    events = generate_events(
        ServerConfig(feeds=max(1, stories // 50), items=50, corpus=corpus, seed=seed)
    )
    t0 = time.perf_counter()
    copies = make_copies(stories, per_day, events, seed)
    # One write per (outlet, day): like a feed that was polled through the day.
    groups: dict[tuple[int, str], list[_Copy]] = defaultdict(list)
    for c in copies:
        assert c.story.published is not None
        groups[(c.outlet, c.story.published.strftime("%Y-%m-%d"))].append(c)
    ids_by_event: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    store = Store.open(db)
    try:
        for (outlet, day), group in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            source = f"https://outlet{outlet:03d}.example.com/rss"
            when = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(hours=23)
            res = store.write_stories(
                source,
                SourceKind.FEED,
                [c.story for c in group],
                outlet=f"Desk {outlet:03d}",
                now=min(when, END),
            )
            del res
            for c in group:
                assert c.story.published is not None
                sid = story_id_for(SourceKind.FEED, source, c.story)
                ids_by_event[c.event].append((c.story.published, sid))
        t_write = time.perf_counter() - t0
        t1 = time.perf_counter()
        if mode == "rebuild":
            derive.rebuild(store, settings, now=END)
        else:
            fast_derive(store, settings, ids_by_event, pane_clusters)
        t_derive = time.perf_counter() - t1
        counts = store.pane_counts()
        n = store.story_count()
    finally:
        store.close()
    return {
        "stories": n,
        "clusters": sum(total for total, _ in counts.values()),
        "pane_clusters": {p: total for p, (total, _) in counts.items()},
        "write_s": round(t_write, 1),
        "derive_s": round(t_derive, 1),
        "derive": mode,
        "db_mb": round(db.stat().st_size / 2**20, 1),
    }


def fast_derive(
    store: Store,
    settings: Settings,
    ids_by_event: dict[int, list[tuple[datetime, str]]],
    pane_clusters: int,
) -> None:
    """Clusters from the generator's own grouping; panes spread so pane 1 has enough."""
    panes = [p.name for p in settings.panes.panes if p.name != "other"] + ["other"]
    links: list[ClusterLink] = []
    pane_rows: list[tuple[str, str, float, Sequence[str]]] = []
    for k, event in enumerate(sorted(ids_by_event)):
        members = sorted(ids_by_event[event])
        founder = members[0][1]
        # The first pane takes every other cluster until it holds enough.
        pane = panes[0] if (k % 2 == 0 and k // 2 < pane_clusters) else panes[k % len(panes)]
        for i, (_, sid) in enumerate(members):
            signal = Signal.FOUNDER if i == 0 else Signal.TITLE
            links.append(
                ClusterLink(
                    sid, founder, signal, 100.0 if i == 0 else 91.0, None if i == 0 else founder
                )
            )
            pane_rows.append((sid, pane, 2.0, ("bench",)))
    store.set_panes(pane_rows)
    store.set_links(links, replace_all=True)
    derive.write_clusters(store, settings, {lk.cluster_id for lk in links})


# --------------------------------------------------------------------------- measure


def _percentile(xs: Sequence[float], q: float) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _bare(size: tuple[int, int], presses: int) -> dict[str, float]:
    """Two floors: a minimal Textual app (header, a line, footer) for first paint,
    and one with a 10,000-option ``OptionList`` for first paint and key latency."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, OptionList, Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    class Listing(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield OptionList(
                *(f"cluster {i}: a headline of ordinary length" for i in range(10_000))
            )
            yield Footer()

    t = time.perf_counter()
    async with Minimal().run_test(size=size) as pilot:
        await pilot.pause()
        minimal = time.perf_counter() - t
    t = time.perf_counter()
    async with Listing().run_test(size=size) as pilot:
        await pilot.pause()
        listing = time.perf_counter() - t
        lat = []
        for _ in range(presses):
            t1 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            lat.append(time.perf_counter() - t1)
    return {
        "first_paint_s": minimal,
        "list10k_first_paint_s": round(listing, 3),
        "keys_p50_ms": round(statistics.median(lat) * 1000, 1),
        "keys_p95_ms": round(_percentile(lat, 0.95) * 1000, 1),
    }


async def _desk(db: Path, size: tuple[int, int], presses: int) -> dict[str, Any]:
    from app.desk import open_desk
    from app.tui.app import make_app
    from widgets.cluster_list import ClusterList

    settings = bench_settings(db)
    rss0 = rss_mb()
    t = time.perf_counter()
    desk = open_desk(settings, clock=lambda: END)
    app = make_app(desk, refresh=None, clock=lambda: END)
    out: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        lst: ClusterList = app.main.active_list
        deadline = time.perf_counter() + 120
        while lst.total == 0 and time.perf_counter() < deadline:
            await pilot.pause(0.005)
        await pilot.pause()
        out["first_paint_s"] = time.perf_counter() - t
        out["pane_total"] = lst.total
        out["rss_after_paint_mb"] = rss_mb()
        out["rss_desk_delta_mb"] = out["rss_after_paint_mb"] - rss0
        lat: dict[str, list[float]] = defaultdict(list)
        plan = (["j"] * presses) + (["k"] * (presses // 2)) + ["pagedown", "pageup"] * 10
        plan += ["G", "g"] * 3 + ["2", "1"] * 5
        for key in plan:
            t1 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            lat[key].append(time.perf_counter() - t1)
        every = [x for xs in lat.values() for x in xs]
        out["keys"] = {
            k: {
                "n": len(v),
                "p50_ms": round(statistics.median(v) * 1000, 1),
                "p95_ms": round(_percentile(v, 0.95) * 1000, 1),
                "max_ms": round(max(v) * 1000, 1),
            }
            for k, v in lat.items()
        }
        out["all_keys_p95_ms"] = round(_percentile(every, 0.95) * 1000, 1)
        out["all_keys_p50_ms"] = round(statistics.median(every) * 1000, 1)
        out["cursor_after"] = lst.cursor
    desk.store.close()
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(db: Path, *, what: str, size: tuple[int, int], presses: int) -> dict[str, Any]:
    started = time.perf_counter()
    if what == "bare":
        t0 = time.perf_counter()
        import textual.app  # noqa: F401  (import cost, reported apart)

        imports = time.perf_counter() - t0
        bare = asyncio.run(_bare(size, presses))
        return {
            "import_s": round(imports, 3),
            "first_paint_s": round(bare["first_paint_s"], 3),
            "list10k_first_paint_s": bare["list10k_first_paint_s"],
            "keys_p50_ms": bare["keys_p50_ms"],
            "keys_p95_ms": bare["keys_p95_ms"],
            "rss_mb": round(rss_mb(), 1),
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    t0 = time.perf_counter()
    import app.tui.app  # noqa: F401

    imports = time.perf_counter() - t0
    res = asyncio.run(_desk(db, size, presses))
    res["import_s"] = round(imports, 3)
    res["first_paint_s"] = round(res["first_paint_s"], 3)
    res["process_s"] = round(time.perf_counter() - started, 1)
    return res


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("step", choices=("generate", "measure", "all"))
    p.add_argument("--db", type=Path, default=Path("/tmp/frontline-bench/desk100k.db"))
    p.add_argument("--stories", type=int, default=100_000)
    p.add_argument("--per-day", type=int, default=2000)
    p.add_argument("--derive", choices=("fast", "rebuild"), default="fast")
    p.add_argument("--pane-clusters", type=int, default=10_000)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--what", choices=("desk", "bare"), default="desk")
    p.add_argument("--presses", type=int, default=100)
    p.add_argument("--size", default="160x48", help="terminal columns x rows")
    p.add_argument("--repeat", type=int, default=3, help="first-paint runs (all)")
    a = p.parse_args(argv)
    cols, rows = (int(x) for x in a.size.lower().split("x"))
    if a.step == "generate":
        info = generate(
            a.db,
            stories=a.stories,
            per_day=a.per_day,
            mode=a.derive,
            pane_clusters=a.pane_clusters,
            corpus=a.corpus,
        )
        print(json.dumps(info))
        return 0
    if a.step == "measure":
        print(json.dumps(measure(a.db, what=a.what, size=(cols, rows), presses=a.presses)))
        return 0
    gen = _child(
        [
            "generate",
            f"--db={a.db}",
            f"--stories={a.stories}",
            f"--per-day={a.per_day}",
            f"--derive={a.derive}",
            f"--pane-clusters={a.pane_clusters}",
            f"--corpus={a.corpus}",
        ]
    )
    print("generate:", json.dumps(gen), flush=True)
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "desk": []}
    for _ in range(a.repeat):
        for what in ("bare", "desk"):
            res = _child(
                [
                    "measure",
                    f"--db={a.db}",
                    f"--what={what}",
                    f"--size={a.size}",
                    f"--presses={a.presses}",
                ]
            )
            res["presses"] = a.presses
            runs[what].append(res)
            print(f"{what}:", json.dumps(res), flush=True)
    bare = statistics.median(r["first_paint_s"] for r in runs["bare"])
    desk = statistics.median(r["first_paint_s"] for r in runs["desk"])
    p95 = statistics.median(r["all_keys_p95_ms"] for r in runs["desk"])
    rss = statistics.median(r["rss_after_paint_mb"] for r in runs["desk"])
    bare_rss = statistics.median(r["rss_mb"] for r in runs["bare"])
    bare_p95 = statistics.median(r["keys_p95_ms"] for r in runs["bare"])
    print(
        f"\n{gen['stories']} stories, {gen['clusters']} clusters, first pane "
        f"{max(gen['pane_clusters'].values())} clusters\n"
        f"first paint (median of {a.repeat}): desk {desk:.3f} s vs bare Textual {bare:.3f} s "
        f"({desk / bare:.1f}x)\n"
        f"key-to-update p95 (median of runs): desk {p95:.1f} ms vs 10k-option OptionList "
        f"{bare_p95:.1f} ms\n"
        f"RSS after first paint: desk {rss:.0f} MB vs bare {bare_rss:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
