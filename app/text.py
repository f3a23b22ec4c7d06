"""Text hygiene: the one place untrusted text is made safe.

Every text field from a feed, a saved page, a file name or an error message
goes through :func:`clean_text` at ingest. It removes what a terminal would
act on (C0/C1 controls, escape sequences, bidi overrides, zero-width
characters), normalises Unicode and whitespace, and caps the length. The
result is plain text; the desk renders it as ``Content``/``Text``, never as
markup.

It also owns turning markup (HTML, Markdown) into plain lines: feeds carry
HTML summaries and saved pages come as ``.html``/``.md``. The converters keep,
for each output line, the character span it came from in the source, so a
story cut out of a saved page can point back into the file it came from.

Pure: no I/O.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "BANNED_CHARS_RE",
    "TextLine",
    "clean_line",
    "clean_text",
    "html_lines",
    "is_banned",
    "markdown_lines",
    "plain_lines",
]

# ANSI/VT escape sequences (CSI, OSC, DCS, SOS/PM/APC, two-char ESC), in their
# 7-bit and 8-bit forms, so their *parameters* go too, not just the ESC byte.
_ESCAPE_SEQ_RE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?          # CSI ... final
  | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])          # OSC, DCS, SOS, PM, APC
    [^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?     # ... up to BEL / ST
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                      # other ESC sequences
    """,
    re.VERBOSE,
)

# Characters never allowed in cleaned text:
# C0 controls except \t and \n, DEL, C1 controls, bidi embeddings/overrides/
# isolates, zero-width and invisible formatting characters, line/paragraph
# separators, BOM, interlinear annotations, object replacement, and lone
# surrogates.
_BANNED_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ufffc"
    "\ud800-\udfff"
)
BANNED_CHARS_RE = re.compile(f"[{_BANNED_CLASS}]")
_HSPACE_RE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
# Unicode tag characters (U+E0000 block) can smuggle invisible text.
_TAGS_RE = re.compile("[\U000e0000-\U000e007f]")
# "Zalgo" text: dozens of combining diacritics stacked on one letter spill
# over neighbouring lines in a terminal. No language needs more than three
# from these blocks on one base (after NFC); the rest of a run is dropped.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_STACKED_MARKS_RE = re.compile(f"([{_MARKS}]{{3}})[{_MARKS}]+")


def is_banned(ch: str) -> bool:
    """True when ``ch`` must never survive :func:`clean_text`."""
    return bool(BANNED_CHARS_RE.match(ch) or _TAGS_RE.match(ch))


def clean_text(
    value: object,
    *,
    max_len: int | None = None,
    multiline: bool = True,
) -> str:
    """Return ``value`` as safe, normalised plain text.

    Args:
        value: Any object; ``None`` becomes ``""``, bytes are decoded as UTF-8
            with replacement, anything else goes through ``str()``.
        max_len: Cap on the result's length in characters; a cut text ends
            with an ellipsis.
        multiline: Keep single line breaks (paragraphs). When False every run
            of whitespace becomes one space (titles, names, log fields).

    Returns:
        NFC-normalised text with no control characters (other than ``\\n``
        when ``multiline``), no escape sequences, no bidi or zero-width
        characters, trimmed, with runs of spaces collapsed.
    """
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", errors="replace")
    else:
        text = str(value)
    # Cap very long input before the regexes see it: a 50 MB summary must not
    # cost seconds. Four times the cap leaves room for what cleaning removes.
    if max_len is not None and len(text) > max_len * 4 + 64:
        text = text[: max_len * 4 + 64]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Every escape sequence starts with a banned character, so one search
    # tells whether the two substitutions below can change anything.
    if BANNED_CHARS_RE.search(text):
        text = _ESCAPE_SEQ_RE.sub("", text)
        text = BANNED_CHARS_RE.sub("", text)
    text = text.replace("\t", " ")
    if not text.isascii():  # tag characters, NFC and marks never touch ASCII
        text = _TAGS_RE.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
            # NFC can, in theory, compose into nothing banned; re-check cheaply.
            text = BANNED_CHARS_RE.sub("", text)
        text = _STACKED_MARKS_RE.sub(r"\1", text)
    if multiline:
        text = "\n".join(_HSPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
        text = _MANY_NEWLINES_RE.sub("\n\n", text).strip()
    else:
        text = " ".join(text.split())
    if max_len is not None and len(text) > max_len:
        # A cap below 1 leaves no room even for the ellipsis.
        text = text[: max_len - 1].rstrip() + "\u2026" if max_len >= 1 else ""
    return text


def clean_line(value: object, *, max_len: int | None = 1000) -> str:
    """:func:`clean_text` for one-line fields: titles, names, log text."""
    return clean_text(value, max_len=max_len, multiline=False)


# --- markup -> lines ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of plain text and where it came from in the source.

    ``start``/``end`` are character offsets into the source string (for HTML,
    the span from the line's first text to the tag that ended it). The text is
    not yet cleaned: callers still pass what they keep through
    :func:`clean_text`.
    """

    text: str
    start: int
    end: int
    #: A heading in the markup (``<h1>``..``<h6>``, ``#`` in Markdown).
    heading: bool = False
    #: A list item (``<li>``, ``- `` in Markdown).
    bullet: bool = False
    #: Nothing but link text: a navigation entry or a related-article link.
    link_only: bool = False


def plain_lines(text: str) -> list[TextLine]:
    """Split plain text into :class:`TextLine` objects, one per ``\\n`` line.

    Args:
        text: Decoded text with ``\\n`` line ends.

    Returns:
        Every line, blank ones included, with its ``[start, end)`` span.
    """
    lines: list[TextLine] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(TextLine(raw, pos, pos + len(raw)))
        pos += len(raw) + 1
    return lines


# Markdown is converted line by line so each output line keeps its source span.
_MD_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_BULLET_RE = re.compile(r"^[ \t]*[-*+][ \t]+")
_MD_QUOTE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MD_RULE_RE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)")
_MD_LINKDEF_RE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+")
# Quantifiers are bounded and stop at the next opener, so a long line full of
# "[" or "*" costs linear time.
_MD_TARGET = r"(?:\([^()\s]{0,2048}(?:\s+(?:\"[^\"]{0,200}\"|'[^']{0,200}'))?\)|\[[^\[\]]{0,200}\])"
_MD_IMAGE_RE = re.compile(r"!\[[^\[\]]{0,1000}\]" + _MD_TARGET)
# [text](url "title") and [text][ref]; the text may be empty after images go.
_MD_LINK_RE = re.compile(r"\[([^\[\]]{0,1000})\]" + _MD_TARGET)
_MD_AUTOLINK_RE = re.compile(r"<(?:https?|mailto|ftp):[^>\s]{0,2048}>")
_MD_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,1000}>")
_MD_STRONG_RE = re.compile(
    r"\*\*(?=[^*\s])([^*]{1,1000}?)(?<=\S)\*\*|__(?=[^_\s])([^_]{1,1000}?)(?<=\S)__"
)
# Single _ only at word edges, so snake_case names survive.
_MD_EM_RE = re.compile(
    r"(?<![\w*])\*(?=[^*\s])([^*]{1,1000}?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=[^_\s])([^_]{1,1000}?)(?<=\S)_(?![\w_])"
)
_MD_CODE_RE = re.compile(r"`{1,3}([^`]{0,1000})`{1,3}")


def _md_inline(text: str) -> tuple[str, bool]:
    """Strip inline Markdown; also say whether the line was only links."""
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_AUTOLINK_RE.sub("", text)
    without_links = _MD_LINK_RE.sub("", text)
    had_links = without_links != text
    link_only = had_links and not re.search(r"\w", _MD_TAG_RE.sub("", without_links))
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _MD_TAG_RE.sub("", text)
    text = _MD_CODE_RE.sub(r"\1", text)
    text = _MD_STRONG_RE.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_EM_RE.sub(lambda m: m.group(1) or m.group(2), text)
    return text.strip(), link_only


def markdown_lines(text: str) -> list[TextLine]:
    """Turn Markdown into plain :class:`TextLine` objects.

    Headings lose their ``#`` and are flagged; list markers go (flagged as
    bullets); images, link targets, emphasis, inline HTML tags, rules, code
    fences, link definitions and a leading YAML front-matter block are
    removed. Numbered list markers are kept: ``1. HOME`` is a breadcrumb the
    caller wants to recognise.

    Args:
        text: Decoded Markdown with ``\\n`` line ends.

    Returns:
        One line per source line (blank where the source line held nothing
        readable), each with its source span.
    """
    out: list[TextLine] = []
    raw_lines = plain_lines(text)
    front_matter = bool(raw_lines) and raw_lines[0].text.strip() == "---"
    for index, line in enumerate(raw_lines):
        raw = line.text
        if front_matter:
            if index > 0 and raw.strip() in {"---", "..."}:
                front_matter = False
            out.append(TextLine("", line.start, line.end))
            continue
        if _MD_RULE_RE.match(raw) or _MD_FENCE_RE.match(raw) or _MD_LINKDEF_RE.match(raw):
            out.append(TextLine("", line.start, line.end))
            continue
        bullet = False
        heading = False
        body = _MD_QUOTE_RE.sub("", raw)
        if _MD_BULLET_RE.match(body):
            bullet = True
            body = _MD_BULLET_RE.sub("", body, count=1)
        match = _MD_HEADING_RE.match(body)
        if match:
            heading = True
            body = match.group(2)
        body, link_only = _md_inline(body)
        out.append(
            TextLine(
                body,
                line.start,
                line.end,
                heading=heading,
                bullet=bullet,
                link_only=link_only and not heading,
            )
        )
    return out


# HTML is scanned by hand rather than with html.parser.HTMLParser: on the
# CPython we ship (3.11.7) that parser rescans the rest of the input for every
# "<" that does not complete a construct, so "<!--" * 20_000 (80 KB) takes
# seconds and a 20 MB saved page would hang a refresh. The scanner below only
# ever searches forward and remembers where a search found its target, so a
# page costs time linear in its size. A ">" inside a quoted attribute value
# ends the tag early; the leftover attribute text is then read as page text,
# which costs a little noise, never safety (everything goes through
# clean_text).


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Elements whose content is skipped unparsed, up to their closing tag.
_HTML_RAW_SKIP = frozenset(
    {"script", "style", "noscript", "iframe", "xmp", "noembed", "noframes", "plaintext"}
)
# Elements whose content is text but never markup.
_HTML_RAW_TEXT = frozenset({"title", "textarea"})
# Elements whose (parsed) content is not page text a reader would call the story.
_HTML_SKIP = frozenset(
    {"nav", "footer", "template", "svg", "math", "form", "button", "select", "canvas", "object"}
)
# Elements that end a line of text.
_HTML_BLOCK = _names(
    "address article aside blockquote body br dd div dl dt figcaption figure "
    "h1 h2 h3 h4 h5 h6 header hr html li main ol p pre section table td th "
    "title tr ul"
)
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "title"})
_HTML_VOID = _names("area base br col embed hr img input link meta param source track wbr")
_HTML_TAG_START_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")


class _HtmlLines:
    """Collect block-level lines of text with their source spans."""

    def __init__(self) -> None:
        self.lines: list[TextLine] = []
        self.skip = 0
        self.heading = 0
        self.bullet = 0
        self.link = 0
        self._parts: list[str] = []
        self._start: int | None = None
        self._end = 0
        self._linked = 0
        self._plain = 0

    def data(self, raw: str, start: int) -> None:
        if self.skip or not raw:
            return
        text = html.unescape(raw)
        if not text.strip():
            if self._parts:
                self._parts.append(" ")
            return
        if self._start is None:
            self._start = start + (len(raw) - len(raw.lstrip()))
        self._parts.append(text)
        self._end = start + len(raw.rstrip())
        if self.link:
            self._linked += len(text.strip())
        else:
            self._plain += len(text.strip())

    def flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text and self._start is not None:
            link_only = self._linked > 0 and self._plain == 0 and self.heading == 0
            self.lines.append(
                TextLine(
                    text,
                    self._start,
                    max(self._end, self._start),
                    heading=self.heading > 0,
                    bullet=self.bullet > 0,
                    link_only=link_only,
                )
            )
        self._parts = []
        self._start = None
        self._linked = self._plain = 0

    def tag(self, name: str, closing: bool) -> None:
        if name in _HTML_SKIP:
            if closing:
                self.skip = max(0, self.skip - 1)
            elif name not in _HTML_VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if name in _HTML_BLOCK:
            self.flush()
        step = -1 if closing else 1
        if name in _HTML_HEADINGS:
            self.heading = max(0, self.heading + step)
        elif name == "li":
            self.bullet = max(0, self.bullet + step)
        elif name == "a":
            self.link = max(0, self.link + step)


def html_lines(text: str) -> list[TextLine]:
    """Turn HTML into plain :class:`TextLine` objects, one per block of text.

    A small forward-only scanner (linear time on any input, unlike
    :class:`html.parser.HTMLParser` on this CPython): block elements end a
    line; ``script``/``style`` and ``nav``/``footer``/``form`` (and other
    non-content elements) are dropped with their content; comments and
    declarations go; entities are decoded; whitespace is collapsed;
    ``<h1>``..``<h6>`` and ``<title>`` are flagged as headings, ``<li>`` as
    bullets, lines made only of ``<a>`` text as link-only. It never fetches
    anything.

    Args:
        text: Decoded HTML.

    Returns:
        The non-empty lines in document order, each with the span of its text
        in ``text``.
    """
    out = _HtmlLines()
    pos = 0
    size = len(text)
    next_gt = -1  # first ">" at or after the last position searched (memoised)
    while pos < size:
        lt = text.find("<", pos)
        if lt < 0:
            out.data(text[pos:], pos)
            break
        out.data(text[pos:lt], pos)
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            pos = size if close < 0 else close + 3
            continue
        if next_gt < lt:
            found = text.find(">", lt)
            next_gt = size if found < 0 else found
        match = _HTML_TAG_START_RE.match(text, lt)
        if text.startswith(("<!", "<?"), lt) and next_gt < size:
            pos = next_gt + 1
            continue
        if match is None or next_gt >= size:
            out.data("<", lt)  # a bare "<" in text
            pos = lt + 1
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        pos = next_gt + 1
        out.tag(name, closing)
        if closing or (name not in _HTML_RAW_SKIP and name not in _HTML_RAW_TEXT):
            continue
        # Raw text runs to the matching close tag (or the end of the page).
        end = re.compile(rf"</{name}\b", re.IGNORECASE).search(text, pos)
        stop = size if end is None else end.start()
        if name in _HTML_RAW_TEXT:
            out.data(text[pos:stop], pos)
        pos = stop
    out.flush()
    return out.lines
