"""HTML fragments from feeds to readable plain text, in linear time.

Feed summaries and content are HTML written by strangers. The desk shows
plain text only, so this module keeps the words and the paragraph structure
and throws everything else away: tags, attributes, comments, scripts and
styles. It never produces markup and never follows a link.

Why not :class:`html.parser.HTMLParser`: on CPython before 3.11.13 / 3.12.11 /
3.13.4 it rescans the rest of the input for every ``<`` that does not start a
complete construct (``"</" * 500_000`` took 98 s on 3.11.7, the interpreter
we ship on). The tokenizer below is a small tag-soup scanner in the spirit of
the HTML5 tokenizer: every search moves forward, and a failed search is
remembered, so the whole pass is O(n) whatever the input. Entities are decoded
once, with :func:`html.unescape`.

Pure: no I/O.
"""

from __future__ import annotations

import html
import re

from app.text import clean_text

__all__ = ["html_to_text"]

#: Input kept per character of wanted output: markup is usually much longer
#: than the text it wraps, but a cap there must be, or a 50 MB summary costs seconds.
_INPUT_PER_OUTPUT = 8
_INPUT_SLACK = 4096

# Raw-text elements whose content is never shown: the tokenizer jumps to the
# matching close tag without looking at what is inside.
_DROP_RAW = frozenset(
    {"script", "style", "noscript", "iframe", "xmp", "noembed", "noframes", "plaintext"}
)
# Elements whose parsed content is not text for a reader (counted, may nest).
_DROP_NESTED = frozenset({"template", "head", "svg", "math", "object", "select"})
# Elements that break the text into paragraphs.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "ul",
    }
)  # fmt: skip
_LINES = frozenset({"br", "tr", "li", "option"})
_CELLS = frozenset({"td", "th"})
_PRESERVE_SPACE = frozenset({"pre", "textarea", "listing"})
# ASCII-only lower-casing keeps string positions aligned (str.lower() may not).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SPACES = frozenset(" \t\n\r\f")
_WS_RE = re.compile(r"[ \t\n\r\f]+")
# Where markup may start; any other "<" is text. A plain two-character search:
# no backtracking, and each call starts where the last construct ended.
_MARKUP_RE = re.compile(r"<[A-Za-z/!?]")


class _Finder:
    """``str.find`` that remembers its answers, so forward scans stay linear.

    The tokenizer only ever moves forward. If the first ``needle`` at or after
    ``a`` is at ``r`` (or nowhere), it is also the first at or after any
    ``b`` with ``a <= b <= r``; so a remembered answer is reused until the
    position passes it, and every character is scanned at most once per needle.
    """

    __slots__ = ("_cache", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._cache: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int) -> int:
        hit = self._cache.get(needle)
        if hit is not None:
            asked, found = hit
            if asked <= start and (found < 0 or found >= start):
                return found
        found = self._text.find(needle, start)
        self._cache[needle] = (start, found)
        return found


class _Extractor:
    """One pass over an HTML string, collecting text pieces."""

    def __init__(self, source: str, limit: int | None) -> None:
        self.src = source
        self.n = len(source)
        self.find = _Finder(source).find
        self._lower: _Finder | None = None
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit
        self.drop_depth = 0
        self.pre_depth = 0

    def lower_find(self, needle: str, start: int) -> int:
        """Case-insensitive forward search for an ASCII ``needle`` (lower-case)."""
        if self._lower is None:
            self._lower = _Finder(self.src.translate(_ASCII_LOWER))
        return self._lower.find(needle, start)

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def text(self, raw: str) -> None:
        if self.drop_depth or not raw:
            return
        value = html.unescape(raw) if "&" in raw else raw
        if not self.pre_depth:
            value = _WS_RE.sub(" ", value)
        self.emit(value)

    def run(self) -> str:
        src, n, i = self.src, self.n, 0
        while i < n:
            if self.limit is not None and self.size > self.limit:
                break
            match = _MARKUP_RE.search(src, i)
            if match is None:
                self.text(src[i:])
                break
            lt = match.start()
            if lt > i:
                self.text(src[i:lt])
            i = self.markup(lt)
        return "".join(self.parts)

    def markup(self, lt: int) -> int:
        """Handle the construct starting with ``<`` at ``lt``; return where to go on."""
        src, n = self.src, self.n
        nxt = src[lt + 1] if lt + 1 < n else ""
        if nxt in _LETTERS:
            return self.start_tag(lt)
        if nxt == "/":
            after = src[lt + 2] if lt + 2 < n else ""
            gt = self.find(">", lt + 2)
            if gt < 0:
                return n  # EOF inside a tag: the rest is not text
            if after in _LETTERS:
                self.end_tag(self.tag_name(lt + 2, gt)[0])
            return gt + 1  # "</>" or a bogus comment
        if src.startswith("<!--", lt):
            if src.startswith("<!-->", lt):
                return lt + 5
            if src.startswith("<!--->", lt):
                return lt + 6
            end = self.find("-->", lt + 4)
            return n if end < 0 else end + 3
        # "<!" or "<?": a declaration, processing instruction or bogus comment.
        gt = self.find(">", lt + 2)
        return n if gt < 0 else gt + 1

    def tag_name(self, start: int, stop: int) -> tuple[str, int]:
        end = start
        src = self.src
        while end < stop and src[end] in _NAME_CHARS:
            end += 1
        return src[start:end].translate(_ASCII_LOWER), end

    def tag_end(self, pos: int) -> int:
        """Index of the ``>`` closing a start tag whose attributes begin at ``pos``.

        Quoted attribute values may contain ``>``; -1 when the tag never closes.
        """
        src, n = self.src, self.n
        while True:
            gt = self.find(">", pos)
            if gt < 0:
                return -1
            eq = src.find("=", pos, gt)
            if eq < 0:
                return gt
            j = eq + 1
            while j < n and src[j] in _SPACES:
                j += 1
            if j < n and src[j] in ("'", '"'):
                close = self.find(src[j], j + 1)
                if close < 0:
                    return -1
                pos = close + 1
            else:
                pos = j

    def start_tag(self, lt: int) -> int:
        name, after_name = self.tag_name(lt + 1, self.n)
        gt = self.tag_end(after_name)
        if gt < 0:
            return self.n
        self_closing = self.src[gt - 1] == "/" and gt - 1 >= after_name
        if name in _DROP_RAW:
            close = self.lower_find("</" + name, gt + 1)
            if close < 0:
                return self.n
            end = self.find(">", close + 2 + len(name))
            return self.n if end < 0 else end + 1
        if name in _DROP_NESTED:
            if not self_closing:
                self.drop_depth += 1
            return gt + 1
        if name == "body" and self.drop_depth:
            # An unclosed <head> ends where the body starts.
            self.drop_depth = 0
        self.break_for(name, opening=True)
        if name in _PRESERVE_SPACE and not self_closing:
            self.pre_depth += 1
        return gt + 1

    def end_tag(self, name: str) -> None:
        if name in _DROP_NESTED:
            if self.drop_depth:
                self.drop_depth -= 1
            return
        if name in _PRESERVE_SPACE and self.pre_depth:
            self.pre_depth -= 1
        self.break_for(name, opening=False)

    def break_for(self, name: str, *, opening: bool) -> None:
        if self.drop_depth:
            return
        if name in _BLOCKS:
            if not self.parts or self.parts[-1] != "\n\n":
                self.emit("\n\n")
        elif name == "li":
            self.emit("\n• " if opening else "\n")
        elif name in _LINES:
            if opening or name != "br":
                self.emit("\n")
        elif name in _CELLS:
            self.emit(" ")


def html_to_text(html_text: str, *, max_len: int | None = None) -> str:
    """Render an HTML fragment as plain, safe text.

    Scripts, styles, comments, templates and other non-text content are
    dropped; block elements become paragraph breaks, ``<br>`` a line break,
    list items bullets; entities are decoded exactly once; the result goes
    through :func:`app.text.clean_text`, so it carries no control characters.
    The input is cut before scanning when ``max_len`` is given, so time and
    memory stay bounded by the cap, not by the input.

    Args:
        html_text: The HTML (or plain text with entities) to convert.
        max_len: Cap on the result's length in characters.

    Returns:
        Plain text with paragraphs separated by blank lines.
    """
    if not html_text:
        return ""
    if max_len is not None:
        html_text = html_text[: max_len * _INPUT_PER_OUTPUT + _INPUT_SLACK]
    limit = None if max_len is None else max_len * 2 + _INPUT_SLACK
    text = _Extractor(html_text, limit).run()
    return clean_text(text, max_len=max_len)
