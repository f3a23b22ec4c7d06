"""``frontline config path|check|show|reference``: where the config is, and what it says.

``show`` prints the effective settings as TOML (valid TOML: paste a table
into your config.toml), with the file they came from and the feeds refresh
polls: config.toml's and the database's. ``reference`` prints the README's
configuration table (``--keymap``: the key-binding table, which needs the
TUI's binding list) or rewrites both in a README (``--write``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from app.cli_common import common_options, fail, feed_rows, load
from app.config import Settings
from app.errors import EXIT_CONFIG, FrontlineError
from app.opml import ListedFeed, listed_feeds

__all__ = ["config_group", "settings_toml"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


# ---------------------------------------------------------------- TOML out
def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _str(name)


def _str(value: str) -> str:
    # JSON string escapes are TOML basic-string escapes; TOML also wants DEL escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return _str(str(value))
    if isinstance(value, str):
        return _str(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _table(name: str, items: Iterable[tuple[str, Any]]) -> list[str]:
    return [f"[{name}]", *(f"{_key(k)} = {_value(v)}" for k, v in items), ""]


def _fields(obj: Any) -> list[tuple[str, Any]]:
    return [(f.name, getattr(obj, f.name)) for f in fields(obj) if f.init]


def _feeds(listed: list[ListedFeed]) -> list[str]:
    n_cfg = sum(f.source == "config" for f in listed)
    out = [f"# Feeds refresh polls: {n_cfg} from config.toml, {len(listed) - n_cfg} added by you"]
    out.append("# (frontline feeds add/import; they live in the database).")
    for f in listed:
        state = "" if f.enabled else ", disabled"
        out += [f"[[feeds]]  # {f.source}{state}", f"url = {_value(f.url)}"]
        out += [f"name = {_value(f.name)}", f"tags = {_value(f.tags)}", ""]
    return out


def _rule_tables(
    prefix: str, terms: Mapping[str, float], patterns: Mapping[str, float]
) -> list[str]:
    out = _table(f"{prefix}.terms", terms.items())
    if patterns:
        out += _table(f"{prefix}.patterns", patterns.items())
    return out


def _panes(settings: Settings) -> list[str]:
    rules = settings.panes
    scalars = ("min_score", "title_weight", "summary_weight", "body_weight", "max_chars")
    out = _table("panes", [(k, getattr(rules, k)) for k in (*scalars, "max_terms")])
    gate = rules.relevance
    out += _table("panes.relevance", [("min_score", rules.relevance_min_score)])
    if gate is not None:
        out += _rule_tables("panes.relevance", dict(gate.terms), dict(gate.patterns))
    for p in rules.panes:
        name = f"panes.{_key(p.name)}"
        out += _table(name, [("precedence", p.precedence)])
        out += _rule_tables(name, dict(p.terms), dict(p.patterns))
    return out


def settings_toml(settings: Settings, feeds: list[ListedFeed]) -> str:
    """The effective settings as a TOML document (comments say where they came from)."""
    source = settings.config_path or "none: built-in defaults"
    out = [
        "# frontline: effective settings",
        f"# config file: {source}",
        "",
        *(["feeds = []", ""] if not feeds else []),
        *_table("storage", [("database", settings.database)]),
        *_table("seeds", [("paths", settings.seeds)]),
        *_table("refresh", _fields(settings.refresh)),
        *_table("clustering", _fields(settings.clustering)),
        *_table("alerts", _fields(settings.alerts)),
        *_table("ui", _fields(settings.ui)),
        *_table("keymap", sorted(settings.keymap.items())),
        *_feeds(feeds),
        *_panes(settings),
    ]
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- commands
@click.group("config")
def config_group() -> None:
    """Where the config is, what it says, and its reference."""


@config_group.command("path")
@common_options
@click.pass_context
def config_path_cmd(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Print the config file in use (or 'built-in defaults') and the database path."""
    settings = load(ctx, config_path, db_path)
    click.echo(f"config   {settings.config_path or 'built-in defaults'}")
    click.echo(f"database {settings.database}")


@config_group.command("check")
@common_options
@click.pass_context
def config_check(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Validate the config; exit 2 with the problem when it is wrong."""
    settings = load(ctx, config_path, db_path)
    click.echo(
        f"ok: {len(settings.feeds)} feeds, {len(settings.seeds)} seed paths, "
        f"{len(settings.panes.panes)} panes"
    )


@config_group.command("show")
@common_options
@click.pass_context
def config_show(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Print the effective settings as TOML, with the feeds of config.toml and the database."""
    settings = load(ctx, config_path, db_path)
    try:
        rows = feed_rows(settings)
    except FrontlineError as exc:
        fail(exc)
    click.echo(settings_toml(settings, listed_feeds(settings.feeds, rows)), nl=False)


def _keymap_rows() -> list[tuple[str, str, str, str]]:
    """The desk's bindings; imports the TUI (Textual), so only on request."""
    from app.tui.keys import binding_table

    return [(where, b.id or "", b.key, b.tooltip or b.description) for where, b in binding_table()]


@config_group.command("reference")
@click.option("--keymap", is_flag=True, help="The key-binding table instead (loads the TUI).")
@click.option(
    "--write",
    "readme",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Rewrite both tables in this README, between their markers.",
)
def config_reference(keymap: bool, readme: Path | None) -> None:
    """Print the configuration table (Markdown) the README carries."""
    from app.config_reference import (
        CONFIG_MARKERS,
        KEYMAP_MARKERS,
        config_reference_markdown,
        keymap_reference_markdown,
        replace_between,
    )

    if readme is None:
        text = keymap_reference_markdown(_keymap_rows()) if keymap else config_reference_markdown()
        click.echo(text, nl=False)
        return
    try:
        old = readme.read_text(encoding="utf-8")
        new = replace_between(old, CONFIG_MARKERS, config_reference_markdown())
        new = replace_between(new, KEYMAP_MARKERS, keymap_reference_markdown(_keymap_rows()))
        if new != old:
            readme.write_text(new, encoding="utf-8")
    except (OSError, ValueError) as exc:
        click.echo(f"frontline: error: {readme}: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    click.echo(f"{readme}: {'updated' if new != old else 'already current'}")
