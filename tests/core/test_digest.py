"""The shift-handover digest on the seed data: order, sections, quotes, escaping, CLI."""

from __future__ import annotations

import json
import math
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.desk import Desk
from app.digest import (
    LAST_DIGEST_KEY,
    Digest,
    DigestCluster,
    DigestPane,
    DigestQuote,
    collect_digest,
    escape_md,
    order_clusters,
    render_json,
    render_markdown,
    since_last,
    weight,
)
from app.models import ClusterFilter
from app.refresh import refresh
from app.store import Store
from tests.conftest import NOW, ROOT

SINCE = NOW - timedelta(hours=8)


@pytest.fixture
async def desk(settings: Settings, store: Store) -> Desk:
    await refresh(settings, store, now=NOW)
    return Desk(store, settings, clock=lambda: NOW)


def _grushko_cluster(desk: Desk) -> str:
    hits = desk.search("Grushko")
    assert hits, "the seeds quote Alexander Grushko"
    cid = hits[0].cluster_id
    assert cid is not None
    return cid


def _section(md: str, heading: str) -> str:
    start = md.index(f"## {heading}")
    end = md.find("\n## ", start + 1)
    return md[start : end if end >= 0 else len(md)]


def test_digest_of_the_seeds(desk: Desk) -> None:
    battle = desk.clusters("battlefield")
    starred = battle[-1]  # the last by update: starring must lift it to the top
    desk.toggle_star(starred.id)
    grushko = _grushko_cluster(desk)
    diplomacy = [r for r in desk.clusters("diplomacy") if r.id != grushko]
    dismissed = diplomacy[0]
    desk.dismiss(dismissed.id)

    d = collect_digest(desk, since=SINCE, now=NOW, window="the last 8h", limit=0)
    md = render_markdown(d)

    # panes in desk order, "other" left out unless asked for
    assert [p.name for p in d.panes] == ["diplomacy", "battlefield", "aid"]
    headings = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert [h.split(" (")[0] for h in headings] == [
        "## Diplomacy",
        "## Battlefield",
        "## Aid",
        "## Dismissed by the previous shift",
    ]
    # starred first
    battle_md = _section(md, "Battlefield")
    first_item = next(ln for ln in battle_md.splitlines() if ln.startswith("- "))
    assert first_item.startswith("- (starred) **")
    assert escape_md(starred.headline)[:30] in first_item
    assert battle_md.count("(starred)") == 1
    # the dismissed cluster is listed as left out, not in its pane
    dismissed_md = _section(md, "Dismissed by the previous shift")
    assert escape_md(dismissed.headline)[:40] in dismissed_md.replace("\n  ", " ")
    assert "diplomacy, 1 outlet, dismissed 2025-12-05 12:00" in dismissed_md.replace("\n  ", " ")
    assert all(c.id != dismissed.id for c in d.panes[0].clusters)
    # Grushko's cluster is in diplomacy, with its quotes and their counts
    (g,) = [c for c in d.panes[0].clusters if c.id == grushko]
    assert g.quotes and all(q.stories >= 1 and q.outlets >= 1 for q in g.quotes)
    dipl = _section(md, "Diplomacy").replace("\n    ", " ")
    assert escape_md(g.headline) in dipl.replace("\n  ", " ")
    q = g.quotes[0]
    stories = f"{q.stories} stor{'y' if q.stories == 1 else 'ies'}"
    assert f"({stories}, {q.outlets} outlet" in dipl
    assert f"first seen {g.first_seen:%Y-%m-%d %H:%M} by {escape_md(g.first_outlet)}" in dipl


def test_markdown_reads_well_in_a_pager_and_a_chat(desk: Desk) -> None:
    md = render_markdown(collect_digest(desk, since=SINCE, now=NOW, window="w", limit=0))
    assert "<" not in md.replace("\\<", "")  # no HTML
    assert all(len(line) <= 80 for line in md.splitlines())
    assert md.startswith("# frontline digest, 2025-12-05 04:00 to 2025-12-05 12:00 UTC\n")
    assert "\x1b" not in md


def test_other_pane_only_on_request_and_limit(desk: Desk) -> None:
    d = collect_digest(desk, since=SINCE, now=NOW, window="w", panes=["other"])
    assert [p.name for p in d.panes] == ["other"]
    top = collect_digest(desk, since=SINCE, now=NOW, window="w", panes=["diplomacy"], limit=2)
    (pane,) = top.panes
    assert len(pane.clusters) == 2 and pane.total > 2
    assert f"({pane.total} clusters, top 2 shown)" in render_markdown(top)


def test_window_excludes_clusters_that_did_not_move(desk: Desk) -> None:
    later = NOW + timedelta(hours=9)
    d = collect_digest(desk, since=NOW + timedelta(hours=1), now=later, window="w")
    assert all(not p.clusters for p in d.panes)
    assert "Nothing new in this window." in render_markdown(d)


def test_dismissal_undone_or_outside_the_window_is_not_listed(desk: Desk) -> None:
    row = desk.clusters("aid")[0]
    desk.dismiss(row.id)
    desk.undo()
    assert collect_digest(desk, since=SINCE, now=NOW, window="w").dismissed == ()
    desk.dismiss(row.id)
    assert (
        collect_digest(desk, since=NOW + timedelta(seconds=1), now=NOW, window="w").dismissed == ()
    )
    (x,) = collect_digest(desk, since=SINCE, now=NOW, window="w").dismissed
    assert (x.id, x.pane, x.outlets) == (row.id, "aid", row.outlets)


def test_json_shape_is_stable(desk: Desk) -> None:
    desk.dismiss(desk.clusters("battlefield")[0].id)
    doc = json.loads(render_json(collect_digest(desk, since=SINCE, now=NOW, window="w")))
    assert set(doc) == {"version", "generated", "since", "window", "weight", "panes", "dismissed"}
    assert doc["version"] == 1 and doc["generated"] == "2025-12-05T12:00:00+00:00"
    cluster = doc["panes"][0]["clusters"][0]
    assert set(cluster) == {
        "id", "headline", "starred", "weight", "first_seen", "first_outlet",
        "last_update", "outlets", "stories", "member_outlets", "quotes",
    }  # fmt: skip
    assert set(doc["dismissed"][0]) == {"id", "headline", "pane", "dismissed_at", "outlets"}


# ------------------------------------------------------------------ pure parts
def _c(cid: str, outlets: int, hours_ago: float, starred: bool = False) -> DigestCluster:
    t = NOW - timedelta(hours=hours_ago)
    return DigestCluster(
        cid, cid, starred, weight(outlets, t, NOW), t, "o", t, outlets, outlets, ("o",)
    )


def test_weight_is_outlets_decayed_over_12_hours() -> None:
    assert weight(3, NOW, NOW) == 3
    assert weight(4, NOW - timedelta(hours=12), NOW) == pytest.approx(4 / math.e)
    assert weight(2, NOW + timedelta(hours=1), NOW) == 2  # a clock skew does not inflate


def test_order_starred_then_weight_then_recency() -> None:
    got = order_clusters(
        [_c("old-wide", 4, 12), _c("new", 2, 4), _c("fresh", 3, 1), _c("star", 1, 30, True)]
    )
    assert [c.id for c in got] == ["star", "fresh", "old-wide", "new"]


def test_feed_text_is_escaped() -> None:
    hostile = "*bold* _x_ [link](javascript:x) <b>hi</b> | `code` # &amp; ~~s~~ \\ \x1b[31m"
    out = escape_md(hostile)
    assert out.startswith(
        r"\*bold\* \_x\_ \[link\](javascript:x) \<b\>hi\</b\> \| \`code\` \# \&amp; \~\~s\~\~ \\"
    )
    assert "\x1b" not in out


def test_wrapped_lines_never_start_a_list_or_heading() -> None:
    escaped = 0
    for k in range(30, 40):
        for marker in ("-", "+", "=", "1."):
            head = "a " * k + f"{marker} b"
            c = DigestCluster("i", head, False, 1.0, NOW, "o", NOW, 1, 1, ("o",))
            md = render_markdown(Digest(NOW, SINCE, "w", (DigestPane("aid", (c,), 1),), ()))
            lines = md.split("## Aid")[1].splitlines()
            continuation = [
                ln.strip() for ln in lines if ln.startswith("  ") and not ln.startswith("  - ")
            ]
            assert not any(
                ln.startswith(("- ", "+ ", "= ", "1. ")) or ln in "-+=" for ln in continuation
            )
            escaped += any(ln.startswith("\\") for ln in continuation)
    assert escaped >= 4


def test_quotes_are_cut_and_counted() -> None:
    q = DigestQuote("word " * 100, 3, 2)
    c = DigestCluster("i", "h", False, 1.0, NOW, "o", NOW, 2, 3, ("a", "b"), (q,))
    md = render_markdown(Digest(NOW, SINCE, "w", (DigestPane("aid", (c,), 1),), ()))
    assert '..." (3 stories, 2 outlets)' in md.replace("\n    ", " ")
    assert "2 outlets, 3 stories: a, b" in md


def test_since_last_falls_back_without_a_previous_digest() -> None:
    assert since_last(None, NOW, timedelta(hours=8)) == (
        SINCE,
        "no previous digest, so the last 8h",
    )
    prev = NOW - timedelta(hours=3)
    assert since_last(prev, NOW, timedelta(hours=8)) == (prev, "since the previous digest")


# ------------------------------------------------------------------------ CLI
@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A refreshed seed database (real clock: the CLI's digest uses now)."""
    tmp = tmp_path_factory.mktemp("digest")
    seeds = tmp / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    ts = datetime.now(UTC).timestamp() - 3600
    for f in seeds.iterdir():
        os.utime(f, (ts, ts))
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'feeds = []\n[storage]\ndatabase = "{tmp / "d.db"}"\n[seeds]\npaths = ["{seeds}"]\n'
    )
    r = CliRunner().invoke(cli, ["refresh", "--quiet", "--config", str(cfg)])
    assert r.exit_code == 0, r.output
    return cfg


def _run(cfg: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["digest", "--config", str(cfg), *args])
    return r.exit_code, r.stdout, r.stderr


def test_cli_digest_markdown_and_since_last(cli_config: Path, tmp_path: Path) -> None:
    code, out, _ = _run(cli_config, "--no-mark")
    assert code == 0 and "## Diplomacy" in out and "Window: the last 8h." in out
    with Store.open(Path(str(cli_config.parent / "d.db"))) as store:
        assert store.get_meta(LAST_DIGEST_KEY) is None
    code, out, _ = _run(cli_config, "--since-last", "-o", str(tmp_path / "d.md"))
    assert code == 0 and out == ""
    assert "no previous digest, so the last 8h" in (tmp_path / "d.md").read_text()
    with Store.open(Path(str(cli_config.parent / "d.db"))) as store:
        marked = store.get_meta(LAST_DIGEST_KEY)
    assert marked
    code, out, _ = _run(cli_config, "--since-last", "--format", "json")
    doc = json.loads(out)
    assert doc["window"] == "since the previous digest"
    assert doc["since"] == datetime.fromisoformat(marked).isoformat()


def test_cli_digest_usage_errors(cli_config: Path) -> None:
    code, _, err = _run(cli_config, "--pane", "sports")
    assert code == 2 and "no pane 'sports'" in err
    code, _, err = _run(cli_config, "--since", "8h", "--since-last")
    assert code == 2 and "not both" in err
    code, _, err = _run(cli_config, "--since", "yesterday")
    assert code == 2 and "duration like 8h" in err


def test_cli_digest_other_pane(cli_config: Path) -> None:
    code, out, _ = _run(cli_config, "--pane", "other", "--no-mark")
    assert code == 0 and "## Other" in out and "## Diplomacy" not in out


def test_cli_digest_without_a_database(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'feeds = []\n[storage]\ndatabase = "{tmp_path / "none.db"}"\n')
    code, _, err = _run(cfg)
    assert code == 2 and "run 'frontline refresh' first" in err
    assert not (tmp_path / "none.db").exists()


def test_store_dismissals_read(store: Store, desk: Desk) -> None:
    row = desk.clusters("diplomacy", ClusterFilter())[0]
    desk.dismiss(row.id)
    ((cid, at, description),) = store.dismissals(SINCE)
    assert (cid, at) == (row.id, NOW) and description.startswith("Dismissed: ")
