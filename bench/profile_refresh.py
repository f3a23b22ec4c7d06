"""Where a 500-feed refresh spends its time: pyinstrument plus phase timers.

Starts ``bench/feedserver.py`` as a child process (or uses ``--admin`` of a
running one), writes a frontline config for its feeds, and runs the refresh
in-process exactly as ``frontline refresh`` does (:func:`app.refresh.run_refresh`)
for up to three rounds: ``first`` (empty database), ``unchanged`` (all 304)
and ``changed`` (10% of feeds gained 5 items). The rounds named in
``--profile`` run under pyinstrument with ``async_mode="disabled"``, so the
tree shows what the one event-loop thread really did, idle time in
``epoll.poll`` included; every round also gets phase timers:

* sync work on the loop thread (exact wall time, it blocks the loop):
  ``Store.write_stories``, ``Store.record_feed_result``,
  ``derive.update_derived`` (panes, clusters, quotes after the fetches);
* async spans (overlapping, summed per call): ``fetch_feed`` and the parse
  hand-off to the worker pool;
* the CPU cost of parsing alone (``parse_feed`` in-process on 20 bodies).

Pool workers are other processes; pyinstrument does not see inside them.

Usage::

    PYTHONPATH=. .venv/bin/python bench/profile_refresh.py --feeds 500 \\
        --profile first,unchanged --out /tmp/frontline-bench/profile
    # then read /tmp/frontline-bench/profile/<round>.txt (tree), <round>.flat.txt
    # (self time per function) and <round>.html
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app import derive, refresh  # noqa: E402
from app.config import Settings, load_settings  # noqa: E402
from app.parse import parse_feed  # noqa: E402
from app.store import Store  # noqa: E402

ROUNDS = ("first", "unchanged", "changed")
#: The refresh settings the peers bench uses.
REFRESH = {"concurrency": 64, "per_host": 8, "parse_workers": 2, "total_deadline": 1800.0}


class PhaseTimers:
    """Sum wall time per phase by wrapping functions for the duration of a round."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[Callable[[], None]] = []

    def _patch(self, owner: Any, name: str, wrapper: Any) -> None:
        own = name in vars(owner)
        orig = vars(owner).get(name)
        setattr(owner, name, wrapper)
        if own:
            self._undo.append(lambda: setattr(owner, name, orig))
        else:  # inherited (a Store mixin method): remove the override again
            self._undo.append(lambda: delattr(owner, name))

    def _sync(self, owner: Any, name: str, label: str) -> None:
        orig = getattr(owner, name)

        @functools.wraps(orig)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return orig(*args, **kwargs)
            finally:
                self.total[label] += time.perf_counter() - t
                self.calls[label] += 1

        self._patch(owner, name, wrapper)

    def _async(self, owner: Any, name: str, label: str) -> None:
        orig = getattr(owner, name)

        @functools.wraps(orig)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await orig(*args, **kwargs)
            finally:
                self.total[label] += time.perf_counter() - t
                self.calls[label] += 1

        self._patch(owner, name, wrapper)

    @contextlib.contextmanager
    def installed(self) -> Iterator[PhaseTimers]:
        self._sync(Store, "write_stories", "write_stories (loop thread)")
        self._sync(Store, "record_feed_result", "record_feed_result (loop thread)")
        self._sync(derive, "update_derived", "update_derived (after fetches)")
        self._async(refresh, "fetch_feed", "fetch_feed (async, overlapping)")
        self._async(refresh, "_parse_body", "parse hand-off (async, overlapping)")
        try:
            yield self
        finally:
            for undo in reversed(self._undo):
                undo()
            self._undo.clear()

    def lines(self) -> list[str]:
        return [
            f"  {label:38} {self.total[label]:8.2f} s  ({self.calls[label]} calls)"
            for label in sorted(self.total, key=lambda k: -self.total[k])
        ]


class Server:
    """The feed server: a child process, or an already running one (``--admin``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.proc: subprocess.Popen[str] | None = None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._open = opener.open
        if args.admin:
            self.admin = args.admin.rstrip("/")
            self.urls: list[str] = self.call("urls")
            return
        cmd = [
            sys.executable,
            str(REPO / "bench" / "feedserver.py"),
            f"--feeds={args.feeds}",
            f"--latency={args.latency}",
            f"--hosts={args.hosts}",
            f"--items={args.items}",
            f"--feed-bytes={args.feed_bytes}",
            "--max-lifetime=3600",
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.admin = info["admin"]
        self.urls = info["urls"]

    def call(self, what: str) -> Any:
        with self._open(f"{self.admin}/{what}", timeout=60) as resp:
            return json.loads(resp.read())

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self.call("stop")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def write_config(workdir: Path, urls: Sequence[str], overrides: dict[str, Any]) -> Path:
    lines = ["[storage]", f'database = "{workdir / "frontline.db"}"', "", "[seeds]", "paths = []"]
    lines += ["", "[refresh]", *(f"{k} = {v!r}" for k, v in overrides.items()), ""]
    for i, url in enumerate(urls):
        lines += ["[[feeds]]", f'url = "{url}"', f'name = "Bench feed {i}"', ""]
    path = workdir / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def parse_cost(urls: Sequence[str], n: int = 20) -> float:
    """Milliseconds of ``parse_feed`` per body, in this process."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    bodies = []
    for url in urls[:n]:
        with opener.open(url, timeout=30) as resp:
            bodies.append(resp.read())
    now = datetime.now(UTC)
    t = time.perf_counter()
    for body in bodies:
        parse_feed(body, url="http://bench.invalid/", now=now)
    return (time.perf_counter() - t) / max(1, len(bodies)) * 1000


def run_round(settings: Settings, profile_to: Path | None) -> tuple[float, str, PhaseTimers]:
    timers = PhaseTimers()
    profiler = None
    if profile_to is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001, async_mode="disabled")
    with timers.installed():
        if profiler is not None:
            profiler.start()
        t = time.perf_counter()
        report = refresh.run_refresh(settings)
        wall = time.perf_counter() - t
        if profiler is not None:
            profiler.stop()
    feeds = [r for r in report.results if r.kind.value == "feed"]
    summary = (
        f"{len(feeds)} feeds: {sum(r.status.value == 'ok' for r in feeds)} ok, "
        f"{sum(r.status.value == 'not_modified' for r in feeds)} unchanged, "
        f"{sum(r.status.value == 'error' for r in feeds)} failed; {report.new} new; "
        f"{report.stories} stories in {report.clusters} clusters"
    )
    if profiler is not None and profile_to is not None:
        profile_to.with_suffix(".txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
        )
        profile_to.with_suffix(".flat.txt").write_text(
            profiler.output_text(unicode=True, color=False, flat=True), encoding="utf-8"
        )
        profile_to.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return wall, summary, timers


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=500)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--hosts", type=int, default=25)
    p.add_argument("--items", type=int, default=50, help="items per feed")
    p.add_argument("--feed-bytes", type=int, default=50_000)
    p.add_argument("--admin", help="admin URL of a running feedserver (else one is started)")
    p.add_argument("--rounds", default=",".join(ROUNDS))
    p.add_argument("--profile", default="first", help="rounds to run under pyinstrument")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="[refresh]")
    p.add_argument("--out", type=Path, default=Path("/tmp/frontline-bench/profile"))
    a = p.parse_args(argv)

    overrides: dict[str, Any] = dict(REFRESH)
    for kv in a.set:
        key, _, val = kv.partition("=")
        overrides[key] = float(val) if "." in val else int(val)
    a.out.mkdir(parents=True, exist_ok=True)
    state = a.out / "state"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir()
    server = Server(a)
    try:
        server.call("reset")
        settings = load_settings(write_config(state, server.urls, overrides))
        print(f"refresh settings: {overrides}")
        print(f"parse_feed in-process: {parse_cost(server.urls):.1f} ms per ~50 KB body")
        server.call("clear")
        for rnd in [r for r in ROUNDS if r in a.rounds.split(",")]:
            if rnd == "changed":
                server.call("bump?fraction=0.1&items=5")
            server.call("clear")
            target = a.out / rnd if rnd in a.profile.split(",") else None
            wall, summary, timers = run_round(settings, target)
            stats = server.call("stats")
            print(f"\n[{rnd}] {wall:.2f} s wall; {summary}")
            print(f"  server: {stats}")
            print("\n".join(timers.lines()))
            if target is not None:
                print(f"  profile: {target.with_suffix('.txt')} (.html)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
