"""RELIABILITY.md C1-C7 as cron meets them: ``frontline`` exits 2 with the path and the problem.

tests/core/test_config.py checks the loader function by function; here every
case runs the real command in an ``env -i`` style environment and checks the
exit code, that the message names the resolved file (and line/column or key),
that there is no traceback, and that no database was created or touched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import read_config_file
from app.errors import ConfigError
from tests.reliability.conftest import base_env, frontline


def check(
    tmp_path: Path,
    config: Path,
    *needles: str,
    env: dict[str, str] | None = None,
    commands: tuple[tuple[str, ...], ...] = (("refresh", "--no-feeds"),),
) -> str:
    db = tmp_path / "must-not-exist.db"
    for command in commands:
        child = frontline(*command, "--config", str(config), "--db", str(db), env=env, cwd=tmp_path)
        err = child.stderr.decode()
        assert child.returncode == 2, (command, err)
        assert err.startswith("frontline: error: config ") and err.count("\n") == 1, err
        assert "Traceback" not in err and child.stdout == b""
        for needle in needles:
            assert needle in err, (needle, err)
    assert not db.exists()
    return err


def write(tmp_path: Path, data: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- C1
def test_c1_missing_and_directory(tmp_path: Path) -> None:
    both = (("config", "check"), ("refresh", "--no-feeds"))
    check(
        tmp_path, tmp_path / "nope.toml", str(tmp_path / "nope.toml"), "no such file", commands=both
    )
    check(tmp_path, tmp_path, str(tmp_path), "is a directory", commands=both)


def test_c1_relative_path_is_shown_resolved(tmp_path: Path) -> None:
    err = check(tmp_path, Path("nope.toml"), str(tmp_path / "nope.toml"))
    assert "no such file" in err


def test_c1_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads any mode; the error path is driven at the read instead.
    path = write(tmp_path, "feeds = []\n")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ConfigError) as err:
        read_config_file(path)
    assert str(err.value) == f"config {path}: permission denied"


def test_c1_home_unset_env_i(tmp_path: Path) -> None:
    env = base_env()  # no HOME, no XDG_*, no TERM, no LANG
    assert "HOME" not in env
    err = check(tmp_path, tmp_path / "missing.toml", str(tmp_path / "missing.toml"), env=env)
    assert "no such file" in err
    child = frontline("config", "path", env=env, cwd=tmp_path)  # no config anywhere: defaults
    assert child.returncode == 0, child.stderr
    assert child.stdout.decode().startswith("config   built-in defaults\ndatabase /")


# --------------------------------------------------------------------------- C2, C3
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("feeds = []\n[refresh]\ninterval = 600\ninterval = 900\n", "line 4"),
        ("feeds = []\n[refresh\ninterval = 600\n", "line 2"),
        ("feeds = []\n[refresh]\ninterval = = 600\n", "line 3, column 12"),
    ],
    ids=["duplicate-key", "unclosed-table", "syntax"],
)
def test_c2_toml_errors_give_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text)
    check(tmp_path, path, str(path), "TOML error", where)


def test_c3_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b"feeds = []\n[refresh]\ninterval = 600 # caf\xe9\n")
    check(tmp_path, path, str(path), "not valid UTF-8 (byte 41); save it as UTF-8")


def test_c3_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbffeeds = []\n[refresh]\ninterval = 900\n")
    child = frontline("config", "check", "--config", str(path), cwd=tmp_path)
    assert child.returncode == 0, child.stderr


# --------------------------------------------------------------------------- C4, C5
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"ten"', "refresh.interval: must be a number, not 'ten'"),
        ("0", "refresh.interval: 0 is out of range; allowed: 60 to 86400 seconds"),
        ("-5", "refresh.interval: -5 is out of range; allowed: 60 to 86400 seconds"),
        ("99999999999999999999999", "refresh.interval: 99999999999999999999999 is out of range"),
    ],
)
def test_c4_bad_values_name_the_key_and_the_range(tmp_path: Path, value: str, message: str) -> None:
    path = write(tmp_path, f"feeds = []\n[refresh]\ninterval = {value}\n")
    check(tmp_path, path, str(path), message)


def test_c5_unknown_or_misspelled_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds = []\n[refresh]\nintervall = 600\n")
    check(tmp_path, path, "refresh.intervall: unknown key (did you mean 'interval'?)")


# --------------------------------------------------------------------------- C6, C7
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https feeds are allowed"),
        ("javascript:alert(1)", "only http and https feeds are allowed"),
        ("http:///no-host", "the URL has no host"),
    ],
)
def test_c6_bad_feed_urls_are_rejected_naming_the_entry(
    tmp_path: Path, url: str, message: str
) -> None:
    path = write(tmp_path, f'[[feeds]]\nurl = "https://ok.example/rss"\n[[feeds]]\nurl = "{url}"\n')
    check(tmp_path, path, "feeds[1].url", message)


def test_c6_duplicate_feed_urls(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[feeds]]\nurl = "https://ok.example/rss"\n[[feeds]]\nurl = "https://OK.example/rss/"\n',
    )
    check(tmp_path, path, "feeds[1].url: duplicate of feeds[0]")


def test_c7_deep_nesting(tmp_path: Path) -> None:
    path = write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    check(tmp_path, path, str(path), "nested too deeply to read")
