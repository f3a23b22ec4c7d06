"""Widgets in small harness apps: virtual list, truncation, formatters, link checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult

from app.models import ClusterRow, SearchHit
from app.tui.links import check_url
from tests.conftest import NOW
from widgets.cluster_list import PAGE_SIZE, ClusterList
from widgets.format import fit_cells, format_age, format_countdown
from widgets.search_results import highlight_spans, hit_prompt


def make_row(i: int, headline: str | None = None) -> ClusterRow:
    return ClusterRow(
        id=f"c{i:06d}",
        pane="diplomacy",
        headline=headline if headline is not None else f"Cluster number {i}",
        first_seen=NOW - timedelta(minutes=i),
        last_update=NOW - timedelta(minutes=i),
        size=1 + i % 3,
        outlets=1 + i % 5,
        unread=i % 2,
        new=i % 7 == 0,
        starred=i % 11 == 0,
        alert=i % 13 == 0,
    )


class CountingSource:
    """A RowSource of ``total`` synthetic rows that counts page fetches."""

    def __init__(self, total: int, headline: str | None = None) -> None:
        self.total = total
        self.fetches: list[int] = []
        self.headline = headline
        self.prepend = 0  # rows "inserted" above row 0, ids 900000+

    def count(self) -> int:
        return self.total + self.prepend

    def fetch(self, offset: int, limit: int) -> Sequence[ClusterRow]:
        self.fetches.append(offset)
        indexes = [900_000 + i for i in range(self.prepend)] + list(range(self.total))
        return [make_row(i, self.headline) for i in indexes[offset : offset + limit]]


class ListApp(App[None]):
    def __init__(self, source: CountingSource) -> None:
        super().__init__()
        self.source = source
        self.highlighted: list[ClusterRow | None] = []

    def compose(self) -> ComposeResult:
        yield ClusterList(self.source, now=NOW)

    def on_mount(self) -> None:
        self.query_one(ClusterList).focus()

    def on_cluster_list_highlighted(self, event: ClusterList.Highlighted) -> None:
        self.highlighted.append(event.row)


async def test_hundred_thousand_rows_fetch_only_visible_pages() -> None:
    source = CountingSource(100_000)
    app = ListApp(source)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        cluster_list = app.query_one(ClusterList)
        assert cluster_list.total == 100_000
        assert cluster_list.virtual_size.height == 100_000
        assert source.fetches == [0]
        await pilot.press("G")
        await pilot.pause()
        assert cluster_list.cursor == 99_999
        assert cluster_list.highlighted == make_row(99_999)
        last_page = (99_999 // PAGE_SIZE) * PAGE_SIZE
        assert set(source.fetches) <= {0, last_page, last_page - PAGE_SIZE}
        await pilot.press("pageup", "k")
        assert cluster_list.cursor == 99_999 - (cluster_list.size.height - 1) - 1
        assert len(source.fetches) <= 4
        await pilot.press("g")
        assert cluster_list.cursor == 0 and app.highlighted[-1] == make_row(0)


async def test_reload_keeps_cursor_on_cluster_after_inserts() -> None:
    source = CountingSource(500)
    app = ListApp(source)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        cluster_list = app.query_one(ClusterList)
        for _ in range(30):
            await pilot.press("j")
        screen_line = cluster_list.cursor - round(cluster_list.scroll_offset.y)
        before = cluster_list.highlighted
        assert before is not None

        source.prepend = 3  # three new rows arrive above everything
        cluster_list.reload()
        await pilot.pause()
        assert cluster_list.highlighted is not None
        assert cluster_list.highlighted.id == before.id
        assert cluster_list.cursor == 33
        assert cluster_list.cursor - round(cluster_list.scroll_offset.y) == screen_line


async def test_reload_when_cursor_cluster_vanishes_stays_at_index() -> None:
    source = CountingSource(50)
    app = ListApp(source)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        cluster_list = app.query_one(ClusterList)
        await pilot.press("j", "j", "j")
        source.total = 2
        cluster_list.reload()
        assert cluster_list.cursor == 1 and cluster_list.highlighted == make_row(1)
        source.total = 0
        cluster_list.reload()
        await pilot.pause()
        assert cluster_list.highlighted is None and app.highlighted[-1] is None
        assert "No clusters" in cluster_list.render_line(0).text


@pytest.mark.parametrize(
    "headline",
    [
        "x" * 10_000,
        "乌克兰与俄罗斯的停火谈判在伊斯坦布尔恢复" * 20,
        "Talks 🇺🇦🤝🇷🇺 resume " * 50,
        "e\u0301" * 500,
        "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\x00\u202e evil",
    ],
)
async def test_rows_fit_width_without_escapes(headline: str) -> None:
    app = ListApp(CountingSource(3, headline=headline))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        cluster_list = app.query_one(ClusterList)
        width = cluster_list.scrollable_content_region.width
        for y in range(3):
            strip = cluster_list.render_line(y)
            assert strip.cell_length == width
            for bad in ("\x1b", "\x9b", "\x00", "\u202e", "\x07", "\n"):
                assert bad not in strip.text
        if len(headline) > 100:
            assert "…" in cluster_list.render_line(0).text
        await pilot.resize_terminal(20, 5)
        await pilot.pause()
        assert (
            cluster_list.render_line(0).cell_length == cluster_list.scrollable_content_region.width
        )


@given(st.text(max_size=300), st.integers(min_value=0, max_value=120))
def test_fit_cells_is_exact(text: str, width: int) -> None:
    from widgets.format import one_line

    line = one_line(text)
    fitted = fit_cells(line, width)
    assert cell_len(fitted) == width or (width == 1 and cell_len(fitted) <= 1)


def test_format_age_and_countdown() -> None:
    assert format_age(NOW, NOW) == "now"
    assert format_age(NOW - timedelta(minutes=3), NOW) == "3m"
    assert format_age(NOW - timedelta(hours=2, minutes=5), NOW) == "2h"
    assert format_age(NOW - timedelta(days=4), NOW) == "4d"
    assert format_age(NOW - timedelta(days=30), NOW) == "4w"
    assert format_age(NOW - timedelta(days=800), NOW) == "2y"
    assert format_age(NOW + timedelta(hours=1), NOW) == "now"
    assert format_countdown(299.5) == "4:59"
    assert format_countdown(-3) == "0:00"
    assert format_countdown(3725) == "1:02:05"


def test_highlight_spans_ignores_bad_spans() -> None:
    content = highlight_spans("ceasefire talks", [(0, 9), (40, 50), (5, 2), (-3, 2)], "reverse")
    assert content.plain == "ceasefire talks"
    assert [(s.start, s.end) for s in content.spans] == [(0, 9)]
    hit = SearchHit("s1", "c1", "[/] title", "a [b]\nsnippet", ((0, 1),))
    prompt = hit_prompt(hit)
    assert prompt.plain.startswith("[/] title\n")
    assert "a [b] snippet" in prompt.plain


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a", True),
        ("HTTP://EXAMPLE.COM", True),
        ("https://example.com:8443/x?y#z", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("-x", False),
        ("--help", False),
        ("//example.com", False),
        ("https://", False),
        ("https://example.com:99999/", False),
        ("https://a@example.com/", False),
        ("https://example.com/\nx", False),
        ("https://exa\u202emple.com/", False),
        (" https://example.com", False),
        ("https://example.com/" + "a" * 5000, False),
        ("", False),
        (None, False),
    ],
)
def test_check_url(url: str | None, ok: bool) -> None:
    safe, reason = check_url(url)
    assert (safe is not None) == ok
    assert (reason == "") == ok


def test_row_pages_find_patch_and_short_pages() -> None:
    from dataclasses import replace

    from widgets.row_pages import RowPages

    source = CountingSource(1_000)
    pages = RowPages(source)
    pages.recount()
    assert pages.total == 1_000 and source.fetches == []
    assert pages.row(250) == make_row(250) and source.fetches == [200]
    assert pages.find("c000450", near=250) == 450  # two pages away
    assert pages.find("c000999", near=0) is None  # beyond the span
    assert pages.patch(replace(make_row(250), new=False))
    assert pages.row(250) is not None and not pages.row(250).new  # type: ignore[union-attr]
    assert not pages.patch(make_row(999))  # not loaded
    source.total = 1_000
    pages.recount()
    assert pages.loaded() == []
    source.total = 10  # the source shrank after counting: a gap, not an error
    assert pages.row(500) is None
