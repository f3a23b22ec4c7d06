"""The shift-handover digest: what the desk saw in a window, pane by pane.

``frontline digest`` calls :func:`collect_digest` (the only part that reads
the database, through :class:`~app.desk.Desk` and the store) and renders the
result with :func:`render_markdown` or :func:`render_json`; both are pure.

What a digest holds, for each pane in desk order (``other`` only on request):
the clusters with activity in the window (a story published or first seen
since ``since``), not dismissed, with the desk's mutes applied; starred
clusters first, then by **weight**::

    weight = outlets * exp(-age_hours / 12)

where ``outlets`` is the number of distinct outlets in the cluster and
``age_hours`` the hours from the cluster's last update to the digest's time.
Four outlets, last update 12 h ago: 4 x e^-1 = 1.47; two outlets, 4 h ago:
2 x e^-1/3 = 1.43; three outlets, 1 h ago: 3 x e^-1/12 = 2.76. Breadth
counts, and a cluster keeps about a third of its weight every 12 hours it
stays quiet. Ties go to the later update.

Each cluster shows its headline, when it was first published and by whom,
how many outlets and stories carry it, the outlets, and its tracked quotes
with their counts.
Then "Dismissed by the previous shift": every cluster dismissed in the window
and still dismissed, so the next shift knows what was left out.

The JSON form (``--format json``) is a stable shape, version 1::

    {"version": 1, "generated": ISO, "since": ISO, "window": str,
     "weight": str,
     "panes": [{"pane": str, "total": int, "clusters": [
        {"id": str, "headline": str, "starred": bool, "weight": float,
         "first_seen": ISO, "first_outlet": str, "last_update": ISO,
         "outlets": int, "stories": int, "member_outlets": [str],
         "quotes": [{"text": str, "stories": int, "outlets": int}]}]}],
     "dismissed": [{"id": str, "headline": str, "pane": str | null,
                    "dismissed_at": ISO, "outlets": int | null}]}

``total`` counts the pane's clusters in the window; ``clusters`` holds at most
the limit asked for. Times are UTC, ISO 8601 with an offset.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.desk import Desk
from app.models import OTHER, ClusterDetail, ClusterFilter
from app.text import clean_line

__all__ = [
    "LAST_DIGEST_KEY",
    "TAU_HOURS",
    "Digest",
    "DigestCluster",
    "DigestPane",
    "DigestQuote",
    "DismissedCluster",
    "build_cluster",
    "collect_digest",
    "escape_md",
    "order_clusters",
    "render_json",
    "render_markdown",
    "since_last",
    "weight",
]

#: The meta-table key that remembers when the last digest was made (``--since-last``).
LAST_DIGEST_KEY = "last_digest"
#: Recency time constant of the weight, in hours.
TAU_HOURS = 12.0
_WIDTH = 76
_QUOTE_CHARS = 160
_DISMISSED_PREFIX = "Dismissed: "


@dataclass(frozen=True, slots=True)
class DigestQuote:
    """A tracked quote: its text and how widely it is carried."""

    text: str
    stories: int
    outlets: int


@dataclass(frozen=True, slots=True)
class DigestCluster:
    """One cluster as the digest shows it."""

    id: str
    headline: str
    starred: bool
    weight: float
    first_seen: datetime
    first_outlet: str
    last_update: datetime
    outlets: int
    stories: int
    member_outlets: tuple[str, ...]
    quotes: tuple[DigestQuote, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestPane:
    """A pane's clusters, ordered; ``total`` counts those left out by the limit too."""

    name: str
    clusters: tuple[DigestCluster, ...]
    total: int


@dataclass(frozen=True, slots=True)
class DismissedCluster:
    """A cluster dismissed in the window (pane and outlets unknown once reclustered away)."""

    id: str
    headline: str
    pane: str | None
    dismissed_at: datetime
    outlets: int | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """A whole digest, ready to render."""

    generated: datetime
    since: datetime
    #: How the window was chosen, e.g. "last 8h" or "since the previous digest".
    window: str
    panes: tuple[DigestPane, ...]
    dismissed: tuple[DismissedCluster, ...]


# -------------------------------------------------------------- assembly
def weight(outlets: int, last_update: datetime, now: datetime) -> float:
    """``outlets * exp(-age_hours / TAU_HOURS)``; a future update counts as age 0."""
    age_h = max(0.0, (now - last_update).total_seconds() / 3600)
    return outlets * math.exp(-age_h / TAU_HOURS)


def order_clusters(clusters: Sequence[DigestCluster]) -> list[DigestCluster]:
    """Starred first, then heavier, then more recently updated, then by id."""
    return sorted(
        clusters, key=lambda c: (not c.starred, -c.weight, -c.last_update.timestamp(), c.id)
    )


def build_cluster(detail: ClusterDetail, now: datetime) -> DigestCluster:
    """A digest entry from the desk's detail of a cluster (pure)."""
    row = detail.row
    outlets: list[str] = []
    for m in sorted(detail.members, key=lambda s: (s.published, s.id)):
        if m.outlet not in outlets:
            outlets.append(m.outlet)
    return DigestCluster(
        id=row.id,
        headline=clean_line(row.headline, max_len=300),
        starred=row.starred,
        weight=round(weight(row.outlets, row.last_update, now), 4),
        first_seen=row.first_seen,
        first_outlet=clean_line(detail.first_outlet or (outlets[0] if outlets else "")),
        last_update=row.last_update,
        outlets=row.outlets,
        stories=row.size,
        member_outlets=tuple(clean_line(o, max_len=80) for o in outlets),
        quotes=tuple(
            DigestQuote(clean_line(q.text, max_len=1000), q.stories, q.outlets)
            for q in detail.quotes
        ),
    )


def collect_digest(
    desk: Desk,
    *,
    since: datetime,
    now: datetime,
    window: str,
    panes: Sequence[str] | None = None,
    limit: int = 20,
) -> Digest:
    """Read what a digest shows from the database.

    Args:
        desk: The desk over an open store (its mutes apply).
        since: Start of the window.
        now: The digest's time (weights and the window's end).
        window: How the window was chosen, for the header.
        panes: Panes to include; default: every pane but ``other``.
        limit: Clusters shown per pane; 0 shows all.
    """
    names = tuple(panes) if panes else tuple(p for p in desk.pane_names() if p != OTHER)
    out: list[DigestPane] = []
    for name in names:
        rows = desk.clusters(name, ClusterFilter(since=since), limit=1_000_000)
        built = []
        for r in rows:
            detail = desk.cluster_detail(r.id)
            if detail is not None:
                built.append(build_cluster(detail, now))
        ordered = order_clusters(built)
        shown = ordered[:limit] if limit > 0 else ordered
        out.append(DigestPane(name=name, clusters=tuple(shown), total=len(ordered)))
    dismissed: list[DismissedCluster] = []
    for cid, at, description in desk.store.dismissals(since):
        detail = desk.cluster_detail(cid)
        if detail is not None:
            pane: str | None = detail.row.pane
            headline, outlets = detail.row.headline, detail.row.outlets
        else:
            pane, outlets = None, None
            headline = description.removeprefix(_DISMISSED_PREFIX)
        if panes and pane not in panes:
            continue
        dismissed.append(
            DismissedCluster(cid, clean_line(headline, max_len=300), pane, at, outlets)
        )
    return Digest(now, since, window, tuple(out), tuple(dismissed))


# -------------------------------------------------------------- markdown
_MD_META = re.compile(r"([\\`*_\[\]<>|~#])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)")


def escape_md(text: str) -> str:
    """Feed text made inert in Markdown: metacharacters and entity starts escaped."""
    return _MD_ENTITY.sub(r"\\&", _MD_META.sub(r"\\\1", clean_line(text)))


def _wrap(text: str, first: str, rest: str) -> list[str]:
    lines = textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    # A wrapped line must not start a list item or a setext heading by accident.
    return [lines[0], *(_LINE_START.sub(r"\1\\\2", ln) for ln in lines[1:])]


def _time(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M")


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _cluster_md(c: DigestCluster) -> list[str]:
    head = ("(starred) " if c.starred else "") + f"**{escape_md(c.headline)}**"
    lines = _wrap(head, "- ", "  ")
    seen = f"first seen {_time(c.first_seen)} by {escape_md(c.first_outlet)}"
    lines += _wrap(seen, "  - ", "    ")
    who = ", ".join(escape_md(o) for o in c.member_outlets)
    counts = f"{_plural(c.outlets, 'outlet')}, {_plural(c.stories, 'story', 'stories')}"
    lines += _wrap(f"{counts}: {who}", "  - ", "    ")
    for q in c.quotes:
        text = q.text if len(q.text) <= _QUOTE_CHARS else q.text[: _QUOTE_CHARS - 3] + "..."
        n = f"{_plural(q.stories, 'story', 'stories')}, {_plural(q.outlets, 'outlet')}"
        lines += _wrap(f'quote: "{escape_md(text)}" ({n})', "  - ", "    ")
    return lines


def render_markdown(d: Digest) -> str:
    """Plain Markdown: no HTML, a heading per pane, lines under 80 columns."""
    out = [
        f"# frontline digest, {_time(d.since)} to {_time(d.generated)} UTC",
        "",
        *_wrap(
            f"Window: {d.window}. Starred first, then by weight "
            f"(outlets x exp(-hours since the last update / {TAU_HOURS:g})).",
            "",
            "",
        ),
        "",
    ]
    for pane in d.panes:
        shown = len(pane.clusters)
        count = _plural(pane.total, "cluster")
        more = f", top {shown} shown" if shown < pane.total else ""
        out += [f"## {escape_md(pane.name.capitalize())} ({count}{more})", ""]
        if not pane.clusters:
            out += ["Nothing new in this window.", ""]
        for c in pane.clusters:
            out += [*_cluster_md(c), ""]
    out += ["## Dismissed by the previous shift", ""]
    if not d.dismissed:
        out += ["Nothing was dismissed in this window.", ""]
    for x in d.dismissed:
        where = f"{x.pane}, " if x.pane else ""
        outlets = f"{_plural(x.outlets, 'outlet')}, " if x.outlets is not None else ""
        line = f"{escape_md(x.headline)} ({where}{outlets}dismissed {_time(x.dismissed_at)})"
        out += _wrap(line, "- ", "  ")
    if d.dismissed:
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------ json
def _iso(dt: datetime) -> str:
    return dt.isoformat()


def _cluster_json(c: DigestCluster) -> dict[str, Any]:
    return {
        "id": c.id,
        "headline": c.headline,
        "starred": c.starred,
        "weight": c.weight,
        "first_seen": _iso(c.first_seen),
        "first_outlet": c.first_outlet,
        "last_update": _iso(c.last_update),
        "outlets": c.outlets,
        "stories": c.stories,
        "member_outlets": list(c.member_outlets),
        "quotes": [{"text": q.text, "stories": q.stories, "outlets": q.outlets} for q in c.quotes],
    }


def render_json(d: Digest) -> str:
    """The digest as JSON (the shape in the module docstring), one document."""
    doc = {
        "version": 1,
        "generated": _iso(d.generated),
        "since": _iso(d.since),
        "window": d.window,
        "weight": f"outlets * exp(-age_hours / {TAU_HOURS:g})",
        "panes": [
            {
                "pane": p.name,
                "total": p.total,
                "clusters": [_cluster_json(c) for c in p.clusters],
            }
            for p in d.panes
        ],
        "dismissed": [
            {
                "id": x.id,
                "headline": x.headline,
                "pane": x.pane,
                "dismissed_at": _iso(x.dismissed_at),
                "outlets": x.outlets,
            }
            for x in d.dismissed
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def since_last(last: datetime | None, now: datetime, fallback: timedelta) -> tuple[datetime, str]:
    """The window for ``--since-last``: from the previous digest, else ``fallback`` back."""
    if last is None or last > now:
        hours = fallback.total_seconds() / 3600
        return now - fallback, f"no previous digest, so the last {hours:g}h"
    return last, "since the previous digest"
