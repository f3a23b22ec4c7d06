"""The ``frontline`` command: the desk by default, and headless subcommands.

Output rules (cron and pipes): plain text, no ANSI codes, diagnostics on
stderr, every printed feed string already cleaned, no traceback for an
expected failure, quiet exit on a broken pipe. Exit codes: 0 ok, 1 some
sources failed, 2 usage or config error, 75 another refresh holds the lock.

The TUI (Textual) is imported only when the desk opens, so ``frontline
refresh`` starts fast. This module holds the group and the pipeline
commands (refresh, ingest, explain, recluster, reclassify); the
others live beside it: :mod:`app.cli_export` (export, digest),
:mod:`app.cli_doctor` (doctor, backup),
:mod:`app.cli_feeds` (feeds ...), :mod:`app.cli_config` (config ...), with
shared options and output helpers in :mod:`app.cli_common`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from app import __version__
from app.cli_common import (
    Terminated,
    common_options,
    err,
    fail,
    load,
    settings_for,
    signals,
)
from app.cli_config import config_group
from app.cli_doctor import backup, doctor
from app.cli_export import digest, effective_pane, export
from app.cli_feeds import feeds
from app.errors import EXIT_CONFIG, EXIT_OK, EXIT_SOME_FAILED, FrontlineError
from app.models import RefreshReport, SourceResult, SourceStatus
from app.text import clean_line

__all__ = ["main"]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frontline")
@common_options
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """frontline: a terminal desk for live conflict news.

    With no command, opens the desk.
    """
    if ctx.invoked_subcommand is not None:
        ctx.ensure_object(dict)
        ctx.obj["config_path"] = config_path
        ctx.obj["db_path"] = db_path
        return
    settings = settings_for(config_path, db_path)
    if not sys.stdout.isatty() and not os.environ.get("FRONTLINE_FORCE_TUI"):
        err("the desk needs a terminal; for cron use 'frontline refresh'")
        sys.exit(EXIT_CONFIG)
    try:
        from app.tui import run_desk
    except ImportError as exc:  # pragma: no cover - packaging problem
        err(f"error: the desk cannot start ({exc})")
        sys.exit(EXIT_CONFIG)
    try:
        sys.exit(run_desk(settings))
    except FrontlineError as exc:
        fail(exc)


# ------------------------------------------------------------------ refresh
def _summary(report: RefreshReport) -> str:
    files = [r for r in report.results if r.kind.value == "file"]
    feeds = [r for r in report.results if r.kind.value == "feed"]

    def count(rs: list[SourceResult], st: SourceStatus) -> int:
        return sum(1 for r in rs if r.status is st)

    secs = (report.finished - report.started).total_seconds()
    parts = [
        f"{len(files)} files ({count(files, SourceStatus.ERROR)} failed)",
        f"{len(feeds)} feeds ({count(feeds, SourceStatus.OK)} ok, "
        f"{count(feeds, SourceStatus.NOT_MODIFIED)} unchanged, "
        f"{count(feeds, SourceStatus.SKIPPED)} skipped, {count(feeds, SourceStatus.ERROR)} failed)",
        f"{report.new} new, {report.updated} updated",
        f"{report.stories} stories in {report.clusters} clusters",
    ]
    line = "refresh: " + "; ".join(parts)
    if secs > 0:
        line += f"; {secs:.1f} s"
    return line


def _result_json(r: SourceResult) -> dict[str, Any]:
    return {
        "source": r.source,
        "kind": r.kind.value,
        "status": r.status.value,
        "new": r.new,
        "updated": r.updated,
        "error": r.error,
        "error_kind": r.error_kind,
        "warnings": list(r.warnings),
        "elapsed": round(r.elapsed, 3),
    }


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something failed.")
@click.option("--no-feeds", is_flag=True, help="Read the seed files only.")
@click.pass_context
def refresh(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    as_json: bool,
    quiet: bool,
    no_feeds: bool,
) -> None:
    """Fetch feeds and read seed files once (for cron). Exit 0/1/2/75."""
    from app.refresh import run_refresh

    settings = load(ctx, config_path, db_path)
    started = time.monotonic()
    try:
        with signals():
            report = run_refresh(settings, include_feeds=not no_feeds)
    except FrontlineError as exc:
        fail(exc)
    except Terminated:
        err("refresh interrupted (SIGTERM); finished sources were kept")
        sys.exit(143)
    except KeyboardInterrupt:
        err("refresh interrupted; finished sources were kept")
        sys.exit(130)
    failed = report.failed
    for r in failed:
        err(f"{r.kind.value} {clean_line(r.source)}: {clean_line(r.error or 'failed')}")
    if as_json:
        payload = {
            "started": report.started.isoformat(),
            "elapsed": round(time.monotonic() - started, 3),
            "new": report.new,
            "updated": report.updated,
            "stories": report.stories,
            "clusters": report.clusters,
            "failed": len(failed),
            "results": [_result_json(r) for r in report.results],
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
    elif not quiet or failed:
        line = _summary(report)
        if report.finished == report.started:
            line += f"; {time.monotonic() - started:.1f} s"
        click.echo(line, err=quiet)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@cli.command()
@common_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ingest(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, paths: tuple[Path, ...]
) -> None:
    """Read local files once: saved pages (.txt/.md/.html) or feed files."""
    from app.lock import refresh_lock
    from app.refresh import ingest_paths
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        with (
            signals(),
            refresh_lock(settings.lock_path),
            Store.open(settings.database, check=True) as store,
        ):
            report = ingest_paths(settings, store, list(paths))
    except FrontlineError as exc:
        fail(exc)
    except Terminated:
        sys.exit(143)
    for r in report.failed:
        err(f"file {clean_line(r.source)}: {clean_line(r.error or 'failed')}")
    click.echo(
        f"ingest: {len(report.results)} files, {report.new} new, {report.updated} updated; "
        f"{report.stories} stories in {report.clusters} clusters"
    )
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


# ------------------------------------------------------------------ explain
@cli.command()
@common_options
@click.argument("story_id")
@click.pass_context
def explain(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, story_id: str
) -> None:
    """Say why a story sits in its cluster and its pane (an id prefix is enough)."""
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database, readonly=True) as store:
            matches = store.find_story(story_id)
            if len(matches) != 1:
                err(
                    "error: no story with that id"
                    if not matches
                    else f"error: {len(matches)} stories start with {story_id!r}; type more"
                )
                sys.exit(EXIT_CONFIG)
            s = matches[0]
            matched = store.story(s.cluster_matched) if s.cluster_matched else None
            members = store.cluster_story_ids(s.cluster_id) if s.cluster_id else [s.id]
            state = store.cluster_state(s.cluster_id) if s.cluster_id else {}
            quotes = store.cluster_quotes([s.id])
            pane = effective_pane(store, s.cluster_id) if s.cluster_id else s.pane
    except FrontlineError as exc:
        fail(exc)
    lines = [
        f"story    {s.id}",
        f"title    {clean_line(s.title)}",
        f"source   {clean_line(s.outlet)} ({s.source_kind.value}: {clean_line(s.source)})",
        f"published {s.published.isoformat()}{' (estimated)' if s.published_estimated else ''}",
        f"cluster  {s.cluster_id} ({len(members)} stories)",
    ]
    if s.cluster_signal.value == "founder":
        lines.append("  why    it founded the cluster (earliest story, nothing before it matched)")
    else:
        who = f" {clean_line(matched.title, max_len=90)!r} ({matched.id})" if matched else ""
        lines.append(
            f"  why    joined via {s.cluster_signal.value} (score {s.cluster_score:.1f}) "
            f"matching{who}"
        )
    terms = ", ".join(s.pane_terms) or "no pane terms matched"
    lines.append(f"pane     {pane} (story rules: {s.pane}, score {s.pane_score:.1f}; {terms})")
    if state.get("pane_override"):
        lines.append(f"  moved  by you to {state['pane_override']}")
    for q in quotes:
        lines.append(
            f"quote    {clean_line(q.text, max_len=120)!r}: "
            f"{q.stories} stories, {q.outlets} outlets"
        )
    click.echo("\n".join(lines))


# ---------------------------------------------------------- rebuild commands
def _rebuild(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, classify_only: bool
) -> None:
    from app.derive import rebuild
    from app.lock import refresh_lock
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    started = time.monotonic()
    try:
        with refresh_lock(settings.lock_path), Store.open(settings.database, check=True) as store:
            n = rebuild(store, settings, now=datetime.now(UTC), reclassify_only=classify_only)
            stories = store.story_count()
    except FrontlineError as exc:
        fail(exc)
    what = "reclassify" if classify_only else "recluster"
    click.echo(f"{what}: {stories} stories in {n} clusters; {time.monotonic() - started:.1f} s")


@cli.command()
@common_options
@click.pass_context
def recluster(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Rebuild clusters, quotes and panes from the stories (your splits/merges kept)."""
    _rebuild(ctx, config_path, db_path, classify_only=False)


@cli.command()
@common_options
@click.pass_context
def reclassify(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Re-apply the pane rules after a config change, without refetching."""
    _rebuild(ctx, config_path, db_path, classify_only=True)


# ----------------------------------------------------------- other modules
cli.add_command(export)
cli.add_command(digest)
cli.add_command(feeds)
cli.add_command(config_group)
cli.add_command(doctor)
cli.add_command(backup)


def main() -> None:
    """Console-script entry point."""
    # Never die on an unencodable title (LC_ALL=C, PYTHONIOENCODING=ascii).
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        cli.main(prog_name="frontline", standalone_mode=True)
    except BrokenPipeError:
        # `frontline export | head -1`: quiet exit, and keep Python from
        # complaining again while flushing at shutdown.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
