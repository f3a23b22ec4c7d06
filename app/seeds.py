"""Saved news pages -> stories: reading, decoding and segmenting seed files.

The user keeps pages saved from news sites (``seeds/*.txt``, also ``.md`` and
``.html``). A saved page is not one story: it holds a live blog's entries, an
article's sections, related-article teasers, and the site's chrome (share
buttons, app-store prompts, comment boxes, copyright lines). This module owns
the three steps from such a file to :class:`~app.models.ParsedStory` values:

* :func:`read_source_file` reads a local file defensively (regular files only,
  never blocks, size judged before reading, a file being written is left for
  the next run): rows L2-L5 and L7 of RELIABILITY.md.
* :func:`decode_bytes` turns bytes into text through a fallback chain (BOMs,
  UTF-8, cp1251, cp1252, latin-1) and rejects binary data: row L1-L2.
* :func:`segment_page` cuts the text into stories with heuristics that look at
  the *shape* of lines (a short unpunctuated line followed by a paragraph is a
  headline) and at what is around them, never at particular sites' strings.

Reading is the only I/O; decoding and segmenting are pure and deterministic
(same input, same output: no set iteration decides anything), so the refresh
pipeline can run them in a worker thread and the tests can pin their output.
"""

from __future__ import annotations

import enum
import errno
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from app.errors import SourceFileError
from app.models import ParsedStory
from app.text import (
    TextLine,
    clean_line,
    clean_text,
    html_lines,
    markdown_lines,
    plain_lines,
)

__all__ = [
    "BODY_MAX_CHARS",
    "MAX_SOURCE_BYTES",
    "SUMMARY_MAX_CHARS",
    "TITLE_MAX_CHARS",
    "decode_bytes",
    "read_source_file",
    "segment_page",
]

#: Files above this size are skipped without being read (RELIABILITY L2).
MAX_SOURCE_BYTES = 20 * 2**20
TITLE_MAX_CHARS = 1000
SUMMARY_MAX_CHARS = 4096
BODY_MAX_CHARS = 256 * 1024

# --- reading ------------------------------------------------------------------


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_error(name: str, exc: OSError) -> SourceFileError:
    """Map an OSError to a message a user can act on, naming the file."""
    if isinstance(exc, FileNotFoundError):
        return SourceFileError(f"{name}: vanished before it could be read, skipped")
    if isinstance(exc, PermissionError):
        return SourceFileError(f"{name}: permission denied, skipped")
    if exc.errno == errno.ELOOP:
        return SourceFileError(f"{name}: symlink loop, skipped")
    if isinstance(exc, IsADirectoryError):
        return SourceFileError(f"{name}: not a regular file (a directory), skipped")
    reason = clean_line(exc.strerror or type(exc).__name__, max_len=200)
    return SourceFileError(f"{name}: cannot be read ({reason}), skipped")


def read_source_file(path: Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """Read a local source file, refusing anything that is not a plain file.

    Only regular files are read (a symlink is followed, and its target must be
    one): FIFOs, devices (a link to ``/dev/zero``), directories named
    ``x.txt``, sockets and symlink loops are refused without blocking. The
    file is opened with ``O_NONBLOCK`` and re-checked with ``fstat``, so a file
    swapped for a FIFO between the check and the open cannot hang a refresh.
    The size is judged by ``stat`` before a byte is read. A file whose size or
    mtime moves while it is read is still being written: it is refused with
    "changing, will retry next run", and the next refresh picks it up.

    Args:
        path: The file to read.
        max_bytes: Largest size accepted.

    Returns:
        The file's bytes.

    Raises:
        SourceFileError: For every reason the file cannot be used; the message
            names the file (cleaned: a name may hold ``\\n``, ESC or markup).
    """
    name = clean_line(os.fsdecode(path), max_len=300)
    try:
        before = os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            before = os.stat(path)
    except OSError as exc:
        raise _os_error(name, exc) from None
    if not stat.S_ISREG(before.st_mode):
        raise SourceFileError(f"{name}: not a regular file ({_file_kind(before.st_mode)}), skipped")
    if before.st_size > max_bytes:
        raise SourceFileError(
            f"{name}: too big ({before.st_size} bytes, limit {max_bytes}), skipped"
        )
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(name, exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise SourceFileError(
                f"{name}: not a regular file ({_file_kind(opened.st_mode)}), skipped"
            )
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise SourceFileError(f"{name}: changing, will retry next run")
        chunks: list[bytes] = []
        total = 0
        # One byte more than stat promised is enough to know the file grew.
        limit = before.st_size + 1
        while total < limit:
            chunk = os.read(fd, min(1 << 20, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        after = os.fstat(fd)
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        os.close(fd)
    if (
        total != before.st_size
        or after.st_size != before.st_size
        or after.st_mtime_ns != before.st_mtime_ns
    ):
        raise SourceFileError(f"{name}: changing, will retry next run")
    return b"".join(chunks)


# --- decoding -----------------------------------------------------------------

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


# --- line classification ------------------------------------------------------


class _Kind(enum.Enum):
    BLANK = "blank"
    DROP = "drop"  # chrome: never part of a story
    END = "end"  # chrome that also closes the story above it
    NOISE = "noise"  # one or two loose words: menus, tags, categories
    TIME = "time"
    OUTLET = "outlet"
    AUTHOR = "author"
    SOURCE = "source"
    HEAD = "head"  # headline-shaped; a headline only if a paragraph follows
    PARA = "para"
    FRAG = "frag"  # text too short or open-ended to stand alone


@dataclass(slots=True)
class _Line:
    text: str
    start: int
    end: int
    kind: _Kind
    heading: bool = False
    when: datetime | None = None
    estimated: bool = True
    relative: bool = False
    value: str | None = None


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


# Web chrome that is dropped wherever it appears. Each is a whole-line pattern
# describing a *kind* of widget (counters, promos, credits), not a site.
_DROP_RE = _rx(
    r"logo",
    r"(?:share|tweet|e-?mail|print|save|copy link)(?:\s+(?:this|on|via)\b.{0,40})?\s*[.:!]?",
    r"[\d.,]+\s*[km]?\s+(?:views?|reads?|shares?|likes?)",
    r"\d+\s+min(?:ute)?s?\s+read",
    r"(?:watch|comment|listen|opinion|analysis|video|podcast|live|explained|gallery)\s*\|\s.*",
    r"[a-z]+ background",
    r"try our ai features",
    r"explore what .{1,60} can do for you:?",
    r"advertisement|sponsored(?: content)?|skip to (?:main )?content|(?:scroll|back) to top",
    r"(?:photo|image|picture|video|illustration)s?(?: credit)?\s*:\s*\S.{0,60}",
    r"credits?:\s*\S.{0,60}",
    r"edited by\b.{0,80}",
    r"follow us\b.{0,60}|subscribe\b.{0,60}|sign up\b.{0,80}|newsletters?",
    r"click here\b.{0,60}",
    r"(?:accept|manage|reject) (?:all )?cookies.{0,40}",
    r"(?:previous|next) (?:article|post|story)",
    r"listen to (?:this )?(?:article|story)|skip links|(?:show )?navigation menu",
)
# Chrome after which the story above is over: text that follows it belongs to
# no story until a new headline starts one.
_END_RE = _rx(
    r"comments?(?:\s*\(\d+\))?|\d+\s+comments?|(?:show|view|load|hide) (?:all )?comments?",
    r"no comments yet.*",
    r"leave a (?:reply|comment).*",
    r"(?:related|recommended|popular|trending|most read|must read|see also)"
    r"(?: (?:articles?|stories|news|posts|reads|topics))?:?",
    r"(?:you (?:may|might) also like|more (?:from|on) .{1,40}|(?:in )?other (?:news|stories)"
    r"|other topics you might like|from our partners|around the web|more for you"
    r"|promoted (?:stories|content)|paid content):?",
    r"read (?:the )?full (?:article|story|report)(?: here| at .{0,60})?\.?",
    r"download (?:the|our) app.*",
    r"get started now.*",
    r".*app[- ]?store.{0,20}play[- ]?store.*",
    r"(?:get it on|download on the) (?:google play|app store).*",
    r"support .{1,60} on patreon!?",
    r"support (?:us|our journalism|independent journalism)\b.{0,60}",
    r"tags?:|topics?:",
    r"(?:\d{4}\s*)?(?:©|\(c\)|copyright\b).*|\S.{0,60}©.{0,60}",
    r".{0,80}\b(?:we|site|website|this page) (?:uses?|sets?) cookies\b.{0,120}",
    r"(?:\S+\s+){0,3}cookies? (?:settings|preferences|policy|consent|notice)(?:\s+\S+){0,3}",
    r".*all rights reserved\.?",
    r"exit mobile version",
)
_BULLET_RE = re.compile(r"^[•·▪●◦‣∙*\-–]\s*")
_URL_ONLY_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_IMAGE_FRAGMENT_RE = re.compile(r"\S*\.(?:jpe?g|png|gif|webp|avif|svg|bmp)\b\S*", re.IGNORECASE)
_CLOCK_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
# "HTTP Status: 200", "type: news": scraper metadata with a one-token value.
_KEY_VALUE_RE = re.compile(r"[A-Za-z][\w .-]{0,30}:\s*\S+")
# "(Handout via AFP)", "(Photo: Reuters)", "[Gleb Garanich/Reuters]": a
# picture caption ending in its credit, not a paragraph.
_CAPTION_RE = re.compile(
    r".*(?:\([^()]{0,40}\b(?:via|photo|photograph|credit|getty|afp|epa|file photo)\b[^()]{0,40}\)"
    r"|\[[^\[\]]{0,40}(?:/|\b(?:via|photo|getty|afp|reuters|ap|epa)\b)[^\[\]]{0,40}\])",
    re.IGNORECASE,
)
# "Dimitar Dilkoff/AFP/Getty Images", "(Ukraine Presidential Office)": a
# picture credit on its own line.
_CREDIT_RE = re.compile(
    r"\([^()]{1,80}\)|\[[^\[\]]{1,80}\]"
    r"|(?:\S+\s+){0,5}\S*(?:[/|]\s*)(?:afp|reuters|ap|epa|getty images|anadolu)\b.{0,40}",
    re.IGNORECASE,
)
# "- answer: ..." / "- type: news": scraper metadata rows with identifier keys.
_META_ROW_RE = re.compile(r"[a-z][a-z0-9_]*:\s")
_CRUMB_RE = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_CRUMB_SEPARATORS_RE = re.compile(r"\s(?:>|›|»|/)\s")
_AUTHOR_RE = re.compile(
    r"(?:author|authors|written by|words by|reporting by|by)\s*:?\s+(?P<name>.+)", re.IGNORECASE
)
_SOURCE_RE = re.compile(r"source\s*:\s*(?P<value>.+)", re.IGNORECASE)
_NAME_CONNECTORS = frozenset({"and", "&", "de", "van", "von", "der", "bin", "al", "la", "le", "da"})
# Labels some outlets put before paragraphs ("Details: ...", "Quote: ..."): a
# line that starts with one is a paragraph, whatever its shape.
_BODY_LABEL_RE = re.compile(
    r"(?:source|details|quote|background|context|update|note|reminder|recall|earlier"
    r"|for reference|reference|what happened|editor's note)\s*:",
    re.IGNORECASE,
)
_FUNCTION_WORDS = _wordset(
    "a an the of to in on at by for from with and or but as into than that about "
    "over under after before between against"
)
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["


def _words(text: str) -> list[str]:
    return text.split()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS + " ")
    return bool(stripped) and (stripped[-1] in _TERMINAL or stripped.endswith("..."))


def _is_name(value: str) -> bool:
    words = _words(value.strip(" ,"))
    if not 1 <= len(words) <= 6 or len(value) > 60 or any(ch.isdigit() for ch in value):
        return False
    return all(w[0].isupper() or w.casefold() in _NAME_CONNECTORS for w in words) and not (
        value.rstrip().endswith(".") and not re.search(r"\b[A-Z]\.$", value.rstrip())
    )


def _is_byline_name(value: str) -> bool:
    """ "Max Rego", "John T Psaropoulos": a bare name, as bylines show one."""
    words = _words(value)
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    if any(w.casefold() in _FUNCTION_WORDS or not w.rstrip(".").isalpha() for w in words):
        return False
    return len(words) == 2 or any(len(w.rstrip(".")) == 1 for w in words)


def _is_outlet_name(value: str) -> bool:
    words = _words(value)
    if not 1 <= len(words) <= 5 or len(value) > 40 or not value[0].isupper():
        return False
    if any(ch in value for ch in ".!?:;,") and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}", value):
        return False
    return all(w[0].isupper() or w.casefold() in _FUNCTION_WORDS for w in words)


def _is_all_caps_label(text: str) -> bool:
    return text.isupper() and len(_words(text)) <= 4


def _headline_shaped(text: str) -> bool:
    """A short, capitalised line that does not end like a sentence."""
    words = _words(text)
    if not 3 <= len(words) <= 30 or not 12 <= len(text) <= 250:
        return False
    first = next((ch for ch in text if ch.isalnum()), "")
    if not (first.isupper() or first.isdigit()):
        return False
    tail = text.rstrip(_CLOSERS + " ")
    if not tail or tail[-1] in ".,;:!…" or tail.endswith("..."):
        return False
    if words[-1].casefold().strip(_CLOSERS) in _FUNCTION_WORDS:
        return False
    if _is_all_caps_label(text) or _BODY_LABEL_RE.match(text):
        return False
    if _URL_ONLY_RE.search(text) or "@" in text:
        return False
    # Two sentences at most ("X didn't budge. Now Y may act"); more is prose.
    return len(re.findall(r"[.!?][\"”’]?\s+[A-Z]", text)) <= 1


def _paragraph_shaped(text: str) -> bool:
    if len(text) >= 150:
        return len(_words(text)) >= 4
    # A short line cut off with an ellipsis is a teaser, not a paragraph.
    tail = text.rstrip(_CLOSERS + " ")
    teaser = tail.endswith(("…", "..."))
    return len(_words(text)) >= 4 and _ends_sentence(text) and not teaser


# --- times --------------------------------------------------------------------

_TIME_LABEL_RE = re.compile(
    r"^(?:last\s+updated?|updated?(?:\s+on)?|published(?:\s+on)?|posted(?:\s+on)?|date|time)"
    r"(?![a-z])\s*:?\s*",
    re.IGNORECASE,
)
_UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "mo": timedelta(days=30),
    "y": timedelta(days=365),
}
_RELATIVE_RE = re.compile(
    r"(?P<n>\d{1,4}|an?|one)\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdwy])"
    r"\s+ago\s*$",
    re.IGNORECASE,
)
_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
_CLOCK = r"(?:,?\s+(?:at\s+)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})\s*(?P<ampm>[ap]\.?m\.?|h)?)?"
_ZONE = r"(?:\s*(?P<zone>Z|UTC|GMT)(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?"
_DIGIT_RE = re.compile(r"\d")
_YEAR = r"(?:,?\s+(?P<y>\d{4})(?!\d))?"
_DATE_RES = (
    re.compile(
        r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})"
        r"(?::\d{2}(?:\.\d+)?)?)?(?P<iso>Z|[+-]\d{2}:?\d{2})?"
    ),
    re.compile(
        r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)" + _YEAR + _CLOCK + _ZONE,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?" + _YEAR + _CLOCK + _ZONE,
        re.IGNORECASE,
    ),
    re.compile(r"(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4})\.?" + _CLOCK + _ZONE, re.IGNORECASE),
)
# What may surround a date on a dateline: labels, weekdays, zone abbreviations.
_DATELINE_WORDS_RE = re.compile(
    r"\b(?:published|updated?|posted|last|on|at|date|time|modified"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
    r"|[A-Z]{1,3}[SD]?T)\b",
    re.IGNORECASE,
)


def _date_from(match: re.Match[str], mtime: datetime) -> tuple[datetime, bool] | None:
    groups = match.groupdict()
    if groups.get("mon"):
        month = _MONTHS.get(groups["mon"].casefold().rstrip("."), 0)
    else:
        month = int(groups["mo"])
    hour = int(groups["hh"]) if groups.get("hh") else 0
    minute = int(groups["mm"]) if groups.get("mm") else 0
    ampm = (groups.get("ampm") or "").casefold()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    zone = UTC
    stated = bool(groups.get("zone") or groups.get("iso"))
    offset = groups.get("iso") or groups.get("offset")
    if offset and offset.upper() != "Z":
        digits = offset[1:].replace(":", "")
        hours, minutes = (
            (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        )
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    year = int(groups["y"]) if groups.get("y") else mtime.year
    try:
        when = datetime(year, month, int(groups["d"]), hour, minute, tzinfo=zone)
    except ValueError:
        return None
    if not groups.get("y") and when > mtime + timedelta(days=2):
        # "27 February" seen in January is last year's.
        try:
            when = when.replace(year=year - 1)
        except ValueError:
            return None
    return when.astimezone(UTC), stated


def _absolute_time(text: str, mtime: datetime) -> tuple[datetime, bool] | None:
    """Parse a dateline: a line of dates and date labels only.

    "Feb 27, 2026 6:40 pm", "Friday, 27 February 2026, 17:07", "27.02.2026 -
    Update : 27.02.2026", "Published On 27 Feb 2026", "27 February, 02:20 PM"
    (the year of ``mtime``). Returns (when in UTC, zone stated); the first
    date on the line wins. A line with other words is not a dateline.
    """
    if len(text) > 80 or not _DIGIT_RE.search(text):
        return None  # every dateline has a day number, and none is long
    for pattern in _DATE_RES:
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        residue = pattern.sub(" ", text)
        if re.search(r"[^\W\d_]", _DATELINE_WORDS_RE.sub(" ", residue)):
            continue
        parsed = _date_from(matches[0], mtime)
        if parsed is not None:
            return parsed
    return None


def _relative_time(text: str, mtime: datetime) -> tuple[datetime, str | None] | None:
    """Parse "[Outlet]<n> <unit> ago" lines; the outlet may be glued on ("Yahooa day ago")."""
    if "ago" not in text.casefold():
        return None
    body = _TIME_LABEL_RE.sub("", text, count=1)
    match = _RELATIVE_RE.search(body)
    if match is None:
        return None
    prefix = body[: match.start()]
    outlet: str | None = None
    glued = bool(prefix) and prefix[-1].isalpha()
    prefix = prefix.strip(" ·•|,-–—")
    if prefix:
        # A space-separated prefix could be the end of a sentence ("struck
        # Kyiv 2 days ago"); only an outlet-shaped one makes this a time line.
        if not _is_outlet_name(prefix) or (not glued and len(_words(prefix)) > 3):
            return None
        outlet = prefix
    count_text = match.group("n").casefold()
    count = 1 if count_text in {"a", "an", "one"} else int(count_text)
    unit_text = match.group("unit").casefold()
    unit = "mo" if unit_text.startswith("mo") else unit_text[0]
    delta = _UNITS[unit] * count
    if delta > timedelta(days=3650):
        return None
    return mtime - delta, outlet


# --- classification -----------------------------------------------------------


_LONG_LINE = 2000


def _classify(line: TextLine, mtime: datetime) -> _Line:
    # Judge the text as it will be shown: escape sequences, zero-width and
    # bidi characters must not hide a final period or fake a headline.
    text = clean_text(line.text, multiline=False)
    bullet = line.bullet
    if _BULLET_RE.match(text) and not _BULLET_RE.fullmatch(text):
        text = _BULLET_RE.sub("", text, count=1)
        bullet = True
    out = _Line(text, line.start, line.end, _Kind.BLANK, heading=line.heading)
    if not text:
        return out
    if len(text) > _LONG_LINE:
        # No chrome, dateline or headline is this long; skipping the pattern
        # tests keeps a pathological page (one 20 MB line) linear to classify.
        long_kind = _Kind.PARA if len(_words(text)) >= 4 else _Kind.NOISE
        out.kind = _Kind.DROP if line.link_only else long_kind
        return out
    if not _has_letters(text) and not _CLOCK_RE.fullmatch(text):
        out.kind = _Kind.NOISE
        return out
    if line.link_only or _URL_ONLY_RE.fullmatch(text) or _IMAGE_FRAGMENT_RE.fullmatch(text):
        out.kind = _Kind.DROP
        return out
    if _END_RE.fullmatch(text):
        out.kind = _Kind.END
        return out
    if _DROP_RE.fullmatch(text) or _CLOCK_RE.fullmatch(text):
        out.kind = _Kind.DROP
        return out
    relative = _relative_time(text, mtime)
    if relative is not None:
        out.kind, out.when, out.value, out.estimated = _Kind.TIME, relative[0], relative[1], True
        out.relative = True
        return out
    absolute = _absolute_time(text, mtime)
    if absolute is not None:
        out.kind, out.when, out.estimated = _Kind.TIME, absolute[0], not absolute[1]
        return out
    source = _SOURCE_RE.fullmatch(text)
    if source and (_is_outlet_name(source["value"].strip()) or "." in source["value"]):
        value = source["value"].strip()
        if len(_words(value)) <= 5 and len(value) <= 60 and not _ends_sentence(value):
            out.kind, out.value = _Kind.SOURCE, value
            return out
    author = _AUTHOR_RE.fullmatch(text)
    if author and _is_name(author["name"]):
        out.kind, out.value = _Kind.AUTHOR, author["name"].strip(" ,")
        return out
    if _KEY_VALUE_RE.fullmatch(text) or _CAPTION_RE.fullmatch(text) or _CREDIT_RE.fullmatch(text):
        out.kind = _Kind.DROP
        return out
    words = len(_words(text))
    if bullet and (line.heading or _META_ROW_RE.match(text)):
        # A list of headings is a table of contents; "key: value" rows are a
        # scraper's metadata block.
        out.kind = _Kind.DROP
    elif bullet:
        # Bullets are menus, meta rows and fact lists, never headlines.
        if _paragraph_shaped(text):
            out.kind = _Kind.PARA
        else:
            out.kind = _Kind.NOISE if words <= 4 else _Kind.FRAG
    elif (line.heading and 2 <= words <= 30 and len(text) <= 250) or _headline_shaped(text):
        out.kind = _Kind.HEAD
    elif _paragraph_shaped(text):
        out.kind = _Kind.PARA
    elif text.rstrip().endswith(":"):
        out.kind = _Kind.FRAG
    elif words <= 2 or _is_all_caps_label(text):
        out.kind = _Kind.NOISE
    else:
        out.kind = _Kind.FRAG
    return out


def _mark_crumbs(lines: list[_Line]) -> None:
    """Drop breadcrumb trails: "1. HOME / 2. WORLD / 3. <title>", "Home > World"."""
    index = 0
    while index < len(lines):
        match = _CRUMB_RE.match(lines[index].text)
        if match and match.group(1) == "1" and len(_words(match.group(2))) <= 3:
            run = [index]
            expected = 2
            probe = index + 1
            while probe < len(lines):
                if lines[probe].kind is _Kind.BLANK:
                    probe += 1
                    continue
                following = _CRUMB_RE.match(lines[probe].text)
                if not following or int(following.group(1)) != expected:
                    break
                run.append(probe)
                expected += 1
                probe += 1
            items = [_CRUMB_RE.match(lines[i].text) for i in run]
            if len(run) >= 2 and not any(m and _ends_sentence(m.group(2)) for m in items):
                for i in run:
                    lines[i].kind = _Kind.DROP
                index = probe
                continue
        line = lines[index]
        parts = _CRUMB_SEPARATORS_RE.split(line.text)
        if len(parts) >= 3 and all(0 < len(_words(p)) <= 4 for p in parts):
            line.kind = _Kind.DROP
        index += 1


_TEXT_KINDS = frozenset({_Kind.PARA, _Kind.FRAG, _Kind.NOISE, _Kind.HEAD})
_BYLINE_LABEL_RE = re.compile(r"(?:by|authors?|written by|reporting by)\s*:?", re.IGNORECASE)


def _mark_context(lines: list[_Line]) -> None:
    """Fix kinds that depend on neighbours: continuations, bylines, outlet rows."""
    for index, line in enumerate(lines[:-1]):
        name = lines[index + 1]
        if _BYLINE_LABEL_RE.fullmatch(line.text) and _is_name(name.text):
            # "By" on its own line, the name on the next.
            line.kind = _Kind.DROP
            name.kind, name.value = _Kind.AUTHOR, name.text
    for index, line in enumerate(lines):
        if line.kind is not _Kind.HEAD or line.heading:
            continue
        # A sentence broken across lines (pages saved with each link on its
        # own line): "According to the" / "General Staff of ...", or "Trump
        # said late Thursday" / "that he was ...". Neither part is a headline.
        previous = lines[index - 1].text.rstrip() if index else ""
        last_word = previous.split()[-1].casefold() if previous else ""
        following = lines[index + 1] if index + 1 < len(lines) else None
        broken_before = bool(previous) and (previous[-1] in ",-–" or last_word in _FUNCTION_WORDS)
        broken_after = (
            following is not None
            and following.kind in _TEXT_KINDS  # "by ...", "time3 minutes ago" are meta
            and following.text[:1].islower()
        )
        if broken_before or broken_after:
            line.kind = _Kind.FRAG
    for index, line in enumerate(lines):
        if line.kind is not _Kind.TIME or line.value is not None:
            continue
        probe = index - 1
        while probe >= 0 and lines[probe].kind is _Kind.BLANK:
            probe -= 1
        if probe < 0 or lines[probe].kind not in {_Kind.NOISE, _Kind.HEAD, _Kind.FRAG}:
            continue
        candidate = lines[probe].text
        if line.relative:
            # Aggregators put the outlet over a relative time: "Yahoo" / "21
            # minutes ago".
            if len(_words(candidate)) <= 4 and _is_outlet_name(candidate):
                lines[probe].kind, lines[probe].value = _Kind.OUTLET, candidate
        elif _is_byline_name(candidate):
            # Bylines put the author over a date: "Max Rego" / "Tue, February
            # 24, 2026 at 2:24 PM UTC".
            lines[probe].kind, lines[probe].value = _Kind.AUTHOR, candidate


# --- words, for comparing blocks of text --------------------------------------

_STOPWORDS = _wordset(
    """
    the and for are but not you all any can had her was one our out has have been
    were will would could should shall may might must did does done its it's his
    him she they them their there then than that this these those what which who
    whom whose when where why how with from into onto over under after before
    between during about above below again further once here more most other some
    such only own same too very just also still yet even now new first last next
    while since until upon against among amid within without around across along
    said says say told tell according reported report reports per via get got
    today yesterday tomorrow week weeks year years day days month months time
    monday tuesday wednesday thursday friday saturday sunday morning evening night
    january february march april june july august september october november december
    mr mrs ms dr two three four five six seven eight nine ten hundred thousand million
    """
)
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _content_words(text: str) -> list[str]:
    """Lower-cased content words with possessives and plural -s stripped."""
    words: list[str] = []
    for raw in _WORD_RE.findall(text.casefold()):
        word = raw[:-2] if raw.endswith(("'s", "’s")) else raw
        if len(word) < 3 or word in _STOPWORDS or word.isdigit():
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


@dataclass(slots=True)
class _Vocabulary:
    """Document frequencies of content words over a page's text units."""

    units: int = 0
    df: dict[str, int] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.units += 1
        for word in dict.fromkeys(_content_words(text)):
            self.df[word] = self.df.get(word, 0) + 1

    def idf(self, word: str) -> float:
        df = self.df.get(word, 0)
        if not df or not self.units:
            return 0.0
        return max(0.0, math.log(self.units / df))

    def common(self, word: str) -> bool:
        return self.units >= 4 and self.df.get(word, 0) >= 0.3 * self.units

    def similarity(self, left: Iterable[str], right: Iterable[str]) -> float:
        """Shared idf weight of two word collections over the smaller side's weight.

        0 means they share nothing but words found all over the page.
        """
        a = dict.fromkeys(left)
        b = dict.fromkeys(right)
        # Sums run over sorted values so float rounding never depends on order.
        weight_a = sum(sorted(self.idf(w) for w in a))
        weight_b = sum(sorted(self.idf(w) for w in b))
        shared = sum(sorted(self.idf(w) for w in a if w in b))
        smaller = min(weight_a, weight_b)
        return shared / smaller if smaller > 0 else 0.0

    def rare_shared(self, left: Iterable[str], right: Iterable[str]) -> list[str]:
        """The words both collections hold that are not common on the page."""
        b = dict.fromkeys(right)
        return [w for w in dict.fromkeys(left) if w in b and not self.common(w)]


# --- assembly -----------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    title: str | None  # None: lost in the saving, derived from the lead
    start: int
    end: int
    paras: list[_Line] = field(default_factory=list)
    outlet: str | None = None
    author: str | None = None
    when: datetime | None = None
    estimated: bool = True
    closed: bool = False
    # Counted as lines arrive, so the per-line checks below stay O(1).
    body_lines: int = 0  # paragraphs (a standfirst included)
    header_only: bool = True  # nothing but a headline and a standfirst yet

    def take(self, line: _Line) -> None:
        self.end = max(self.end, line.end)

    def add(self, line: _Line) -> None:
        self.paras.append(line)
        self.take(line)
        if line.kind is _Kind.PARA:
            self.body_lines += 1
        if line.value != _DEK:
            self.header_only = False

    def has_body(self) -> bool:
        return self.body_lines > 0

    def set_paras(self, paras: list[_Line]) -> None:
        """Replace the body (a split): counts and end follow."""
        self.paras, self.body_lines, self.header_only = [], 0, True
        for line in paras:
            self.add(line)

    def in_header(self) -> bool:
        """Still above the body: only the headline (and a standfirst) so far."""
        return not self.closed and self.header_only


def _norm(text: str) -> str:
    return " ".join(text.casefold().strip(" .:!?" + _CLOSERS + _OPENERS).split())


_DEK = "dek"  # _Line.value of a standfirst turned paragraph
_SITE_SUFFIX_RE = re.compile(r"\s+[|/–—-]\s+(?P<site>[^|/]{2,40})$")
# What may sit between a headline and its first paragraph. END is among them:
# a comment count or share bar under a headline does not make it a teaser (it
# only closes a story that already has a body).
_SKIP_AFTER_HEAD = frozenset(
    {
        _Kind.BLANK,
        _Kind.DROP,
        _Kind.END,
        _Kind.NOISE,
        _Kind.TIME,
        _Kind.OUTLET,
        _Kind.AUTHOR,
        _Kind.SOURCE,
        _Kind.FRAG,
    }
)


@dataclass(slots=True)
class _Segmenter:
    lines: list[_Line]
    vocabulary: _Vocabulary
    drafts: list[_Draft] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    pending_when: tuple[datetime, bool] | None = None
    pending_outlet: str | None = None
    pending_author: str | None = None
    sources: list[tuple[int, str, _Draft | None]] = field(default_factory=list)
    last_content: int = -1
    preamble_closed: bool = False
    # Precomputed forward links, so that long runs of menu lines or of one
    # repeated line cost one pass, not one per headline (segmenting is linear):
    # past_repeats[i]: the first line after i not in _SKIP_AFTER_HEAD and not
    # a repeat of line i; solid_past_repeats[i]: the first line after i that
    # is not blank, not chrome and not a repeat of line i.
    past_repeats: list[int] = field(default_factory=list)
    solid_past_repeats: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        size = len(self.lines)
        keys = [_norm(line.text) for line in self.lines]
        self.past_repeats = [size] * size
        self.solid_past_repeats = [size] * size
        meaningful = solid = size  # nearest such line after the current index
        for index in range(size - 1, -1, -1):
            for nearest, links in (
                (meaningful, self.past_repeats),
                (solid, self.solid_past_repeats),
            ):
                repeat = nearest < size and keys[nearest] == keys[index]
                links[index] = links[nearest] if repeat else nearest
            kind = self.lines[index].kind
            if kind not in _SKIP_AFTER_HEAD:
                meaningful = index
            if kind not in {_Kind.BLANK, _Kind.DROP}:
                solid = index

    @property
    def current(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def _next_significant(self, index: int) -> int:
        """Index of the first line after ``index`` that decides what line ``index`` is.

        Blanks, chrome, meta rows, fragments and repeats of line ``index``
        are passed over.
        """
        return self.past_repeats[index]

    def _adjacent(self, index: int) -> int | None:
        """The next line after ``index`` (past blanks, chrome, repeats of it) if a headline."""
        probe = self.solid_past_repeats[index]
        if probe < len(self.lines) and self.lines[probe].kind is _Kind.HEAD:
            return probe
        return None

    def _is_dek(self, head: _Line, candidate: _Line) -> bool:
        """A standfirst under a headline: longer, sentence-like, on the same subject."""
        return (
            len(_words(head.text)) >= 4
            and len(_words(candidate.text)) >= 8
            and len(candidate.text) > len(head.text)
            and bool(set(_content_words(head.text)) & set(_content_words(candidate.text)))
        )

    def _resolve_head(self, index: int) -> str:
        """Decide what the headline-shaped line at ``index`` is.

        Returns "story" (it heads the paragraphs that follow), "site" (a page
        title "<headline> | <site>" repeated just below without the site),
        "dek" (it heads a story whose standfirst is the next line) or "drop"
        (a headline with no body: a related link, a teaser, a menu entry).
        """
        line = self.lines[index]
        following = self._next_significant(index)
        if following >= len(self.lines):
            return "drop"
        nxt = self.lines[following]
        if nxt.kind is _Kind.PARA:
            return "story"
        if nxt.kind is not _Kind.HEAD or self._adjacent(index) != following:
            return "drop"
        suffix = _SITE_SUFFIX_RE.search(line.text)
        if suffix and _norm(line.text[: suffix.start()]) == _norm(nxt.text):
            return "site"
        after = self._next_significant(following)
        if (
            after < len(self.lines)
            and self.lines[after].kind is _Kind.PARA
            and self._is_dek(line, nxt)
        ):
            return "dek"
        return "drop"

    def _start(self, title: str | None, line: _Line) -> _Draft:
        draft = _Draft(title=title, start=line.start, end=line.end)
        if self.pending_when is not None:
            draft.when, draft.estimated = self.pending_when
        draft.outlet, draft.author = self.pending_outlet, self.pending_author
        self.pending_when = self.pending_outlet = self.pending_author = None
        self.drafts.append(draft)
        return draft

    def _meta(self, index: int, line: _Line) -> None:
        draft = self.current
        # Meta rows above a story's first paragraph describe that story; below
        # a finished body they wait for the next headline (related-link lists
        # put outlet and time above each teaser).
        header = draft is not None and draft.in_header()
        if line.kind is _Kind.TIME and line.when is not None:
            if draft is not None and header and draft.when is None:
                draft.when, draft.estimated = line.when, line.estimated
                if line.value and draft.outlet is None:
                    draft.outlet = line.value
                draft.take(line)
            else:
                self.pending_when = (line.when, line.estimated)
                if line.value:
                    self.pending_outlet = line.value
        elif line.kind is _Kind.OUTLET:
            if draft is not None and header and draft.outlet is None:
                draft.outlet = line.value
                draft.take(line)
            else:
                self.pending_outlet = line.value
        elif line.kind is _Kind.AUTHOR:
            if draft is not None and not draft.closed and draft.author is None:
                draft.author = line.value
                draft.take(line)
            else:
                self.pending_author = line.value
        elif line.kind is _Kind.SOURCE and line.value:
            self.sources.append((index, line.value, draft))

    def _paragraph(self, index: int, line: _Line) -> None:
        key = _norm(line.text)
        if key in self.seen:
            return  # a page saved twice over, or a teaser repeating a lead
        draft = self.current
        if draft is None:
            if self.preamble_closed:
                return  # under chrome, above any headline
            # Text before any headline: a story whose headline was lost.
            draft = self._start(None, line)
        elif draft.closed:
            return  # after "Related"/"Comments"/app prompts: chrome, not story
        self.seen.add(key)
        draft.add(line)
        self.last_content = index

    def run(self) -> list[_Draft]:
        lines = self.lines
        for index, line in enumerate(lines):
            kind = line.kind
            draft = self.current
            if kind is _Kind.HEAD:
                if (
                    draft is not None
                    and draft.title is not None
                    and not draft.has_body()
                    and _norm(line.text) == _norm(draft.title)
                ):
                    draft.take(line)  # the headline repeated (seed pages do)
                    continue
                decision = self._resolve_head(index)
                if decision == "site":
                    suffix = _SITE_SUFFIX_RE.search(line.text)
                    if suffix and self.pending_outlet is None:
                        self.pending_outlet = suffix.group("site").strip()
                elif decision == "drop":
                    # Meta rows above a teaser belonged to the teaser.
                    self.pending_when = self.pending_outlet = self.pending_author = None
                elif decision in {"story", "dek"}:
                    self.seen.add(_norm(line.text))
                    self._start(line.text, line)
                    self.last_content = index
                    if decision == "dek":
                        dek = self._adjacent(index)
                        if dek is not None:
                            lines[dek].kind, lines[dek].value = _Kind.PARA, _DEK
            elif kind is _Kind.PARA:
                self._paragraph(index, line)
            elif kind is _Kind.FRAG:
                if draft is not None and not draft.closed and draft.paras:
                    following = self._next_significant(index)
                    if following < len(lines) and lines[following].kind is _Kind.PARA:
                        draft.add(line)
            elif kind is _Kind.END:
                if draft is None:
                    self.preamble_closed = True  # a cookie banner above everything
                elif draft.has_body():
                    draft.closed = True
            elif kind in {_Kind.TIME, _Kind.OUTLET, _Kind.AUTHOR, _Kind.SOURCE}:
                self._meta(index, line)
        self._apply_sources()
        return [d for d in self.drafts if _body_length(d) >= _MIN_BODY_CHARS]

    def _apply_sources(self) -> None:
        """ "Source: x" at a page's edge names the page's outlet; elsewhere, its story's."""
        page_outlet: str | None = None
        for index, value, draft in self.sources:
            if draft is None or index > self.last_content:
                page_outlet = page_outlet or value
            elif draft.outlet is None:
                draft.outlet = value
        if page_outlet is not None:
            for draft in self.drafts:
                if draft.outlet is None:
                    draft.outlet = page_outlet


_MIN_BODY_CHARS = 80


def _body_length(draft: _Draft) -> int:
    return sum(len(p.text) for p in draft.paras if p.kind is _Kind.PARA)


# --- lost headlines -----------------------------------------------------------

# Words that tie a paragraph to the one before it: such a paragraph continues
# an entry, it cannot open one.
_CONTINUERS = _wordset(
    """
    he she it they we i this these that those his her its their there but and or so
    however meanwhile also still yet then thus therefore moreover furthermore
    although though while whereas instead besides further additionally earlier
    later separately previously afterwards
    """
)
#: A paragraph splits off as a new entry only when the text before it and the
#: text from it onward share less than this (idf-weighted) of their words. On
#: the seeds the lost Kursk entry scores 0.03 and the closest paragraph that
#: must stay put 0.08 (a section of seed 003): the margin is kept on the side
#: of not splitting.
_SHIFT_MAX_SIMILARITY = 0.06
#: Drafts with more paragraphs than this are articles, never checked for shifts.
_SHIFT_MAX_PARAGRAPHS = 200
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = _wordset(
    "mr mrs ms dr st gen lt col maj sgt capt sen rep gov prof jr sr no vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp"
)


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END_RE.finditer(text):
        token = text[text.rfind(" ", 0, match.start()) + 1 : match.start()]
        bare = token.strip(_OPENERS).rstrip(".")
        if bare.casefold() in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.?)+", bare):
            continue  # "Mr. Grushko", "U.S. officials", "Feb. 27"
        return text[: match.start() + 1].strip()
    return text.strip()


def _derived_title(lead: str) -> str:
    """A headline for a story that lost its own: the lead's first sentence."""
    sentence = _first_sentence(lead)
    if len(sentence) > 200:
        cut = sentence[:160]
        sentence = cut[: cut.rfind(" ")] if " " in cut else cut
        return sentence.rstrip(" ,;:–—-") + "…"
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    return sentence


def _opens_entry(line: _Line) -> bool:
    text = line.text
    if line.kind is not _Kind.PARA or not text[:1].isupper():
        return False
    first = _WORD_RE.match(text)
    if first is None or first.group(0).casefold() in _CONTINUERS:
        return False
    return 30 <= len(_first_sentence(text)) <= 200


def _split_topic_shifts(drafts: list[_Draft], vocabulary: _Vocabulary) -> list[_Draft]:
    """Split entries whose headlines were lost out of the entry above them.

    Used only on multi-story pages (live blogs, round-ups), where an entry
    running on under another's headline is a known failure of saving. A
    paragraph opens a new entry when all of these hold: the block above it
    has a headline or lead plus at least one paragraph; it and at least one
    more paragraph follow; it starts like a lead (capitalised, not a quote, not
    "He ..."/"But ..."/"Meanwhile ...", a first sentence of headline length);
    the text above and the text from it on share almost nothing but the page's
    common words; and it shares rarer words with the paragraph after it (the
    new entry holds together). Its first sentence becomes the title.
    """
    if sum(1 for d in drafts if d.title is not None) < 2:
        return drafts
    result: list[_Draft] = []
    for draft in drafts:
        paras = list(draft.paras)
        if len(paras) > _SHIFT_MAX_PARAGRAPHS:
            result.append(draft)  # a long article, not a run of blog entries
            continue
        words = [_content_words(p.text) for p in paras]
        current = draft
        draft_end = draft.end
        block_start = 0
        for index in range(1, len(paras) - 1):
            line = paras[index]
            # Cheap tests first; the block comparison only for real candidates.
            if (
                not _opens_entry(line)
                or len(vocabulary.rare_shared(words[index], words[index + 1])) < 2
            ):
                continue
            above = _content_words(current.title or "")
            for chunk in words[block_start:index]:
                above.extend(chunk)
            below = [w for chunk in words[index:] for w in chunk]
            if vocabulary.similarity(above, below) >= _SHIFT_MAX_SIMILARITY:
                continue
            current.end = paras[block_start].start
            current.set_paras(paras[block_start:index])
            result.append(current)
            current = _Draft(title=None, start=line.start, end=draft_end, outlet=draft.outlet)
            block_start = index
        if current is not draft:
            current.set_paras(paras[block_start:])
            current.end = max(current.end, draft_end)
        result.append(current)
    return result


# --- public: segmentation -----------------------------------------------------


def _source_lines(text: str, suffix: str) -> list[TextLine]:
    kind = suffix.casefold().lstrip(".")
    if kind in {"md", "markdown"}:
        return markdown_lines(text)
    if kind in {"html", "htm", "xhtml"}:
        return html_lines(text)
    return plain_lines(text)


def segment_page(
    text: str, *, name: str, mtime: datetime, suffix: str = ".txt"
) -> list[ParsedStory]:
    """Cut a saved page into stories.

    How a page is read:

    * Lines are classified by shape. Chrome is dropped (share/comment widgets,
      view counters, "3 min read", breadcrumbs, app-store prompts, copyright
      lines, image URL fragments, photo credits, promo links such as
      "Watch | ..."); some chrome ("Related Articles", "Comments", "Read the
      full article here", app prompts) also closes the story above it, so
      text under it joins no story until a new headline starts one (such
      chrome right under a headline, before any paragraph, closes nothing).
    * A headline is a short line (3-30 words), capitalised, not ending like a
      sentence, not a continuation of a broken line, followed - past meta rows
      and repeats of itself - by a paragraph. A headline followed by another
      headline or by chrome is a related link or teaser and is dropped; a
      "<headline> | <site>" page title directly above the same headline is
      folded into it (the site becomes the outlet), and a longer line on the
      same subject directly under a headline is its standfirst.
    * Meta rows: relative times ("a day ago", "time21 minutes ago", "Last
      update: 3 days ago", "Yahooa day ago" with the outlet glued on) resolve
      against ``mtime`` (``published_estimated=True``); date lines ("Feb 27,
      2026 6:40 pm", "27.02.2026. 06:20h") are taken as stated (estimated
      unless a zone is given); a short capitalised line just above a time is
      the outlet; "Author: X" / "By X" is the author; "Source: x" names the
      outlet of its story, or of every story when it sits at the page's edge.
      A story with no time gets ``mtime``, flagged as an estimate.
    * Repeats collapse: a headline repeated before its body, and any paragraph
      seen before on the page (a page saved twice over is one story).
    * Lost headlines. Text before the first headline is a story whose
      headline was lost in the saving. On a multi-story page (two headlines
      or more: a live blog, a round-up) a paragraph that clearly opens a new
      entry is split off the same way - seed 000's "Ukraine has confirmed its
      withdrawal ... Kursk" entry runs on under the Trump-Putin entry's
      headline - by a lexical test (see :func:`_split_topic_shifts`) tuned to
      miss rather than cut an article in two; single-story pages are never
      split. Such a story's title is its lead's first sentence, final period
      dropped (cut at a word to 160 characters when the sentence passes 200).
    * Stories with less than 80 characters of paragraphs are dropped.

    ``.md`` and ``.html`` pages are converted to lines first (headings,
    bullets and link-only lines keep their meaning); offsets always index
    ``text`` as given.

    Args:
        text: The decoded page (``\\n`` line ends, as :func:`decode_bytes` gives).
        name: The file name, for provenance in future messages.
        mtime: The file's modification time: "3 days ago" is counted from it.
            A naive value is taken as UTC.
        suffix: The file's suffix, choosing the converter (``.txt``, ``.md``,
            ``.html``).

    Returns:
        The stories in page order. ``summary`` is the lead paragraph, ``body``
        every paragraph joined by blank lines, ``offset`` the ``[start, end)``
        span of the story (headline to last line) in ``text``.
    """
    del name  # part of the signature for callers' symmetry; nothing to report yet
    if mtime.tzinfo is None:
        mtime = mtime.replace(tzinfo=UTC)
    mtime = mtime.astimezone(UTC)
    lines = [_classify(line, mtime) for line in _source_lines(text, suffix)]
    _mark_crumbs(lines)
    _mark_context(lines)
    vocabulary = _Vocabulary()
    for line in lines:
        if line.kind in {_Kind.PARA, _Kind.HEAD}:
            vocabulary.add(line.text)
    drafts = _Segmenter(lines, vocabulary).run()
    drafts = _split_topic_shifts(drafts, vocabulary)
    return [_finish(draft, mtime) for draft in drafts if draft.has_body()]


def _finish(draft: _Draft, mtime: datetime) -> ParsedStory:
    paragraphs = [p.text for p in draft.paras]
    lead = next(p.text for p in draft.paras if p.kind is _Kind.PARA)
    title = draft.title if draft.title is not None else _derived_title(lead)
    when, estimated = (draft.when, draft.estimated) if draft.when else (mtime, True)
    return ParsedStory(
        title=clean_line(title, max_len=TITLE_MAX_CHARS),
        summary=clean_text(lead, max_len=SUMMARY_MAX_CHARS),
        body=clean_text("\n\n".join(paragraphs), max_len=BODY_MAX_CHARS),
        author=clean_line(draft.author, max_len=200) if draft.author else None,
        outlet=clean_line(draft.outlet, max_len=200) if draft.outlet else None,
        published=when,
        published_estimated=estimated,
        offset=(draft.start, draft.end),
    )
