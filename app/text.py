"""Text hygiene: the one place untrusted text is made safe.

Every text field from a feed, a saved page, a file name or an error message
goes through :func:`clean_text` at ingest. It removes what a terminal would
act on (C0/C1 controls, escape sequences, bidi overrides, zero-width
characters), normalises Unicode and whitespace, and caps the length. The
result is plain text; the desk renders it as ``Content``/``Text``, never as
markup.

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BANNED_CHARS_RE",
    "clean_line",
    "clean_text",
    "is_banned",
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
    text = _ESCAPE_SEQ_RE.sub("", text)
    text = text.replace("\t", " ")
    text = BANNED_CHARS_RE.sub("", text)
    text = _TAGS_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    # NFC can, in theory, compose into nothing banned; re-check cheaply.
    text = BANNED_CHARS_RE.sub("", text)
    if multiline:
        text = "\n".join(_HSPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
        text = _MANY_NEWLINES_RE.sub("\n\n", text).strip()
    else:
        text = " ".join(text.split())
    if max_len is not None and len(text) > max_len:
        text = text[: max(0, max_len - 1)].rstrip() + "\u2026"
    return text


def clean_line(value: object, *, max_len: int | None = 1000) -> str:
    """:func:`clean_text` for one-line fields: titles, names, log text."""
    return clean_text(value, max_len=max_len, multiline=False)
