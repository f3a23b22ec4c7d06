"""Exceptions and exit codes.

Every error a user can cause or meet (bad config, wrong database file, a lock
held by another run) is a :class:`FrontlineError` with a message that names
the culprit. The CLI prints the message, never a traceback, and exits with the
error's code.
"""

from __future__ import annotations

__all__ = [
    "EXIT_CONFIG",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_SOME_FAILED",
    "ConfigError",
    "ConfigValueError",
    "DatabaseError",
    "FrontlineError",
    "LockedError",
    "SourceFileError",
    "WrongDatabaseError",
]

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_CONFIG = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: cron may simply try again next time


class FrontlineError(Exception):
    """Base of all expected errors; ``str(e)`` is the user-facing message."""

    exit_code: int = EXIT_CONFIG


class ConfigError(FrontlineError):
    """The configuration cannot be loaded: unreadable, bad TOML, bad value."""

    exit_code = EXIT_CONFIG


class ConfigValueError(ConfigError):
    """A value in the configuration is wrong; ``key`` is its dotted path."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class DatabaseError(FrontlineError):
    """The database cannot be used (corrupt, read-only, disk full, ...)."""

    exit_code = EXIT_CONFIG


class WrongDatabaseError(DatabaseError):
    """The file is not a frontline database, or its schema is newer than this code."""


class LockedError(FrontlineError):
    """Another refresh holds the lock."""

    exit_code = EXIT_LOCKED

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class SourceFileError(FrontlineError):
    """A local source file cannot be read (not regular, too big, vanished, ...)."""

    exit_code = EXIT_SOME_FAILED
