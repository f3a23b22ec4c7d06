"""RELIABILITY.md K1-K7: ``frontline`` as cron runs it, with hostile text in the database.

Every command runs as a child in an ``env -i`` style environment (no HOME,
TERM, LANG or tty). The database is filled through the real pipeline from the
fault server with titles, authors and errors carrying newlines, carriage
returns, escape sequences and Rich/Textual markup.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import LockedError
from app.lock import acquire
from app.refresh import run_refresh
from tests.reliability.conftest import (
    ROOT,
    base_env,
    frontline,
    item,
    make_settings,
    rss,
    story_rows,
    write_config,
)
from tests.reliability.faultserver import FaultServer, closed_port, raw, respond

ANSI = re.compile(rb"\x1b|\x9b|\xc2\x9b")
HOSTILE = "Line one\nforged: line\r\x1b[31mred\x1b[0m [/] [bold]x[/bold] [@click=app.quit]q"
OSC8 = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"


@pytest.fixture
def desk_db(tmp_path: Path, server: FaultServer) -> tuple[Path, FaultServer]:
    """A config with a hostile feed, two failing ones, and one refresh done."""
    body = rss(
        item("k1", (HOSTILE + " Київ " + OSC8).replace("&", "&amp;"), summary="Kyiv\r\nsummary"),
        item("k2", "Plain headline about Odesa port talks"),
        title="Feed\x1b]52;c;SGk=\x07 name\nwith newline",
    )
    server.route("/hostile", respond(200, body))
    server.route("/banner", raw(b"SSH-2.0-\x1b[31mOpenSSH\r\nforged: log line\r\n"))
    feeds = [
        (server.url("/hostile"), "Hostile"),
        (server.url("/banner"), "Banner"),
        (f"http://127.0.0.1:{closed_port()}/feed", "Closed"),
    ]
    config = write_config(tmp_path, feeds)
    child = frontline("refresh", "--config", str(config))
    assert child.returncode == 1, child.stderr
    return config, server


def due_again(db: Path) -> None:
    """Clear the back-off so the next refresh polls every feed again."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE feeds SET next_attempt = NULL")
    conn.commit()
    conn.close()


def clean_output(data: bytes) -> None:
    data = data.replace(b"\r\n", b"\n")  # CSV's own record separator
    assert not ANSI.search(data), data
    assert b"\r" not in data and b"\x00" not in data
    assert b"Traceback" not in data


# --------------------------------------------------------------------------- K1
def test_k1_cron_environment_plain_output_and_exit_codes(
    desk_db: tuple[Path, FaultServer],
) -> None:
    config, _ = desk_db
    due_again(config.parent / "c.db")
    env = base_env()
    assert not {"HOME", "TERM", "LANG", "LC_ALL"} & set(env)
    child = frontline("refresh", "--config", str(config), env=env)
    assert child.returncode == 1  # some feeds failed
    clean_output(child.stdout + child.stderr)
    assert child.stdout.decode().startswith("refresh: 0 files (0 failed); 3 feeds (")
    assert child.stdout.count(b"\n") == 1
    for args in (["--help"], ["refresh", "--help"], ["doctor", "--config", str(config)]):
        out = frontline(*args, env=env)
        clean_output(out.stdout + out.stderr)
    quiet = config.parent / "quiet"
    quiet.mkdir()
    ok = frontline("refresh", "--config", str(write_config(quiet, [])), env=env)
    assert ok.returncode == 0, ok.stderr
    clean_output(ok.stdout + ok.stderr)


# --------------------------------------------------------------------------- K2
@pytest.mark.parametrize(
    "command", [["refresh", "--json"], ["export"], ["export", "--format", "md"], ["feeds", "list"]]
)
def test_k2_broken_pipe_is_quiet(desk_db: tuple[Path, FaultServer], command: list[str]) -> None:
    config, _ = desk_db
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *command, "--config", str(config)],
        env=base_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first line
    err = proc.stderr.read()
    proc.stderr.close()
    code = proc.wait(60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"Exception ignored" not in err
    assert code in (0, 1)  # refresh still reports its failed feeds with 1


# --------------------------------------------------------------------------- K3, K4
@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C"}, {"LC_ALL": "C", "LANG": "C"}]
)
def test_k3_k4_ascii_locales_and_hostile_titles_print_plainly(
    desk_db: tuple[Path, FaultServer], env: dict[str, str]
) -> None:
    config, _ = desk_db
    rows = story_rows(config.parent / "c.db")
    hostile_id = next(r[0] for r in rows if r[4] == "k1")
    outputs = []
    for args in (
        ["export", "--format", "md"],
        ["export", "--format", "csv"],
        ["explain", hostile_id[:8]],
        ["feeds", "list"],
        ["doctor"],
    ):
        child = frontline(*args, "--config", str(config), env=base_env(**env))
        assert child.returncode in (0, 1), child.stderr
        assert b"UnicodeEncodeError" not in child.stderr
        clean_output(child.stdout + child.stderr)
        outputs.append(child.stdout)
    # click writes UTF-8 when the locale claims ASCII (it re-wraps such
    # streams on purpose), so the bytes are UTF-8, never an encoding crash.
    text = b"".join(outputs).decode("utf-8", errors="strict")
    assert "[/] [bold]x[/bold] [@click=app.quit]q" in text or "\\[/\\]" in text  # literal
    assert "evil.example" not in text  # the OSC 8 target was dropped at ingest
    assert "Київ" in text or "????" in text


def test_k4_utf8_output_keeps_the_text_and_drops_the_controls(
    desk_db: tuple[Path, FaultServer],
) -> None:
    config, _ = desk_db
    rows = story_rows(config.parent / "c.db")
    hostile_id = next(r[0] for r in rows if r[4] == "k1")
    child = frontline(
        "explain", hostile_id[:8], "--config", str(config), env=base_env(LC_ALL="C.UTF-8")
    )
    assert child.returncode == 0
    clean_output(child.stdout)
    title = next(line for line in child.stdout.decode().splitlines() if line.startswith("title "))
    assert title == (
        "title    Line one forged: line red [/] [bold]x[/bold] [@click=app.quit]q Київ click"
    )


# --------------------------------------------------------------------------- K5
def test_k5_a_desk_refresh_meets_the_cron_lock(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    held = acquire(settings.lock_path)  # cron's refresh, in this process for the test
    try:
        with pytest.raises(LockedError) as err:
            run_refresh(settings, include_feeds=False)  # what the desk's worker calls
        assert err.value.pid is not None
        assert str(err.value) == f"another refresh is already running (pid {err.value.pid})"
        assert err.value.exit_code == 75
    finally:
        held.release()
    run_refresh(settings, include_feeds=False)  # free again


# --------------------------------------------------------------------------- K6
def test_k6_no_network_one_line_per_feed_and_only_counters_change(tmp_path: Path) -> None:
    feeds = [(f"http://127.0.0.1:{closed_port()}/f{n}", f"Offline {n}") for n in range(4)]
    feeds.append(("http://x.invalid/feed", "No DNS"))
    config = write_config(tmp_path, feeds)
    db = tmp_path / "c.db"
    first = frontline("refresh", "--config", str(config))
    assert first.returncode == 1
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO stories(id, source, source_kind, outlet, title, published, fetched,"
        " first_seen, content_hash) VALUES('keep', ?, 'feed', 'x', 'Kept story',"
        " '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 'h')",
        [feeds[0][0]],
    )
    conn.commit()
    conn.close()
    due_again(db)
    before = story_rows(db)
    child = frontline("refresh", "--config", str(config))
    assert child.returncode == 1
    err = child.stderr.decode().splitlines()
    assert len(err) == len(feeds)
    assert all(line.startswith("frontline: feed http://") for line in err)
    assert child.stdout.count(b"\n") == 1 and b"5 failed" in child.stdout
    clean_output(child.stdout + child.stderr)
    assert story_rows(db) == before
    conn = sqlite3.connect(db)
    counts = [r[0] for r in conn.execute("SELECT error_count FROM feeds ORDER BY url")]
    conn.close()
    assert counts == [2] * len(feeds)


# --------------------------------------------------------------------------- K7
def test_k7_feed_text_cannot_forge_log_lines(desk_db: tuple[Path, FaultServer]) -> None:
    config, _ = desk_db
    due_again(config.parent / "c.db")
    child = frontline("refresh", "--config", str(config))
    lines = child.stderr.decode().split("\n")
    assert lines[-1] == ""
    events = lines[:-1]
    assert len(events) == 2  # the banner feed and the closed port: one line each
    assert all(line.startswith("frontline: feed http://127.0.0.1:") for line in events)
    assert not any("forged" in line and not line.startswith("frontline: ") for line in events)
    clean_output(child.stderr)
    doc = frontline("refresh", "--json", "--config", str(config))
    assert doc.stdout.count(b"\n") == 1  # one JSON document on one line
    payload = json.loads(doc.stdout)
    text = json.dumps(payload)
    assert "\\u001b" not in text and "\\r" not in text
    for args in (["feeds", "list"], ["doctor"]):
        out = frontline(*args, "--config", str(config))
        clean_output(out.stdout + out.stderr)
        for line in out.stdout.decode().splitlines():
            assert not line.startswith("forged")


def test_k4_the_cli_never_prints_through_rich() -> None:
    # The CLI prints with click.echo, never Rich (no markup to inject into, no
    # OSC 8 links). httpx imports rich for its own CLI, so this checks the
    # source, like the import-linter contract does.
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "app").rglob("*.py")
        if "tui" not in path.parts
        and re.search(r"^\s*(from|import) rich\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []
