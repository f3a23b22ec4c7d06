"""Configuration: ``config.toml`` into frozen, validated settings.

Lookup order: ``--config PATH`` > ``$FRONTLINE_CONFIG`` > ``./config.toml`` >
the user config dir > built-in defaults. Validation is strict: a TOML error
names the file, line and column; a wrong value or an unknown key names its
dotted key path and what is allowed. Nothing is written while loading, so a
bad config never touches the database.

Relative paths in a config file (database, seeds) resolve against the
directory of that file, so ``frontline --config /etc/x/config.toml`` works
from any working directory (cron's is ``$HOME``).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from app.classify import DEFAULT_PANE_CONFIG, PaneRules
from app.cluster import ClusterParams
from app.config_schema import (
    DEFAULT_FEEDS,
    TEXTUAL_THEMES,
    AlertSettings,
    FeedConfig,
    RefreshSettings,
    UiSettings,
)
from app.errors import ConfigError, ConfigValueError
from app.text import clean_line

__all__ = [
    "DEFAULT_FEEDS",
    "TEXTUAL_THEMES",
    "AlertSettings",
    "FeedConfig",
    "RefreshSettings",
    "Settings",
    "UiSettings",
    "check_feed_url",
    "default_config_path",
    "default_database_path",
    "feed_key",
    "find_config",
    "load_settings",
    "parse_settings",
]

ENV_CONFIG = "FRONTLINE_CONFIG"


def default_database_path() -> Path:
    """Where the database lives when the config does not say."""
    return Path(platformdirs.user_data_dir("frontline", appauthor=False)) / "frontline.db"


def default_config_path() -> Path:
    """The user-level config file (``frontline config path`` prints it)."""
    return Path(platformdirs.user_config_dir("frontline", appauthor=False)) / "config.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, validated."""

    config_path: Path | None
    database: Path
    refresh: RefreshSettings = RefreshSettings()
    seeds: tuple[Path, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
    clustering: ClusterParams = ClusterParams()
    panes: PaneRules = field(
        default_factory=lambda: PaneRules.from_mapping(DEFAULT_PANE_CONFIG["panes"])
    )
    alerts: AlertSettings = AlertSettings()
    ui: UiSettings = UiSettings()
    keymap: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def lock_path(self) -> Path:
        """The refresh lock file, beside the database (never the database itself)."""
        return self.database.with_name(self.database.name + ".refresh.lock")

    def with_database(self, path: Path) -> Settings:
        """A copy with another database path (``--db``)."""
        return dataclasses.replace(self, database=path)


_TOP_KEYS = (
    "storage",
    "refresh",
    "seeds",
    "feeds",
    "clustering",
    "panes",
    "alerts",
    "ui",
    "keymap",
)


def _unknown(key: str, allowed: tuple[str, ...] | list[str]) -> ConfigValueError:
    name = key.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigValueError(
        key, f"unknown key{hint}; allowed here: {', '.join(sorted(allowed)) or 'none'}"
    )


def _table(value: object, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigValueError(key, f"must be a table, not {type(value).__name__}")
    return value


def _number(value: object, key: str, typ: type, meta: Mapping[str, Any]) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigValueError(key, f"must be a number, not {value!r}")
    if typ is int and not isinstance(value, int):
        raise ConfigValueError(key, f"must be a whole number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigValueError(key, f"must be a finite number, not {value!r}")
    lo, hi = meta.get("min", 0), meta.get("max", 1e12)
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    if not lo <= value <= hi:
        raise ConfigValueError(key, f"{value!r} is out of range; allowed: {lo} to {hi}{unit}")
    return typ(value)  # type: ignore[no-any-return]


def _dataclass_from(cls: type[Any], data: Mapping[str, Any], key: str) -> Any:
    """Build dataclass ``cls`` from a TOML table, checking keys, types and ranges."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        path = f"{key}.{name}"
        if name not in fields:
            raise _unknown(path, list(fields))
        fld = fields[name]
        default: Any = fld.default
        if fld.default_factory is not dataclasses.MISSING:
            default = fld.default_factory()
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigValueError(path, f"must be true or false, not {value!r}")
            kwargs[name] = value
        elif isinstance(default, int | float):
            kwargs[name] = _number(value, path, type(default), fld.metadata)
        elif isinstance(default, str):
            if not isinstance(value, str):
                raise ConfigValueError(path, f"must be a string, not {value!r}")
            kwargs[name] = value
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigValueError(path, "must be a list of strings")
            kwargs[name] = tuple(value)
        else:
            raise ConfigValueError(path, "cannot be set from the config")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigValueError(key, str(exc)) from exc


def _resolve_path(raw: str, base: Path, key: str) -> Path:
    if not raw.strip():
        raise ConfigValueError(key, "must not be empty")
    if "\x00" in raw:
        raise ConfigValueError(key, "must not contain NUL")
    path = Path(os.path.expanduser(raw))
    return path if path.is_absolute() else (base / path)


def check_feed_url(url: object, key: str) -> str:
    """A feed URL, stripped, if frontline may poll it.

    Args:
        url: The value as given (config, ``feeds add``, an OPML outline).
        key: Where it came from, for the message.

    Raises:
        ConfigValueError: Not a string; not http(s); no host; credentials,
            spaces or control characters in it.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigValueError(key, "a feed needs a url (a string)")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigValueError(key, f"{clean_line(url)!r}: only http and https feeds are allowed")
    if not parts.hostname:
        raise ConfigValueError(key, f"{clean_line(url)!r}: the URL has no host")
    if parts.username or parts.password:
        raise ConfigValueError(key, "credentials in feed URLs are not allowed")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ConfigValueError(key, "the URL contains spaces or control characters")
    return url


def feed_key(url: str) -> str:
    """The URL as compared for duplicates (scheme and host in lower case, no trailing /)."""
    parts = urlsplit(url)
    host = (parts.netloc or "").lower()
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}?{parts.query}"


def _feeds(value: object, key: str) -> tuple[FeedConfig, ...]:
    if not isinstance(value, list):
        raise ConfigValueError(key, "must be an array of tables ([[feeds]])")
    seen: dict[str, int] = {}
    out: list[FeedConfig] = []
    for i, entry in enumerate(value):
        path = f"{key}[{i}]"
        entry = _table(entry, path)
        for name in entry:
            if name not in ("url", "name", "tags"):
                raise _unknown(f"{path}.{name}", ["url", "name", "tags"])
        url = check_feed_url(entry.get("url"), f"{path}.url")
        norm = feed_key(url)
        if norm in seen:
            raise ConfigValueError(f"{path}.url", f"duplicate of feeds[{seen[norm]}] ({url})")
        seen[norm] = i
        name = entry.get("name", urlsplit(url).hostname or url)
        if not isinstance(name, str):
            raise ConfigValueError(f"{path}.name", "must be a string")
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ConfigValueError(f"{path}.tags", "must be a list of strings")
        out.append(FeedConfig(url=url, name=clean_line(name, max_len=200), tags=tuple(tags)))
    return tuple(out)


def parse_settings(
    data: Mapping[str, Any], *, base: Path, config_path: Path | None = None
) -> Settings:
    """Validate a parsed TOML document into :class:`Settings`.

    Args:
        data: The document (``tomllib.loads`` output, or ``{}`` for defaults).
        base: Directory that relative paths resolve against.
        config_path: The file it came from, for messages and ``config path``.

    Raises:
        ConfigValueError: A key is unknown or a value is wrong.
    """
    for name in data:
        if name not in _TOP_KEYS:
            raise _unknown(name, list(_TOP_KEYS))
    storage = _table(data.get("storage", {}), "storage")
    for name in storage:
        if name != "database":
            raise _unknown(f"storage.{name}", ["database"])
    db_raw = storage.get("database")
    if db_raw is None:
        database = default_database_path()
    elif isinstance(db_raw, str):
        database = _resolve_path(db_raw, base, "storage.database")
    else:
        raise ConfigValueError("storage.database", "must be a path string")

    seeds_t = _table(data.get("seeds", {}), "seeds")
    for name in seeds_t:
        if name != "paths":
            raise _unknown(f"seeds.{name}", ["paths"])
    raw_paths = seeds_t.get("paths", [])
    if not isinstance(raw_paths, list) or not all(isinstance(p, str) for p in raw_paths):
        raise ConfigValueError("seeds.paths", "must be a list of path strings")
    seeds = tuple(_resolve_path(p, base, "seeds.paths") for p in raw_paths)

    feeds = (
        _feeds(data["feeds"], "feeds")
        if "feeds" in data
        else tuple(FeedConfig(u, n, t) for u, n, t in DEFAULT_FEEDS)
    )
    panes = PaneRules.from_mapping(_merge_panes(data.get("panes")), path="panes")

    alerts_t = _table(data.get("alerts", {}), "alerts")
    alerts = _dataclass_from(AlertSettings, alerts_t, "alerts")
    ui = _dataclass_from(UiSettings, _table(data.get("ui", {}), "ui"), "ui")
    if ui.theme not in TEXTUAL_THEMES:
        close = difflib.get_close_matches(ui.theme, TEXTUAL_THEMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigValueError(
            "ui.theme",
            f"unknown theme {clean_line(ui.theme)!r}{hint}; built-in themes: "
            + ", ".join(TEXTUAL_THEMES),
        )
    keymap_t = _table(data.get("keymap", {}), "keymap")
    for name, keys in keymap_t.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigValueError(f"keymap.{name}", 'must be a key string like "j,down"')
    return Settings(
        config_path=config_path,
        database=database,
        refresh=_dataclass_from(
            RefreshSettings, _table(data.get("refresh", {}), "refresh"), "refresh"
        ),
        seeds=seeds,
        feeds=feeds,
        clustering=_dataclass_from(
            ClusterParams, _table(data.get("clustering", {}), "clustering"), "clustering"
        ),
        panes=panes,
        alerts=alerts,
        ui=ui,
        keymap=dict(keymap_t),
    )


def _merge_panes(user: object) -> Mapping[str, Any]:
    """The user's ``[panes]`` laid over the built-in rules.

    Scalars (``min_score``, weights) override the defaults; a table named like
    a built-in pane (or ``relevance``) replaces that pane's rules whole, so
    what you write is exactly what runs for it; other tables add panes. A
    config that only tunes ``min_score`` keeps the built-in panes.
    """
    merged = dict(DEFAULT_PANE_CONFIG["panes"])
    if user is None:
        return merged
    merged.update(_table(user, "panes"))
    return merged


def find_config(explicit: Path | None = None, *, cwd: Path | None = None) -> Path | None:
    """The config file to use, by the lookup order; None means built-in defaults.

    An explicit path (``--config`` or ``$FRONTLINE_CONFIG``) is returned even
    when it does not exist, so the error names it.
    """
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env)
    local = (cwd or Path.cwd()) / "config.toml"
    if local.is_file():
        return local
    try:
        user = default_config_path()
    except Exception:  # platformdirs with no HOME: fall back to defaults
        return None
    return user if user.is_file() else None


def read_config_file(path: Path) -> dict[str, Any]:
    """Read and parse one TOML file, turning every failure into a ConfigError."""
    shown = clean_line(str(path.absolute()))
    try:
        if path.is_dir():
            raise ConfigError(f"config {shown}: is a directory, not a file")
        raw = path.read_bytes()
    except ConfigError:
        raise
    except FileNotFoundError:
        raise ConfigError(f"config {shown}: no such file") from None
    except PermissionError:
        raise ConfigError(f"config {shown}: permission denied") from None
    except OSError as exc:
        raise ConfigError(f"config {shown}: cannot read ({exc.strerror or exc})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 BOM is harmless: tomllib just does not accept it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config {shown}: not valid UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {shown}: TOML error: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config {shown}: nested too deeply to read") from None


def load_settings(
    config_path: Path | None = None,
    db_path: Path | None = None,
    *,
    cwd: Path | None = None,
) -> Settings:
    """Find, read and validate the configuration.

    Args:
        config_path: ``--config``; overrides the lookup.
        db_path: ``--db``; overrides ``[storage] database``.
        cwd: Directory for the ``./config.toml`` step (tests).

    Raises:
        ConfigError: With the resolved path and the problem.
    """
    path = find_config(config_path, cwd=cwd)
    if path is None:
        settings = parse_settings({}, base=Path.cwd())
    else:
        data = read_config_file(path)
        try:
            settings = parse_settings(data, base=path.absolute().parent, config_path=path)
        except ConfigValueError as exc:
            raise ConfigError(f"config {clean_line(str(path))}: {exc}") from None
    if db_path is not None:
        settings = settings.with_database(db_path)
    return settings
