"""``frontline config path|check|show|reference``, themes, the generated reference."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.classify import PaneRules
from app.cli import cli
from app.cli_config import settings_toml
from app.cluster import ClusterParams
from app.config import TEXTUAL_THEMES, load_settings, parse_settings
from app.config_reference import (
    attribute_docs,
    config_reference_markdown,
    keymap_reference_markdown,
    replace_between,
)
from app.config_schema import AlertSettings, RefreshSettings, UiSettings
from app.errors import ConfigValueError
from app.opml import ListedFeed
from tests.conftest import ROOT


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def cfg(tmp_path: Path, extra: str = "") -> Path:
    p = tmp_path / "config.toml"
    p.write_text(
        f'[[feeds]]\nurl = "https://cfg.example/rss"\nname = "Cfg \\"quoted\\""\ntags = ["a"]\n'
        f'[storage]\ndatabase = "{tmp_path / "c.db"}"\n[keymap]\nstar = "s,asterisk"\n{extra}',
        encoding="utf-8",
    )
    return p


# ------------------------------------------------------------------ themes
def test_theme_tuple_is_textuals_builtins() -> None:
    assert TEXTUAL_THEMES and "textual-dark" in TEXTUAL_THEMES
    assert len(set(TEXTUAL_THEMES)) == len(TEXTUAL_THEMES)


def test_unknown_theme_is_a_config_error_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigValueError, match=r"ui.theme: unknown theme 'nords'.*'nord'"):
        parse_settings({"ui": {"theme": "nords"}}, base=tmp_path)
    assert parse_settings({"ui": {"theme": "gruvbox"}}, base=tmp_path).ui.theme == "gruvbox"
    code, _, err = invoke("config", "check", "--config", str(cfg(tmp_path, '[ui]\ntheme = "x"\n')))
    assert code == 2 and "ui.theme" in err and "textual-dark" in err


# ------------------------------------------------------------ path / check
def test_config_path_and_check(tmp_path: Path) -> None:
    c = cfg(tmp_path)
    code, out, _ = invoke("config", "path", "--config", str(c))
    assert code == 0 and f"config   {c}" in out and f"database {tmp_path / 'c.db'}" in out
    code, out, _ = invoke("--config", str(c), "config", "check")  # group-level option too
    assert code == 0 and out.startswith("ok: 1 feeds, 0 seed paths, 3 panes")


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("frontline, version ")


# -------------------------------------------------------------------- show
def test_show_is_toml_that_loads_back_to_the_same_settings(tmp_path: Path) -> None:
    c = cfg(tmp_path)
    invoke("feeds", "add", "https://user.example/rss", "--name", "Mine", "--config", str(c))
    invoke("feeds", "disable", "https://cfg.example/rss", "--config", str(c))
    code, out, _ = invoke("config", "show", "--config", str(c))
    assert code == 0
    assert f"# config file: {c}" in out
    assert "[[feeds]]  # config, disabled" in out and "[[feeds]]  # database" in out
    data = tomllib.loads(out)
    assert [f["url"] for f in data["feeds"]] == [
        "https://cfg.example/rss",
        "https://user.example/rss",
    ]
    again = parse_settings(data, base=tmp_path)
    original = load_settings(c)
    for name in ("database", "refresh", "clustering", "panes", "alerts", "ui", "seeds"):
        assert getattr(again, name) == getattr(original, name), name
    assert dict(again.keymap) == {"star": "s,asterisk"}
    assert again.feeds[0] == original.feeds[0]


def test_show_without_a_config_or_database(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "app", "config", "show", "--db", str(tmp_path / "none.db")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "# config file: none: built-in defaults" in r.stdout
    assert len(tomllib.loads(r.stdout)["feeds"]) == 12  # the curated list
    assert not (tmp_path / "none.db").exists()


def test_show_with_no_feeds_writes_a_top_level_empty_list(tmp_path: Path) -> None:
    settings = parse_settings({"feeds": []}, base=tmp_path)
    data = tomllib.loads(settings_toml(settings, []))
    assert data["feeds"] == [] and "feeds" not in data["keymap"]


def test_show_quotes_odd_keys_and_strings(tmp_path: Path) -> None:
    settings = parse_settings({"feeds": [], "keymap": {"odd key": 'a"b'}}, base=tmp_path)
    feeds = [ListedFeed("https://x.example/", "N\\a\x7f", ("t",), "database")]
    data = tomllib.loads(settings_toml(settings, feeds))
    assert data["keymap"] == {"odd key": 'a"b'} and data["feeds"][0]["name"] == "N\\a\x7f"


# --------------------------------------------------------------- reference
def test_reference_covers_every_config_field() -> None:
    table = config_reference_markdown()
    for table_name, cls in (
        ("refresh", RefreshSettings),
        ("clustering", ClusterParams),
        ("alerts", AlertSettings),
        ("ui", UiSettings),
    ):
        for f in dataclasses.fields(cls):
            assert f"`{table_name}.{f.name}`" in table, f.name
    for key in ("min_score", "title_weight", "summary_weight", "body_weight", "max_chars"):
        assert f"`panes.{key}`" in table
    assert "| `refresh.interval` | `600` | whole number, 60 to 86400 seconds |" in table
    assert "`storage.database`" in table and "`keymap.BINDING_ID`" in table
    assert all(f"`{t}`" in table for t in TEXTUAL_THEMES)


def test_every_documented_dataclass_field_has_a_description() -> None:
    for cls in (RefreshSettings, AlertSettings, UiSettings, ClusterParams, PaneRules):
        docs = attribute_docs(cls)
        missing = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in docs]
        assert not missing or (cls is PaneRules and missing == ["relevance_min_score"]), missing


def test_config_reference_command(tmp_path: Path) -> None:
    code, out, _ = invoke("config", "reference")
    assert code == 0 and out == config_reference_markdown()
    readme = tmp_path / "R.md"
    readme.write_text("x\n<!-- config-table:start -->\nold\n<!-- config-table:end -->\ny\n")
    code, _, err = invoke("config", "reference", "--write", str(readme))
    assert code == 2 and "keymap-table" in err  # both markers are needed


def test_keymap_table_and_replace_between() -> None:
    table = keymap_reference_markdown([("Desk", "refresh", "R,f5", "Refresh | now")])
    assert "| Desk | `refresh` | `R`, `f5` | Refresh \\| now |" in table
    assert replace_between("a\n<s>\nold\n<e>\nb", ("<s>", "<e>"), "new\n") == "a\n<s>\nnew\n<e>\nb"
    with pytest.raises(ValueError):
        replace_between("no markers", ("<s>", "<e>"), "x")


def test_shell_completion_script() -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "_FRONTLINE_COMPLETE": "bash_source",
    }
    r = subprocess.run(
        [sys.executable, "-m", "app"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and "_frontline_completion()" in r.stdout
