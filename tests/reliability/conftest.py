"""Helpers for the fault cases: settings pointed at the fault server, runs, snapshots.

"Isolated" (RELIABILITY.md) is checked by :func:`check_isolated`: a victim
feed is fetched once while healthy, then served a fault; the run must record
the error on that feed (message, time, counter), leave its stories exactly
as they were, and still update another feed in the same run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings, parse_settings
from app.models import RefreshReport, SourceResult, SourceStatus
from app.refresh import refresh
from app.store import Store
from tests.conftest import NOW
from tests.reliability.faultserver import Behaviour, FaultServer, counter_feed, respond

ROOT = Path(__file__).resolve().parents[2]
LATER = NOW + timedelta(hours=1)

#: Small deadlines so a hung feed costs seconds, not minutes. The config
#: validator would refuse some of these; tests build the dataclass directly.
FAST: dict[str, Any] = {
    "feed_deadline": 3.0,
    "total_deadline": 30.0,
    "connect_timeout": 2.0,
    "read_timeout": 2.0,
}


def rss(*items: str, title: str = "Desk feed") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://desk.example/</link>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def item(
    guid: str | None,
    title: str,
    *,
    summary: str = "",
    link: str | None = None,
    date: str | None = "Mon, 01 Dec 2025 06:00:00 GMT",
) -> str:
    parts = [f"<title>{title}</title>"]
    if guid is not None:
        parts.append(f"<guid>{guid}</guid>")
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if summary:
        parts.append(f"<description>{summary}</description>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


GOOD = rss(
    item("v-1", "Ceasefire talks resume in Istanbul, envoys say", summary="Envoys met."),
    item("v-2", "Shelling hits power station near Kharkiv", summary="Power was cut."),
    title="Victim",
)


def make_settings(
    tmp_path: Path,
    feeds: Sequence[tuple[str, str]] = (),
    *,
    seeds: Sequence[Path] = (),
    db: str = "r.db",
    **refresh_overrides: Any,
) -> Settings:
    """Settings with these ``(url, name)`` feeds, a temp database and fast limits."""
    base = parse_settings(
        {
            "storage": {"database": str(tmp_path / db)},
            "feeds": [{"url": url, "name": name} for url, name in feeds],
            "seeds": {"paths": [str(p) for p in seeds]},
        },
        base=tmp_path,
    )
    values = {**FAST, **refresh_overrides}
    return dataclasses.replace(base, refresh=dataclasses.replace(base.refresh, **values))


def run(settings: Settings, now: datetime = NOW, **kw: Any) -> RefreshReport:
    """One refresh through the real pipeline (store opened and closed here)."""
    with Store.open(settings.database) as store:
        return asyncio.run(refresh(settings, store, now=now, **kw))


def by_source(report: RefreshReport) -> dict[str, SourceResult]:
    return {r.source: r for r in report.results}


def feed_row(db: Path, url: str) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM feeds WHERE url = ?", [url]).fetchone()
        return dict(row) if row else {}
    finally:
        conn.close()


def story_rows(db: Path, source: str | None = None) -> list[tuple[Any, ...]]:
    """Every column of a source's stories (or all), sorted: for before/after equality."""
    conn = sqlite3.connect(db)
    try:
        if source is None:
            return sorted(conn.execute("SELECT * FROM stories").fetchall(), key=repr)
        rows = conn.execute("SELECT * FROM stories WHERE source = ?", [source]).fetchall()
        return sorted(rows, key=repr)
    finally:
        conn.close()


def assert_sound(db: Path) -> None:
    """integrity_check and the FTS rank=1 check both pass."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO stories_fts(stories_fts, rank) VALUES('integrity-check', 1)")
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(lifetime=240, conn_timeout=30) as srv:
        yield srv


@dataclass(frozen=True)
class Isolated:
    """What :func:`check_isolated` saw in the faulty run."""

    result: SourceResult
    row: dict[str, Any]
    report: RefreshReport
    settings: Settings


def check_isolated(
    server: FaultServer,
    tmp_path: Path,
    fault: Behaviour,
    *,
    victim_url: str | None = None,
    stop_before_fault: FaultServer | None = None,
    **refresh_overrides: Any,
) -> Isolated:
    """Healthy run, then the fault on the victim: assert the "isolated" contract.

    Returns what the faulty run recorded, for case-specific checks.
    """
    victim = victim_url or server.url("/victim")
    other = server.url("/other")
    if victim_url is None:
        server.route("/victim", respond(200, GOOD))
    server.route("/other", counter_feed("other"))
    settings = make_settings(tmp_path, [(victim, "Victim"), (other, "Other")], **refresh_overrides)
    first = by_source(run(settings, NOW))
    assert first[victim].status is SourceStatus.OK, first[victim]
    assert first[victim].new == 2
    assert first[other].new == 1
    before = story_rows(settings.database, victim)
    if victim_url is None:
        server.route("/victim", fault)
    if stop_before_fault is not None:
        stop_before_fault.stop()
    started = time.monotonic()
    report = run(settings, LATER)
    elapsed = time.monotonic() - started
    second = by_source(report)
    result = second[victim]
    assert result.status is SourceStatus.ERROR, result
    assert result.error and result.error_kind
    assert second[other].status is SourceStatus.OK and second[other].new == 1, second[other]
    assert story_rows(settings.database, victim) == before
    row = feed_row(settings.database, victim)
    assert row["last_error"] == result.error
    assert row["error_kind"] == result.error_kind
    assert row["last_checked"] == "2025-12-05T13:00:00Z"
    assert row["error_count"] == 1
    assert row["last_success"] == "2025-12-05T12:00:00Z"
    assert elapsed < settings.refresh.total_deadline + 10  # hang guard
    assert_sound(settings.database)
    return Isolated(result, row, report, settings)


# ------------------------------------------------------------------ subprocesses
@dataclass(frozen=True)
class Child:
    """A finished ``frontline`` child: exit code, output and its own peak RSS."""

    returncode: int
    stdout: bytes
    stderr: bytes
    maxrss_mb: float
    elapsed: float


def base_env(**extra: str) -> dict[str, str]:
    """An ``env -i`` style environment: no HOME, no TERM, no tty, no LANG."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    env.update(extra)
    return env


def frontline(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
    preexec: Any = None,
    user: str | None = None,
) -> Child:
    """Run ``python -m app ARGS`` and collect its exit code, output and peak RSS.

    The peak is the child's ``VmHWM`` read from ``/proc/self/status`` at exit:
    ``ru_maxrss`` would also count the test process's pages, shared with the
    child between fork and exec.
    """
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fl-out-{os.getpid()}-{time.time_ns()}"
    err_path = out_path.with_suffix(".err")
    hwm_path = out_path.with_suffix(".hwm")
    cmd = [sys.executable, "-c", _HWM_WRAPPER, str(hwm_path), *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            cmd,
            env=env if env is not None else base_env(),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=preexec,
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    try:
        hwm_kb = int(hwm_path.read_text() or 0)
        hwm_path.unlink()
    except (OSError, ValueError):
        hwm_kb = 0  # killed before exit: no figure
    out_path.unlink()
    err_path.unlink()
    assert elapsed < timeout, f"child hung: {stderr[-2000:]!r}"
    del usage
    return Child(proc.returncode, stdout, stderr, hwm_kb / 1024, elapsed)


# ``python -c`` body: record the peak RSS (VmHWM, per address space, so it
# starts at exec) into argv[1] at exit, then run the CLI with the rest.
_HWM_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def hwm():
    with open("/proc/self/status") as f:
        kb = next((l.split()[1] for l in f if l.startswith("VmHWM:")), "0")
    with open(out, "w") as f:
        f.write(kb)
atexit.register(hwm)
sys.argv[0] = "frontline"
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""


def self_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_config(tmp_path: Path, feeds: Sequence[tuple[str, str]], **refresh: Any) -> Path:
    """A config.toml with these feeds, a database in tmp_path and no seeds."""
    lines = [f'[storage]\ndatabase = "{tmp_path / "c.db"}"\n', "[seeds]\npaths = []\n"]
    if refresh:
        lines.append("[refresh]\n")
        lines += [f"{k} = {v!r}\n" for k, v in refresh.items()]
    for url, name in feeds:
        lines.append(f'[[feeds]]\nurl = "{url}"\nname = "{name}"\n')
    if not feeds:
        lines.insert(0, "feeds = []\n")
    path = tmp_path / "config.toml"
    path.write_text("".join(lines), encoding="utf-8")
    return path
