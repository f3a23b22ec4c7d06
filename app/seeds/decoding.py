"""Bytes of a saved page -> text, through a fallback chain of codecs.

Owns :func:`decode_bytes`: BOMs, BOM-less UTF-16, strict UTF-8, cp1251 when
the bytes look Cyrillic, cp1252, latin-1; binary data (NUL bytes) is refused
(RELIABILITY row L1-L2). Pure: the bytes are judged, never the file name.
"""

from __future__ import annotations

import re

from app.errors import SourceFileError
from app.text import clean_line

__all__ = ["decode_bytes"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# cp1251 bytes that are Cyrillic letters: А..я plus Ё ё Є є І і Ї ї Ґ ґ Ў ў Ј ј.
_CP1251_LETTERS = frozenset(range(0xC0, 0x100)) | frozenset(
    {0xA8, 0xB8, 0xAA, 0xBA, 0xB2, 0xB3, 0xAF, 0xBF, 0xA5, 0xB4, 0xA1, 0xA2, 0xA3, 0xBC}
)


def _bomless_utf16(data: bytes) -> str | None:
    """Name the UTF-16 codec when BOM-less data looks like mostly-ASCII UTF-16."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    if odd.count(0) >= 0.4 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.4 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


_ASCII_BYTES = bytes(range(0x80))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NOT_CP1251_LETTERS = bytes(b for b in range(0x80, 0x100) if b not in _CP1251_LETTERS)
_HIGH_RUN_RE = re.compile(rb"[\x80-\xff]{2,}")


def _looks_cyrillic(data: bytes) -> bool:
    """True when non-UTF-8 bytes read best as cp1251 Cyrillic.

    Cyrillic text in cp1251 is mostly high bytes, in runs (whole words),
    nearly all of them letters; Western text in cp1252 has isolated accented
    letters between ASCII ones. All three tests must pass, so "Größe" stays
    latin. The first 64 KiB are a fair sample, and bytes-level counting keeps
    a 20 MB file cheap.
    """
    sample = data[: 1 << 16]
    high = sample.translate(None, _ASCII_BYTES)
    if not high:
        return False
    letters = len(high.translate(None, _NOT_CP1251_LETTERS))
    ascii_letters = len(sample) - len(sample.translate(None, _ASCII_LETTERS))
    paired = sum(len(run) for run in _HIGH_RUN_RE.findall(sample))
    return (
        letters >= 0.9 * len(high)
        and paired >= 0.5 * len(high)
        and len(high) >= 0.3 * (len(high) + ascii_letters)
    )


def decode_bytes(data: bytes, *, name: str = "<data>") -> tuple[str, tuple[str, ...]]:
    """Decode a saved page's bytes to text, saying how it was done.

    The chain: a BOM (UTF-32, UTF-8, UTF-16) decides; else BOM-less UTF-16 is
    recognised by its NUL pattern; else a NUL byte means a binary file; else
    strict UTF-8; else cp1251 when the bytes look Cyrillic; else cp1252, then
    latin-1 (which cannot fail). A BOM'd file that does not decode cleanly is
    decoded with ``errors="replace"``. Line ends become ``\\n``.

    Args:
        data: The file's bytes.
        name: The file's name for messages (cleaned here).

    Returns:
        The text and the warnings worth recording ("decoded as cp1251").

    Raises:
        SourceFileError: The data is binary (NUL bytes outside UTF-16/32).
    """
    shown = clean_line(name, max_len=300)
    warnings: list[str] = []
    codec: str | None = None
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            codec = bom_codec
            break
    if codec is None:
        codec = _bomless_utf16(data)
        if codec is not None:
            warnings.append(f"{shown}: no byte-order mark, decoded as {codec}")
    if b"\x00" in data and (codec is None or codec == "utf-8-sig"):
        # NUL never occurs in text outside UTF-16/32: a binary file renamed .txt.
        raise SourceFileError(f"{shown}: binary file (NUL bytes), skipped")
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = data.decode(codec, errors="replace")
            warnings.append(f"{shown}: invalid {codec}, undecodable bytes replaced")
        if codec.startswith("utf-16-"):
            text = text.removeprefix("\ufeff")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _looks_cyrillic(data):
                text = data.decode("cp1251", errors="replace")
                warnings.append(f"{shown}: not UTF-8, decoded as cp1251")
            else:
                try:
                    text = data.decode("cp1252")
                    warnings.append(f"{shown}: not UTF-8, decoded as cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
                    warnings.append(f"{shown}: not UTF-8, decoded as latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, tuple(warnings)
