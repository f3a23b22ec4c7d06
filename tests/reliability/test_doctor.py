"""``frontline doctor``: every check finds its problem, says how to fix it, sets the exit code.

The checks are core functions (app.doctor) returning findings; the command
prints them. Both are exercised: the functions for each state, the command for
the output format and the exit codes (0 healthy, 1 problems, 2 broken config).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

import app.doctor
from app.doctor import Level, check_database, check_lock, diagnose
from app.lock import acquire
from tests.conftest import NOW, SEEDS
from tests.reliability.conftest import frontline, make_settings, run, write_config


def seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A config (with three feeds that never get fetched) and its seeded database."""
    config = write_config(
        tmp_path,
        [(f"https://f{n}.example/rss", f"Feed {n}") for n in range(4)],
    )
    run(make_settings(tmp_path, seeds=[SEEDS], db="c.db"), NOW)
    conn = sqlite3.connect(tmp_path / "c.db")
    for n in range(4):
        conn.execute(
            "INSERT INTO feeds(url, name, added) VALUES(?, ?, '2025-01-01T00:00:00Z')",
            [f"https://f{n}.example/rss", f"Feed {n}"],
        )
    conn.commit()
    conn.close()
    return config, tmp_path / "c.db"


def levels(findings: object) -> list[tuple[str, str]]:
    return [(f.area, f.level.value) for f in findings]  # type: ignore[attr-defined]


def test_healthy_installation_exits_0(tmp_path: Path) -> None:
    config, _ = seeded(tmp_path)
    child = frontline("doctor", "--config", str(config))
    assert child.returncode == 0, child.stdout
    lines = child.stdout.decode().splitlines()
    assert lines[0].startswith("ok    config    ")
    assert lines[1].startswith("ok    database  ") and "sound (" in lines[1]
    assert lines[2] == "ok    lock      free"
    assert lines[3] == "ok    feed      all feeds healthy"
    assert lines[-1] == "doctor: nothing wrong found"


def test_broken_config_exits_2_and_still_checks_a_given_database(tmp_path: Path) -> None:
    _, db = seeded(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[refresh]\ninterval = -5\n", encoding="utf-8")
    child = frontline("doctor", "--config", str(bad), "--db", str(db))
    assert child.returncode == 2
    out = child.stdout.decode()
    assert out.startswith(f"FAIL  config    config {bad}: refresh.interval: -5 is out of range")
    assert "fix: fix the file ('frontline config check' repeats this message)" in out
    assert "ok    database  " in out


def test_stale_fts_index_is_found(tmp_path: Path) -> None:
    config, db = seeded(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER stories_au")  # updates no longer reach the index
    conn.execute("UPDATE stories SET title = 'replaced ' || title")
    conn.commit()
    conn.close()
    found = check_database(db)
    assert levels(found) == [("database", "FAIL")]
    assert "full-text index does not match" in found[0].message
    child = frontline("doctor", "--config", str(config))
    assert child.returncode == 1
    assert b"fix: restore a backup" in child.stdout
    assert child.stdout.decode().splitlines()[-1] == "doctor: 1 problem found"


def test_corrupt_page_is_found(tmp_path: Path) -> None:
    _, db = seeded(tmp_path)
    data = bytearray(db.read_bytes())
    data[9 * 4096 + 8 : 9 * 4096 + 40] = bytes(range(32))
    db.write_bytes(bytes(data))
    found = check_database(db)
    assert levels(found) == [("database", "FAIL")]
    assert "integrity check failed" in found[0].message


def test_missing_database_is_information_only(tmp_path: Path) -> None:
    found = check_database(tmp_path / "none.db")
    assert levels(found) == [("database", "info")]
    assert found[0].fix == "run 'frontline refresh' to create it"


def test_read_only_and_big_wal_are_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, db = seeded(tmp_path)
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real(p, mode, **kw)
    )
    monkeypatch.setattr(app.doctor, "WAL_WARN_BYTES", -1)
    Path(f"{db}-wal").write_bytes(b"")  # any size is "big" now
    found = check_database(db)
    assert levels(found) == [("database", "ok"), ("database", "warn"), ("database", "warn")]
    assert "read-only" in found[1].message
    assert "write-ahead log" in found[2].message


def test_lock_held_free_and_stale(tmp_path: Path) -> None:
    lock_path = tmp_path / "x.db.refresh.lock"
    assert levels(check_lock(lock_path)) == [("lock", "ok")]
    held = acquire(lock_path)
    try:
        found = check_lock(lock_path)
        assert found[0].message == f"a refresh is running (pid {os.getpid()})"
    finally:
        held.release()
    lock_path.write_text("424242\n")  # what a kill -9'd run leaves behind
    found = check_lock(lock_path)
    assert found[0].level is Level.INFO
    assert found[0].message == "free; a refresh that was killed (pid 424242) left its pid behind"


def test_feed_health_gone_broken_backing_off_and_moved(tmp_path: Path) -> None:
    config, db = seeded(tmp_path)
    later = "2999-01-01T00:00:00Z"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE feeds SET gone = 1, last_error = 'HTTP 410 Gone' WHERE name = 'Feed 0'")
    conn.execute("UPDATE feeds SET error_count = 4, last_error = 'HTTP 500' WHERE name = 'Feed 1'")
    conn.execute(
        "UPDATE feeds SET error_count = 1, next_attempt = ?, last_error = 'timed out'"
        " WHERE name = 'Feed 2'",
        [later],
    )
    conn.execute(
        "UPDATE feeds SET redirect_url = 'https://new.example/rss', redirect_count = 3"
        " WHERE name = 'Feed 3'"
    )
    conn.commit()
    conn.close()
    report = diagnose(config, now=NOW)
    feeds = [f for f in report.findings if f.area == "feed"]
    assert [(f.level.value, f.message) for f in feeds] == [
        ("FAIL", "Feed 0 <https://f0.example/rss>: gone (HTTP 410), no longer polled"),
        ("FAIL", "Feed 1 <https://f1.example/rss>: broken, failed 4 times in a row: HTTP 500"),
        (
            "warn",
            "Feed 2 <https://f2.example/rss>: failed 1 time(s), backing off until "
            "2999-01-01T00:00:00Z: timed out",
        ),
        (
            "warn",
            "Feed 3 <https://f3.example/rss>: moved permanently to https://new.example/rss "
            "(3 times in a row)",
        ),
    ]
    assert feeds[0].fix == (
        "remove it from config.toml, or 'frontline feeds enable https://f0.example/rss' to retry"
    )
    assert report.exit_code == 1
    child = frontline("doctor", "--config", str(config))
    assert child.returncode == 1
    assert child.stdout.decode().splitlines()[-1] == "doctor: 2 problems found"


def test_only_warnings_exit_0(tmp_path: Path) -> None:
    config, db = seeded(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE feeds SET error_count = 1, next_attempt = ? WHERE name = 'Feed 2'",
        [(NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")],
    )
    conn.commit()
    conn.close()
    report = diagnose(config, now=NOW)
    assert [f.level for f in report.findings if f.area == "feed"] == [Level.WARN]
    assert report.exit_code == 0
