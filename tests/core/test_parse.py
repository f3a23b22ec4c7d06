"""app.parse and app.htmltext: feed bytes to clean stories, hostile input included."""

from __future__ import annotations

import builtins
import codecs
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.htmltext import html_to_text
from app.models import ParsedFeed
from app.parse import defuse_xml, parse_feed, parse_many
from app.text import is_banned

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://feeds.example.org/world.rss"


def parse(body: bytes | str, **kwargs: Any) -> ParsedFeed:
    if isinstance(body, str):
        body = body.encode("utf-8")
    kwargs.setdefault("url", URL)
    kwargs.setdefault("now", NOW)
    return parse_feed(body, **kwargs)


def rss(items: str, *, channel_title: str = "Desk", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        f'<rss version="2.0"><channel><title>{channel_title}</title>{items}</channel></rss>'
    )


def item(title: str = "T", *, guid: str | None = "g1", extra: str = "") -> str:
    guid_xml = f"<guid>{guid}</guid>" if guid is not None else ""
    return f"<item><title>{title}</title>{guid_xml}{extra}</item>"


def all_text(feed: ParsedFeed) -> str:
    parts = [feed.title or "", *feed.warnings]
    for s in feed.stories:
        parts += [s.title, s.summary, s.body, s.url or "", s.guid or "", s.author or ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- real feeds


def test_real_rss_feed() -> None:
    feed = parse((FEEDS / "bbc_2021.xml").read_bytes(), url="https://feeds.bbci.co.uk/news/rss.xml")
    assert feed.title == "BBC News - Home"
    assert len(feed.stories) == 45
    assert feed.warnings == ()
    first = feed.stories[0]
    assert first.title == "Lyra McKee: Two men charged with murder of journalist"
    assert first.summary.startswith("The men, 21 and 33, have been charged")
    assert first.url == (
        "https://www.bbc.co.uk/news/uk-northern-ireland-58587866?at_medium=RSS&at_campaign=KARANGA"
    )
    assert first.guid == "https://www.bbc.co.uk/news/uk-northern-ireland-58587866"
    assert first.published == datetime(2021, 9, 16, 22, 16, 15, tzinfo=UTC)
    assert first.published_estimated is False
    assert len({s.guid for s in feed.stories}) == 45


def test_real_atom_feed() -> None:
    feed = parse((FEEDS / "reader_full.atom").read_bytes(), url="http://example.org/feed.atom")
    assert feed.title == "Example Feed"
    first = feed.stories[0]
    assert first.title == "Atom-Powered Robots Run Amok"
    assert first.url == "http://example.org/2003/12/13/atom03"
    assert first.guid == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert first.author == "John Doe"
    assert first.summary == "Some text."
    assert first.body == "content"
    # <published> wins over <updated>; -08:00 converted to UTC.
    assert first.published == datetime(2003, 12, 13, 17, 17, 51, tzinfo=UTC)
    second = feed.stories[1]
    assert second.published == datetime(2003, 12, 13, tzinfo=UTC)
    # Entries without a title or text keep their id; none is dropped silently.
    assert [s.guid for s in feed.stories][2:] == [
        "source:only-url",
        "source:only-title",
        "source:empty",
    ]


def test_real_feed_in_windows_1251() -> None:
    feed = parse(
        (FEEDS / "miniflux_windows1251.xml").read_bytes(), url="http://ibash.org.ru/rss.xml"
    )
    assert feed.title == "iBash.Org.Ru"
    assert feed.stories[0].title.startswith("Цитата #")
    assert "есть у кого" in feed.stories[0].summary


def test_json_feed() -> None:
    feed = parse((FEEDS / "reader_full.json").read_bytes(), url="https://example.org/feed.json")
    assert feed.title == "My Example Feed"
    assert [s.guid for s in feed.stories] == ["2", "1"]
    second, first = feed.stories
    assert second.title == "Title"
    assert second.summary == "A summary"
    assert second.body == "Content with link"  # content_html preferred, rendered as text
    assert second.url == "https://example.org/second-item"
    assert second.published == datetime(2020, 1, 2, 21, 0, tzinfo=UTC)
    assert first.title == "Hello, world!"  # no title: made from the text
    assert first.author == "Jane"


def test_json_that_is_not_a_json_feed() -> None:
    feed = parse(b'{"version": "2.0", "items": [{"title": "x"}]}')
    assert feed.stories == ()
    assert feed.warnings == ("not a feed (JSON, but not JSON Feed)",)
    assert parse(b"{not json").warnings[0].startswith("not a feed (invalid JSON")


# --------------------------------------------------------------------------- hostile XML


def test_ill_formed_xml_keeps_entries_and_warns() -> None:
    body = rss(item("Salt & pepper <b>talks", guid="a") + item("Second", guid="b"))
    feed = parse(body)
    assert [s.guid for s in feed.stories] == ["a", "b"]
    assert feed.stories[0].title.startswith("Salt & pepper")
    assert any(w.startswith("malformed feed: ") for w in feed.warnings)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Boom &lol9;</title><guid>x</guid><description>&lol5;</description></item>
</channel></rss>"""


def test_billion_laughs_is_not_expanded() -> None:
    started = time.monotonic()
    feed = parse(BILLION_LAUGHS)
    assert time.monotonic() - started < 5  # hang guard only
    assert "lollol" not in all_text(feed)
    assert len(all_text(feed)) < 2000
    assert feed.stories[0].guid == "x"
    assert "entity declarations removed" in feed.warnings


def test_xxe_file_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-SENTINEL")
    for target in (secret.as_uri(), "file:///etc/passwd"):
        body = (
            f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
            '<rss version="2.0"><channel><title>t</title>'
            "<item><title>leak &xxe;</title><guid>1</guid><description>&xxe;</description></item>"
            "</channel></rss>"
        )
        feed = parse(body)
        text = all_text(feed)
        assert "TOP-SECRET-SENTINEL" not in text
        assert "root:" not in text
        assert feed.stories[0].title.startswith("leak")


def test_parameter_entity_and_external_dtd_are_dropped(tmp_path: Path) -> None:
    secret = tmp_path / "evil.dtd"
    secret.write_text('<!ENTITY leak "DTD-SENTINEL">')
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{secret.as_uri()}" [\n'
        f'  <!ENTITY % pe SYSTEM "{secret.as_uri()}"> %pe;\n]>\n'
        '<rss version="2.0"><channel><item><title>&leak;</title><guid>1</guid></item>'
        "</channel></rss>"
    )
    feed = parse(body)
    assert "DTD-SENTINEL" not in all_text(feed)
    assert [s.guid for s in feed.stories] == ["1"]


def test_quadratic_blowup_is_fast() -> None:
    big = "A" * 100_000
    refs = "&a;" * 2_000
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{big}">]>\n'
        f'<rss version="2.0"><channel><item><title>q</title><guid>1</guid>'
        f"<description>{refs}</description></item></channel></rss>"
    )
    started = time.monotonic()
    feed = parse(body)
    assert time.monotonic() - started < 5  # hang guard only
    assert "AAAA" not in all_text(feed)
    assert feed.stories[0].guid == "1"


def test_doctype_quotes_and_comments_cannot_hide_the_end_of_the_subset() -> None:
    body = (
        '<?xml version="1.0"?>\n<!-- > -->\n'
        "<!DOCTYPE rss [ <!-- ]> --> <!ENTITY e \"x]>y\"> <!ENTITY f '>'> ]>\n"
        '<!ENTITY stray "after the doctype">\n'
        '<rss version="2.0"><channel><item><title>ok &e;</title><guid>1</guid></item>'
        "</channel></rss>"
    )
    defused, charset, removed = defuse_xml(body.encode())
    assert removed is True and charset is None
    prolog = defused.split(b"<rss", 1)[0]
    assert b"ENTITY" not in prolog and b"DOCTYPE" not in prolog
    feed = parse(body)
    assert feed.stories[0].title.startswith("ok")
    assert "after the doctype" not in all_text(feed)


def test_body_that_is_a_local_path_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "feed.xml"
    local.write_text(rss(item("LOCAL-FILE-SENTINEL")))
    opened: list[object] = []
    real_open = builtins.open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    for body in (str(local).encode(), local.as_uri().encode()):
        feed = parse(body)
        assert feed.stories == ()
        assert "LOCAL-FILE-SENTINEL" not in all_text(feed)
        assert any(w.startswith("not a feed") for w in feed.warnings)
    assert not any(str(local) in str(f) for f in opened)


# --------------------------------------------------------------------------- encodings


def test_latin1_declared_utf8_is_readable_with_an_encoding_warning() -> None:
    body = rss(item("Café in Kyiv, Zürich talks")).encode("latin-1")
    feed = parse(body)
    assert feed.stories[0].title == "Café in Kyiv, Zürich talks"
    assert any(w.startswith("encoding: ") for w in feed.warnings)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(codec: str) -> None:
    text = rss(item("Зеленський у Вашингтоні")).replace('encoding="utf-8"', 'encoding="utf-16"')
    body = text.encode(codec)
    if codec == "utf-16-be":
        body = codecs.BOM_UTF16_BE + body
    feed = parse(body)
    assert feed.stories[0].title == "Зеленський у Вашингтоні"
    assert feed.title == "Desk"


def test_utf8_bom_and_a_bogus_http_charset() -> None:
    body = codecs.BOM_UTF8 + rss(item("Київ")).encode()
    feed = parse(body, headers={"Content-Type": "application/rss+xml; charset=klingon"})
    assert feed.stories[0].title == "Київ"
    undeclared = rss(item("Київ")).replace(' encoding="utf-8"', "").encode()
    feed = parse(undeclared, headers={"Content-Type": "text/xml; charset=bogus-9"})
    assert feed.stories[0].title == "Київ"


def test_http_charset_is_used_when_the_document_is_silent() -> None:
    body = rss(item("Zürich")).replace(' encoding="utf-8"', "").encode("latin-1")
    feed = parse(body, headers={"content-type": "text/xml; charset=ISO-8859-1"})
    assert feed.stories[0].title == "Zürich"
    assert feed.warnings == ()


def test_invalid_utf8_bytes_do_not_crash() -> None:
    body = rss(item("ok")).encode().replace(b"ok", b"ok \xff\xfe\xc3(")
    feed = parse(body)
    assert feed.stories[0].title.startswith("ok")


# --------------------------------------------------------------------------- dates


def pub(value: str, guid: str = "g") -> str:
    return item(guid=guid, extra=f"<pubDate>{value}</pubDate>")


def test_dates_valid_missing_bad_ancient_and_future() -> None:
    items = "".join(
        [
            pub("Sat, 28 Feb 2026 10:00:00 +0200", "valid"),
            item(guid="missing"),
            pub("the day after tomorrow", "garbage"),
            pub("Mon, 01 Jan 0000 00:00:00 GMT", "year0"),
            pub("Thu, 01 Jan 1970 00:00:00 GMT", "epoch"),
            pub("Tue, 01 Jan 2999 00:00:00 GMT", "future"),
            pub("Sun, 01 Mar 2026 12:05:00 GMT", "skew"),
        ]
    )
    feed = parse(rss(items))
    got = {s.guid: (s.published, s.published_estimated) for s in feed.stories}
    assert got["valid"] == (datetime(2026, 2, 28, 8, 0, tzinfo=UTC), False)
    assert got["missing"] == (None, False)
    assert got["garbage"] == (None, False)
    assert got["year0"] == (None, False)
    assert got["epoch"] == (None, False)
    assert got["future"] == (NOW, True)
    assert got["skew"] == (NOW, False)  # five minutes ahead is clock skew
    assert "3 entries with a missing or unusable date" in feed.warnings
    assert "1 entries dated in the future (clamped)" in feed.warnings


def test_atom_updated_is_used_when_published_is_missing() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        "<entry><id>e</id><title>x</title><updated>2026-02-01T10:00:00+01:00</updated></entry></feed>"
    )
    assert parse(body).stories[0].published == datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- identity


def test_entry_without_guid_or_link_is_kept() -> None:
    feed = parse(rss(item("Orphan story", guid=None, extra="<description>lead</description>")))
    (story,) = feed.stories
    assert (story.title, story.guid, story.url, story.summary) == (
        "Orphan story",
        None,
        None,
        "lead",
    )


def test_empty_entries_are_skipped_with_a_warning() -> None:
    feed = parse(rss("<item></item><item><title> </title></item>" + item("Real", guid="r")))
    assert [s.guid for s in feed.stories] == ["r"]
    assert "2 empty entries skipped" in feed.warnings


def test_duplicate_guids_keep_the_first() -> None:
    feed = parse(rss(item("One", guid="dup") + item("Two", guid="dup") + item("Three", guid="u")))
    assert [(s.guid, s.title) for s in feed.stories] == [("dup", "One"), ("u", "Three")]
    assert "1 entries with a duplicate guid dropped" in feed.warnings


def test_links_kept_as_given_and_relative_ones_resolved() -> None:
    items = (
        item("a", guid="1", extra="<link>javascript:alert(1)</link>")
        + item("b", guid="2", extra="<link>/news/42</link>")
        + item("c", guid="3", extra="<link>--incognito</link>")
    )
    urls = [s.url for s in parse(rss(items)).stories]
    assert urls == [
        "javascript:alert(1)",
        "https://feeds.example.org/news/42",
        "https://feeds.example.org/--incognito",
    ]


def test_max_items_keeps_the_newest() -> None:
    items = "".join(
        pub(f"Sun, {day:02d} Feb 2026 10:00:00 GMT", guid=f"d{day}") for day in range(1, 29)
    )
    feed = parse(rss(items + item(guid="undated")), max_items=5)
    assert [s.guid for s in feed.stories] == ["d24", "d25", "d26", "d27", "d28"]
    assert "kept the newest 5 of 29 entries" in feed.warnings


# --------------------------------------------------------------------------- text


def test_huge_title_is_capped_quickly() -> None:
    started = time.monotonic()
    feed = parse(rss(item("W" * 10_000_000)))
    assert time.monotonic() - started < 10  # hang guard only
    title = feed.stories[0].title
    assert len(title) == 1000
    assert title.endswith("…")


def test_summary_and_body_are_capped() -> None:
    summary = "<p>" + "word " * 100_000 + "</p>"
    feed = parse(
        rss(item(extra=f"<description><![CDATA[{summary}]]></description>")), body_cap=5000
    )
    assert len(feed.stories[0].summary) == 5000


def test_script_and_handlers_in_summary_become_harmless_text() -> None:
    html = (
        '<p>Before<script>alert("x")</script><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(2)">after</a></p><style>p{color:red}</style>'
    )
    feed = parse(rss(item("t", extra=f"<description><![CDATA[{html}]]></description>")))
    summary = feed.stories[0].summary
    assert summary == "Beforeafter"
    assert "alert" not in summary and "onerror" not in summary


def test_plain_text_content_is_shown_literally() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>e</id>'
        '<title>t</title><content type="text">Use &lt;script&gt;alert(1)&lt;/script&gt; here</content>'
        "</entry></feed>"
    )
    assert parse(body).stories[0].body == "Use <script>alert(1)</script> here"


def test_html_title_in_atom_is_rendered_as_text() -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">&lt;b&gt;Desk&lt;/b&gt;</title>'
        '<entry><id>e</id><title type="html">Strike on &lt;i&gt;Odesa&lt;/i&gt; &amp;amp; more</title>'
        "</entry></feed>"
    )
    feed = parse(body)
    assert feed.title == "Desk"
    assert feed.stories[0].title == "Strike on Odesa & more"


def test_control_characters_and_bidi_are_cleaned() -> None:
    title = "Kyiv &#27;[2J&#27;[31m red \u202eevil\u200b news"
    feed = parse(rss(item(title, extra="<author>a\u2066b&#27;]8;;x&#27;\\c</author>")))
    cleaned = feed.stories[0].title
    assert cleaned == "Kyiv red evil news"
    assert feed.stories[0].author == "abc"
    # C1 controls (feedparser maps them to cp1252 punctuation in XML; JSON keeps them).
    doc = '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "x\\u009b31my\\u0085z"}]}'
    assert parse(doc).stories[0].title == "xyz"
    assert not any(is_banned(ch) for ch in cleaned)


# --------------------------------------------------------------------------- parse_many


def test_parse_many_in_process_isolates_a_crash() -> None:
    good = rss(item("ok", guid="1")).encode()
    jobs: list[tuple[Any, str, None]] = [(good, URL, None), (None, URL, None), (good, URL, None)]
    results = parse_many(jobs, now=NOW)
    assert isinstance(results[0], ParsedFeed) and results[0].stories[0].guid == "1"
    assert isinstance(results[1], TypeError)
    assert isinstance(results[2], ParsedFeed)


def test_parse_many_with_worker_processes_matches_in_process() -> None:
    bodies = [rss(item(f"Story {n}", guid=str(n))).encode() for n in range(9)]
    jobs: list[tuple[Any, str, dict[str, str] | None]] = [(b, URL, None) for b in bodies]
    jobs[4] = (None, URL, None)  # crashes inside a worker
    results = parse_many(jobs, now=NOW, workers=2)
    assert isinstance(results[4], TypeError)
    for n, result in enumerate(results):
        if n != 4:
            assert result == parse(bodies[n])


# --------------------------------------------------------------------------- htmltext


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul><li>x<li>y</ul>", "• x\n• y"),
        ("&amp;lt;b&amp;gt; &lt;i&gt;", "&lt;b&gt; <i>"),  # decoded exactly once
        ("<pre>a\n   b</pre>", "a\nb"),
        ("x<!-- hidden -->y", "xy"),
        ("x<script>if (a<b) {}</script>y<style>.c{}</style>z", "xyz"),
        ("<noscript>n</noscript><template><p>t</p></template>ok", "ok"),
        ("<iframe src=x>frame text</iframe>ok", "ok"),
        ("<head><title>Page</title></head><body>Body</body>", "Body"),
        ("a < b and c > d", "a < b and c > d"),
        ('<a title="x > y" href="/">link</a>', "link"),
        ("<td>1</td><td>2</td>", "1 2"),
        ("  spaced\n\n   out  ", "spaced out"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("text<", "text<"),
        ("<div>x</div><div>y</div>", "x\n\ny"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "hostile",
    [
        "</" * 500_000,
        "<" * 1_000_000,
        "<!--" * 250_000,
        "<!--a>" * 200_000,
        "<a x='>" * 150_000,
        "<a " * 300_000,
        "<![CDATA[" * 100_000,
        "&#" * 500_000,
        "<div>" * 200_000,
    ],
    ids=["endtags", "lt", "comments", "comment-gt", "quotes", "attrs", "cdata", "charrefs", "divs"],
)
def test_html_to_text_is_linear_on_hostile_input(hostile: str) -> None:
    started = time.monotonic()
    html_to_text(hostile)
    assert time.monotonic() - started < 5  # hang guard (html.parser took 98 s on "endtags")


def test_html_to_text_cuts_huge_input_before_parsing() -> None:
    started = time.monotonic()
    out = html_to_text("<p>" + "x" * 50_000_000 + "</p>", max_len=1000)
    assert time.monotonic() - started < 5  # hang guard only
    assert len(out) == 1000


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"<>/!-?=\"' &#;ab\n\x1b\u202e", "script", "p", "<!--", "-->"])).map(
        "".join
    )
)
def test_html_to_text_never_fails_and_output_is_clean(html: str) -> None:
    out = html_to_text(html, max_len=500)
    assert len(out) <= 500
    assert not any(is_banned(ch) for ch in out)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<!DOCTYPE r [", "<!ENTITY e 'v'>", "]>", '"', "'", "<!--", "-->", ">", "<?x?>", " "]
        )
    ).map("".join)
)
def test_defused_prolog_never_keeps_a_declaration(prolog: str) -> None:
    body = f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel/></rss>'.encode()
    defused, _, _ = defuse_xml(body)
    head = defused.split(b"<rss", 1)[0] if b"<rss" in defused else defused
    assert b"<!ENTITY" not in head
    assert b"<!DOCTYPE" not in head


def test_entity_declarations_after_the_root_are_inert() -> None:
    body = rss(item("x &e;", guid="1")) + '<!DOCTYPE z [<!ENTITY e "INJECTED">]>'
    assert "INJECTED" not in all_text(parse(body))


def test_parse_timing_bound_for_a_big_feed() -> None:
    items = "".join(
        pub(f"Sun, 01 Feb 2026 {n % 24:02d}:00:00 GMT", guid=f"n{n}").replace(
            "<title>T</title>", f"<title>Story {n}</title>"
        )
        for n in range(5000)
    )
    started = time.monotonic()
    feed = parse(rss(items))
    assert time.monotonic() - started < 30  # hang guard only
    assert len(feed.stories) == 500
    assert feed.stories[0].published is not None
    assert timedelta(0) <= NOW - feed.stories[0].published
