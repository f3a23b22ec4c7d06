"""The refresh lock: one ``frontline refresh`` at a time, across processes.

A separate lock file beside the database, held with ``fcntl.flock``
(non-blocking). The kernel drops the lock when its holder exits, even on
``kill -9``, so a crashed run never blocks the next one. It must not be the
database file itself: closing any other descriptor on the database would drop
POSIX locks held on it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import DatabaseError, LockedError
from app.text import clean_line

__all__ = ["LockState", "RefreshLock", "acquire", "holder_pid", "lock_state", "refresh_lock"]


class RefreshLock:
    """A held lock; release it with :meth:`release` or by leaving ``refresh_lock``."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def holder_pid(path: Path) -> int | None:
    """The pid written by the current holder, if any (best effort)."""
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


@dataclass(frozen=True, slots=True)
class LockState:
    """What :func:`lock_state` found."""

    #: A live process holds the lock now.
    held: bool
    #: The pid written in the lock file (the holder, or a run that was killed).
    pid: int | None

    @property
    def stale(self) -> bool:
        """Nobody holds the lock, but a killed run left its pid behind (harmless)."""
        return not self.held and self.pid is not None


def lock_state(path: Path) -> LockState:
    """Whether a refresh holds the lock, without creating or writing anything.

    Probes with a non-blocking ``flock`` that is released at once, so a
    refresh starting in that instant may see the lock taken and exit 75 (cron
    runs it again next time).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return LockState(held=False, pid=None)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held = True
    except OSError:
        held = False
    else:
        held = False
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return LockState(held=held, pid=holder_pid(path))


def acquire(path: Path) -> RefreshLock:
    """Take the lock at once or raise :class:`LockedError` naming the holder's pid."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        why = exc.strerror
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            why = f"the folder is read-only or not yours ({exc.strerror})"
        raise DatabaseError(f"cannot open the lock file {clean_line(str(path))}: {why}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid = holder_pid(path)
        who = f" (pid {pid})" if pid else ""
        raise LockedError(f"another refresh is already running{who}", pid=pid) from None
    except OSError as exc:
        os.close(fd)
        raise DatabaseError(f"cannot lock {clean_line(str(path))}: {exc.strerror}") from None
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    return RefreshLock(path, fd)


@contextlib.contextmanager
def refresh_lock(path: Path) -> Iterator[RefreshLock]:
    """Hold the refresh lock for the duration of the block."""
    lock = acquire(path)
    try:
        yield lock
    finally:
        lock.release()
