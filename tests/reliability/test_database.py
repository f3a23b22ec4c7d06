"""RELIABILITY.md D1-D12: the database under concurrency, signals, full disks and bad files.

Real processes where it matters: ``frontline refresh`` children that are
killed, interrupted, limited (RLIMIT_FSIZE) or locked out, while the test
process plays the desk (``app.desk.open_desk``) or the other writer.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.desk import open_desk
from app.doctor import Level, diagnose
from app.errors import DatabaseError, WrongDatabaseError
from app.lock import acquire, lock_state
from app.models import ParsedStory, SourceKind
from app.refresh import refresh
from app.store import Store
from tests.conftest import NOW, SEEDS
from tests.reliability.conftest import (
    assert_sound,
    base_env,
    frontline,
    item,
    make_settings,
    rss,
    run,
    write_config,
)
from tests.reliability.faultserver import FaultServer, counter_feed, hang, respond

PY = sys.executable


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Background processes a test starts; any still running are killed at the end."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def spawn(
    procs: list[subprocess.Popen[bytes]], *args: str, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [PY, "-m", "app", *args],
        env=env or base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )
    procs.append(proc)
    return proc


def wait_for(condition: Any, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def seeded_db(tmp_path: Path, name: str = "d.db") -> Path:
    """A frontline database with the bundled seeds ingested."""
    db = tmp_path / name
    settings = make_settings(tmp_path, seeds=[SEEDS], db=name)
    run(settings, NOW)
    return db


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def feed_file(path: Path, prefix: str, count: int) -> set[str]:
    guids = {f"{prefix}-{n}" for n in range(count)}
    items = [
        item(
            g,
            f"Report {g} on shelling and ceasefire talks",
            summary="Officials said the talks would continue. " * 4,
            date=f"Mon, 01 Dec 2025 {n % 24:02d}:{n % 60:02d}:00 GMT",
        )
        for n, g in enumerate(sorted(guids))
    ]
    path.write_bytes(rss(*items, title=prefix))
    return guids


# --------------------------------------------------------------------------- D1, D2
def test_d1_cron_refresh_completes_while_the_desk_holds_a_read_cursor(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    desk = open_desk(make_settings(tmp_path, db="d.db"))
    try:
        cursor = desk.store.db.conn.execute("SELECT id FROM stories")
        cursor.fetchone()  # an unfinished cursor: a read transaction stays open
        assert desk.store.db.conn.in_transaction is False  # autocommit, but the snapshot holds
        pages = tmp_path / "pages"
        pages.mkdir()
        feed_file(pages / "extra.xml", "d1", 30)
        config = write_config(tmp_path, [])
        child = frontline("ingest", "--config", str(config), "--db", str(db), str(pages))
        assert child.returncode == 0, child.stderr
        assert child.elapsed < 20  # not blocked for the busy timeout
        cursor.fetchall()
        assert desk.store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert desk.store.story_count() >= 30
    finally:
        desk.store.close()


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('holder', 'x')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_d2_desk_write_waits_for_a_refresh_holding_the_write_lock(
    tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    db = seeded_db(tmp_path)
    desk = open_desk(make_settings(tmp_path, db="d.db"))
    try:
        cluster = desk.clusters("battlefield")[0].id
        holder = subprocess.Popen(
            [PY, "-c", HOLD_LOCK, str(db), "2"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        children.append(holder)
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        started = time.monotonic()
        message = desk.toggle_read(cluster)  # must wait, not fail with "database is locked"
        waited = time.monotonic() - started
        assert message.startswith("Marked read")
        assert 1.0 < waited < 10
        assert holder.wait(10) == 0
    finally:
        desk.store.close()


def test_d2_refresh_waits_for_a_desk_write_in_progress(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    holding = threading.Event()
    release = threading.Event()

    def desk_writer() -> None:
        with Store.open(db) as store, store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('desk', 'x')")
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=desk_writer)
    thread.start()
    try:
        assert holding.wait(10)
        timer = threading.Timer(2.0, release.set)
        timer.start()
        pages = tmp_path / "pages"
        pages.mkdir()
        feed_file(pages / "extra.xml", "d2", 10)
        config = write_config(tmp_path, [])
        child = frontline("ingest", "--config", str(config), "--db", str(db), str(pages))
        assert child.returncode == 0, child.stderr
        assert b"locked" not in child.stderr
        assert child.elapsed > 1.5  # it waited for the desk's transaction
    finally:
        release.set()
        thread.join(10)
    assert_sound(db)


# --------------------------------------------------------------------------- D3
def test_d3_second_refresh_exits_75_and_a_killed_holder_frees_the_lock(
    tmp_path: Path, server: FaultServer, children: list[subprocess.Popen[bytes]]
) -> None:
    server.route("/hung", hang())
    config = write_config(
        tmp_path, [(server.url("/hung"), "Hung")], feed_deadline=60.0, read_timeout=60.0
    )
    first = spawn(children, "refresh", "--config", str(config))
    lock = tmp_path / "c.db.refresh.lock"
    wait_for(lambda: len(server.hits("/hung")) == 1, what="the first refresh to fetch")
    assert lock_state(lock).held and lock_state(lock).pid == first.pid
    second = frontline("refresh", "--config", str(config))
    assert second.returncode == 75
    assert second.stderr.decode() == (
        f"frontline: error: another refresh is already running (pid {first.pid})\n"
    )
    assert second.elapsed < 10  # at once, not after the first one finishes
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    state = lock_state(lock)
    assert not state.held and state.stale  # a pid left behind, but nobody holds it
    server.route("/hung", counter_feed("back"))
    third = frontline("refresh", "--config", str(config))
    assert third.returncode == 0, third.stderr
    assert_sound(tmp_path / "c.db")


# --------------------------------------------------------------------------- D4
def _check_atomic(
    db: Path, file_versions: dict[str, set[str]], feed_bodies: dict[str, dict[int, bytes]]
) -> None:
    """Each source's stories match its recorded state: all of a write or none of it."""
    assert_sound(db)
    conn = sqlite3.connect(db)
    try:
        files = dict(conn.execute("SELECT path, content_hash FROM files").fetchall())
        for path, digest in files.items():
            guids = {
                r[0] for r in conn.execute("SELECT guid FROM stories WHERE source = ?", [path])
            }
            assert guids == file_versions[digest], path
        sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM stories")}
        assert {s for s in sources if s.startswith("/")} <= set(files)
        for url, versions in feed_bodies.items():
            guids = {r[0] for r in conn.execute("SELECT guid FROM stories WHERE source = ?", [url])}
            body_hash = conn.execute("SELECT body_hash FROM feeds WHERE url = ?", [url]).fetchone()
            present = sorted({int(g.split("-v")[1].split("-")[0]) for g in guids})
            for v in present:  # every version that is there is complete
                assert {g for g in guids if f"-v{v}-" in g} == {
                    f"{url.rsplit('/', 1)[1]}-v{v}-{n}" for n in range(60)
                }
            if present:
                assert (
                    body_hash and body_hash[0] == hashlib.sha256(versions[present[-1]]).hexdigest()
                )
            else:
                assert body_hash is None or body_hash[0] is None
    finally:
        conn.close()


@pytest.mark.slow
def test_d4_kill_9_during_refresh_twenty_times(tmp_path: Path, server: FaultServer) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    feeds = [(server.url(f"/feed{n}"), f"Feed {n}") for n in range(4)]
    config = write_config(tmp_path, feeds)
    text = config.read_text().replace("paths = []", f'paths = ["{pages}"]')
    config.write_text(text)
    db = tmp_path / "c.db"
    file_versions: dict[str, set[str]] = {}
    feed_bodies: dict[str, dict[int, bytes]] = {url: {} for url, _ in feeds}
    rng = random.Random(4)
    durations: list[float] = []
    killed_at: list[float] = []
    for version in range(21):
        for n in range(10):
            path = pages / f"page{n}.xml"
            guids = feed_file(path, f"p{n}-v{version}", 80)
            file_versions[hashlib.sha256(path.read_bytes()).hexdigest()] = guids
        for url, _ in feeds:
            name = url.rsplit("/", 1)[1]
            body = rss(
                *[item(f"{name}-v{version}-{n}", f"{name} v{version} item {n}") for n in range(60)]
            )
            feed_bodies[url][version] = body
            server.route(f"/{name}", respond(200, body))
        env = base_env()
        proc = subprocess.Popen(
            [PY, "-m", "app", "refresh", "--config", str(config)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started = time.monotonic()
        if version == 0:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            durations.append(time.monotonic() - started)
        else:
            # Kill anywhere from start-up to the end of a typical run.
            delay = rng.uniform(0.3, durations[0] * 1.1)
            killed_at.append(delay)
            try:
                proc.wait(delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        _check_atomic(db, file_versions, feed_bodies)
    # After all that, a normal run works and the database is whole.
    final = frontline("refresh", "--config", str(config))
    assert final.returncode == 0, final.stderr
    _check_atomic(db, file_versions, feed_bodies)
    print(
        f"D4: unkilled run {durations[0]:.1f} s; 20 kills at "
        + ", ".join(f"{t:.1f}" for t in killed_at)
    )


# --------------------------------------------------------------------------- D5
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_d5_signal_during_refresh_keeps_committed_work_and_frees_the_lock(
    tmp_path: Path,
    server: FaultServer,
    children: list[subprocess.Popen[bytes]],
    sig: signal.Signals,
    code: int,
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    feed_file(pages / "first.xml", "d5", 20)
    server.route("/hung", hang())
    config = write_config(
        tmp_path, [(server.url("/hung"), "Hung")], feed_deadline=60.0, read_timeout=60.0
    )
    config.write_text(config.read_text().replace("paths = []", f'paths = ["{pages}"]'))
    proc = spawn(children, "refresh", "--config", str(config))
    wait_for(lambda: len(server.hits("/hung")) == 1, what="the refresh to reach the hung feed")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert b"interrupted" in err
    lock = acquire(tmp_path / "c.db.refresh.lock")  # released: no LockedError
    lock.release()
    db = tmp_path / "c.db"
    assert_sound(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 20  # committed, kept
    row = conn.execute("SELECT error_count, last_checked FROM feeds").fetchone()
    conn.close()
    assert row == (0, None)  # the interrupted feed recorded nothing


class Interrupt(BaseException):
    """Stands in for a signal's exception arriving inside a feed's task."""


def test_d5_an_interrupt_inside_a_feed_write_rolls_it_back_and_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_ = [1]

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        items = [item(f"{host}-{round_[0]}-{n}", f"{host} {round_[0]} {n}") for n in range(5)]
        return httpx.Response(200, content=rss(*items))

    urls = ["https://a.example/rss", "https://b.example/rss"]
    settings = make_settings(tmp_path, [(u, u) for u in urls])
    transport = httpx.MockTransport(handler)
    run(settings, NOW, transport=transport)
    conn = sqlite3.connect(settings.database)
    before_b = conn.execute("SELECT * FROM stories WHERE source = ?", [urls[1]]).fetchall()
    feed_b = conn.execute("SELECT * FROM feeds WHERE url = ?", [urls[1]]).fetchall()
    conn.close()
    real = Store.record_feed_result

    def exploding(self: Store, url: str, **kw: Any) -> None:
        if url == urls[1] and kw.get("db") is not None:
            raise Interrupt  # inside write_stories' transaction, after the inserts
        real(self, url, **kw)

    monkeypatch.setattr(Store, "record_feed_result", exploding)
    round_[0] = 2
    with pytest.raises(Interrupt):
        run(settings, NOW + timedelta(hours=1), transport=transport)
    conn = sqlite3.connect(settings.database)
    assert conn.execute("SELECT * FROM stories WHERE source = ?", [urls[1]]).fetchall() == before_b
    assert conn.execute("SELECT * FROM feeds WHERE url = ?", [urls[1]]).fetchall() == feed_b
    conn.close()
    assert_sound(settings.database)


# --------------------------------------------------------------------------- D6
def _limit_writes(limit: int) -> Any:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_d6_disk_full_is_a_clear_error_and_the_next_run_works(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    pages = tmp_path / "pages"
    pages.mkdir()
    guids = feed_file(pages / "big.xml", "d6", 400)
    config = write_config(tmp_path, [])
    limit = db.stat().st_size + 64 * 1024
    child = frontline(
        "ingest", "--config", str(config), "--db", str(db), str(pages), preexec=_limit_writes(limit)
    )
    err = child.stderr.decode()
    assert child.returncode == 2, err
    assert "Traceback" not in err
    assert err.startswith("frontline: error: database write failed: ")
    assert "disk full" in err
    assert_sound(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM stories WHERE guid LIKE 'd6-%'").fetchone()[0] == 0
    conn.close()
    again = frontline("ingest", "--config", str(config), "--db", str(db), str(pages))
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db)
    stored = {r[0] for r in conn.execute("SELECT guid FROM stories WHERE guid LIKE 'd6-%'")}
    conn.close()
    assert stored == guids
    assert_sound(db)


# --------------------------------------------------------------------------- D7
def _chattr(flag: str, *paths: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(
        ["chattr", flag, *map(str, paths)], capture_output=True, timeout=10, check=False
    )
    return done.returncode == 0


def test_d7_read_only_by_permission_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The logic, as a non-root user sees it: os.access says no."""
    seeded_db(tmp_path)
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real(p, mode, **kw)
    )
    settings = make_settings(tmp_path, db="d.db")
    desk = open_desk(settings)
    try:
        assert desk.readonly
        assert desk.clusters("battlefield")
    finally:
        desk.store.close()
    with pytest.raises(DatabaseError, match="read-only"):
        from app.refresh import run_refresh

        run_refresh(settings, include_feeds=False)


def test_d7_read_only_file_and_folder_for_real(tmp_path: Path) -> None:
    """``chattr +i`` makes even root unable to write: the desk reads, refresh says why."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = seeded_db(folder)
    for extra in folder.glob("d.db-*"):
        extra.unlink()
    if not _chattr("+i", db, folder):
        pytest.skip("chattr +i is not permitted here (needs CAP_LINUX_IMMUTABLE)")
    try:
        before = sha(db)
        settings = make_settings(tmp_path, db="ro/d.db")
        desk = open_desk(settings)
        try:
            assert desk.readonly
            assert desk.clusters("battlefield")
        finally:
            desk.store.close()
        config = write_config(tmp_path, [])
        child = frontline("refresh", "--no-feeds", "--config", str(config), "--db", str(db))
        assert child.returncode == 2
        assert child.stderr.decode() == (
            f"frontline: error: cannot open the lock file {db}.refresh.lock: the folder is "
            "read-only or not yours (Operation not permitted)\n"
        )
        _chattr("-i", folder)  # a writable folder, a read-only file
        child = frontline("refresh", "--no-feeds", "--config", str(config), "--db", str(db))
        assert child.returncode == 2
        assert child.stderr.decode() == (
            f"frontline: error: database {db}: read-only (no write permission on the file "
            "or its folder)\n"
        )
        assert sha(db) == before
    finally:
        _chattr("-i", db, folder)


# --------------------------------------------------------------------------- D8, D9
def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(8)
    for offset in range(4096 * 4, len(data) - 4096, 4096):
        data[offset + 100 : offset + 400] = rng.randbytes(300)
    path.write_bytes(bytes(data))


def _wrong_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = seeded_db(tmp_path, "good.db")
    corrupt = tmp_path / "corrupt.db"
    shutil.copy(good, corrupt)
    _corrupt(corrupt)
    page = tmp_path / "bad-page.db"
    shutil.copy(good, page)
    data = bytearray(page.read_bytes())
    data[9 * 4096 + 8 : 9 * 4096 + 40] = random.Random(10).randbytes(32)  # page 10's cell pointers
    page.write_bytes(bytes(data))
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n")
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    return {
        # Caught by the header reads or by quick_check, depending on the pages hit.
        "corrupt": (corrupt, "restore"),
        # Readable, but the b-tree is broken: only quick_check sees it.
        "bad-page": (page, "integrity check failed"),
        "other-app": (other, "belongs to another application"),
        "not-sqlite": (text, "not a SQLite database"),
        "newer-schema": (newer, "upgrade frontline"),
    }


@pytest.mark.parametrize("case", ["corrupt", "bad-page", "other-app", "not-sqlite", "newer-schema"])
def test_d8_d9_wrong_or_damaged_files_are_refused_without_writing(
    tmp_path: Path, case: str
) -> None:
    path, message = _wrong_files(tmp_path)[case]
    before = sha(path)
    config = write_config(tmp_path, [])
    for args in (["refresh", "--no-feeds"], ["ingest", str(SEEDS)]):
        child = frontline(*args[:1], "--config", str(config), "--db", str(path), *args[1:])
        err = child.stderr.decode()
        assert child.returncode == 2, err
        assert message in err and "Traceback" not in err
        assert err.count("\n") == 1
    with pytest.raises(DatabaseError, match=message):
        open_desk(make_settings(tmp_path), db_path=path).store.close()
    report = diagnose(config, path)
    assert [f.level for f in report.findings if f.area == "database"] == [Level.FAIL]
    assert report.exit_code == 1
    assert sha(path) == before  # nothing was written
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    if case not in ("corrupt", "bad-page"):
        with pytest.raises(WrongDatabaseError):
            Store.open(path)


# --------------------------------------------------------------------------- D10
@pytest.mark.slow
def test_d10_wal_stays_bounded_with_the_desk_open_through_200_refreshes(tmp_path: Path) -> None:
    counter = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        counter[0] += 1
        n = counter[0]
        items = [  # a rolling window: 2 new items a run, 6 listed
            item(f"w{k}", f"Update {k} on the eastern front and the talks", summary="Words " * 60)
            for k in range(max(0, n * 2 - 6), n * 2)
        ]
        return httpx.Response(200, content=rss(*items))

    settings = make_settings(tmp_path, [("https://wire.example/rss", "Wire")])
    run(settings, NOW, transport=httpx.MockTransport(handler))
    desk = open_desk(settings)
    stop = threading.Event()
    reads = [0]

    def reader() -> None:
        # The desk on its own thread: short read transactions, as its poll does.
        local = open_desk(settings)
        try:
            while not stop.is_set():
                local.data_version()
                local.clusters("other", limit=20)
                reads[0] += 1
                time.sleep(0.005)
        finally:
            local.store.close()

    thread = threading.Thread(target=reader)
    thread.start()
    wal = Path(f"{settings.database}-wal")
    sizes: list[int] = []
    try:
        with Store.open(settings.database) as store:
            transport = httpx.MockTransport(handler)
            for n in range(1, 201):
                asyncio.run(
                    refresh(settings, store, now=NOW + timedelta(minutes=n), transport=transport)
                )
                sizes.append(wal.stat().st_size if wal.exists() else 0)
            frames = store.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        stop.set()
        thread.join(30)
        desk.store.close()
    assert reads[0] > 100
    first, last = max(sizes[:50]), max(sizes[150:])
    print(
        f"D10: WAL max {max(sizes) / 1024:.0f} KiB (first 50 runs {first / 1024:.0f} KiB, "
        f"last 50 {last / 1024:.0f} KiB), {reads[0]} desk reads; final checkpoint {frames}"
    )
    # Without checkpoints 200 runs would pile up megabytes of WAL; each run
    # writes a few dozen pages, and the log restarts once readers let go.
    assert max(sizes) < 2 * 2**20
    assert frames[1] == frames[2]  # with the desk still reading, a checkpoint folds it all
    assert_sound(settings.database)


# --------------------------------------------------------------------------- D11
def test_d11_fts_matches_a_like_oracle_after_upserts_and_a_rollback(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with Store.open(settings.database) as store:
        for n in range(3):
            stories = [
                ParsedStory(
                    title=f"Convoy {k} reaches Zaporizhzhia round {n}",
                    summary=f"Aid convoy {k} {'delayed' if (k + n) % 2 else 'arrived'}",
                    body="",
                    url=None,
                    guid=f"g{k}",
                    author=None,
                    published=NOW,
                )
                for k in range(20)
            ]
            store.write_stories("https://x.example/", SourceKind.FEED, stories, outlet="X", now=NOW)
        with pytest.raises(RuntimeError), store.write() as db:
            db.execute("UPDATE stories SET summary = 'rolled back delayed'")
            raise RuntimeError
        for word in ("delayed", "arrived", "Zaporizhzhia"):
            hits = {h.story_id for h in store.search(word, limit=1000)}
            like = {
                r[0]
                for r in store.db.conn.execute(
                    "SELECT id FROM stories WHERE title LIKE ? OR summary LIKE ?",
                    [f"%{word}%", f"%{word}%"],
                )
            }
            assert hits == like, word
        assert store.fts_check() is None


# --------------------------------------------------------------------------- D12
def test_d12_backup_while_cron_writes_is_consistent(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        with Store.open(db) as store:
            n = 0
            while not stop.is_set() and n < 400:
                stories = [
                    ParsedStory(
                        title=f"Batch {n} story {k} from the front",
                        summary="Text " * 40,
                        body="",
                        url=None,
                        guid=f"b{n}-{k}",
                        author=None,
                        published=NOW,
                    )
                    for k in range(25)
                ]
                store.write_stories(
                    "https://batch.example/", SourceKind.FEED, stories, outlet="B", now=NOW
                )
                n += 1
                written[0] = n

    base = sqlite3.connect(db).execute("SELECT count(*) FROM stories").fetchone()[0]
    thread = threading.Thread(target=writer)
    thread.start()
    config = write_config(tmp_path, [])
    counts = []
    try:
        wait_for(lambda: written[0] > 2, what="the writer to start")
        for n in range(4):
            target = tmp_path / f"backup{n}.db"
            child = frontline("backup", "--config", str(config), "--db", str(db), str(target))
            assert child.returncode == 0, child.stderr
            assert child.stdout.decode().startswith(f"backup: {target} (")
            assert_sound(target)
            conn = sqlite3.connect(target)
            counts.append(conn.execute("SELECT count(*) FROM stories").fetchone()[0])
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            conn.close()
            assert not Path(f"{target}-wal").exists()
        with Store.open(db, readonly=True) as store:
            result = store.backup(tmp_path / "inproc.db")
        assert_sound(result.path)
    finally:
        stop.set()
        thread.join(60)
    assert all((c - base) % 25 == 0 for c in counts)  # whole transactions only
    assert counts == sorted(counts) and counts[-1] > counts[0]
    again = frontline(
        "backup", "--config", str(config), "--db", str(db), str(tmp_path / "backup0.db")
    )
    assert again.returncode == 2 and b"use --force" in again.stderr
    itself = frontline("backup", "--config", str(config), "--db", str(db), str(db), "--force")
    assert itself.returncode == 2 and b"the database itself" in itself.stderr
