"""What every ``frontline`` subcommand shares: options, settings, messages, output.

Output rules (cron and pipes): plain text, no ANSI codes (frontline prints
no colour at all, so ``NO_COLOR`` and a non-tty need nothing more),
diagnostics on stderr one line per event, prefixed ``frontline:``, every
printed feed string already cleaned, no traceback for an expected failure.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from app.config import Settings, load_settings
from app.errors import EXIT_CONFIG, FrontlineError
from app.text import clean_line

if TYPE_CHECKING:
    from app.models import FeedSubscription

__all__ = [
    "Terminated",
    "common_options",
    "err",
    "fail",
    "feed_rows",
    "load",
    "parse_since",
    "settings_for",
    "signals",
    "warn",
    "write_out",
]

F = TypeVar("F", bound=Callable[..., Any])


class Terminated(BaseException):
    """SIGTERM arrived: unwind (rolling back the open transaction), exit 143."""


def err(msg: str) -> None:
    """One diagnostic line on stderr."""
    click.echo(f"frontline: {msg}", err=True)


def warn(msg: str) -> None:
    """One warning line on stderr (cleaned: it may quote feed text)."""
    err(f"warning: {clean_line(msg, max_len=500)}")


def fail(exc: FrontlineError) -> NoReturn:
    """Print an expected error and exit with its code."""
    err(f"error: {clean_line(str(exc), max_len=2000)}")
    sys.exit(exc.exit_code)


def common_options(func: F) -> F:
    """``--config`` and ``--db``, taken by every subcommand."""
    func = click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Database file (overrides [storage] database).",
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=True, path_type=Path),
        help="Config file (default: $FRONTLINE_CONFIG, ./config.toml, the user config dir).",
    )(func)
    return func


def settings_for(config_path: Path | None, db_path: Path | None) -> Settings:
    """Load settings, or exit 2 with the problem."""
    try:
        return load_settings(config_path, db_path)
    except FrontlineError as exc:
        fail(exc)


def _opt(ctx: click.Context, name: str, value: Any) -> Any:
    """A subcommand's option, else the same option given before the subcommand."""
    if value is not None:
        return value
    root = ctx.find_root()
    return (root.obj or {}).get(name)


def load(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> Settings:
    """Settings for a subcommand (its ``--config``/``--db``, else the group's)."""
    return settings_for(_opt(ctx, "config_path", config_path), _opt(ctx, "db_path", db_path))


@contextlib.contextmanager
def signals() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C: the open transaction rolls back, the lock is freed."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_since(value: str, now: datetime) -> datetime:
    """``8h``, ``2d``, ``30m``, ``1w`` before now, or an ISO date/time (UTC if naive).

    Raises:
        click.BadParameter: Neither form.
    """
    m = _DURATION_RE.match(value)
    if m:
        n = float(m.group(1))
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2).lower()]
        return now - timedelta(seconds=n * unit)
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: use a duration like 8h, 2d, 30m or an ISO date like 2025-03-13"
        ) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def write_out(text: str, output: Path | None) -> None:
    """Write to a file, or to stdout when ``output`` is None; exit 2 when it cannot."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err(f"error: cannot write {clean_line(str(output))}: {exc.strerror}")
        sys.exit(EXIT_CONFIG)


def feed_rows(settings: Settings) -> list[FeedSubscription]:
    """The feeds table, read without creating a database (empty when there is none).

    Opens the file writable when it can (an older database is migrated on
    the way), else read-only.

    Raises:
        FrontlineError: The database cannot be read.
    """
    from app.errors import DatabaseError
    from app.store import Store

    if not settings.database.exists():
        return []
    try:
        store = Store.open(settings.database, create=False)
    except DatabaseError:
        store = Store.open(settings.database, readonly=True)
    with store:
        return store.feed_subscriptions()
