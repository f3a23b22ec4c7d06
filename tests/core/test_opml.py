"""OPML import/export: newsboat and Miniflux files, round trips, hostile input."""

from __future__ import annotations

import html
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.config import FeedConfig
from app.opml import (
    MAX_DEPTH,
    MAX_OPML_BYTES,
    ListedFeed,
    OpmlDocument,
    OpmlError,
    OpmlFeed,
    listed_feeds,
    parse_opml,
    plan_import,
    read_opml,
    render_opml,
)
from app.store import SCHEMA_VERSION, Store
from tests.conftest import DATA, NOW

OPML = DATA / "opml"


def urls(doc: OpmlDocument) -> list[str]:
    return [f.url for f in doc.feeds]


def by_url(doc: OpmlDocument) -> dict[str, OpmlFeed]:
    return {f.url: f for f in doc.feeds}


# ------------------------------------------------------------ newsboat files
def test_newsboat_example_nested_folders_become_tags() -> None:
    doc = read_opml(OPML / "example.opml")
    assert doc.title == "Example OPML file for Newsboat tests"
    feeds = by_url(doc)
    assert len(feeds) == 7 and not doc.skipped
    # the folder's text wins over its title, as in newsboat
    assert feeds["https://blogs.example.com/~john/posts.rss"].tags == ("Blogs",)
    assert feeds["https://blogs.example.com/~mike/.rss"].tags == ("Blogs", "friends")
    assert feeds["https://fred.example.com/writing/index.php?type=rss"].tags == ("eloquent",)
    assert feeds["https://example.com/feed.xml"] == OpmlFeed(
        "https://example.com/feed.xml", "example.com website"
    )


def test_newsboat_example2_text_only_outline_and_deep_folders() -> None:
    feeds = by_url(read_opml(OPML / "example2.opml"))
    assert feeds["https://example.com/five.atom"].name == "another title"
    assert feeds["https://third.example.com/~of/internet.rss"].tags == ("Rant boards", "humans")


def test_newsboat_category_attribute_is_tags() -> None:
    (feed,) = read_opml(OPML / "category.opml").feeds
    assert feed.tags == ("tag one", "tag_two", "tag/three")
    assert feed.name == "feeds.bbci.co.uk"  # empty title: the host
    assert feed.html_url is None  # htmlUrl="" is not known


def test_newsboat_piped_command_is_skipped_naming_the_outline() -> None:
    doc = read_opml(OPML / "piped.opml")
    assert urls(doc) == ["https://example.com/feed.atom"]
    (msg,) = doc.skipped
    assert "Birdsite search" in msg and "only http and https" in msg


def test_newsboat_filtercmd_feed_is_kept_with_a_note() -> None:
    doc = read_opml(OPML / "filtered.opml")
    assert "https://example.com/firehose" in urls(doc)
    assert any("Firehose" in n and "filtercmd" in n for n in doc.notes)


def test_newsboat_repeated_folder_names() -> None:
    feeds = by_url(read_opml(OPML / "test-urls+.opml"))
    assert feeds["http://test1.url.cc/feed.xml"].tags == ("tag1", "tag2")
    assert feeds["http://onemorefeed.at/feed/"].tags == ("tag1", "tag3")
    assert feeds["http://anotherfeed.com/"].tags == ()


@pytest.mark.parametrize(
    ("name", "why"),
    [("body-element-missing.opml", "no <body>"), ("opml-element-missing.opml", "<not-opml>")],
)
def test_newsboat_invalid_files_are_errors(name: str, why: str) -> None:
    with pytest.raises(OpmlError, match=re.escape(why)):
        read_opml(OPML / name)


def test_newsboat_style_export() -> None:
    feeds = by_url(read_opml(OPML / "newsboat-style-export.opml"))
    ukrinform = feeds["https://www.ukrinform.net/rss/block-lastnews"]
    assert ukrinform.tags == ("ukraine", "wire")
    assert ukrinform.html_url == "https://www.ukrinform.net/"
    npr = feeds["https://feeds.npr.org/1004/rss.xml"]
    assert npr.name == "feeds.npr.org" and npr.tags == ()


def test_miniflux_export_categories_and_site_urls() -> None:
    doc = read_opml(OPML / "miniflux.opml")
    assert doc.title == "Miniflux"
    feeds = by_url(doc)
    kyiv = feeds["https://kyivindependent.com/news-archive/rss/"]
    assert kyiv.tags == ("Ukraine & Russia",) and kyiv.html_url == "https://kyivindependent.com/"
    assert feeds["https://meduza.io/rss/en/all"].tags == ("All",)
    wire = feeds["https://example.org/reuters/world.rss"]
    assert wire.name == "Reuters <World>" and wire.html_url is None
    assert any("htmlUrl ignored" in n for n in doc.notes)


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize(
    "name", sorted(p.name for p in OPML.glob("*.opml") if "missing" not in p.name)
)
def test_render_then_parse_gives_the_same_feeds(name: str) -> None:
    doc = read_opml(OPML / name)
    text = render_opml(doc.feeds, now=NOW)
    again = parse_opml(text.encode())
    assert again.feeds == doc.feeds and not again.skipped and not again.notes


def test_render_is_opml_2_with_the_documented_attributes() -> None:
    feeds = [
        OpmlFeed("https://a.example/rss", 'A & "B" <c>', ("x", "y"), "https://a.example/"),
        OpmlFeed("https://b.example/feed", "B"),
    ]
    text = render_opml(feeds, now=NOW, title="t")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>t</title>" in text
    assert "<dateCreated>Fri, 05 Dec 2025 12:00:00 GMT</dateCreated>" in text
    assert (
        '<outline type="rss" text="A &amp; &quot;B&quot; &lt;c&gt;" '
        'title="A &amp; &quot;B&quot; &lt;c&gt;" xmlUrl="https://a.example/rss" '
        'htmlUrl="https://a.example/" category="x,y" />'
    ) in text
    assert '<outline type="rss" text="B" title="B" xmlUrl="https://b.example/feed" />' in text


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _cfg(tmp_path: Path, name: str, feeds: str = "feeds = []\n") -> Path:
    p = tmp_path / f"{name}.toml"
    p.write_text(f'{feeds}[storage]\ndatabase = "{tmp_path / name}.db"\n', encoding="utf-8")
    return p


def _strip_date(text: str) -> str:
    return re.sub(r"<dateCreated>.*</dateCreated>", "", text)


@pytest.mark.parametrize("name", ["example.opml", "miniflux.opml", "newsboat-style-export.opml"])
def test_cli_import_export_import_export_is_stable(tmp_path: Path, name: str) -> None:
    one, two = _cfg(tmp_path, "one"), _cfg(tmp_path, "two")
    _invoke("feeds", "import", str(OPML / name), "--config", str(one))
    first = _invoke("feeds", "export", "--config", str(one))
    (tmp_path / "first.opml").write_text(first, encoding="utf-8")
    _invoke("feeds", "import", str(tmp_path / "first.opml"), "--config", str(two))
    second = _invoke("feeds", "export", "--config", str(two))
    assert _strip_date(first) == _strip_date(second)
    assert {f.url for f in parse_opml(first.encode()).feeds} == set(urls(read_opml(OPML / name)))


def test_cli_import_skips_known_feeds_and_invalid_outlines(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, "c", '[[feeds]]\nurl = "https://example.com/feed.atom"\n')
    r = CliRunner().invoke(cli, ["feeds", "import", str(OPML / "piped.opml"), "--config", str(cfg)])
    assert r.exit_code == 0
    assert "0 added, 1 already polled, 1 skipped" in r.stdout
    assert "Birdsite search" in r.stderr and "already in config.toml" in r.stderr
    # the config file is never rewritten
    assert cfg.read_text() == '[[feeds]]\nurl = "https://example.com/feed.atom"\n' + (
        f'[storage]\ndatabase = "{tmp_path / "c"}.db"\n'
    )
    again = CliRunner().invoke(
        cli, ["feeds", "import", str(OPML / "example.opml"), "--config", str(cfg)]
    )
    assert "6 added, 1 already polled" in again.stdout
    third = CliRunner().invoke(
        cli, ["feeds", "import", str(OPML / "example.opml"), "--config", str(cfg)]
    )
    assert "0 added, 7 already polled" in third.stdout


def test_cli_dry_run_changes_nothing(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, "d")
    out = _invoke("feeds", "import", "-n", str(OPML / "example.opml"), "--config", str(cfg))
    assert "would add: Notes by Mike https://blogs.example.com/~mike/.rss  [Blogs, friends]" in out
    assert not (tmp_path / "d.db").exists()


def test_cli_import_of_a_bad_file_exits_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "feeds",
            "import",
            str(OPML / "body-element-missing.opml"),
            "--config",
            str(_cfg(tmp_path, "e")),
        ],
    )
    assert r.exit_code == 2 and "no <body>" in r.stderr


def test_export_lists_config_then_user_feeds_and_marks_nothing_else(tmp_path: Path) -> None:
    cfg = _cfg(
        tmp_path, "f", '[[feeds]]\nurl = "https://cfg.example/rss"\nname = "Cfg"\ntags = ["a"]\n'
    )
    _invoke(
        "feeds",
        "add",
        "https://user.example/rss",
        "--name",
        "User",
        "--tag",
        "b",
        "--config",
        str(cfg),
    )
    feeds = parse_opml(_invoke("feeds", "export", "--config", str(cfg)).encode()).feeds
    assert feeds == (
        OpmlFeed("https://cfg.example/rss", "Cfg", ("a",)),
        OpmlFeed("https://user.example/rss", "User", ("b",)),
    )
    _invoke("feeds", "remove", "https://user.example/rss", "--config", str(cfg))
    out = tmp_path / "out.opml"
    _invoke("feeds", "export", "-o", str(out), "--config", str(cfg))
    assert [f.url for f in read_opml(out).feeds] == ["https://cfg.example/rss"]


# ----------------------------------------------------------- store and lists
def test_imported_feeds_are_polled_and_dropped_config_feeds_are_not(store: Store) -> None:
    store.sync_feeds([("https://cfg.example/rss", "Cfg", ())], NOW)
    store.import_feeds([("https://user.example/rss", "User", ("t",), "https://user.example/")], NOW)
    assert {f.url for f in store.active_feeds()} == {
        "https://cfg.example/rss",
        "https://user.example/rss",
    }
    store.sync_feeds([], NOW)  # the config feed left config.toml
    assert [f.url for f in store.active_feeds()] == ["https://user.example/rss"]
    (row,) = [r for r in store.feed_subscriptions() if r.origin == "user"]
    assert row.html_url == "https://user.example/" and row.tags == ("t",) and row.subscribed


def test_reimporting_a_removed_feed_subscribes_it_again(store: Store) -> None:
    store.import_feeds([("https://u.example/rss", "U", (), None)], NOW)
    store.remove_feed("https://u.example/rss")
    assert listed_feeds((), store.feed_subscriptions()) == []
    store.import_feeds([("https://u.example/rss", "U2", ("x",), None)], NOW)
    (f,) = listed_feeds((), store.feed_subscriptions())
    assert (f.name, f.tags, f.enabled, f.source) == ("U2", ("x",), True, "database")


def test_plan_import_compares_urls_loosely() -> None:
    doc = OpmlDocument(
        None, (OpmlFeed("HTTPS://Example.com/rss/", "E"), OpmlFeed("https://n.example/", "N"))
    )
    known = [ListedFeed("https://example.com/rss", "Known", (), "config")]
    plan = plan_import(doc, known)
    assert [f.url for f in plan.add] == ["https://n.example/"]
    assert "already in config.toml as 'Known'" in plan.skipped[0]


def test_listed_feeds_keeps_db_state_of_config_feeds() -> None:
    from app.models import FeedSubscription

    rows = [FeedSubscription("https://c.example/", "C", (), "config", False, True, "https://c/")]
    (f,) = listed_feeds([FeedConfig("https://c.example/", "C")], rows)
    assert f.enabled is False and f.html_url == "https://c/" and f.source == "config"


def test_a_schema_1_database_gains_html_url(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE feeds DROP COLUMN html_url")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_feed_html_url'")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        store.import_feeds([("https://u.example/rss", "U", (), "https://u.example/")], NOW)
        assert store.feed_subscriptions()[0].html_url == "https://u.example/"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


# -------------------------------------------------------------- hostile input
def _opml(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{prolog}<opml version="2.0"><head><title>t</title></head>'
        f"<body>{body}</body></opml>"
    ).encode()


def test_billion_laughs_is_never_expanded() -> None:
    prolog = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )
    data = _opml('<outline type="rss" title="&lol9;" xmlUrl="https://x.example/"/>', prolog)
    started = time.monotonic()
    with pytest.raises(OpmlError, match="undefined entity"):
        parse_opml(data)
    assert time.monotonic() - started < 1


def test_external_entity_is_not_read() -> None:
    prolog = '<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(OpmlError, match="undefined entity"):
        parse_opml(_opml('<outline title="&xxe;" xmlUrl="https://x.example/"/>', prolog))


def test_doctype_without_entities_is_removed_and_parsed() -> None:
    data = _opml(
        '<outline title="ok" xmlUrl="https://x.example/"/>', '<!DOCTYPE opml SYSTEM "x.dtd">'
    )
    assert urls(parse_opml(data)) == ["https://x.example/"]


def test_a_bracket_inside_an_entity_value_cannot_smuggle_a_declaration() -> None:
    prolog = '<!DOCTYPE x [<!ENTITY a "]>"><!ENTITY b "boom">]>'
    with pytest.raises(OpmlError):
        parse_opml(_opml('<outline title="&b;" xmlUrl="https://x.example/"/>', prolog))


def test_utf16_file_is_checked_for_declarations_too() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY e "x">]><opml><body><outline title="&e;" xmlUrl="https://x.example/"/></body></opml>'
    with pytest.raises(OpmlError):
        parse_opml(text.encode("utf-16"))
    ok = '<?xml version="1.0" encoding="UTF-16"?><opml><body><outline title="Ü" xmlUrl="https://x.example/"/></body></opml>'
    assert parse_opml(ok.encode("utf-16")).feeds[0].name == "Ü"


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.opml"
    with big.open("wb") as fh:
        fh.write(_opml(""))
        fh.truncate(MAX_OPML_BYTES + 10)
    with pytest.raises(OpmlError, match="larger than 10 MB"):
        read_opml(big)
    with pytest.raises(OpmlError, match="larger than"):
        parse_opml(b" " * (MAX_OPML_BYTES + 1))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/xml,<rss/>",
        "exec:~/bin/feed.sh",
        "filter:~/f.sh:https://x.example/",
        'query:unread:unread = "yes"',
        "https://user:pw@x.example/rss",
        "https:///nohost",
        "",
    ],
)
def test_unusable_urls_are_skipped_with_a_warning(url: str) -> None:
    doc = parse_opml(_opml(f'<outline type="rss" title="Bad one" xmlUrl="{html.escape(url)}"/>'))
    assert doc.feeds == ()
    assert len(doc.skipped) == 1 and "Bad one" in doc.skipped[0]


def test_duplicates_in_the_file_merge_their_tags() -> None:
    body = (
        '<outline text="A"><outline title="F" xmlUrl="https://x.example/rss"/></outline>'
        '<outline text="B"><outline title="F again" xmlUrl="https://X.example/rss/"/></outline>'
    )
    doc = parse_opml(_opml(body))
    assert doc.feeds == (OpmlFeed("https://x.example/rss", "F", ("A", "B")),)
    assert "listed again" in doc.skipped[0]


def test_control_characters_and_commas_are_cleaned() -> None:
    body = '<outline text="a,b&#x9b;31m"><outline title="T&#x9b;itle&#x202e;" xmlUrl="https://x.example/"/></outline>'
    (feed,) = parse_opml(_opml(body)).feeds
    assert "\x9b" not in feed.tags[0] and "," not in feed.tags[0]
    assert "\x9b" not in feed.name and "\u202e" not in feed.name


def test_deep_nesting_is_capped_without_recursion() -> None:
    depth = 3000
    body = (
        '<outline text="d">' * depth
        + '<outline title="deep" xmlUrl="https://x.example/"/>'
        + "</outline>" * depth
    )
    doc = parse_opml(_opml(body))
    assert doc.feeds == ()
    assert any("nested too deeply" in s for s in doc.skipped)
    shallow = (
        '<outline text="d">' * (MAX_DEPTH - 1)
        + '<outline title="ok" xmlUrl="https://x.example/"/>'
        + "</outline>" * (MAX_DEPTH - 1)
    )
    assert len(parse_opml(_opml(shallow)).feeds[0].tags) == 1  # one tag "d", deduplicated


def test_not_xml_names_line_and_column() -> None:
    with pytest.raises(OpmlError, match=r"line 1, column \d+"):
        parse_opml(b"<opml><body><outline></body></opml>")
    with pytest.raises(OpmlError):
        parse_opml(b"")


def test_read_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match="no such file"):
        read_opml(tmp_path / "nope.opml")
    with pytest.raises(OpmlError, match="directory"):
        read_opml(tmp_path)


def test_render_uses_the_given_time() -> None:
    text = render_opml([], now=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert "<dateCreated>Tue, 02 Jan 2024 03:04:05 GMT</dateCreated>" in text


def test_feeds_list_marks_never_polled_feeds_new(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path, "g")
    _invoke("feeds", "import", str(OPML / "category.opml"), "--config", str(cfg))
    out = _invoke("feeds", "list", "--config", str(cfg))
    assert out.startswith("new ") and "feeds.bbci.co.uk" in out
