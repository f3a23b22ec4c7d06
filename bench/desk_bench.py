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
    In a fresh process, the desk as ``frontline`` opens it (``open_desk(...,
    check=False)``: the integrity check runs on a worker after the first
    frame) over ``make_app``, headless ``App.run_test``. Every frame the app
    renders is timed where the terminal write would be (:class:`Frames`), so
    the figures are "event -> frame on screen", with no test-harness waits:

    * first frame: from opening the desk to the first frame showing the
      first pane's rows (and, apart, the first frame with its detail, and
      the old figure: until the process went idle, which now includes the
      background check);
    * cursor: from the key event (sent as the terminal driver sends it) to
      the first frame showing the cursor moved (pane keys: the pane
      switched), for j/k, page down/up, g/G and pane switches, 80 ms apart;
    * detail settled: from the same key to the first frame whose detail
      panel shows the highlighted cluster;
    * held j: 60 presses at 30 per second (key repeat), each to the frame
      showing the cursor at or past its row; and the detail after release;
    * the old figure, ``pilot.press`` + ``pilot.pause`` per key: both wait
      for the process to go idle (each wait sleeps at least 20 ms), so it is
      a round trip with a ~60 ms floor, not a latency;
    * RSS after the first frame (and ``ru_maxrss``).

    Floors, measured the same way: a minimal Textual app (header, one line,
    footer) for first frame, and an app with a 10,000-option ``OptionList``
    for first frame and key latency (its "down" key).

``report``
    ``measure`` runs (bare, desk, repeated) on an existing database.

Usage::

    PYTHONPATH=. .venv/bin/python bench/desk_bench.py all --stories 100000 \\
        --db /tmp/frontline-bench/desk100k.db
    PYTHONPATH=. .venv/bin/python bench/desk_bench.py generate --stories 2000 --db X.db
    PYTHONPATH=. .venv/bin/python bench/desk_bench.py measure --db X.db
    PYTHONPATH=. .venv/bin/python bench/desk_bench.py report --db X.db --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
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


class Frames:
    """Times every frame the app renders.

    Headless, Textual still lays out and renders each update (the compositor
    turns dirty regions into strips); only the write to the terminal is
    skipped. This hook sits where that write would be (``App._display``),
    builds the escape-sequence string a terminal would get (so its cost is
    counted) and records the time with a snapshot of the state ``probe``
    reads. A key's latency is then "key event sent" -> "first frame showing
    its effect", which is what a user sees, with no test-harness waits in it.
    """

    def __init__(self, app: Any, probe: Any) -> None:
        self.frames: list[tuple[float, Any]] = []
        self.times: list[float] = []
        self.probe = probe
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                getattr(renderable, "render_segments", lambda _c: "")(app.console)
                now = time.perf_counter()
                self.frames.append((now, probe()))
                self.times.append(now)
            original(screen, renderable)

        app._display = display

    def first(self, since: float, ok: Any) -> float | None:
        """Time of the first frame at or after ``since`` whose state satisfies ``ok``."""
        for t, state in self.frames[bisect.bisect_left(self.times, since) :]:
            if ok(state):
                return t
        return None

    async def wait(self, since: float, ok: Any, timeout: float = 5.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = self.first(since, ok)
            if found is not None:
                return found
            await asyncio.sleep(0.002)
        return None


def send_key(app: Any, key: str) -> float:
    """Queue a key event the way the terminal driver does; return when it was sent."""
    from textual import events

    char = key if len(key) == 1 else None
    t = time.perf_counter()
    app._driver.send_message(events.Key(key, char))
    return t


def _stats(xs: Sequence[float]) -> dict[str, float]:
    ms = [x * 1000 for x in xs]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_percentile(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
    }


async def _bare(size: tuple[int, int], presses: int) -> dict[str, Any]:
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

    out: dict[str, Any] = {}
    t = time.perf_counter()
    minimal = Minimal()
    frames = Frames(minimal, lambda: None)
    async with minimal.run_test(size=size) as pilot:
        await frames.wait(t, lambda _s: True)
        out["first_frame_s"] = round(frames.frames[0][0] - t, 3)
        await pilot.pause()
        out["first_paint_s"] = round(time.perf_counter() - t, 3)  # until idle (old figure)
    t = time.perf_counter()
    listing = Listing()
    frames = Frames(listing, lambda: listing.query_one(OptionList).highlighted)
    async with listing.run_test(size=size) as pilot:
        await frames.wait(t, lambda _s: True)
        out["list10k_first_frame_s"] = round(frames.frames[0][0] - t, 3)
        await pilot.pause()
        out["list10k_first_paint_s"] = round(time.perf_counter() - t, 3)
        lst = listing.query_one(OptionList)
        lat = []
        for _ in range(presses):
            before = lst.highlighted or 0
            t1 = send_key(listing, "down")
            hit = await frames.wait(t1, lambda s, b=before: s is not None and s > b)
            if hit is not None:
                lat.append(hit - t1)
            await asyncio.sleep(0.03)
        out["keys"] = _stats(lat)
        pilot_lat = []
        for _ in range(20):
            t1 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            pilot_lat.append(time.perf_counter() - t1)
        out["pilot_keys"] = _stats(pilot_lat)
    return out


def _desk_probe(app: Any) -> Any:
    def probe() -> tuple[str, int, str | None, str | None, int]:
        main = app.main
        lst = main.active_list
        row = lst._rows.row(lst.cursor) if lst.total else None
        shown = main.detail.detail
        return (
            main.deck.active,
            lst.cursor,
            row.id if row is not None else None,
            shown.row.id if shown is not None else None,
            lst.total,
        )

    return probe


async def _desk(db: Path, size: tuple[int, int], presses: int) -> dict[str, Any]:
    from app.desk import open_desk
    from app.tui.app import make_app

    settings = bench_settings(db)
    rss0 = rss_mb()
    t = time.perf_counter()
    desk = open_desk(settings, clock=lambda: END, check=False)  # as `frontline` does
    app = make_app(desk, refresh=None, clock=lambda: END)
    frames = Frames(app, _desk_probe(app))
    out: dict[str, Any] = {}
    async with app.run_test(size=size) as pilot:
        painted = await frames.wait(t, lambda s: s[4] > 0, timeout=120)
        assert painted is not None
        out["first_frame_s"] = round(painted - t, 3)
        detail = await frames.wait(t, lambda s: s[3] is not None and s[3] == s[2], timeout=120)
        out["first_detail_s"] = round((detail or t) - t, 3)
        await pilot.pause()
        out["first_paint_s"] = round(time.perf_counter() - t, 3)  # until idle (old figure)
        out["pane_total"] = app.main.active_list.total
        out["rss_after_paint_mb"] = round(rss_mb(), 1)
        out["rss_desk_delta_mb"] = round(out["rss_after_paint_mb"] - rss0, 1)
        await pilot.pause(0.3)

        # Separate presses (80 ms apart, like a user reading as they go):
        # cursor latency and the time until the detail shows the new cluster.
        cursor: dict[str, list[float]] = defaultdict(list)
        settled: dict[str, list[float]] = defaultdict(list)
        plan = (["j"] * presses) + (["k"] * (presses // 2)) + ["pagedown", "pageup"] * 10
        plan += ["G", "g"] * 3 + ["2", "1"] * 5
        for key in plan:
            before = frames.probe()
            t1 = send_key(app, key)
            if key in "12":
                moved = lambda s, b=before: s[0] != b[0]  # noqa: E731
            else:
                moved = lambda s, b=before: s[1] != b[1]  # noqa: E731
            hit = await frames.wait(t1, moved)
            if hit is not None:
                cursor[key].append(hit - t1)
            done = await frames.wait(
                t1, lambda s, m=moved: m(s) and s[2] is not None and s[3] == s[2]
            )
            if done is not None:
                settled[key].append(done - t1)
            await asyncio.sleep(0.08)
        every_cursor = [x for xs in cursor.values() for x in xs]
        every_settled = [x for xs in settled.values() for x in xs]
        out["keys"] = {k: _stats(v) for k, v in cursor.items()}
        out["cursor"] = _stats(every_cursor)
        out["detail_settled"] = _stats(every_settled)

        # A held key: j auto-repeating at 30 per second for 60 presses.
        await pilot.press("g")
        await pilot.pause(0.3)
        start = app.main.active_list.cursor
        sent = []
        for _ in range(60):
            sent.append(send_key(app, "j"))
            await asyncio.sleep(1 / 30)
        held = []
        for i, t1 in enumerate(sent):
            hit = await frames.wait(t1, lambda s, n=start + i + 1: s[1] >= n)
            if hit is not None:
                held.append(hit - t1)
        out["held_j_cursor"] = _stats(held)
        last = await frames.wait(sent[-1], lambda s: s[2] is not None and s[3] == s[2])
        out["held_j_detail_after_release_ms"] = round(((last or sent[-1]) - sent[-1]) * 1000, 1)

        # The old figure: pilot.press + pilot.pause per key. Both wait for
        # the process to go idle (each wait sleeps >= 20 ms, three of them),
        # so this is a round trip with a ~60 ms floor, not a latency.
        pilot_lat = []
        for _ in range(20):
            t1 = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            pilot_lat.append(time.perf_counter() - t1)
        out["pilot_keys"] = _stats(pilot_lat)
        out["cursor_after"] = app.main.active_list.cursor
    desk.store.close()
    out["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
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
            **bare,
            "rss_mb": round(rss_mb(), 1),
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    t0 = time.perf_counter()
    import app.tui.app  # noqa: F401

    imports = time.perf_counter() - t0
    res = asyncio.run(_desk(db, size, presses))
    res["import_s"] = round(imports, 3)
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
    p.add_argument("step", choices=("generate", "measure", "all", "report"))
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
    if a.step == "report":  # measure an existing database again
        with Store.open(a.db) as store:
            counts = store.pane_counts()
            gen = {
                "stories": store.story_count(),
                "clusters": sum(total for total, _ in counts.values()),
                "pane_clusters": {p: total for p, (total, _) in counts.items()},
            }
    else:
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

    def med(what: str, *path: str) -> float:
        values = []
        for run in runs[what]:
            value: Any = run
            for key in path:
                value = value[key]
            values.append(float(value))
        return statistics.median(values)

    load = os.getloadavg()[0]
    bare = med("bare", "first_frame_s")
    desk = med("desk", "first_frame_s")
    print(
        f"\n{gen['stories']} stories, {gen['clusters']} clusters, first pane "
        f"{max(gen['pane_clusters'].values())} clusters; medians of {a.repeat} runs;"
        f" load average now {load:.2f}\n"
        f"first frame with rows: desk {desk:.3f} s vs bare Textual {bare:.3f} s"
        f" ({desk / bare:.2f}x); detail filled at {med('desk', 'first_detail_s'):.3f} s;"
        f" idle at {med('desk', 'first_paint_s'):.3f} s"
        f" (bare {med('bare', 'first_paint_s'):.3f} s)\n"
        f"key -> cursor frame p50/p95: desk {med('desk', 'cursor', 'p50_ms'):.1f}"
        f" / {med('desk', 'cursor', 'p95_ms'):.1f} ms;"
        f" 10k-option OptionList {med('bare', 'keys', 'p50_ms'):.1f}"
        f" / {med('bare', 'keys', 'p95_ms'):.1f} ms\n"
        f"key -> detail settled p50/p95: {med('desk', 'detail_settled', 'p50_ms'):.1f}"
        f" / {med('desk', 'detail_settled', 'p95_ms'):.1f} ms\n"
        f"held j (30/s) -> cursor frame p50/p95: {med('desk', 'held_j_cursor', 'p50_ms'):.1f}"
        f" / {med('desk', 'held_j_cursor', 'p95_ms'):.1f} ms; detail"
        f" {med('desk', 'held_j_detail_after_release_ms'):.1f} ms after release\n"
        f"pilot press+pause round trip p50: desk {med('desk', 'pilot_keys', 'p50_ms'):.1f} ms,"
        f" OptionList {med('bare', 'pilot_keys', 'p50_ms'):.1f} ms\n"
        f"RSS after first paint: desk {med('desk', 'rss_after_paint_mb'):.0f} MB"
        f" (+{med('desk', 'rss_desk_delta_mb'):.0f} MB for the desk) vs bare"
        f" {med('bare', 'rss_mb'):.0f} MB; peak {med('desk', 'maxrss_mb'):.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
