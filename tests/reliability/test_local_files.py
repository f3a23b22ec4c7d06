"""RELIABILITY.md L1-L7: saved-news files that are oddly encoded, huge, special or moving.

Each case goes through the refresh pipeline with a seeds folder (as cron and
``frontline ingest`` read it) and checks that the bad file is skipped with a
warning naming it while the others are imported.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import app.seeds.reading
from app.models import SourceStatus
from app.text import is_banned
from tests.conftest import NOW
from tests.reliability.conftest import (
    LATER,
    frontline,
    make_settings,
    run,
    story_rows,
    write_config,
)

PAGE = (
    "Drone strike hits power station near Kharkiv overnight\n\n"
    "Russian drones struck a power station near Kharkiv overnight, cutting electricity to "
    "thousands of homes, the regional governor said on Monday. Repair crews were working.\n\n"
    "Talks on prisoner exchange resume in Istanbul\n\n"
    "Negotiators from both sides met in Istanbul on Monday to discuss a new prisoner exchange, "
    "officials said. The talks are expected to last two days.\n"
)
CYRILLIC = (
    "Удар по электростанции под Харьковом ночью\n\n"
    "Российские беспилотники ночью ударили по электростанции под Харьковом, оставив тысячи "
    "домов без света, сообщил губернатор области в понедельник. Ремонтники уже работают.\n"
)
LATIN = (
    "Café owners in Zürich rally for Ukraine\n\n"
    "Café owners across Zürich collected donations for Ukrainian families on Sunday, the "
    "organisers said. Über tausend Menschen kamen, sagte die Polizei später am Abend.\n"
)


def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    os.utime(folder, (NOW.timestamp(), NOW.timestamp()))
    return folder


def results(report: Any) -> dict[str, Any]:
    return {Path(r.source).name: r for r in report.results}


def guard(seconds: float) -> Any:
    """Fail (rather than hang the suite) when a run takes longer than this."""

    class Guard:
        def __enter__(self) -> None:
            self.started = time.monotonic()

        def __exit__(self, *exc: object) -> None:
            assert time.monotonic() - self.started < seconds

    return Guard()


# --------------------------------------------------------------------------- L1
@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("cp1251.txt", CYRILLIC.encode("cp1251"), "Харьковом"),
        ("latin1.txt", LATIN.encode("latin-1"), "Zürich"),
        ("bom.txt", b"\xef\xbb\xbf" + PAGE.encode(), "Kharkiv"),
        ("utf16.txt", PAGE.encode("utf-16"), "Kharkiv"),
        ("crlf.txt", PAGE.replace("\n", "\r\n").encode(), "Istanbul"),
    ],
)
def test_l1_encodings_and_line_ends_are_decoded(
    tmp_path: Path, name: str, data: bytes, needle: str
) -> None:
    folder = seeds(tmp_path)
    (folder / name).write_bytes(data)
    settings = make_settings(tmp_path, seeds=[folder])
    result = results(run(settings, NOW))[name]
    assert result.status is SourceStatus.OK and result.new >= 1, result
    stored = " ".join(" ".join(map(str, r)) for r in story_rows(settings.database))
    assert needle in stored
    assert "\r" not in stored and "\ufeff" not in stored


# --------------------------------------------------------------------------- L2
def test_l2_binary_and_huge_files_are_skipped_without_reading(tmp_path: Path) -> None:
    folder = seeds(tmp_path)
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    huge = folder / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(2 * 2**30)  # sparse: 2 GiB by stat, nothing on disk
    opened: list[str] = []

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and str(args[0]) == str(huge):
            opened.append(event)

    sys.addaudithook(audit)  # permanent, but it only records opens of `huge`
    settings = make_settings(tmp_path, seeds=[folder])
    with guard(20):
        by = results(run(settings, NOW))
    assert by["good.txt"].status is SourceStatus.OK
    assert by["photo.txt"].error == "photo.txt: binary file (NUL bytes), skipped"
    assert by["huge.txt"].error == (
        f"{huge}: too big ({2 * 2**30} bytes, limit {10 * 2**20}), skipped"
    )
    assert opened == []  # judged by stat alone


# --------------------------------------------------------------------------- L3
def test_l3_only_regular_files_are_read_and_nothing_blocks(tmp_path: Path) -> None:
    folder = seeds(tmp_path)
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # opening it for reading would block forever
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "dir.txt").mkdir()
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    settings = make_settings(tmp_path, seeds=[folder])
    with guard(20):
        by = results(run(settings, NOW))
    assert by["good.txt"].status is SourceStatus.OK
    expected = {
        "pipe.txt": "not a regular file (a FIFO), skipped",
        "zero.txt": "not a regular file (a character device), skipped",
        "dir.txt": "not a regular file (a directory), skipped",
        "loop.txt": "symlink loop, skipped",
    }
    for name, message in expected.items():
        assert by[name].status is SourceStatus.ERROR
        assert by[name].error == f"{folder / name}: {message}"


# --------------------------------------------------------------------------- L4
def test_l4_permission_denied_and_vanished_files_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = seeds(tmp_path)
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    secret = folder / "secret.txt"
    secret.write_text(PAGE, encoding="utf-8")
    gone = folder / "gone.txt"
    gone.write_text(PAGE, encoding="utf-8")
    real_open, real_lstat = os.open, os.lstat

    # Root reads any mode, so permission is simulated at the system call; the
    # vanishing file is removed right after the folder was listed.
    def fake_open(path: Any, flags: int, *a: Any, **kw: Any) -> int:
        if str(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *a, **kw)

    def fake_lstat(path: Any, *a: Any, **kw: Any) -> os.stat_result:
        if str(path) == str(gone) and gone.exists():
            gone.unlink()
        return real_lstat(path, *a, **kw)

    monkeypatch.setattr(app.seeds.reading.os, "open", fake_open)
    monkeypatch.setattr(app.seeds.reading.os, "lstat", fake_lstat)
    settings = make_settings(tmp_path, seeds=[folder])
    by = results(run(settings, NOW))
    assert by["good.txt"].status is SourceStatus.OK
    assert by["secret.txt"].error == f"{secret}: permission denied, skipped"
    assert by["gone.txt"].error == f"{gone}: vanished before it could be read, skipped"


# --------------------------------------------------------------------------- L5
def test_l5_hostile_file_names_are_shown_cleaned(tmp_path: Path) -> None:
    folder = seeds(tmp_path)
    (folder / "good.txt").write_text(PAGE, encoding="utf-8")
    names = ["new\nline.txt", "esc\x1b]52;c;SGk=\x07.txt", "[@click=app.quit]x.txt"]
    for name in names:
        (folder / name).write_bytes(b"\x00binary")  # each one fails, so its name is printed
    config = write_config(tmp_path, [])
    config.write_text(config.read_text().replace("paths = []", f'paths = ["{folder}"]'))
    child = frontline("refresh", "--no-feeds", "--config", str(config))
    assert child.returncode == 1
    lines = child.stderr.decode().splitlines()
    assert len(lines) == 3  # one line per failed file: no forged lines
    assert all(line.startswith(f"frontline: file {folder}/") for line in lines)
    assert not any(is_banned(ch) for ch in child.stderr.decode().replace("\n", ""))
    assert any("[@click=app.quit]x.txt" in line for line in lines)  # literal, not markup
    assert any("newline.txt" in line or "new line.txt" in line for line in lines)


# --------------------------------------------------------------------------- L6
def test_l6_same_file_twice_then_edited(tmp_path: Path) -> None:
    folder = seeds(tmp_path)
    page = folder / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    config = write_config(tmp_path, [])
    first = frontline("ingest", "--config", str(config), str(page))
    second = frontline("ingest", "--config", str(config), str(page))
    assert first.returncode == second.returncode == 0
    assert b" 2 new" in first.stdout and b" 0 new, 0 updated" in second.stdout
    rows = story_rows(tmp_path / "c.db")
    page.write_text(PAGE.replace("two days", "three days"), encoding="utf-8")
    third = frontline("ingest", "--config", str(config), str(page))
    # 0 new: updated in place (both stories take the file's new mtime as their date).
    assert b" 0 new, " in third.stdout and b" 0 updated" not in third.stdout
    after = story_rows(tmp_path / "c.db")
    assert len(after) == len(rows) == 2
    assert sorted(r[0] for r in after) == sorted(r[0] for r in rows)  # same ids, updated


# --------------------------------------------------------------------------- L7
def test_l7_a_file_still_being_written_waits_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = seeds(tmp_path)
    growing = folder / "growing.txt"
    growing.write_text(PAGE, encoding="utf-8")
    (folder / "good.txt").write_text(LATIN, encoding="utf-8")
    real_read = os.read
    appended = threading.Event()

    def read_while_written(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        if not appended.is_set() and os.fstat(fd).st_ino == growing.stat().st_ino:
            appended.set()
            with growing.open("a", encoding="utf-8") as fh:  # the writer is still at it
                fh.write("\nMore text arriving while we read.\n")
        return data

    monkeypatch.setattr(app.seeds.reading.os, "read", read_while_written)
    settings = make_settings(tmp_path, seeds=[folder])
    by = results(run(settings, NOW))
    assert by["growing.txt"].error == f"{growing}: changing, will retry next run"
    assert by["good.txt"].status is SourceStatus.OK
    monkeypatch.undo()
    again = results(run(settings, LATER))
    assert again["growing.txt"].status is SourceStatus.OK and again["growing.txt"].new == 2
