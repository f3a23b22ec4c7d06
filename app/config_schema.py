"""The config's schema: the plain tables of ``config.toml`` as frozen dataclasses.

Each field carries its default and, in ``metadata``, its allowed range and
unit; each class documents its fields in a Google ``Attributes:`` section.
:mod:`app.config` validates against these, and :mod:`app.config_reference`
turns them into the README's configuration table, so the three never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_FEEDS",
    "TEXTUAL_THEMES",
    "AlertSettings",
    "FeedConfig",
    "RefreshSettings",
    "UiSettings",
]

#: A curated list of public conflict-news feeds; used when a config names none.
DEFAULT_FEEDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("https://feeds.bbci.co.uk/news/world/europe/rss.xml", "BBC Europe", ("uk", "wire")),
    ("https://www.theguardian.com/world/ukraine/rss", "Guardian Ukraine", ("uk",)),
    ("https://www.aljazeera.com/xml/rss/all.xml", "Al Jazeera", ("intl",)),
    ("https://kyivindependent.com/news-archive/rss/", "Kyiv Independent", ("ukraine",)),
    ("https://www.pravda.com.ua/eng/rss/", "Ukrainska Pravda", ("ukraine",)),
    ("https://www.ukrinform.net/rss/block-lastnews", "Ukrinform", ("ukraine",)),
    ("https://www.themoscowtimes.com/rss/news", "The Moscow Times", ("russia",)),
    ("https://meduza.io/rss/en/all", "Meduza", ("russia",)),
    ("https://rss.dw.com/rdf/rss-en-world", "DW World", ("intl",)),
    ("https://www.france24.com/en/europe/rss", "France 24 Europe", ("intl",)),
    ("https://feeds.npr.org/1004/rss.xml", "NPR World", ("us",)),
    ("https://www.reliefweb.int/updates/rss.xml?search=ukraine", "ReliefWeb Ukraine", ("aid",)),
)


#: Textual's built-in theme names (textual 8.2), for validating ``[ui] theme``
#: without importing Textual in the core. Keep it in step with
#: ``textual.theme.BUILTIN_THEMES`` when Textual is upgraded.
TEXTUAL_THEMES: tuple[str, ...] = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "catppuccin-latte",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "solarized-light",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "rose-pine-dawn",
    "atom-one-dark",
    "atom-one-light",
    "ansi-dark",
    "ansi-light",
)


def _rng(lo: float, hi: float, unit: str = "") -> dict[str, Any]:
    return {"min": lo, "max": hi, "unit": unit}


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    """``[refresh]``: how feeds are polled.

    Attributes:
        interval: Time between refreshes while the desk is open (cron keeps
            its own schedule).
        concurrency: Feeds fetched at once, in total.
        per_host: Feeds fetched at once from one host.
        feed_deadline: One feed's whole fetch; a slow drip is cut here (httpx
            timeouts count per read).
        total_deadline: The whole refresh.
        connect_timeout: Connecting to a host.
        read_timeout: Waiting for one read.
        max_body_mb: Largest feed body, counted after decompression.
        max_new_items: New items kept from one feed per refresh (the newest).
        max_redirects: Redirect hops followed (http/https only, never to a URL
            with credentials).
        parse_workers: Processes that parse feed bodies when many arrive at once.
    """

    interval: int = field(default=600, metadata=_rng(60, 86_400, "seconds"))
    concurrency: int = field(default=16, metadata=_rng(1, 256))
    per_host: int = field(default=4, metadata=_rng(1, 64))
    feed_deadline: float = field(default=30.0, metadata=_rng(1, 600, "seconds"))
    total_deadline: float = field(default=300.0, metadata=_rng(5, 3600, "seconds"))
    connect_timeout: float = field(default=10.0, metadata=_rng(0.5, 120, "seconds"))
    read_timeout: float = field(default=20.0, metadata=_rng(0.5, 300, "seconds"))
    max_body_mb: float = field(default=10.0, metadata=_rng(0.01, 1024, "MiB"))
    max_new_items: int = field(default=500, metadata=_rng(1, 100_000))
    max_redirects: int = field(default=5, metadata=_rng(0, 20))
    parse_workers: int = field(default=2, metadata=_rng(1, 64))


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """``[alerts]``: terms that flag a cluster and raise a toast.

    Attributes:
        terms: A cluster whose headline contains one of these (whole words,
            any case) is flagged and raises a toast in the desk.
        bell: Also ring the terminal bell.
    """

    terms: tuple[str, ...] = ()
    bell: bool = False


@dataclass(frozen=True, slots=True)
class UiSettings:
    """``[ui]``: desk appearance.

    Attributes:
        theme: A Textual built-in theme (``frontline config check`` lists them
            when the name is wrong).
        wide_min_width: Below this many columns the panes become tabs.
    """

    theme: str = "textual-dark"
    wide_min_width: int = field(default=140, metadata=_rng(60, 1000, "columns"))


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One ``[[feeds]]`` entry."""

    url: str
    name: str
    tags: tuple[str, ...] = ()
