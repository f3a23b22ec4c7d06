"""``frontline doctor`` and ``frontline backup``: looking after the installation.

The checks and the backup live in the core (:mod:`app.doctor`,
:mod:`app.store.backup`); this module prints what they return, one plain
line per finding, and picks the exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from app.cli_common import common_options, fail, load
from app.errors import EXIT_OK, FrontlineError
from app.text import clean_line

__all__ = ["backup", "doctor"]


def _root_option(ctx: click.Context, name: str, value: Any) -> Any:
    if value is not None:
        return value
    return (ctx.find_root().obj or {}).get(name)


@click.command()
@common_options
@click.pass_context
def doctor(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Check config, database integrity (with FTS), the lock and feed health.

    Prints each finding with what to do about it. Exit 0 when nothing is
    wrong, 1 when something is, 2 when the config itself is broken.
    """
    from app.doctor import diagnose

    report = diagnose(
        _root_option(ctx, "config_path", config_path), _root_option(ctx, "db_path", db_path)
    )
    for f in report.findings:
        click.echo(f"{f.level.value:5} {f.area:9} {clean_line(f.message, max_len=500)}")
        if f.fix:
            click.echo(f"{'':5} {'':9} fix: {clean_line(f.fix, max_len=300)}")
    problems = len(report.problems)
    click.echo(
        f"doctor: {problems} problem{'s' if problems != 1 else ''} found"
        if problems
        else "doctor: nothing wrong found"
    )
    sys.exit(report.exit_code)


@click.command()
@common_options
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing backup file.")
@click.pass_context
def backup(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    path: Path,
    force: bool,
) -> None:
    """Write a consistent, checked copy of the database to PATH (safe while cron writes)."""
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database, readonly=True) as store:
            result = store.backup(path, force=force)
    except FrontlineError as exc:
        fail(exc)
    click.echo(
        f"backup: {clean_line(str(result.path))} ({result.stories} stories, "
        f"{result.size // 1024} KiB), integrity ok"
    )
    sys.exit(EXIT_OK)
