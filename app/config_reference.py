"""The README's configuration and keymap tables, generated from the code.

:func:`config_reference_markdown` walks the config dataclasses (defaults,
ranges and units from field metadata, descriptions from each class's Google
``Attributes:`` section), so the README table cannot drift from what
:mod:`app.config` accepts. :func:`keymap_reference_markdown` does the same for
the desk's key bindings, given the binding table (which only the TUI can
build; the core never imports Textual). :func:`replace_between` puts a table
between its markers in the README; ``tests/core/test_readme.py`` fails when
the README is stale, and ``frontline config reference --write README.md``
regenerates it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from app.classify import PaneRules
from app.cluster import ClusterParams
from app.config_schema import (
    DEFAULT_FEEDS,
    TEXTUAL_THEMES,
    AlertSettings,
    RefreshSettings,
    UiSettings,
)

__all__ = [
    "CONFIG_MARKERS",
    "KEYMAP_MARKERS",
    "attribute_docs",
    "config_reference_markdown",
    "keymap_reference_markdown",
    "replace_between",
]

CONFIG_MARKERS = ("<!-- config-table:start -->", "<!-- config-table:end -->")
KEYMAP_MARKERS = ("<!-- keymap-table:start -->", "<!-- keymap-table:end -->")

_PANE_SCALARS = (
    "min_score",
    "title_weight",
    "summary_weight",
    "body_weight",
    "max_chars",
    "max_terms",
)


def attribute_docs(cls: type) -> dict[str, str]:
    """Field descriptions from a class's Google-style ``Attributes:`` section."""
    doc = cls.__doc__ or ""
    lines = doc.expandtabs().splitlines()
    out: dict[str, str] = {}
    inside = False
    base = 0
    current = ""
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped == "Attributes:":
            inside, base = True, indent
            continue
        if not inside:
            continue
        if stripped and indent <= base:
            break
        m = re.match(r"(\w+)(?: \([^)]*\))?: (.*)", stripped)
        if m and indent == base + 4:
            current = m.group(1)
            out[current] = m.group(2)
        elif stripped and current:
            out[current] += " " + stripped
    return {k: re.sub(r"``([^`]+)``", r"`\1`", v) for k, v in out.items()}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def _allowed(default: Any, meta: Any) -> str:
    if isinstance(default, bool):
        return "true / false"
    if isinstance(default, int | float):
        kind = "whole number" if isinstance(default, int) else "number"
        if meta and "min" in meta:
            unit = f" {meta['unit']}" if meta.get("unit") else ""
            return f"{kind}, {meta['min']:g} to {meta['max']:g}{unit}"
        return kind
    if isinstance(default, tuple):
        return "list of strings"
    return "string"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _dataclass_rows(table: str, cls: type) -> list[tuple[str, str, str, str]]:
    docs = attribute_docs(cls)
    rows = []
    for f in dataclasses.fields(cls):
        if not f.init or f.name.startswith("_"):
            continue
        default = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        if default is dataclasses.MISSING:
            continue
        rows.append(
            (
                f"{table}.{f.name}",
                _toml(default),
                _allowed(default, f.metadata),
                docs.get(f.name, ""),
            )
        )
    return rows


def _rows() -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = [
        (
            "storage.database",
            "user data dir",
            "path (relative: to the config file)",
            "The SQLite database. `--db` overrides it; `frontline config path` prints it.",
        ),
        (
            "seeds.paths",
            "[]",
            "list of paths (files or directories)",
            "Saved pages (`.txt .md .html`) and feed files (`.xml .rss .atom .json`) read on "
            "every refresh; an unchanged file is skipped by its content hash.",
        ),
    ]
    rows += _dataclass_rows("refresh", RefreshSettings)
    rows += [
        (
            "feeds[].url",
            "(required)",
            "http(s) URL, no credentials",
            "One `[[feeds]]` table per feed. Without any, a curated list of "
            f"{len(DEFAULT_FEEDS)} feeds is used; `feeds = []` means none. Feeds added with "
            "`frontline feeds add/import` live in the database.",
        ),
        ("feeds[].name", "the host", "string", "Display name."),
        ("feeds[].tags", "[]", "list of strings", "Tags (exported as OPML `category`)."),
    ]
    rows += _dataclass_rows("clustering", ClusterParams)
    scalars = {r[0]: r for r in _dataclass_rows("panes", PaneRules)}
    rows += [scalars[f"panes.{k}"] for k in _PANE_SCALARS]
    rows += [
        (
            "panes.relevance.min_score",
            _toml(_default(PaneRules, "relevance_min_score")),
            "number, 0 switches the gate off",
            "The relevance gate: a story scoring less on `[panes.relevance.terms]` is `other`.",
        ),
        (
            "panes.relevance.terms / .patterns",
            "(built-in)",
            "table of term = weight",
            "What makes a story conflict news at all.",
        ),
        ("panes.NAME.precedence", "100", "whole number", "Lower wins a tie between panes."),
        (
            "panes.NAME.terms",
            "(built-in)",
            "table of term = weight",
            "Whole words, any case; `*` ends a prefix; weight 0 hides a phrase's words.",
        ),
        (
            "panes.NAME.patterns",
            "{}",
            "table of regex = weight",
            "Python regular expressions, matched case-insensitively.",
        ),
    ]
    rows += _dataclass_rows("alerts", AlertSettings)
    ui = _dataclass_rows("ui", UiSettings)
    rows += [(k, d, "a built-in theme (below)" if k == "ui.theme" else a, t) for k, d, a, t in ui]
    rows.append(
        (
            "keymap.BINDING_ID",
            "(the desk's keys)",
            'keys, comma-separated: "j,down"',
            "Rebind a desk key by its binding id (table below; `?` in the desk).",
        )
    )
    return rows


def _default(cls: type, name: str) -> Any:
    return next(f.default for f in dataclasses.fields(cls) if f.name == name)


def config_reference_markdown() -> str:
    """The configuration table (Markdown), every key with default, range and meaning."""
    out = ["| key | default | allowed | what it does |", "|---|---|---|---|"]
    for key, default, allowed, doc in _rows():
        out.append(f"| `{key}` | `{_cell(default)}` | {_cell(allowed)} | {_cell(doc)} |")
    out += ["", "Themes: " + ", ".join(f"`{t}`" for t in TEXTUAL_THEMES) + "."]
    return "\n".join(out) + "\n"


def keymap_reference_markdown(bindings: Iterable[tuple[str, str, str, str]]) -> str:
    """The keymap table from ``(where, binding id, default keys, description)`` rows."""
    out = ["| where | binding id | keys | what it does |", "|---|---|---|---|"]
    for where, bid, keys, desc in bindings:
        shown = ", ".join(f"`{k.strip()}`" for k in keys.split(",") if k.strip())
        out.append(f"| {_cell(where)} | `{bid}` | {shown} | {_cell(desc)} |")
    return "\n".join(out) + "\n"


def replace_between(text: str, markers: tuple[str, str], body: str) -> str:
    """``text`` with everything between the two marker lines replaced by ``body``.

    Raises:
        ValueError: A marker is missing or they are out of order.
    """
    start, end = markers
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"markers {start!r} ... {end!r} not found in order")
    return text[: i + len(start)] + "\n" + body + text[j:]
