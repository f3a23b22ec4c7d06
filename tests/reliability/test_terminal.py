"""RELIABILITY.md T3: no terminal control bytes from feed text reach a real terminal.

The desk runs as ``frontline`` in a pseudo-terminal, over a database whose
rows were written *around* the ingest cleaning (straight SQL), so the render
side's own cleaning is what is tested. Every byte the desk writes is scanned
for the payloads: OSC 52 (clipboard), OSC 8 (hyperlink), CSI 2J behind a
marker, C1 CSI, NUL and U+202E. The other T cases belong to the TUI's own
tests (tests/tui); see tests/README.md.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import signal
import sqlite3
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import NOW, SEEDS
from tests.reliability.conftest import ROOT, make_settings, run, write_config

pytest.importorskip("app.tui", reason="the desk (app.tui) is not in this tree")

PAYLOAD = (
    "Sneaky AAA\x1b[2JBBB \x1b]52;c;ZXZpbA==\x07 \x1b]8;;https://evil.example/\x07link"
    "\x1b]8;;\x07 \x9b31mC1 NUL\x00 \u202eRTL"
)
FORBIDDEN = {
    "OSC 52": b"]52;",
    "OSC 8 target": b"evil.example",
    "CSI 2J from the title": b"\x1b[2JBBB",
    "C1 CSI": b"\xc2\x9b",
    "NUL": b"\x00",
    "U+202E": b"\xe2\x80\xae",
}


def hostile_db(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    run(make_settings(tmp_path, seeds=[SEEDS], db="t.db"), NOW)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE stories SET title = ? || title, outlet = ?, author = ?", [PAYLOAD] * 3)
    conn.execute("UPDATE stories SET url = 'javascript:alert(1)'")
    conn.execute("UPDATE clusters SET headline = ? || headline", [PAYLOAD])
    conn.execute(
        "INSERT INTO feeds(url, name, title, last_error, error_count, added)"
        " VALUES('https://hostile.example/rss', ?, ?, ?, 3, '2025-01-01T00:00:00Z')",
        [PAYLOAD, PAYLOAD, "redirect to " + PAYLOAD],
    )
    conn.commit()
    conn.close()
    return db


def drain(fd: int, seconds: float, out: bytearray) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.1))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            out.extend(chunk)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="pty byte scan needs Linux")
def test_t3_no_control_bytes_from_feed_text_reach_the_terminal(tmp_path: Path) -> None:
    db = hostile_db(tmp_path)
    config = write_config(tmp_path, [])
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "BROWSER": "/bin/true",  # "open" must refuse javascript: anyway
        "HOME": str(tmp_path),
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: the desk on the pty
        os.execve(
            sys.executable,
            [sys.executable, "-m", "app", "--config", str(config), "--db", str(db)],
            env,
        )
    out = bytearray()
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        drain(fd, 6, out)  # start-up and first paint
        for keys, pause in ((b"\r", 2), (b"o", 1.5), (b"\x1b", 1), (b"F", 2), (b"\x1b", 1)):
            os.write(fd, keys)
            drain(fd, pause, out)
        os.write(fd, b"q")
        drain(fd, 3, out)
    finally:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert len(out) > 5000, bytes(out[-2000:])  # the desk really painted
    assert b"Sneaky AAA" in out or b"Sneaky" in out  # and showed the hostile rows
    found = {name: pattern for name, pattern in FORBIDDEN.items() if pattern in out}
    assert found == {}, {
        n: bytes(out[max(0, out.find(p) - 60) : out.find(p) + 60]) for n, p in found.items()
    }
    assert b"Traceback" not in out


# --------------------------------------------------------------------------- T4, T7
# The TUI's own tests (tests/tui) cover T1, T2, T5, T6 and most of T3/T4; these
# two drive the real app through App.run_test at the sizes and loads that
# RELIABILITY.md names.
LONG = ("北约峰会 🇺🇦 Ку\u0301рск " * 900)[:10_000]


async def test_t4_long_wide_and_combining_titles_at_20_by_5(tmp_path: Path) -> None:
    from app.desk import open_desk
    from app.tui.app import make_app

    db = tmp_path / "t4.db"
    settings = make_settings(tmp_path, seeds=[SEEDS], db="t4.db")
    await asyncio.to_thread(run, settings, NOW)  # its own event loop, off this one
    conn = sqlite3.connect(db)
    conn.execute("UPDATE stories SET title = ?", [LONG])
    conn.execute("UPDATE clusters SET headline = ?", [LONG])
    conn.commit()
    conn.close()
    desk = open_desk(settings, clock=lambda: NOW)
    try:
        app = make_app(desk, clock=lambda: NOW)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            for size in ((20, 5), (40, 10), (20, 5)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                await pilot.press("j", "enter", "escape", "tab")
                await pilot.pause()
                assert app.is_running
            shot = app.export_screenshot()
            assert "\u2026" in shot  # the long title was cut with an ellipsis
    finally:
        desk.store.close()


@pytest.mark.slow
async def test_t7_desk_stays_interactive_while_a_19_mb_feed_refreshes(tmp_path: Path) -> None:
    from app.desk import open_desk
    from app.models import RefreshReport
    from app.refresh import run_refresh
    from app.tui.app import make_app
    from tests.reliability.faultserver import FaultServer, respond
    from tests.reliability.test_content import big_feed

    body = big_feed(50_000)
    with FaultServer(lifetime=120) as server:
        server.route("/big", respond(200, body))
        settings = make_settings(
            tmp_path,
            [(server.url("/big"), "Firehose")],
            seeds=[SEEDS],
            db="t7.db",
            max_body_mb=32.0,
            feed_deadline=30.0,
        )
        await asyncio.to_thread(run, settings, NOW, include_feeds=False)
        desk = open_desk(settings, clock=lambda: NOW)
        reports: list[RefreshReport] = []

        def refresh() -> RefreshReport:  # what run_desk gives the app, in its worker thread
            reports.append(run_refresh(settings))
            return reports[-1]

        try:
            app = make_app(desk, refresh=refresh, clock=lambda: NOW)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await pilot.press("R")
                lags = []
                started = time.monotonic()
                while not reports and time.monotonic() - started < 90:
                    before = time.monotonic()
                    await pilot.press("j")
                    await pilot.pause()
                    lags.append(time.monotonic() - before)
                await app.workers.wait_for_complete()
                await pilot.pause()
        finally:
            desk.store.close()
    assert reports and reports[0].new > 0, reports
    busy = time.monotonic() - started
    print(
        f"T7: refresh of {len(body) / 2**20:.0f} MiB took {busy:.1f} s; {len(lags)} key presses, "
        f"slowest {max(lags) * 1000:.0f} ms, median {sorted(lags)[len(lags) // 2] * 1000:.0f} ms"
    )
    assert len(lags) > 5
    assert max(lags) < 2.0  # generous: the UI thread is never blocked by the parse


CAPTURED_STDERR_REFRESH = r"""
import asyncio, json, sys

class Capture:  # what Textual puts in sys.stderr while the desk runs
    def write(self, text): return len(text)
    def flush(self): pass
    def isatty(self): return True
    def fileno(self): return -1

import httpx
from datetime import datetime, timezone
from pathlib import Path
from app.config import parse_settings
from app.refresh import refresh
from app.store import Store

def handler(request):
    host = request.url.host
    body = ('<rss version="2.0"><channel><title>t</title><item><title>Story from ' + host
            + '</title><guid>' + host + '</guid></item></channel></rss>')
    return httpx.Response(200, content=body.encode())

urls = [f"https://f{n}.example/rss" for n in range(int(sys.argv[2]))]
settings = parse_settings(
    {"storage": {"database": sys.argv[1]}, "feeds": [{"url": u} for u in urls]},
    base=Path(sys.argv[1]).parent,
)
sys.stderr = Capture()
with Store.open(settings.database) as store:
    report = asyncio.run(refresh(settings, store, transport=httpx.MockTransport(handler),
                                 now=datetime(2025, 12, 5, tzinfo=timezone.utc)))
sys.stderr = sys.__stderr__
print(json.dumps([[r.status.value, r.error] for r in report.results]))
"""


def test_t7_a_big_desk_refresh_parses_in_processes_under_textuals_stderr(tmp_path: Path) -> None:
    """Nine feeds use the process pool; Textual's stderr (fileno -1) must not break it."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", CAPTURED_STDERR_REFRESH, str(tmp_path / "p.db"), "9"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    results = json.loads(done.stdout)
    assert results == [["ok", None]] * 9
