"""``frontline refresh`` against newsboat and lemon24/reader on the same loopback feeds.

Each client runs on fresh state, three rounds against ``bench/feedserver.py``
(a separate process):

1. **first**: an empty cache fetches every feed (N feeds x 50 items, ~50 KB);
2. **unchanged**: nothing changed on the server, so a client that sends
   ``If-None-Match``/``If-Modified-Since`` gets 304s (newsboat 2.21 sends them
   only from its third reload on, so its second round downloads everything);
3. **changed**: 10% of the feeds gained 5 items each.

Runs alternate between clients (the order rotates every repeat) and the table
gives medians. Wall time is measured around the child process; memory is the
child's ``ru_maxrss`` from ``os.wait4`` (largest single process) and the peak
of the summed PSS of its whole process tree, sampled every 50 ms from /proc
(frontline parses in worker processes, so the tree figure is the fair one).
The server's counters (200s, 304s, conditional requests) are recorded for
every round, which shows who actually used conditional GET.

Peers come from the bench's own set-up step, never from the project:
``--setup`` runs ``apt-get install -y newsboat`` and makes a venv under /tmp
with ``pip install reader sgmllib3k`` (reader's vendored feedparser needs
sgmllib). A peer that is missing is reported and skipped; frontline is always
measured.

Usage (from the repo root)::

    PYTHONPATH=. .venv/bin/python bench/refresh_vs_peers.py --setup \\
        --sizes 100,500 --repeat 3 --json-out /tmp/frontline-bench/peers.json

    # sweep the peers' thread/worker counts (first round only):
    PYTHONPATH=. .venv/bin/python bench/refresh_vs_peers.py --sizes 500 --repeat 1 \\
        --rounds first --newsboat-threads 4,8,16,32 --reader-workers 4,8,16 \\
        --clients newsboat,reader
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORKDIR = Path("/tmp/frontline-bench")
READER_VENV = WORKDIR / "reader-venv"
ROUNDS = ("first", "unchanged", "changed")
#: frontline's refresh settings for the bench (reported in the README).
FRONTLINE_REFRESH = {
    "concurrency": 64,
    "per_host": 8,
    "parse_workers": 2,
    "total_deadline": 1800.0,
}

READER_DRIVER = '''\
"""Bench driver for lemon24/reader: add the feeds, update them all once."""
import json, sys
from reader import make_reader

db, urls_file, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = make_reader(db)
for url in open(urls_file, encoding="utf-8").read().split():
    r.add_feed(url, exist_ok=True)
r.update_feeds(workers=workers, scheduled=False)
print(json.dumps({"entries": r.get_entry_counts().total}))
r.close()
'''


# --------------------------------------------------------------------------- peers


@dataclass(slots=True)
class Peers:
    newsboat: str | None
    reader_python: str | None
    notes: list[str] = field(default_factory=list)


def _run_quiet(cmd: Sequence[str], timeout: float = 900) -> tuple[int, str]:
    try:
        p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return p.returncode, (p.stdout + p.stderr)[-2000:]


def setup_peers() -> list[str]:
    """Install newsboat (apt) and reader (a venv under /tmp); return notes."""
    notes: list[str] = []
    if shutil.which("newsboat") is None:
        if shutil.which("apt-get") is None:
            notes.append("newsboat: no apt-get on this machine")
        else:
            rc, out = _run_quiet(["apt-get", "install", "-y", "-q", "newsboat"])
            if rc != 0:
                _run_quiet(["apt-get", "update", "-q"])
                rc, out = _run_quiet(["apt-get", "install", "-y", "-q", "newsboat"])
            if rc != 0:
                notes.append(f"newsboat: apt-get install failed: {out[-300:]}")
    py = READER_VENV / "bin" / "python"
    if not py.exists():
        rc, out = _run_quiet([sys.executable, "-m", "venv", str(READER_VENV)])
        if rc != 0:
            notes.append(f"reader: venv failed: {out[-300:]}")
    if py.exists():
        rc, out = _run_quiet([str(py), "-m", "pip", "install", "-q", "reader", "sgmllib3k"])
        if rc != 0:
            notes.append(f"reader: pip install failed: {out[-300:]}")
    return notes


def find_peers() -> Peers:
    peers = Peers(newsboat=shutil.which("newsboat"), reader_python=None)
    if peers.newsboat is None:
        peers.notes.append("newsboat not installed (run with --setup): skipped")
    py = READER_VENV / "bin" / "python"
    if py.exists():
        rc, out = _run_quiet([str(py), "-c", "import reader, sgmllib; print(reader.__version__)"])
        if rc == 0:
            peers.reader_python = str(py)
        else:
            peers.notes.append(f"reader venv broken ({out.strip()[-200:]}): skipped")
    else:
        peers.notes.append("reader not installed (run with --setup): skipped")
    return peers


def peer_versions(peers: Peers) -> dict[str, str]:
    out: dict[str, str] = {}
    if peers.newsboat:
        _, text = _run_quiet([peers.newsboat, "--version"])
        out["newsboat"] = text.splitlines()[0] if text else "?"
    if peers.reader_python:
        _, text = _run_quiet(
            [peers.reader_python, "-c", "import reader; print(reader.__version__)"]
        )
        out["reader"] = text.strip()
    return out


# --------------------------------------------------------------------------- server


class ServerProc:
    """bench/feedserver.py in a child process, driven through /_admin."""

    def __init__(self, feeds: int, latency: float, hosts: int, corpus: Path | None) -> None:
        cmd = [
            sys.executable,
            str(REPO / "bench" / "feedserver.py"),
            "--feeds",
            str(feeds),
            "--latency",
            str(latency),
            "--hosts",
            str(hosts),
            "--max-lifetime",
            "7200",
        ]
        if corpus is not None:
            cmd += ["--corpus", str(corpus)]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("feedserver did not start")
        info = json.loads(line)
        self.admin: str = info["admin"]
        self.urls: list[str] = info["urls"]
        self.mean_feed_bytes: int = info["mean_feed_bytes"]
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, what: str) -> Any:
        with self._opener.open(f"{self.admin}/{what}", timeout=60) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.call("stop")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


# --------------------------------------------------------------------------- measuring


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the comm field may contain spaces: fields resume after the last ")"
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_pss_kb(root: int) -> int:
    """Summed PSS (KiB) of ``root`` and all its descendants."""
    kids = _children_map()
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


@dataclass(slots=True)
class Measure:
    wall: float
    cpu: float
    maxrss_mb: float
    tree_peak_mb: float
    rc: int
    out: str


def measure(
    cmd: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float, interval: float = 0.05
) -> Measure:
    """Run ``cmd``; wall time, CPU, ru_maxrss and the sampled process-tree PSS peak."""
    out_path = cwd / "stdout.txt"
    with out_path.open("wb") as out_fh:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdout=out_fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_pss_kb(proc.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
            sampler.join()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measure(
        wall=wall,
        cpu=ru.ru_utime + ru.ru_stime,
        maxrss_mb=ru.ru_maxrss / 1024,
        tree_peak_mb=peak / 1024,
        rc=proc.returncode,
        out=out_path.read_text(errors="replace")[-600:],
    )


# --------------------------------------------------------------------------- clients


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    kind: str  # frontline | newsboat | reader
    setting: int | dict[str, Any]


def frontline_config(state: Path, urls: Sequence[str], refresh: dict[str, Any]) -> Path:
    lines = [
        "[storage]",
        f'database = "{state / "frontline.db"}"',
        "",
        "[seeds]",
        "paths = []",
        "",
        "[refresh]",
        *(f"{k} = {v!r}" for k, v in refresh.items()),
        "",
    ]
    for i, url in enumerate(urls):
        lines += ["[[feeds]]", f'url = "{url}"', f'name = "Bench feed {i}"', ""]
    path = state / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def prepare(client: Client, state: Path, urls: Sequence[str], peers: Peers) -> list[str]:
    """Make fresh state for one client; return its command."""
    if state.exists():
        shutil.rmtree(state)
    state.mkdir(parents=True)
    urls_file = state / "urls"
    urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    if client.kind == "frontline":
        assert isinstance(client.setting, dict)
        cfg = frontline_config(state, urls, client.setting)
        exe = shutil.which("frontline", path=str(Path(sys.executable).parent))
        base = [exe] if exe else [sys.executable, "-m", "app"]
        return [*base, "refresh", "--config", str(cfg), "--json"]
    if client.kind == "newsboat":
        assert peers.newsboat is not None
        (state / "config").write_text(f"reload-threads {client.setting}\n", encoding="utf-8")
        return [
            peers.newsboat,
            "-x",
            "reload",
            "-u",
            str(urls_file),
            "-c",
            str(state / "cache.db"),
            "-C",
            str(state / "config"),
        ]
    assert peers.reader_python is not None
    driver = state / "reader_driver.py"
    driver.write_text(READER_DRIVER, encoding="utf-8")
    return [
        peers.reader_python,
        str(driver),
        str(state / "reader.db"),
        str(urls_file),
        str(client.setting),
    ]


def client_env(state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "HOME"}
    env.update(
        HOME=str(state),
        XDG_CONFIG_HOME=str(state / ".config"),
        XDG_DATA_HOME=str(state / ".local"),
        XDG_CACHE_HOME=str(state / ".cache"),
        PYTHONPATH=str(REPO),
        NO_PROXY="*",
    )
    return env


@dataclass(slots=True)
class Sample:
    size: int
    client: str
    round: str
    repeat: int
    wall: float
    cpu: float
    maxrss_mb: float
    tree_peak_mb: float
    rc: int
    server: dict[str, int]
    #: 1-minute load average just before the run (other work on the machine).
    load: float = 0.0
    #: ``code_version()`` when the run started.
    code: str = ""
    note: str = ""


def run_sequence(
    client: Client,
    server: ServerProc,
    peers: Peers,
    *,
    size: int,
    repeat: int,
    rounds: Sequence[str],
    timeout: float,
) -> list[Sample]:
    state = WORKDIR / f"state-{client.name}"
    cmd = prepare(client, state, server.urls, peers)
    server.call("reset")
    samples: list[Sample] = []
    for rnd in ROUNDS:
        if rnd not in rounds:
            break
        if rnd == "changed":
            server.call("bump?fraction=0.1&items=5")
        server.call("clear")
        load = os.getloadavg()[0]
        m = measure(cmd, env=client_env(state), cwd=state, timeout=timeout)
        stats = server.call("stats")
        note = "" if m.rc == 0 else f"exit {m.rc}: {m.out.strip()[-200:]}"
        samples.append(
            Sample(
                size=size,
                client=client.name,
                round=rnd,
                repeat=repeat,
                wall=round(m.wall, 3),
                cpu=round(m.cpu, 2),
                maxrss_mb=round(m.maxrss_mb, 1),
                tree_peak_mb=round(m.tree_peak_mb, 1),
                rc=m.rc,
                server=stats,
                load=round(load, 2),
                code=code_version() if client.kind == "frontline" else "",
                note=note,
            )
        )
        print(
            f"  {size:4d} {client.name:18} {rnd:9} {m.wall:7.2f} s  cpu {m.cpu:6.1f} s  "
            f"maxrss {m.maxrss_mb:6.1f} MB  tree {m.tree_peak_mb:6.1f} MB  "
            f"200/304 {stats['ok']}/{stats['not_modified']}  load {load:.1f}  rc {m.rc}",
            flush=True,
        )
    return samples


# --------------------------------------------------------------------------- report


def _median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def summarise(samples: Sequence[Sample]) -> dict[tuple[int, str, str], dict[str, float]]:
    groups: dict[tuple[int, str, str], list[Sample]] = {}
    for s in samples:
        groups.setdefault((s.size, s.client, s.round), []).append(s)
    out: dict[tuple[int, str, str], dict[str, float]] = {}
    for key, ss in groups.items():
        out[key] = {
            "wall": _median([s.wall for s in ss]),
            "wall_min": min(s.wall for s in ss),
            "wall_max": max(s.wall for s in ss),
            "cpu": _median([s.cpu for s in ss]),
            "maxrss_mb": max(s.maxrss_mb for s in ss),
            "tree_peak_mb": _median([s.tree_peak_mb for s in ss]),
            "ok": _median([s.server["ok"] for s in ss]),
            "not_modified": _median([s.server["not_modified"] for s in ss]),
            "n": len(ss),
            "failed": sum(1 for s in ss if s.rc not in (0,)),
        }
    return out


def best_of(
    summary: dict[tuple[int, str, str], dict[str, float]], size: int, kind: str, rnd: str
) -> str | None:
    """The variant of a peer with the lowest median wall time in round ``rnd``."""
    names = {c for (sz, c, r) in summary if sz == size and c.startswith(kind) and r == rnd}
    if not names:
        return None
    return min(names, key=lambda c: summary[(size, c, rnd)]["wall"])


def report(samples: Sequence[Sample], rounds: Sequence[str]) -> str:
    summary = summarise(samples)
    lines = [
        "| feeds | client | round | wall s (median) | min-max | CPU s | maxrss MB "
        "| tree PSS MB | 200 / 304 |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (size, client, rnd), v in sorted(
        summary.items(), key=lambda kv: (kv[0][0], kv[0][1], ROUNDS.index(kv[0][2]))
    ):
        lines.append(
            f"| {size} | {client} | {rnd} | {v['wall']:.2f} | {v['wall_min']:.2f}-"
            f"{v['wall_max']:.2f} | {v['cpu']:.1f} | {v['maxrss_mb']:.0f} | "
            f"{v['tree_peak_mb']:.0f} | {v['ok']:.0f} / {v['not_modified']:.0f} |"
        )
    lines.append("")
    sizes = sorted({s.size for s in samples})
    for size in sizes:
        fl = "frontline" if (size, "frontline", "first") in summary else None
        fl = fl or next((c for (sz, c, _) in summary if sz == size and c.startswith("front")), None)
        if fl is None:
            continue
        lines.append(
            f"Ratios at {size} feeds ({fl} / the best variant of each peer in that round):"
        )
        for rnd in rounds:
            f = summary.get((size, fl, rnd))
            if f is None:
                continue
            parts = []
            for kind in ("newsboat", "reader"):
                peer = best_of(summary, size, kind, rnd)
                p = summary.get((size, peer, rnd)) if peer else None
                if p:
                    parts.append(f"{f['wall'] / p['wall']:.2f}x {peer}")
            lines.append(f"  {rnd:9} wall: " + ", ".join(parts))
        nb_names = {c for (sz, c, _) in summary if sz == size and c.startswith("newsboat")}
        if nb_names:
            f_mem = max(summary[(size, fl, r)]["tree_peak_mb"] for r in rounds)
            n_mem = min(
                max(summary[(size, c, r)]["tree_peak_mb"] for r in rounds) for c in nb_names
            )
            lines.append(f"  peak memory (tree PSS): {f_mem / n_mem:.2f}x newsboat")
        lines.append("")
    return "\n".join(lines)


def code_version() -> str:
    """HEAD plus a hash of the working tree's app/ sources (others may be editing)."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted((REPO / "app").rglob("*.py")):
        h.update(f.read_bytes())
    rc, head = _run_quiet(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    return f"{head.strip() if rc == 0 else '?'}+app:{h.hexdigest()[:10]}"


def machine() -> dict[str, str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "kernel": platform.release(),
    }


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--setup", action="store_true", help="install newsboat and reader first")
    p.add_argument("--setup-only", action="store_true")
    p.add_argument("--sizes", default="100,500")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--rounds", default=",".join(ROUNDS))
    p.add_argument("--clients", default="frontline,newsboat,reader")
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--hosts", type=int, default=25, help="loopback addresses for the feeds")
    p.add_argument(
        "--corpus",
        type=Path,
        default=REPO.parent / "shared" / "corpus" / "conflict_feeds_rumca_2023",
    )
    p.add_argument("--newsboat-threads", default="8")
    p.add_argument("--reader-workers", default="8")
    p.add_argument(
        "--frontline",
        action="append",
        default=[],
        metavar="NAME:key=value,...",
        help="a frontline variant with [refresh] overrides (repeatable)",
    )
    p.add_argument("--timeout", type=float, default=1200.0, help="per run, seconds")
    p.add_argument("--json-out", type=Path)
    a = p.parse_args(argv)

    WORKDIR.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    if a.setup or a.setup_only:
        notes += setup_peers()
        if a.setup_only:
            print("\n".join(notes) or "setup done")
            return 0
    peers = find_peers()
    notes += peers.notes
    wanted = set(a.clients.split(","))
    rounds = [r for r in ROUNDS if r in a.rounds.split(",")]
    clients: list[Client] = []
    if "frontline" in wanted:
        variants = a.frontline or ["frontline:"]
        for spec in variants:
            name, _, kv = spec.partition(":")
            setting: dict[str, Any] = dict(FRONTLINE_REFRESH)
            for pair in filter(None, kv.split(",")):
                key, _, val = pair.partition("=")
                setting[key.strip()] = float(val) if "." in val else int(val)
            clients.append(Client(name or "frontline", "frontline", setting))
    if "newsboat" in wanted and peers.newsboat:
        clients += [Client(f"newsboat-t{t}", "newsboat", t) for t in _ints(a.newsboat_threads)]
    if "reader" in wanted and peers.reader_python:
        clients += [Client(f"reader-w{w}", "reader", w) for w in _ints(a.reader_workers)]
    info = machine()
    info.update(peer_versions(peers))
    print(json.dumps(info))
    for n in notes:
        print("note:", n)
    samples: list[Sample] = []
    for size in _ints(a.sizes):
        server = ServerProc(size, a.latency, a.hosts, a.corpus)
        print(f"feeds={size} mean body {server.mean_feed_bytes} bytes, hosts={a.hosts}", flush=True)
        try:
            for rep in range(a.repeat):
                k = rep % len(clients)
                for client in clients[k:] + clients[:k]:
                    samples += run_sequence(
                        client,
                        server,
                        peers,
                        size=size,
                        repeat=rep,
                        rounds=rounds,
                        timeout=a.timeout,
                    )
        finally:
            server.stop()
    text = report(samples, rounds)
    print()
    print(text)
    if a.json_out is not None:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        a.json_out.write_text(
            json.dumps(
                {
                    "machine": info,
                    "notes": notes,
                    "args": {k: str(v) for k, v in vars(a).items()},
                    "frontline_refresh": FRONTLINE_REFRESH,
                    "samples": [asdict(s) for s in samples],
                    "report": text,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
