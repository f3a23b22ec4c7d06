"""The ``frontline`` command: the desk by default, and headless subcommands.

Output rules (cron and pipes): plain text, no ANSI codes, diagnostics on
stderr, every printed feed string already cleaned, no traceback for an
expected failure, quiet exit on a broken pipe. Exit codes: 0 ok, 1 some
sources failed, 2 usage or config error, 75 another refresh holds the lock.

The TUI (Textual) is imported only when the desk opens, so ``frontline
refresh`` starts fast.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, TypeVar

import click

from app import __version__
from app.config import Settings, load_settings
from app.errors import (
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_SOME_FAILED,
    FrontlineError,
)
from app.models import RefreshReport, SourceResult, SourceStatus, Story
from app.text import clean_line

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


class Terminated(BaseException):
    """SIGTERM arrived: unwind (rolling back the open transaction), exit 143."""


def _err(msg: str) -> None:
    click.echo(f"frontline: {msg}", err=True)


def _fail(exc: FrontlineError) -> NoReturn:
    _err(f"error: {clean_line(str(exc), max_len=2000)}")
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


def _settings(config_path: Path | None, db_path: Path | None) -> Settings:
    try:
        return load_settings(config_path, db_path)
    except FrontlineError as exc:
        _fail(exc)


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
    settings = _settings(config_path, db_path)
    if not sys.stdout.isatty() and not os.environ.get("FRONTLINE_FORCE_TUI"):
        _err("the desk needs a terminal; for cron use 'frontline refresh'")
        sys.exit(EXIT_CONFIG)
    try:
        from app.tui import run_desk
    except ImportError as exc:  # pragma: no cover - packaging problem
        _err(f"error: the desk cannot start ({exc})")
        sys.exit(EXIT_CONFIG)
    try:
        sys.exit(run_desk(settings))
    except FrontlineError as exc:
        _fail(exc)


def _opt(ctx: click.Context, name: str, value: Any) -> Any:
    """A subcommand's option, else the same option given before the subcommand."""
    if value is not None:
        return value
    return (ctx.obj or {}).get(name)


def _load(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> Settings:
    return _settings(_opt(ctx, "config_path", config_path), _opt(ctx, "db_path", db_path))


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


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C: the open transaction rolls back, the lock is freed."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


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

    settings = _load(ctx, config_path, db_path)
    started = time.monotonic()
    try:
        with _signals():
            report = run_refresh(settings, include_feeds=not no_feeds)
    except FrontlineError as exc:
        _fail(exc)
    except Terminated:
        _err("refresh interrupted (SIGTERM); finished sources were kept")
        sys.exit(143)
    except KeyboardInterrupt:
        _err("refresh interrupted; finished sources were kept")
        sys.exit(130)
    failed = report.failed
    for r in failed:
        _err(f"{r.kind.value} {clean_line(r.source)}: {clean_line(r.error or 'failed')}")
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

    settings = _load(ctx, config_path, db_path)
    try:
        with (
            _signals(),
            refresh_lock(settings.lock_path),
            Store.open(settings.database, check=True) as store,
        ):
            report = ingest_paths(settings, store, list(paths))
    except FrontlineError as exc:
        _fail(exc)
    except Terminated:
        sys.exit(143)
    for r in report.failed:
        _err(f"file {clean_line(r.source)}: {clean_line(r.error or 'failed')}")
    click.echo(
        f"ingest: {len(report.results)} files, {report.new} new, {report.updated} updated; "
        f"{report.stories} stories in {report.clusters} clusters"
    )
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


# ------------------------------------------------------------------- export
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_since(value: str, now: datetime) -> datetime:
    """``8h``, ``2d``, ``30m``, ``1w`` before now, or an ISO date/time (UTC if naive)."""
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


def _story_record(s: Story, state: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": s.id,
        "source": s.source,
        "source_kind": s.source_kind.value,
        "outlet": s.outlet,
        "title": s.title,
        "url": s.url,
        "guid": s.guid,
        "author": s.author,
        "published": s.published.isoformat(),
        "published_estimated": s.published_estimated,
        "fetched": s.fetched.isoformat(),
        "offset": [s.offset_start, s.offset_end] if s.offset_start is not None else None,
        "pane": state.get("pane") or s.pane,
        "story_pane": s.pane,
        "pane_score": s.pane_score,
        "pane_terms": list(s.pane_terms),
        "pane_moved_by_user": state.get("pane_override") is not None,
        "cluster_id": s.cluster_id or s.id,
        "cluster_signal": s.cluster_signal.value,
        "cluster_score": s.cluster_score,
        "cluster_matched": s.cluster_matched,
        "quote_ids": list(s.quote_ids),
        "read": s.read,
        "starred": bool(state.get("starred")),
        "dismissed": bool(state.get("dismissed")),
        "summary": s.summary,
    }


@cli.command()
@common_options
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "md"]), default="jsonl", show_default=True
)
@click.option("--pane", help="Only stories whose cluster is in this pane.")
@click.option("--since", help="Only stories published since: 8h, 2d, or an ISO date.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def export(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    fmt: str,
    pane: str | None,
    since: str | None,
    output: Path | None,
) -> None:
    """Write stories with their clusters, panes and triage state."""
    from app.store import Store

    settings = _load(ctx, config_path, db_path)
    since_dt = parse_since(since, datetime.now(UTC)) if since else None
    try:
        with Store.open(settings.database, readonly=True) as store:
            stories = store.stories(since=since_dt, pane=pane)
            states = {
                s.cluster_id: store.cluster_state(s.cluster_id) for s in stories if s.cluster_id
            }
            records = []
            for s in stories:
                state = dict(states.get(s.cluster_id or "", {}))
                if s.cluster_id:
                    state["pane"] = _effective_pane(store, s.cluster_id)
                records.append(_story_record(s, state))
    except FrontlineError as exc:
        _fail(exc)
    buf = io.StringIO()
    if fmt == "jsonl":
        for rec in records:
            buf.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        cols = [k for k in (records[0] if records else _story_record_keys()) if k != "summary"]
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for rec in records:
            w.writerow(
                {
                    k: ";".join(map(str, v)) if isinstance(v, list) else v
                    for k, v in rec.items()
                    if k in cols
                }
            )
    else:
        buf.write(_markdown(records))
    _write_out(buf.getvalue(), output)


def _effective_pane(store: Any, cluster_id: str) -> str | None:
    rows = store.cluster_rows(None, cluster_ids=[cluster_id], limit=1, filt=_all_filter())
    return rows[0]["pane"] if rows else None


def _all_filter() -> Any:
    from app.models import ClusterFilter

    return ClusterFilter(include_dismissed=True)


def _story_record_keys() -> list[str]:
    return [
        "id",
        "source",
        "source_kind",
        "outlet",
        "title",
        "url",
        "published",
        "pane",
        "cluster_id",
        "cluster_signal",
        "cluster_score",
        "quote_ids",
    ]


def _markdown(records: list[dict[str, Any]]) -> str:
    out: list[str] = []
    by_pane: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for rec in records:
        by_pane.setdefault(rec["pane"] or "other", {}).setdefault(rec["cluster_id"], []).append(rec)
    for pane in sorted(by_pane):
        out.append(f"## {pane.capitalize()}\n")
        for members in by_pane[pane].values():
            head = members[0]
            outlets = sorted({m["outlet"] for m in members})
            names = ", ".join(map(_md, outlets))
            out.append(f"- **{_md(head['title'])}** ({len(members)} stories, {names})")
            for m in members[1:]:
                why = f"{m['cluster_signal']} {m['cluster_score']:.0f}"
                out.append(f"  - {_md(m['title'])} — {_md(m['outlet'])} ({why})")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", clean_line(text, max_len=300))


def _write_out(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"error: cannot write {clean_line(str(output))}: {exc.strerror}")
        sys.exit(EXIT_CONFIG)


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

    settings = _load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database, readonly=True) as store:
            matches = store.find_story(story_id)
            if len(matches) != 1:
                _err(
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
            pane = _effective_pane(store, s.cluster_id) if s.cluster_id else s.pane
    except FrontlineError as exc:
        _fail(exc)
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

    settings = _load(ctx, config_path, db_path)
    started = time.monotonic()
    try:
        with refresh_lock(settings.lock_path), Store.open(settings.database, check=True) as store:
            n = rebuild(store, settings, now=datetime.now(UTC), reclassify_only=classify_only)
            stories = store.story_count()
    except FrontlineError as exc:
        _fail(exc)
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


# -------------------------------------------------------------------- feeds
@cli.group()
def feeds() -> None:
    """List and manage feeds."""


@feeds.command("list")
@common_options
@click.pass_context
def feeds_list(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Every feed with its health."""
    from app.store import Store

    settings = _load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database) as store:
            store.sync_feeds(((f.url, f.name, f.tags) for f in settings.feeds), datetime.now(UTC))
            statuses = store.feed_statuses()
    except FrontlineError as exc:
        _fail(exc)
    for f in statuses:
        state = (
            "gone"
            if f.gone
            else ("off" if not f.enabled else ("failing" if f.error_count else "ok"))
        )
        last = f.last_success.strftime("%Y-%m-%d %H:%M") if f.last_success else "never"
        err = (
            f"  [{f.error_count}x: {clean_line(f.last_error or '', max_len=80)}]"
            if f.error_count
            else ""
        )
        click.echo(
            f"{state:7} {f.stories:5} stories  last ok {last:16}  "
            f"{clean_line(f.name, max_len=30):30} "
            f"{f.url}{err}"
        )


@feeds.command("add")
@common_options
@click.argument("url")
@click.option("--name", help="Display name (default: the host).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.pass_context
def feeds_add(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    url: str,
    name: str | None,
    tags: tuple[str, ...],
) -> None:
    """Add a feed (stored in the database; config.toml is never rewritten)."""
    from urllib.parse import urlsplit

    from app.config import _check_feed_url
    from app.errors import ConfigValueError
    from app.store import Store

    settings = _load(ctx, config_path, db_path)
    try:
        url = _check_feed_url(url, "url")
    except ConfigValueError as exc:
        raise click.BadParameter(exc.message) from None
    shown = clean_line(name or urlsplit(url).hostname or url, max_len=200)
    try:
        with Store.open(settings.database) as store:
            added = store.add_feed(url, shown, tags, datetime.now(UTC))
    except FrontlineError as exc:
        _fail(exc)
    click.echo(f"{'added' if added else 'already known (enabled)'}: {shown} {url}")


def _feed_toggle(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, url: str, op: str
) -> None:
    from app.store import Store

    settings = _load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database) as store:
            store.sync_feeds(((f.url, f.name, f.tags) for f in settings.feeds), datetime.now(UTC))
            ok = (
                store.remove_feed(url)
                if op == "remove"
                else store.set_feed_enabled(url, op == "enable")
            )
    except FrontlineError as exc:
        _fail(exc)
    if not ok:
        _err(f"error: no feed {clean_line(url)}")
        sys.exit(EXIT_CONFIG)
    click.echo(f"{op}d: {url}")


@feeds.command("remove")
@common_options
@click.argument("url")
@click.pass_context
def feeds_remove(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, url: str
) -> None:
    """Stop polling a feed (its stories stay)."""
    _feed_toggle(ctx, config_path, db_path, url, "remove")


@feeds.command("enable")
@common_options
@click.argument("url")
@click.pass_context
def feeds_enable(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, url: str
) -> None:
    """Poll a feed again (also clears 'gone' and back-off)."""
    _feed_toggle(ctx, config_path, db_path, url, "enable")


@feeds.command("disable")
@common_options
@click.argument("url")
@click.pass_context
def feeds_disable(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, url: str
) -> None:
    """Stop polling a feed for now."""
    _feed_toggle(ctx, config_path, db_path, url, "disable")


# ------------------------------------------------------------------- doctor
@cli.command()
@common_options
@click.pass_context
def doctor(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Check config, database integrity (with FTS), the lock and feed health."""
    from app.lock import holder_pid
    from app.store import Store

    settings = _load(ctx, config_path, db_path)
    problems = 0
    click.echo(f"config   ok ({settings.config_path or 'built-in defaults'})")
    click.echo(f"database {settings.database}")
    if not settings.database.exists():
        click.echo("  no database yet: run 'frontline refresh' to create it")
    else:
        try:
            with Store.open(settings.database, readonly=True) as store:
                qc = store.quick_check()
                fts = store.fts_check() if qc is None else "skipped"
                click.echo(f"  integrity {'ok' if qc is None else 'FAILED: ' + qc}")
                click.echo(f"  full-text index {'ok' if fts is None else 'FAILED: ' + fts}")
                problems += (qc is not None) + (fts is not None)
                if qc or fts:
                    click.echo(
                        "  fix: restore a backup, or move the file away and run 'frontline refresh'"
                    )
                for f in store.feed_statuses():
                    if f.gone or f.error_count >= 3:
                        problems += 1
                        click.echo(
                            f"  feed {f.url}: {'gone' if f.gone else f'{f.error_count} failures'}"
                            f" ({clean_line(f.last_error or '', max_len=100)})"
                        )
        except FrontlineError as exc:
            problems += 1
            click.echo(f"  FAILED: {clean_line(str(exc))}")
    pid = holder_pid(settings.lock_path) if settings.lock_path.exists() else None
    click.echo(f"lock     {'held by pid ' + str(pid) if pid else 'free'}")
    sys.exit(EXIT_SOME_FAILED if problems else EXIT_OK)


# ------------------------------------------------------------------- config
@cli.group("config")
def config_group() -> None:
    """Show where the config is and check it."""


@config_group.command("path")
@common_options
@click.pass_context
def config_path_cmd(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Print the config file in use (or 'built-in defaults') and the database path."""
    settings = _load(ctx, config_path, db_path)
    click.echo(f"config   {settings.config_path or 'built-in defaults'}")
    click.echo(f"database {settings.database}")


@config_group.command("check")
@common_options
@click.pass_context
def config_check(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Validate the config; exit 2 with the problem when it is wrong."""
    settings = _load(ctx, config_path, db_path)
    click.echo(
        f"ok: {len(settings.feeds)} feeds, {len(settings.seeds)} seed paths, "
        f"{len(settings.panes.panes)} panes"
    )


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
