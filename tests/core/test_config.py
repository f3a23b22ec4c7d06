"""Config loading: lookup order, strict validation, and the RELIABILITY C-cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import (
    DEFAULT_FEEDS,
    RefreshSettings,
    find_config,
    load_settings,
    parse_settings,
)
from app.errors import ConfigError, ConfigValueError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str | bytes, name: str = "config.toml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_bundled_config_loads_and_matches_builtin_defaults(tmp_path: Path) -> None:
    s = load_settings(ROOT / "config.toml")
    d = parse_settings({}, base=tmp_path)
    assert s.refresh == d.refresh == RefreshSettings()
    assert s.clustering == d.clustering
    assert s.panes == d.panes
    assert [f.url for f in s.feeds] == [u for u, _, _ in DEFAULT_FEEDS]
    assert s.seeds == (ROOT / "seeds",)
    assert s.alerts.terms  # the bundled config flags something


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write(tmp_path, "", "explicit.toml")
    env = write(tmp_path, "", "env.toml")
    local = write(tmp_path, "")
    monkeypatch.setenv("FRONTLINE_CONFIG", str(env))
    assert find_config(explicit, cwd=tmp_path) == explicit
    assert find_config(None, cwd=tmp_path) == env
    monkeypatch.delenv("FRONTLINE_CONFIG")
    assert find_config(None, cwd=tmp_path) == local


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path) -> None:
    sub = tmp_path / "etc"
    sub.mkdir()
    p = write(sub, 'feeds = []\n[storage]\ndatabase = "data/x.db"\n[seeds]\npaths = ["pages"]\n')
    s = load_settings(p)
    assert s.database == sub / "data" / "x.db"
    assert s.seeds == (sub / "pages",)


def test_db_override(tmp_path: Path) -> None:
    p = write(tmp_path, '[storage]\ndatabase = "a.db"\n')
    assert load_settings(p, tmp_path / "b.db").database == tmp_path / "b.db"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[refresh]\ninterval = 10\ninterval = 20\n", "line 3"),  # duplicate key
        ("[refresh\n", "line 1"),
        ('feeds = [{url = "https://a.example/"}]\n[[feeds]]\nurl = "x"\n', "TOML error"),
    ],
)
def test_toml_errors_name_file_line_and_column(tmp_path: Path, text: str, needle: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_settings(p)
    msg = str(e.value)
    assert str(p.absolute()) in msg and needle in msg


def test_missing_directory_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings(tmp_path)


def test_invalid_utf8_and_bom(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_settings(write(tmp_path, b"[refresh]\ninterval = 60 # \xff\xfe\n"))
    s = load_settings(write(tmp_path, b"\xef\xbb\xbffeeds = []\n[refresh]\ninterval = 120\n"))
    assert s.refresh.interval == 120


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    p = write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError):
        load_settings(p)


@pytest.mark.parametrize("value", ['"ten"', "0", "-5", "99999999999999999999999", "true", "nan"])
def test_interval_validation_names_key_and_range(value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, f"[refresh]\ninterval = {value}\n"))
    assert "refresh.interval" in str(e.value)


def test_out_of_range_message_gives_the_range() -> None:
    with pytest.raises(ConfigValueError) as e:
        parse_settings({"refresh": {"interval": 0}}, base=Path("."))
    assert e.value.key == "refresh.interval"
    assert "60" in e.value.message and "86400" in e.value.message


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"refesh": {}}, "refesh"),
        ({"refresh": {"intervall": 60}}, "refresh.intervall"),
        ({"storage": {"db": "x"}}, "storage.db"),
        ({"feeds": [{"url": "https://a.example/", "nmae": "A"}]}, "feeds[0].nmae"),
        ({"alerts": {"term": ["x"]}}, "alerts.term"),
    ],
)
def test_unknown_keys_are_errors_with_a_suggestion(data: dict, key: str) -> None:
    with pytest.raises(ConfigValueError) as e:
        parse_settings(data, base=Path("."))
    assert e.value.key == key
    assert "unknown key" in e.value.message


def test_unknown_key_suggests_the_close_one() -> None:
    with pytest.raises(ConfigValueError, match="did you mean 'interval'"):
        parse_settings({"refresh": {"intervall": 60}}, base=Path("."))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "ftp://x.example/feed",
        "https://u:p@x.example/",
    ],
)
def test_bad_feed_urls_rejected_naming_the_entry(url: str) -> None:
    with pytest.raises(ConfigValueError) as e:
        parse_settings({"feeds": [{"url": "https://ok.example/rss"}, {"url": url}]}, base=Path("."))
    assert e.value.key == "feeds[1].url"


def test_duplicate_feed_urls_rejected() -> None:
    with pytest.raises(ConfigValueError, match=r"duplicate of feeds\[0\]"):
        parse_settings(
            {"feeds": [{"url": "https://A.example/rss/"}, {"url": "https://a.example/rss"}]},
            base=Path("."),
        )


def test_feed_defaults_and_tags() -> None:
    s = parse_settings({"feeds": [{"url": "https://a.example/rss", "tags": ["x"]}]}, base=Path("."))
    assert s.feeds[0].name == "a.example"
    assert s.feeds[0].tags == ("x",)


def test_no_feeds_key_means_the_curated_defaults_and_empty_list_means_none() -> None:
    assert len(parse_settings({}, base=Path(".")).feeds) == len(DEFAULT_FEEDS)
    assert parse_settings({"feeds": []}, base=Path(".")).feeds == ()


def test_lock_path_is_beside_not_the_database(tmp_path: Path) -> None:
    s = parse_settings({"storage": {"database": "x.db"}}, base=tmp_path)
    assert s.lock_path.parent == s.database.parent
    assert s.lock_path != s.database


def test_partial_panes_table_keeps_the_builtin_panes() -> None:
    s = parse_settings({"panes": {"min_score": 3.0}}, base=Path("."))
    assert s.panes.min_score == 3.0
    assert [p.name for p in s.panes.panes] == ["diplomacy", "battlefield", "aid"]


def test_a_pane_table_replaces_that_pane_and_new_tables_add_panes() -> None:
    s = parse_settings(
        {"panes": {"aid": {"terms": {"aid": 3}}, "energy": {"terms": {"power grid": 3}}}},
        base=Path("."),
    )
    names = [p.name for p in s.panes.panes]
    assert "energy" in names and "diplomacy" in names
    aid = next(p for p in s.panes.panes if p.name == "aid")
    assert [t for t, _ in aid.terms] == ["aid"]
