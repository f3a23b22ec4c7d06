"""The CLI as cron runs it: exit codes, plain output, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(rb"\x1b[\[\]]")


def frontline(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=base,  # env -i style: no HOME, no TERM, no tty
        cwd=cwd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def seeds_config(tmp_path: Path, feeds: str = "feeds = []\n") -> Path:
    p = tmp_path / "config.toml"
    p.write_text(
        f'{feeds}[storage]\ndatabase = "{tmp_path / "c.db"}"\n[seeds]\npaths = ["{ROOT / "seeds"}"]\n',
        encoding="utf-8",
    )
    return p


def test_refresh_seeds_only_exits_0_with_one_summary_line(tmp_path: Path) -> None:
    cfg = seeds_config(tmp_path)
    r = frontline("refresh", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refresh: 5 files (0 failed)")
    assert not ANSI.search(r.stdout + r.stderr)
    assert b"Traceback" not in r.stderr


def test_refresh_with_unreachable_feed_exits_1_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/rss"
    cfg = seeds_config(tmp_path, f'[[feeds]]\nurl = "{url}"\nname = "Dead"\n')
    r = frontline("refresh", "--config", str(cfg))
    assert r.returncode == 1
    err = r.stderr.decode()
    assert url in err and "refused" in err
    assert b"Traceback" not in r.stderr


def test_refresh_json(tmp_path: Path) -> None:
    r = frontline("refresh", "--json", "--config", str(seeds_config(tmp_path)))
    data = json.loads(r.stdout)
    assert data["failed"] == 0 and data["stories"] > 0
    assert {x["kind"] for x in data["results"]} == {"file"}


def test_refresh_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    r = frontline("refresh", "--quiet", "--config", str(seeds_config(tmp_path)))
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""


def test_bad_config_exits_2_with_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[refresh]\ninterval = "ten"\n')
    r = frontline("refresh", "--config", str(cfg))
    assert r.returncode == 2
    assert b"refresh.interval" in r.stderr and b"Traceback" not in r.stderr


def test_missing_config_exits_2_with_the_path(tmp_path: Path) -> None:
    r = frontline("refresh", "--config", str(tmp_path / "nope.toml"))
    assert r.returncode == 2 and str(tmp_path / "nope.toml").encode() in r.stderr


def test_locked_refresh_exits_75_at_once(tmp_path: Path) -> None:
    from app.config import load_settings
    from app.lock import refresh_lock

    cfg = seeds_config(tmp_path)
    settings = load_settings(cfg)
    with refresh_lock(settings.lock_path):
        r = frontline("refresh", "--config", str(cfg), timeout=30)
    assert r.returncode == 75
    assert f"pid {os.getpid()}".encode() in r.stderr


def test_wrong_database_file_exits_2_without_writing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    db.write_bytes(b"not a database at all" * 100)
    before = db.read_bytes()
    r = frontline("refresh", "--config", str(seeds_config(tmp_path)))
    assert r.returncode == 2 and b"not a SQLite database" in r.stderr
    assert db.read_bytes() == before


def test_export_jsonl_has_the_contract_keys(tmp_path: Path) -> None:
    cfg = seeds_config(tmp_path)
    assert frontline("refresh", "--config", str(cfg)).returncode == 0
    r = frontline("export", "--config", str(cfg))
    assert r.returncode == 0
    rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert rows
    for key in ("id", "source", "title", "url", "published", "pane", "cluster_id", "quote_ids"):
        assert all(key in row for row in rows)
    assert {row["pane"] for row in rows} <= {"diplomacy", "battlefield", "aid", "other"}
    # csv and md work too
    assert frontline("export", "--format", "csv", "--config", str(cfg)).returncode == 0
    md = frontline("export", "--format", "md", "--pane", "aid", "--config", str(cfg))
    assert md.returncode == 0 and b"## Aid" in md.stdout


def test_explain_prints_cluster_and_pane_reasons(tmp_path: Path) -> None:
    cfg = seeds_config(tmp_path)
    frontline("refresh", "--config", str(cfg))
    rows = [json.loads(x) for x in frontline("export", "--config", str(cfg)).stdout.splitlines()]
    joined = next(r for r in rows if r["cluster_signal"] != "founder")
    r = frontline("explain", joined["id"][:10], "--config", str(cfg))
    out = r.stdout.decode()
    assert r.returncode == 0
    assert f"joined via {joined['cluster_signal']}" in out and "pane" in out


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    cfg = seeds_config(tmp_path)
    frontline("refresh", "--config", str(cfg))
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    p = subprocess.run(
        f"{sys.executable} -m app export --config {cfg} | head -c 10",
        shell=True,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert b"Traceback" not in p.stderr and b"BrokenPipe" not in p.stderr


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C"}])
def test_ascii_locale_does_not_crash(tmp_path: Path, env: dict[str, str]) -> None:
    cfg = seeds_config(tmp_path)
    frontline("refresh", "--config", str(cfg))
    r = frontline("export", "--format", "md", "--config", str(cfg), env=env)
    assert r.returncode == 0 and b"Traceback" not in r.stderr


def test_desk_without_a_terminal_says_so(tmp_path: Path) -> None:
    r = frontline("--config", str(seeds_config(tmp_path)))
    assert r.returncode == 2 and b"needs a terminal" in r.stderr
