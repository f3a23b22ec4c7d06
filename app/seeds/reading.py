"""Reading a saved page from disk, defensively.

Owns the only I/O of :mod:`app.seeds`: :func:`read_source_file` reads regular
files only, never blocks (a FIFO or a device named ``x.txt`` is refused before
a byte is read), judges the size before reading, and leaves a file that is
still being written for the next run: rows L2-L5 and L7 of RELIABILITY.md.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from app.errors import SourceFileError
from app.text import clean_line

__all__ = ["MAX_SOURCE_BYTES", "read_source_file"]

#: Files above this size are skipped without being read (RELIABILITY L2).
MAX_SOURCE_BYTES = 20 * 2**20


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_error(name: str, exc: OSError) -> SourceFileError:
    """Map an OSError to a message a user can act on, naming the file."""
    if isinstance(exc, FileNotFoundError):
        return SourceFileError(f"{name}: vanished before it could be read, skipped")
    if isinstance(exc, PermissionError):
        return SourceFileError(f"{name}: permission denied, skipped")
    if exc.errno == errno.ELOOP:
        return SourceFileError(f"{name}: symlink loop, skipped")
    if isinstance(exc, IsADirectoryError):
        return SourceFileError(f"{name}: not a regular file (a directory), skipped")
    reason = clean_line(exc.strerror or type(exc).__name__, max_len=200)
    return SourceFileError(f"{name}: cannot be read ({reason}), skipped")


def read_source_file(path: Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """Read a local source file, refusing anything that is not a plain file.

    Only regular files are read (a symlink is followed, and its target must be
    one): FIFOs, devices (a link to ``/dev/zero``), directories named
    ``x.txt``, sockets and symlink loops are refused without blocking. The
    file is opened with ``O_NONBLOCK`` and re-checked with ``fstat``, so a file
    swapped for a FIFO between the check and the open cannot hang a refresh.
    The size is judged by ``stat`` before a byte is read. A file whose size or
    mtime moves while it is read is still being written: it is refused with
    "changing, will retry next run", and the next refresh picks it up.

    Args:
        path: The file to read.
        max_bytes: Largest size accepted.

    Returns:
        The file's bytes.

    Raises:
        SourceFileError: For every reason the file cannot be used; the message
            names the file (cleaned: a name may hold ``\\n``, ESC or markup).
    """
    name = clean_line(os.fsdecode(path), max_len=300)
    try:
        before = os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            before = os.stat(path)
    except OSError as exc:
        raise _os_error(name, exc) from None
    if not stat.S_ISREG(before.st_mode):
        raise SourceFileError(f"{name}: not a regular file ({_file_kind(before.st_mode)}), skipped")
    if before.st_size > max_bytes:
        raise SourceFileError(
            f"{name}: too big ({before.st_size} bytes, limit {max_bytes}), skipped"
        )
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(name, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise SourceFileError(
                f"{name}: not a regular file ({_file_kind(opened.st_mode)}), skipped"
            )
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise SourceFileError(f"{name}: changing, will retry next run")
        chunks: list[bytes] = []
        total = 0
        # One byte more than stat promised is enough to know the file grew.
        limit = before.st_size + 1
        while total < limit:
            chunk = os.read(fd, min(1 << 20, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        os.close(fd)
    if (
        total != before.st_size
        or after.st_size != before.st_size
        or after.st_mtime_ns != before.st_mtime_ns
    ):
        raise SourceFileError(f"{name}: changing, will retry next run")
    return b"".join(chunks)
