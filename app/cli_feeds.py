"""``frontline feeds``: list, add, remove, enable, disable, import and export feeds.

Feeds come from two places and refresh polls both: ``[[feeds]]`` in
config.toml (origin "config") and the user's feeds in the database (origin
"user": ``feeds add`` and ``feeds import``). Nothing here rewrites
config.toml.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli_common import common_options, err, fail, feed_rows, load, warn, write_out
from app.config import Settings
from app.errors import EXIT_CONFIG, EXIT_OK, ConfigValueError, FrontlineError
from app.text import clean_line

if TYPE_CHECKING:
    from app.store import Store

__all__ = ["feeds"]


def _sync(store: Store, settings: Settings) -> None:
    """Let the feeds table know config.toml's feeds (as a refresh would)."""
    store.sync_feeds(((f.url, f.name, f.tags) for f in settings.feeds), datetime.now(UTC))


def _state(gone: bool, enabled: bool, errors: int, never_checked: bool) -> str:
    if gone:
        return "gone"
    if not enabled:
        return "off"
    if errors:
        return "failing"
    return "new" if never_checked else "ok"


@click.group()
def feeds() -> None:
    """List and manage feeds (config.toml's and your own)."""


@feeds.command("list")
@common_options
@click.pass_context
def feeds_list(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Every feed with its health."""
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database) as store:
            _sync(store, settings)
            statuses = store.feed_statuses()
    except FrontlineError as exc:
        fail(exc)
    for f in statuses:
        state = _state(f.gone, f.enabled, f.error_count, f.last_checked is None)
        last = f.last_success.strftime("%Y-%m-%d %H:%M") if f.last_success else "never"
        problem = (
            f"  [{f.error_count}x: {clean_line(f.last_error or '', max_len=80)}]"
            if f.error_count
            else ""
        )
        click.echo(
            f"{state:7} {f.stories:5} stories  last ok {last:16}  "
            f"{clean_line(f.name, max_len=30):30} "
            f"{f.url}{problem}"
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

    from app.config import check_feed_url
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        url = check_feed_url(url, "url")
    except ConfigValueError as exc:
        raise click.BadParameter(exc.message) from None
    shown = clean_line(name or urlsplit(url).hostname or url, max_len=200)
    try:
        with Store.open(settings.database) as store:
            added = store.add_feed(url, shown, tags, datetime.now(UTC))
    except FrontlineError as exc:
        fail(exc)
    click.echo(f"{'added' if added else 'already known (enabled)'}: {shown} {url}")


def _feed_toggle(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, url: str, op: str
) -> None:
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        with Store.open(settings.database) as store:
            _sync(store, settings)
            ok = (
                store.remove_feed(url)
                if op == "remove"
                else store.set_feed_enabled(url, op == "enable")
            )
    except FrontlineError as exc:
        fail(exc)
    if not ok:
        err(f"error: no feed {clean_line(url)}")
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


@feeds.command("import", short_help="Add the feeds of an OPML file as your feeds.")
@common_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", "-n", is_flag=True, help="Say what would be added; change nothing.")
@click.pass_context
def feeds_import(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    file: Path,
    dry_run: bool,
) -> None:
    """Add the feeds of an OPML file (newsboat, Miniflux, ...) as your feeds.

    Folders become tags. Feeds already polled (config.toml's or yours),
    repeats and non-http(s) outlines are skipped with a warning on stderr.
    """
    from app.opml import listed_feeds, plan_import, read_opml
    from app.store import Store

    settings = load(ctx, config_path, db_path)
    try:
        doc = read_opml(file)
        rows = []
        if not dry_run or settings.database.exists():
            with Store.open(settings.database) as store:
                _sync(store, settings)
                rows = store.feed_subscriptions()
                plan = plan_import(doc, listed_feeds(settings.feeds, rows))
                if not dry_run and plan.add:
                    store.import_feeds(
                        ((f.url, f.name, f.tags, f.html_url) for f in plan.add),
                        datetime.now(UTC),
                    )
        else:
            plan = plan_import(doc, listed_feeds(settings.feeds, rows))
    except FrontlineError as exc:
        fail(exc)
    for w in (*doc.skipped, *plan.skipped, *doc.notes):
        warn(w)
    verb = "would add" if dry_run else "added"
    for f in plan.add:
        tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
        click.echo(f"{verb}: {f.name} {f.url}{tags}")
    click.echo(
        f"import: {len(plan.add)} {verb}, {len(plan.skipped)} already polled, "
        f"{len(doc.skipped)} skipped ({clean_line(str(file))})"
    )
    sys.exit(EXIT_OK)


@feeds.command("export")
@common_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def feeds_export(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, output: Path | None
) -> None:
    """Write every polled feed (config.toml's and yours) as OPML 2.0."""
    from app.opml import OpmlFeed, listed_feeds, render_opml

    settings = load(ctx, config_path, db_path)
    try:
        rows = feed_rows(settings)
    except FrontlineError as exc:
        fail(exc)
    listed = listed_feeds(settings.feeds, rows)
    text = render_opml(
        (OpmlFeed(f.url, f.name, f.tags, f.html_url) for f in listed),
        now=datetime.now(UTC).replace(microsecond=0),
        title="frontline feeds",
    )
    write_out(text, output)
