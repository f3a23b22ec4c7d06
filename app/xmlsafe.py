"""Defusing untrusted XML before any parser sees it.

feedparser's loose fallback parser expands entities without limit (a 110 KB
feed grew a title of 1e9 characters) and its strict parser resolves what a
DOCTYPE declares. So the prolog of every feed body is rewritten here first:
``<!DOCTYPE ...>`` (with its internal subset), ``<!ENTITY ...>`` and every
other declaration, comment and processing instruction before the root
element are removed; the XML declaration keeps only its version and
encoding. That defeats billion laughs, quadratic blowup, parameter entities
and XXE (``SYSTEM "file:///..."``) before any parser runs, in one linear
pass. Declarations after the root element are not XML and stay inert text.

UTF-16/32 bodies (BOM or ``<?`` pattern) are transcoded to UTF-8 to be
scanned; ASCII-compatible ones are scanned as Latin-1 (one character per
byte), so their own encoding is left for the parser to detect.

Pure: no I/O.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Defused", "defuse", "defuse_xml"]

_XML_ENCODING_RE = re.compile(r"""encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,39})["']""")
# Interesting characters inside a declaration: quotes, subset brackets, comments, the end.
_DECL_STOP_RE = re.compile(r"""["'\[\]>]|<!--""")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:")
_XML_SPACE = frozenset(" \t\r\n")

# Byte-order marks and BOM-less "<?" / "<" patterns of the encodings that are
# not ASCII-compatible; those bodies are transcoded to UTF-8 before defusing.
_WIDE_ENCODINGS: tuple[tuple[bytes, str, int], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", 4),
    (codecs.BOM_UTF32_BE, "utf-32-be", 4),
    (codecs.BOM_UTF16_LE, "utf-16-le", 2),
    (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
)


@dataclass(frozen=True, slots=True)
class Defused:
    """An XML body with its prolog defused, and what :func:`defuse` learnt."""

    body: bytes
    #: Charset to force on feedparser (set when the body was transcoded to UTF-8).
    charset: str | None
    #: The document names its own encoding (BOM or XML declaration).
    self_declared: bool
    removed_entities: bool


def _declaration_end(text: str, start: int) -> int:
    """Index of the ``>`` ending the declaration whose body starts at ``start``.

    Quoted strings, ``[...]`` internal subsets and comments may contain ``>``.
    Returns -1 when the declaration never ends. Linear: every search moves on.
    """
    depth = 0
    pos = start
    while True:
        match = _DECL_STOP_RE.search(text, pos)
        if match is None:
            return -1
        found = match.group()
        if found in ('"', "'"):
            close = text.find(found, match.end())
            if close < 0:
                return -1
            pos = close + 1
        elif found == "<!--":
            close = text.find("-->", match.end())
            if close < 0:
                return -1
            pos = close + 3
        elif found == "[":
            depth += 1
            pos = match.end()
        elif found == "]":
            depth = max(0, depth - 1)
            pos = match.end()
        elif depth == 0:  # ">"
            return match.start()
        else:
            pos = match.end()


def _strip_prolog(text: str, start: int) -> tuple[str, bool]:
    """Rebuild everything before the root element without declarations.

    Keeps the XML declaration (only its version and encoding), drops DOCTYPE,
    ENTITY and any other ``<!...>`` declaration, comments and processing
    instructions. Returns the new text and whether an ENTITY was removed.
    """
    n = len(text)
    head: list[str] = []
    removed_entities = False
    i = start
    while i < n:
        ch = text[i]
        if ch in _XML_SPACE:
            i += 1
            continue
        if ch != "<":
            # Stray text before the root: keep it up to the next "<" and let the
            # parser complain; it cannot declare anything.
            nxt = text.find("<", i)
            nxt = n if nxt < 0 else nxt
            head.append(text[i:nxt])
            i = nxt
            continue
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return text[:start] + "".join(head), removed_entities
            if not head and text.startswith("<?xml", i) and text[i + 5 : i + 6] in _XML_SPACE:
                # The XML declaration: keep only what it says about the encoding.
                match = _XML_ENCODING_RE.search(text, i, end)
                encoding = f' encoding="{match.group(1)}"' if match else ""
                head.append(f'<?xml version="1.0"{encoding}?>')
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return text[:start] + "".join(head), removed_entities
            i = end + 3
        elif text.startswith("<!", i):
            end = _declaration_end(text, i + 2)
            if "ENTITY" in text[i : (n if end < 0 else end)].upper():
                removed_entities = True
            if end < 0:
                return text[:start] + "".join(head), removed_entities
            i = end + 1
        elif i + 1 < n and text[i + 1] in _NAME_START:
            break  # the root element
        else:
            head.append("<")
            i += 1
    if i == start and not head:
        return text, removed_entities
    return text[:start] + "\n".join(head) + "\n" + text[i:], removed_entities


def defuse_xml(body: bytes) -> tuple[bytes, str | None, bool]:
    """Remove DOCTYPE/ENTITY declarations from an XML body's prolog.

    UTF-16 and UTF-32 bodies (by BOM or by their ``<?`` pattern) are decoded,
    defused and re-encoded as UTF-8. ASCII-compatible bodies are scanned
    byte for byte (as Latin-1, which maps every byte to one character), so
    their own encoding is left for feedparser to detect.

    Args:
        body: The raw feed body.

    Returns:
        ``(body, forced_charset, removed_entities)``: the defused bytes, the
        charset they are now in when they were transcoded (else None), and
        whether entity declarations were removed.
    """
    defused = defuse(body)
    return defused.body, defused.charset, defused.removed_entities


def defuse(body: bytes) -> Defused:
    """Like :func:`defuse_xml`, with what the caller needs to pick a charset."""
    for marker, codec, bom_len in _WIDE_ENCODINGS:
        if body.startswith(marker):
            text = body[bom_len:].decode(codec, errors="replace")
            stripped, removed = _strip_prolog(text, 0)
            return Defused(stripped.encode("utf-8", errors="replace"), "utf-8", True, removed)
    start = 3 if body.startswith(codecs.BOM_UTF8) else 0
    text = body.decode("latin-1")
    stripped, removed = _strip_prolog(text, start)
    declared = start > 0 or bool(
        stripped.startswith("<?xml", start)
        and _XML_ENCODING_RE.search(stripped, start, start + 100)
    )
    out = body if stripped is text else stripped.encode("latin-1")
    return Defused(out, None, declared, removed)
