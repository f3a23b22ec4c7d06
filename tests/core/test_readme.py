"""The README stays true: generated tables current, commands and files it names exist."""

from __future__ import annotations

import configparser
import re

import click
import pytest

from app.cli import cli
from app.config_reference import (
    CONFIG_MARKERS,
    KEYMAP_MARKERS,
    config_reference_markdown,
    keymap_reference_markdown,
)
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
REGENERATE = "stale: run `frontline config reference --write README.md`"


def between(markers: tuple[str, str]) -> str:
    start, end = markers
    return README.split(start, 1)[1].split(end, 1)[0].lstrip("\n")


def test_config_table_is_current() -> None:
    assert between(CONFIG_MARKERS) == config_reference_markdown(), REGENERATE


def test_keymap_table_is_current() -> None:
    pytest.importorskip("textual")
    from app.cli_config import _keymap_rows

    assert between(KEYMAP_MARKERS) == keymap_reference_markdown(_keymap_rows()), REGENERATE


def test_quick_start_commands_are_unchanged() -> None:
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/frontline\n" in README
    )
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
        ".venv/bin/pytest -q -p no:cacheprovider\n" in README
    )


def test_screenshot_exists() -> None:
    (path,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert (ROOT / path).is_file()


def _commands(group: click.Group, prefix: str) -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append(f"{prefix} {name}")
    return out


def test_every_command_is_documented() -> None:
    table = README.split("## Commands", 1)[1]
    for command in _commands(cli, "frontline"):
        *group, last = command.split()
        # `frontline feeds remove\|enable\|disable URL` documents three at once
        pattern = re.escape(" ".join(group)) + r" (?:[\w-]+\\\|)*" + re.escape(last) + r"\b"
        assert re.search(pattern, table), command


def test_cron_line_and_systemd_instructions() -> None:
    assert "*/10 * * * * /path/to/frontline/.venv/bin/frontline refresh --quiet" in README
    assert "systemctl --user enable --now frontline-refresh.timer" in README
    assert "_FRONTLINE_COMPLETE=bash_source frontline" in README


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "contrib" / name, encoding="utf-8")
    return parser


def test_systemd_units() -> None:
    service = _unit("frontline-refresh.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("frontline refresh --quiet")
    assert service["TimeoutStartSec"] and int(service["Nice"]) > 0
    assert set(service["SuccessExitStatus"].split()) == {"1", "75"}
    timer = _unit("frontline-refresh.timer")
    assert timer["Timer"]["OnCalendar"] == "*:0/10"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
