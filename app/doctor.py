"""``frontline doctor``: what is wrong with this installation, and how to fix it.

The checks live here, in the core, and return structured
:class:`Finding` values; the CLI only prints them (and the desk could show
them). Nothing here writes: the database is opened read-only, the lock is
only probed, the config only read.

Checks, in order:

* **config**: the file loads and validates (else nothing below can be
  trusted, unless ``--db`` names the database);
* **database**: a frontline database of a schema this code knows,
  ``PRAGMA quick_check``, the FTS ``rank=1`` integrity check (plain
  ``integrity-check`` misses a stale index), writable, WAL size;
* **lock**: held by a running refresh (which pid), free, or stale (a killed
  run left its pid: harmless, the kernel freed the lock);
* **feeds**: gone (HTTP 410), failing three times or more, backing off,
  moved (a permanent redirect seen again and again).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from app.config import Settings, load_settings
from app.errors import EXIT_CONFIG, EXIT_OK, EXIT_SOME_FAILED, FrontlineError, WrongDatabaseError
from app.lock import lock_state
from app.store import Store, to_db_time
from app.text import clean_line

__all__ = [
    "BROKEN_AFTER",
    "MOVED_AFTER",
    "WAL_WARN_BYTES",
    "DoctorReport",
    "Finding",
    "Level",
    "check_database",
    "check_feeds",
    "check_lock",
    "diagnose",
]

#: Consecutive failures that make a feed "broken" (the desk's badge agrees).
BROKEN_AFTER = 3
#: Permanent redirects to the same place before frontline suggests the new URL.
MOVED_AFTER = 3
#: A WAL above this size means something keeps a read transaction open.
WAL_WARN_BYTES = 64 * 2**20


class Level(StrEnum):
    """How bad a finding is. Only ``FAIL`` makes ``doctor`` exit non-zero."""

    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one check; every string is cleaned, one line."""

    area: str
    level: Level
    message: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """All findings, in check order."""

    findings: tuple[Finding, ...]
    config_ok: bool

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.FAIL)

    @property
    def exit_code(self) -> int:
        """2 for a broken config, 1 for any other failure, else 0."""
        if not self.config_ok:
            return EXIT_CONFIG
        return EXIT_SOME_FAILED if self.problems else EXIT_OK


def _finding(area: str, level: Level, message: str, fix: str | None = None) -> Finding:
    return Finding(
        area,
        level,
        clean_line(message, max_len=500),
        clean_line(fix, max_len=300) if fix else None,
    )


def check_database(path: Path) -> list[Finding]:
    """Open ``path`` read-only and check what it is and whether it is sound."""
    shown = str(path)
    if not path.exists():
        return [
            _finding(
                "database",
                Level.INFO,
                f"{shown}: no database yet",
                "run 'frontline refresh' to create it",
            )
        ]
    try:
        store = Store.open(path, readonly=True)
    except WrongDatabaseError as exc:
        return [
            _finding(
                "database",
                Level.FAIL,
                str(exc),
                "point --db or [storage] database at a frontline database, or upgrade frontline",
            )
        ]
    except FrontlineError as exc:
        return [
            _finding(
                "database",
                Level.FAIL,
                str(exc),
                "restore a backup ('frontline backup' makes one), or move the file away and "
                "run 'frontline refresh' to start afresh",
            )
        ]
    out: list[Finding] = []
    try:
        qc = store.quick_check()
        fts = store.fts_check() if qc is None else None
        stories = store.story_count() if qc is None else 0
    except sqlite3.Error as exc:
        qc, fts, stories = str(exc), None, 0
    finally:
        store.close()
    restore = "restore a backup, or move the file away and run 'frontline refresh'"
    if qc is not None:
        message = f"{shown}: integrity check failed: {qc}"
        out.append(_finding("database", Level.FAIL, message, restore))
    elif fts is not None:
        out.append(
            _finding(
                "database",
                Level.FAIL,
                f"{shown}: the full-text index does not match the stories: {fts}",
                restore,
            )
        )
    else:
        out.append(_finding("database", Level.OK, f"{shown}: sound ({stories} stories)"))
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        out.append(
            _finding(
                "database",
                Level.WARN,
                f"{shown}: read-only; the desk opens it read-only and refresh cannot write",
                "make the file and its folder writable by this user",
            )
        )
    wal = path.with_name(path.name + "-wal")
    try:
        wal_size = wal.stat().st_size
    except OSError:
        wal_size = 0
    if wal_size > WAL_WARN_BYTES:
        out.append(
            _finding(
                "database",
                Level.WARN,
                f"{shown}: the write-ahead log is {wal_size // 2**20} MiB",
                "something holds a long read transaction; close it and the next refresh "
                "folds the log back",
            )
        )
    return out


def check_lock(path: Path) -> list[Finding]:
    """Say whether a refresh is running, and whether a killed one left a trace."""
    state = lock_state(path)
    if state.held:
        who = f"pid {state.pid}" if state.pid else "a process"
        return [_finding("lock", Level.INFO, f"a refresh is running ({who})")]
    if state.stale:
        return [
            _finding(
                "lock",
                Level.INFO,
                f"free; a refresh that was killed (pid {state.pid}) left its pid behind",
                "nothing to do: the next refresh takes the lock",
            )
        ]
    return [_finding("lock", Level.OK, "free")]


def check_feeds(store: Store, now: datetime) -> list[Finding]:
    """Gone, broken, backing-off and moved feeds."""
    out: list[Finding] = []
    moved = {f.url: f for f in store.active_feeds()}
    for f in store.feed_statuses():
        name = f"{f.name} <{f.url}>"
        last = f.last_error or "no message"
        if not f.enabled:
            continue
        if f.gone:
            out.append(
                _finding(
                    "feed",
                    Level.FAIL,
                    f"{name}: gone (HTTP 410), no longer polled",
                    f"remove it from config.toml, or 'frontline feeds enable {f.url}' to retry",
                )
            )
        elif f.error_count >= BROKEN_AFTER:
            out.append(
                _finding(
                    "feed",
                    Level.FAIL,
                    f"{name}: broken, failed {f.error_count} times in a row: {last}",
                    "check the URL in a browser; fix or remove it in config.toml",
                )
            )
        elif f.error_count > 0:
            until = to_db_time(f.next_attempt) if f.next_attempt else None
            when = f", backing off until {until}" if f.next_attempt and f.next_attempt > now else ""
            message = f"{name}: failed {f.error_count} time(s){when}: {last}"
            out.append(_finding("feed", Level.WARN, message))
        elif f.next_attempt is not None and f.next_attempt > now:
            out.append(
                _finding(
                    "feed",
                    Level.INFO,
                    f"{name}: the server asked to wait until {to_db_time(f.next_attempt)}",
                )
            )
        record = moved.get(f.url)
        if record and record.redirect_url and record.redirect_count >= MOVED_AFTER:
            out.append(
                _finding(
                    "feed",
                    Level.WARN,
                    f"{name}: moved permanently to {record.redirect_url} "
                    f"({record.redirect_count} times in a row)",
                    "update its url in config.toml",
                )
            )
    if not out:
        out.append(_finding("feed", Level.OK, "all feeds healthy"))
    return out


def _feed_findings(path: Path, now: datetime) -> Iterable[Finding]:
    try:
        with Store.open(path, readonly=True) as store:
            return check_feeds(store, now)
    except (FrontlineError, sqlite3.Error):
        return []  # already reported by check_database


def diagnose(
    config_path: Path | None = None,
    db_path: Path | None = None,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> DoctorReport:
    """Run every check and return the findings.

    Args:
        config_path: ``--config`` (else the usual lookup).
        db_path: ``--db``; also lets the database be checked when the config
            cannot be loaded.
        now: The current time (tests freeze it).
        settings: Already loaded settings (skips loading the config).

    Returns:
        The report; :attr:`DoctorReport.exit_code` is what ``doctor`` exits with.
    """
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    config_ok = True
    if settings is None:
        try:
            settings = load_settings(config_path, db_path)
        except FrontlineError as exc:
            config_ok = False
            findings.append(
                _finding(
                    "config",
                    Level.FAIL,
                    str(exc),
                    "fix the file ('frontline config check' repeats this message)",
                )
            )
    if settings is not None:
        where = str(settings.config_path) if settings.config_path else "built-in defaults"
        findings.append(_finding("config", Level.OK, f"{where} ({len(settings.feeds)} feeds)"))
        findings.extend(_finding("config", Level.WARN, w) for w in settings.warnings)
        database = settings.database
        lock_path: Path | None = settings.lock_path
    elif db_path is not None:
        database = db_path
        lock_path = db_path.with_name(db_path.name + ".refresh.lock")
    else:
        return DoctorReport(tuple(findings), config_ok)
    db_findings = check_database(database)
    findings.extend(db_findings)
    if lock_path is not None:
        findings.extend(check_lock(lock_path))
    if database.exists() and not any(f.level is Level.FAIL for f in db_findings):
        findings.extend(_feed_findings(database, now))
    return DoctorReport(tuple(findings), config_ok)
