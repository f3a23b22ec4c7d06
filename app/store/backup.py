"""Online backup of a frontline database (``frontline backup PATH``).

Copying the file with ``cp`` while cron writes can catch the main file and
its WAL at different moments; the copy may not even open. This uses
SQLite's backup API in a single step, which reads one consistent snapshot
(in WAL mode a reader never blocks the writer, and the writer never blocks
it), into a temporary file beside the target. The copy is switched to a
rollback journal (one self-contained file), checked with
``PRAGMA integrity_check`` and the FTS ``rank=1`` check, flushed to disk, and
only then renamed over the target, so a failed or interrupted backup never
leaves a half-written file under the target's name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.errors import DatabaseError
from app.text import clean_line

__all__ = ["BackupResult", "backup_database"]


@dataclass(frozen=True, slots=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    size: int
    stories: int


def _check_copy(conn: sqlite3.Connection) -> str | None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        return "; ".join(str(r) for r in rows[:3])
    try:
        conn.execute("INSERT INTO stories_fts(stories_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return f"full-text index: {exc}"
    return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_database(
    source: sqlite3.Connection, dest: Path, *, source_path: Path | None = None, force: bool = False
) -> BackupResult:
    """Copy the database behind ``source`` to ``dest``, atomically and checked.

    Args:
        source: An open connection to the database (read-only is enough).
        dest: The backup file to write; an existing directory gets a file
            named after ``source_path`` inside it.
        source_path: The database file, to refuse writing the backup over it.
        force: Replace an existing file at ``dest``.

    Returns:
        Where the backup went, its size and its story count.

    Raises:
        DatabaseError: The target exists (without ``force``), is the database
            itself, cannot be written, or the copy fails its check.
    """
    if dest.is_dir():
        dest = dest / (source_path.name if source_path else "frontline.db")
    shown = clean_line(str(dest))
    if source_path is not None and dest.exists():
        with contextlib.suppress(OSError):
            if dest.samefile(source_path):
                raise DatabaseError(f"backup {shown}: that is the database itself")
    if dest.exists() and not force:
        raise DatabaseError(f"backup {shown}: the file exists (use --force to replace it)")
    if dest.exists() and not dest.is_file():
        raise DatabaseError(f"backup {shown}: not a regular file")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        target = sqlite3.connect(tmp, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"backup {shown}: cannot create it ({exc})") from None
    try:
        try:
            # pages=-1: the whole database in one step, one read snapshot.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode = DELETE")
            problem = _check_copy(target)
            stories = int(target.execute("SELECT count(*) FROM stories").fetchone()[0])
        except sqlite3.Error as exc:
            raise DatabaseError(f"backup {shown}: copy failed ({exc})") from None
        finally:
            target.close()
        if problem is not None:
            raise DatabaseError(f"backup {shown}: the copy failed its check ({problem})")
        _fsync(tmp)
        os.replace(tmp, dest)
        with contextlib.suppress(OSError):
            _fsync(dest.parent)  # the rename itself
    except OSError as exc:
        raise DatabaseError(f"backup {shown}: cannot write it ({exc.strerror})") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return BackupResult(path=dest, size=dest.stat().st_size, stories=stories)
