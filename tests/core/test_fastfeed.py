"""app.fastfeed: the expat fast path must give what feedparser gives, or refuse.

Every test compares :func:`app.parse.parse_feed` with the fast path on and
off. Equal results are the contract; the acceptance asserts keep the fast
path from quietly refusing everything (which would also pass equality).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.fastfeed import parse_rss
from app.models import ParsedFeed
from app.parse import parse_feed
from app.xmlsafe import defuse

FEEDS = Path(__file__).parent.parent / "data" / "feeds"
FASTPATH = FEEDS / "fastpath"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://feeds.example.org/world.rss"

#: Fixtures the fast path must take (plain RSS 0.91/2.0 in UTF-8).
MUST_ACCEPT = {
    "bbc_2021.xml",
    "gesab_dailytelegraph.xml",
    "gesab_gmanews.xml",
    "gesab_philstar.xml",
    "gesab_rnz.xml",
    "gesab_wsj.xml",
    "newsboat_rss091_1.xml",
    "newsboat_rss20_1.xml",
    "reader_empty.rss",
}
#: Fixtures it must leave to feedparser (Atom, RDF, media:group, xml:base...).
MUST_REFUSE = {
    "newsboat_atom10_1.xml",
    "newsboat_rss10_1.xml",
    "gesab_fox.xml",
    "reader_full.atom",
    "miniflux_windows1251.xml",
}


def both(body: bytes, **kwargs: object) -> tuple[ParsedFeed, ParsedFeed]:
    fast = parse_feed(body, url=URL, now=NOW, **kwargs)  # type: ignore[arg-type]
    slow = parse_feed(body, url=URL, now=NOW, fast_path=False, **kwargs)  # type: ignore[arg-type]
    return fast, slow


def accepted(body: bytes) -> bool:
    defused = defuse(body)
    return defused.charset is None and parse_rss(defused.body) is not None


def fixtures() -> list[Path]:
    files = sorted(p for p in FASTPATH.iterdir() if p.suffix in {".xml", ".rss"})
    return files + [FEEDS / name for name in ("bbc_2021.xml", "reader_full.atom")]


@pytest.mark.parametrize("path", fixtures(), ids=lambda p: p.name)
def test_fixture_same_as_feedparser(path: Path) -> None:
    body = path.read_bytes()
    fast, slow = both(body)
    assert fast == slow
    if path.name in MUST_ACCEPT:
        assert accepted(body)
        assert fast.stories or path.name == "reader_empty.rss"
    if path.name in MUST_REFUSE:
        assert not accepted(body)


def test_most_plain_rss_fixtures_are_accepted() -> None:
    plain = [p for p in fixtures() if p.name.startswith(("fp_", "gesab_", "newsboat_rss"))]
    taken = [p.name for p in plain if accepted(p.read_bytes())]
    assert len(taken) >= len(plain) * 0.7, taken


def item(**fields: str) -> str:
    return "<item>" + "".join(f"<{k}>{v}</{k.split()[0]}>" for k, v in fields.items()) + "</item>"


def doc(items: str, *, title: str = "Desk", ns: str = "", decl: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{decl}"?>\n<rss version="2.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        f' xmlns:media="http://search.yahoo.com/mrss/"{ns}>'
        f"<channel><title>{title}</title><link>https://example.org/</link>{items}</channel></rss>"
    ).encode()


TYPICAL = doc(
    item(
        title="Talks resume in Geneva",
        link="https://example.org/a?x=1&amp;y=2",
        guid="https://example.org/a",
        pubDate="Sun, 01 Mar 2026 10:00:00 GMT",
        description="&lt;p&gt;Envoys met &amp;amp; talked.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;",
        **{"dc:creator": "Desk staff", "category": "World"},
    )
    + item(
        title="Caf\u00e9 &amp; <![CDATA[bar]]> &lt;b&gt;bold&lt;/b&gt;",
        guid='https://example.org/b" isPermaLink="false',
        **{"dc:date": "2026-02-28T09:30:00+01:00", "content:encoded": "<![CDATA[<p>Body</p>]]>"},
    )
    + item(title="No date, relative link", link="/c", description="plain text only")
)


def test_typical_feed_is_taken_and_matches() -> None:
    assert accepted(TYPICAL)
    fast, slow = both(TYPICAL)
    assert fast == slow
    assert fast.stories[0].title == "Talks resume in Geneva"
    assert fast.stories[0].url == "https://example.org/a?x=1&y=2"
    assert fast.stories[2].url == "https://feeds.example.org/c"


@pytest.mark.parametrize(
    "body",
    [
        # mojibake fixed, C1 characters mapped, scheme:/// link, empty fields
        doc(item(title="CafÃ© \u0093quoted\u0094", link="http:///example.org/x", guid="")),
        doc(item(title="", description="", pubDate="")),
        doc(item(title="x", guid="urn:1") + item(title="y", guid="urn:1")),  # duplicate guid
        doc(item(title="&#169; &#x263A; &lt;br/&gt;", pubDate="not a date")),
        doc(item(title="t", pubDate="Sun, 01 Mar 2026 23:00:00 +0500")),
        doc(item(title="t", pubDate="2026-03-01")),
        doc(item(title="future", pubDate="Sun, 01 Mar 2099 10:00:00 GMT")),
        doc(item(title="old", pubDate="Thu, 01 Jan 1970 00:00:00 GMT")),
        doc(item(title="generic", **{"x:extra": "v"}), ns=' xmlns:x="urn:x"'),
        doc(item(title="media", **{'media:content url="https://e/x.jpg"': ""})),
        doc(item(author="jo@example.org (Jo)", title="author")),
        doc("", title="An &lt;i&gt;HTML&lt;/i&gt; &amp;amp; title"),
    ],
)
def test_edge_cases_match(body: bytes) -> None:
    assert accepted(body)
    fast, slow = both(body)
    assert fast == slow


@pytest.mark.parametrize(
    "body",
    [
        doc(item(title="t"), decl="iso-8859-1"),
        doc(item(title="a", description="<p>markup</p>")),
        doc(item(title="a").replace("<title>a", "<title>x</title><title>a")),
        doc(item(title="a &nbsp; b")),  # undefined entity: not well-formed
        doc(item(title="t")).replace(b"<channel>", b'<channel xml:base="https://b/">'),
        doc(item(title="t")).replace(b'<rss version="2.0"', b'<rss xmlns="urn:other"'),
        doc(item(title="t", **{"media:title": "other title"})),
        doc(item(title="t", source="Elsewhere")),
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title></feed>',
        b"<rss><channel><title>unclosed</channel></rss>",
    ],
)
def test_refused_bodies_go_to_feedparser(body: bytes) -> None:
    assert not accepted(body)
    fast, slow = both(body)
    assert fast == slow


def test_declarations_are_refused_before_anything_expands() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss><channel><title>&b;</title></channel></rss>"
    )
    assert parse_rss(bomb) is None  # raw: the DOCTYPE itself is refused
    fast, slow = both(bomb)  # defused: &b; is now undefined, so not well-formed
    assert fast == slow
    assert not fast.stories


# Tokens that are already XML text: entities, char refs, CDATA, mojibake, C1.
_TOKENS = [
    "a", "b", " ", "\n", "\t", ";", "/", "#", "x", "1", "9", "p", "\u00e9", "\u00c3\u00a9",
    "\u0093", "\u2019", "&lt;", "&gt;", "&amp;", "&amp;amp;", "&lt;b&gt;", "&lt;/b&gt;",
    "&#38;", "&#169;", "<![CDATA[<p>c</p>]]>", "http:///", "https://h/", "Sun, 01 Mar 2026",
    " 10:00:00 GMT", "2026-02-28T09:30:00Z",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join)
_FIELD = st.sampled_from(
    ["title", "link", "description", "guid", "pubDate", "author", "dc:creator", "dc:date",
     "content:encoded", "category", "comments"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(_FIELD, _TEXT), max_size=6), max_size=4), _TEXT)
def test_generated_feeds_match(items: list[list[tuple[str, str]]], title: str) -> None:
    parts = []
    for fields in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in fields) + "</item>")
    body = doc("".join(parts), title=title)
    fast, slow = both(body)
    assert fast == slow
