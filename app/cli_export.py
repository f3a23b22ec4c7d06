"""``frontline export`` and ``frontline digest``: what the desk holds, written out.

``export`` writes stories (JSON lines, CSV or Markdown) for other tools;
``digest`` writes the shift-handover summary built by :mod:`app.digest`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from app.cli_common import common_options, err, fail, load, parse_since, write_out
from app.errors import EXIT_CONFIG, FrontlineError
from app.models import ClusterFilter, Story
from app.text import clean_line

__all__ = ["digest", "export"]


# ------------------------------------------------------------------- export
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


_RECORD_KEYS = (
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
)


def effective_pane(store: Any, cluster_id: str) -> str | None:
    """A cluster's pane after the user's moves (None when the cluster is gone)."""
    rows = store.cluster_rows(
        None, ClusterFilter(include_dismissed=True), cluster_ids=[cluster_id], limit=1
    )
    return rows[0]["pane"] if rows else None


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", clean_line(text, max_len=300))


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


@click.command()
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

    settings = load(ctx, config_path, db_path)
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
                    state["pane"] = effective_pane(store, s.cluster_id)
                records.append(_story_record(s, state))
    except FrontlineError as exc:
        fail(exc)
    buf = io.StringIO()
    if fmt == "jsonl":
        for rec in records:
            buf.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        cols = [k for k in (records[0] if records else _RECORD_KEYS) if k != "summary"]
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
    write_out(buf.getvalue(), output)


# ------------------------------------------------------------------- digest
def _window(since: str) -> str:
    value = since.strip()
    return (
        f"the last {value}"
        if re.fullmatch(r"\d+(?:\.\d+)?\s*[smhdw]", value, re.I)
        else f"since {value}"
    )


@click.command(short_help="Summarise a shift for the next one (Markdown or JSON).")
@common_options
@click.option("--since", help="Window start: 8h, 2d, or an ISO date/time.  [default: 8h]")
@click.option("--since-last", is_flag=True, help="Since the previous digest (else the last 8h).")
@click.option("--pane", help="Only this pane (also the only way to see 'other').")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Clusters per pane; 0 shows all.",
)
@click.option("--no-mark", is_flag=True, help="Do not record this digest for --since-last.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def digest(
    ctx: click.Context,
    config_path: Path | None,
    db_path: Path | None,
    since: str | None,
    since_last: bool,
    pane: str | None,
    fmt: str,
    limit: int,
    no_mark: bool,
    output: Path | None,
) -> None:
    """Summarise a shift for the next: clusters per pane, and what was dismissed.

    Starred clusters first, then by weight = outlets x exp(-hours since the
    cluster's last update / 12). Each digest records its time; a later
    digest with --since-last starts there (add --no-mark to only take a peek).
    """
    from app import digest as dg
    from app.desk import Desk
    from app.store import Store, from_db_time, to_db_time

    if since and since_last:
        raise click.UsageError("give --since or --since-last, not both")
    settings = load(ctx, config_path, db_path)
    now = datetime.now(UTC).replace(microsecond=0)
    if not settings.database.exists():
        shown = clean_line(str(settings.database))
        err(f"error: no database yet at {shown}; run 'frontline refresh' first")
        sys.exit(EXIT_CONFIG)
    try:
        with Store.open(settings.database, readonly=no_mark, create=False) as store:
            desk = Desk(store, settings, clock=lambda: now)
            if pane is not None and pane not in desk.pane_names():
                names = ", ".join(desk.pane_names())
                raise click.BadParameter(f"no pane {pane!r}; panes: {names}", param_hint="--pane")
            if since_last:
                last = from_db_time(store.get_meta(dg.LAST_DIGEST_KEY))
                start, window = dg.since_last(last, now, timedelta(hours=8))
            else:
                start = parse_since(since or "8h", now)
                window = _window(since or "8h")
            result = dg.collect_digest(
                desk,
                since=start,
                now=now,
                window=window,
                panes=[pane] if pane else None,
                limit=limit,
            )
            text = dg.render_json(result) if fmt == "json" else dg.render_markdown(result)
            write_out(text, output)
            if not no_mark:
                store.set_meta(dg.LAST_DIGEST_KEY, to_db_time(now) or "")
    except FrontlineError as exc:
        fail(exc)
