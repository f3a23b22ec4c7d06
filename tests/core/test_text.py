"""Text hygiene (clean_text / clean_line) and markup -> lines (app.text)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.text import (
    TextLine,
    clean_line,
    clean_text,
    html_lines,
    is_banned,
    markdown_lines,
    plain_lines,
)

# Text that leans on what terminals act on: controls, escapes, bidi, zero-width.
NASTY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            [
                "\x1b",
                "\x9b",
                "\x9d",
                "\x07",
                "\x00",
                "\r",
                "\n",
                "\t",
                "[",
                "]",
                ";",
                "\u202e",
                "\u2066",
                "\u200b",
                "\ufeff",
                "\u0301",
                "\u2028",
                "\U000e0041",
                "\u2adc",
            ]
        ),
    ),
    max_size=300,
)


@given(NASTY, st.integers(min_value=0, max_value=200), st.booleans())
@example("\u2adc" * 5, 3, True)  # NFC can grow text: the cap still holds
@example("abc", 0, False)
def test_clean_text_never_leaves_banned_chars_nor_exceeds_cap(
    value: str, max_len: int, multiline: bool
) -> None:
    out = clean_text(value, max_len=max_len, multiline=multiline)
    assert not any(is_banned(ch) for ch in out)
    assert len(out) <= max_len
    assert "\r" not in out and "\t" not in out
    if not multiline:
        assert "\n" not in out
    else:
        assert "\n\n\n" not in out
    assert out == out.strip()


@given(NASTY, st.booleans())
def test_clean_text_is_idempotent_and_normalised(value: str, multiline: bool) -> None:
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once
    assert unicodedata.is_normalized("NFC", once)


@given(st.binary(max_size=200))
def test_clean_text_accepts_bytes(value: bytes) -> None:
    out = clean_text(value)
    assert not any(is_banned(ch) for ch in out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # OSC 52 (write the clipboard): sequence and payload both go.
        ("a\x1b]52;c;ZXZpbCBjb21tYW5k\x07b", "ab"),
        ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),
        # OSC 8 hyperlink: the link target goes, the visible text stays.
        ("\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "click me"),
        # CSI: clear screen, colours, cursor moves; 7-bit and 8-bit forms.
        ("\x1b[2Jcleared", "cleared"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x9b31mred", "red"),
        ("up\x1b[10Adown", "updown"),
        # Plain controls.
        ("nul\x00byte", "nulbyte"),
        ("bell\x07", "bell"),
        ("del\x7f", "del"),
        ("next\x85line", "nextline"),
        # Bidi override and isolates (Trojan-source style reordering).
        ("abc\u202edcba\u202c", "abcdcba"),
        ("\u2066isolated\u2069", "isolated"),
        # Zero-width and invisible characters.
        ("zero\u200bwidth\u200cjoin\u200d\u2060\ufeff", "zerowidthjoin"),
        ("tag\U000e0041\U000e007f", "tag"),
        # Combining marks are letters' parts: kept, composed where Unicode can.
        ("Cafe\u0301", "Café"),
        ("q\u0307", "q\u0307"),
        ("Ні\u0301ч", "Ні\u0301ч"),
        # Line ends.
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("  spaced\t\tout  \n  lines ", "spaced out\nlines"),
        ("\u2028sep\u2029", "sep"),
        # Markup is plain text here: rendering decides, never this function.
        ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
        (None, ""),
    ],
)
def test_clean_text_cases(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_caps_stacked_combining_marks() -> None:
    # "Zalgo" text spills over neighbouring terminal lines; real scripts keep theirs.
    assert clean_text("a" + "\u0489" * 50 + "b") == "a" + "\u0489" * 3 + "b"
    vietnamese = "ti\u0301\u0323ng"  # two marks on one letter: kept (composed by NFC)
    assert clean_text(vietnamese) == unicodedata.normalize("NFC", vietnamese)


def test_clean_text_cap_and_ellipsis() -> None:
    assert clean_text("abcdef", max_len=4) == "abc…"
    assert clean_text("abc def", max_len=5) == "abc…"  # no space before the ellipsis
    assert clean_text("abc", max_len=3) == "abc"
    assert clean_text("abc", max_len=1) == "…"
    assert clean_text("abc", max_len=0) == ""
    assert len(clean_text("x" * 10_000_000, max_len=100)) == 100


def test_clean_line_is_one_line() -> None:
    assert clean_line("Breaking:\nRussia\x1b[2J strikes\r\nKyiv") == "Breaking: Russia strikes Kyiv"
    assert len(clean_line("y" * 5000)) == 1000
    assert clean_line(b"bytes \xff ok") == "bytes \ufffd ok"


# --- markup -> lines --------------------------------------------------------------------------


def test_plain_lines_spans() -> None:
    text = "one\n\nthree"
    lines = plain_lines(text)
    assert [line.text for line in lines] == ["one", "", "three"]
    assert all(text[line.start : line.end] == line.text for line in lines)


def test_markdown_lines() -> None:
    text = "\n".join(
        [
            "---",
            "title: front matter",
            "---",
            "# Big *news* today #",
            "- [Home](https://example.com/ 'home') [World](https://example.com/w)",
            "* **URL**: https://example.com/a",
            "> Quoted **strong** and _em_ with url_extraction_mode and 2*3*4",
            "![alt text](https://example.com/p.jpg) Caption with [a link][ref]",
            "[ref]: https://example.com/ref",
            "***",
            "```",
            "1. HOME",
            "Text with <b>tags</b> and `code`.",
        ]
    )
    lines = markdown_lines(text)
    assert len(lines) == len(text.split("\n"))
    by_text = {line.text: line for line in lines if line.text}
    assert list(by_text) == [
        "Big news today",
        "Home World",
        "URL: https://example.com/a",
        "Quoted strong and em with url_extraction_mode and 2*3*4",
        "Caption with a link",
        "1. HOME",
        "Text with tags and code.",
    ]
    assert by_text["Big news today"].heading
    assert by_text["Home World"].bullet and by_text["Home World"].link_only
    assert by_text["URL: https://example.com/a"].bullet
    assert not by_text["Caption with a link"].link_only
    for line in lines:
        assert text[line.start : line.end] == text.split("\n")[lines.index(line)]


def test_html_lines_blocks_flags_and_spans() -> None:
    page = (
        "<html><head><title>Big &amp; news | Site</title>"
        "<style>p{}</style><script>var s = '<p>not text</p>';</script></head>"
        "<body><nav><a href='/'>Home</a></nav>"
        "<h1>Big  news</h1><!-- a comment --><p>Hello <b>world</b>.<br>Line two</p>"
        "<ul><li><a href=x>Related link</a></li><li>Plain item</li></ul>"
        "<p>1 < 2 and 3 > 2</p><form><p>Sign up</p></form>"
        "<footer>&copy; Site</footer></body></html>"
    )
    lines = html_lines(page)
    assert [line.text for line in lines] == [
        "Big & news | Site",
        "Big news",
        "Hello world.",
        "Line two",
        "Related link",
        "Plain item",
        "1 < 2 and 3 > 2",
    ]
    assert lines[0].heading and lines[1].heading and not lines[2].heading
    assert lines[4].bullet and lines[4].link_only
    assert lines[5].bullet and not lines[5].link_only
    assert page[lines[1].start : lines[1].end] == "Big  news"
    assert page[lines[2].start : lines[2].end] == "Hello <b>world</b>."


@pytest.mark.parametrize(
    "page",
    [
        "<!--" * 20_000,
        "</" * 50_000,
        "<a" * 50_000,
        "<" * 50_000 + ">",
        "<script>" * 20_000,
        "<a x='>" * 20_000,
    ],
    ids=["comments", "end-tags", "open-tags", "bare-lt", "scripts", "quoted-gt"],
)
def test_html_lines_survives_pathological_markup(page: str) -> None:
    # html.parser is quadratic on these (seconds for 80 KB on CPython 3.11.7);
    # the scanner must finish and return text-or-nothing, never raise.
    lines = html_lines(page)
    assert all(isinstance(line, TextLine) for line in lines)
    assert all(0 <= line.start <= line.end <= len(page) for line in lines)


def test_html_lines_unclosed_script_swallows_the_rest() -> None:
    assert html_lines("<p>Before</p><script>var a = 1; <p>never text</p>") == [
        TextLine("Before", 3, 9)
    ]
