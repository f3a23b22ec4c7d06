"""Line classification: what each line of a saved page is.

Owns :class:`Kind` and :class:`Line` and the passes that set them:
:func:`classify` judges a line by its own shape (chrome, dateline, byline,
"Source:" row, headline-shaped, paragraph, fragment), :func:`mark_crumbs`
drops breadcrumb trails and :func:`mark_context` fixes kinds that depend on
neighbours (a sentence broken across lines, "By" above a name, an outlet
above a relative time). Pure.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from app.seeds.boilerplate import (
    CAPTION_RE,
    CLOCK_RE,
    CREDIT_RE,
    CRUMB_RE,
    CRUMB_SEPARATORS_RE,
    DROP_RE,
    END_RE,
    IMAGE_FRAGMENT_RE,
    KEY_VALUE_RE,
    META_ROW_RE,
)
from app.seeds.dates import absolute_time, relative_time
from app.seeds.outlets import copyright_holder
from app.seeds.shapes import (
    FUNCTION_WORDS,
    URL_ONLY_RE,
    ends_sentence,
    has_letters,
    headline_shaped,
    is_all_caps_label,
    is_byline_name,
    is_name,
    is_outlet_name,
    paragraph_shaped,
    split_words,
)
from app.text import TextLine, clean_text

__all__ = ["Kind", "Line", "classify", "mark_context", "mark_crumbs"]


class Kind(enum.Enum):
    """What a line is, judged by its shape and then by its neighbours."""

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
class Line:
    """One classified line of a page; ``start``/``end`` index the page's text.

    ``value`` depends on the kind: the outlet (OUTLET, or TIME with an outlet
    glued on), the author (AUTHOR), the source (SOURCE), the copyright holder
    a footer names (END), or :data:`~app.seeds.assembly.DEK` for a standfirst
    turned paragraph.
    """

    text: str
    start: int
    end: int
    kind: Kind
    heading: bool = False
    when: datetime | None = None
    estimated: bool = True
    relative: bool = False
    value: str | None = None


_BULLET_RE = re.compile(r"^[•·▪●◦‣∙*\-–]\s*")

_AUTHOR_RE = re.compile(
    r"(?:author|authors|written by|words by|reporting by|by)\s*:?\s+(?P<name>.+)", re.IGNORECASE
)
_SOURCE_RE = re.compile(r"source\s*:\s*(?P<value>.+)", re.IGNORECASE)


_LONG_LINE = 2000


def classify(line: TextLine, mtime: datetime) -> Line:
    """Classify one line by its own shape (neighbours are :func:`mark_context`'s job).

    Args:
        line: The line as the markup converter gave it.
        mtime: The file's time in UTC, for relative and year-less dates.

    Returns:
        The line, cleaned, with its kind and the value its kind carries.
    """
    # Judge the text as it will be shown: escape sequences, zero-width and
    # bidi characters must not hide a final period or fake a headline.
    text = clean_text(line.text, multiline=False)
    bullet = line.bullet
    if _BULLET_RE.match(text) and not _BULLET_RE.fullmatch(text):
        text = _BULLET_RE.sub("", text, count=1)
        bullet = True
    out = Line(text, line.start, line.end, Kind.BLANK, heading=line.heading)
    if not text:
        return out
    if len(text) > _LONG_LINE:
        # No chrome, dateline or headline is this long; skipping the pattern
        # tests keeps a pathological page (one 20 MB line) linear to classify.
        long_kind = Kind.PARA if len(split_words(text)) >= 4 else Kind.NOISE
        out.kind = Kind.DROP if line.link_only else long_kind
        return out
    if not has_letters(text) and not CLOCK_RE.fullmatch(text):
        out.kind = Kind.NOISE
        return out
    if line.link_only or URL_ONLY_RE.fullmatch(text) or IMAGE_FRAGMENT_RE.fullmatch(text):
        out.kind = Kind.DROP
        return out
    if END_RE.fullmatch(text):
        out.kind, out.value = Kind.END, copyright_holder(text)
        return out
    if DROP_RE.fullmatch(text) or CLOCK_RE.fullmatch(text):
        out.kind = Kind.DROP
        return out
    relative = relative_time(text, mtime)
    if relative is not None:
        out.kind, out.when, out.value, out.estimated = Kind.TIME, relative[0], relative[1], True
        out.relative = True
        return out
    absolute = absolute_time(text, mtime)
    if absolute is not None:
        out.kind, out.when, out.estimated = Kind.TIME, absolute[0], not absolute[1]
        return out
    source = _SOURCE_RE.fullmatch(text)
    if source and (is_outlet_name(source["value"].strip()) or "." in source["value"]):
        value = source["value"].strip()
        if len(split_words(value)) <= 5 and len(value) <= 60 and not ends_sentence(value):
            out.kind, out.value = Kind.SOURCE, value
            return out
    author = _AUTHOR_RE.fullmatch(text)
    if author and is_name(author["name"]):
        out.kind, out.value = Kind.AUTHOR, author["name"].strip(" ,")
        return out
    if KEY_VALUE_RE.fullmatch(text) or CAPTION_RE.fullmatch(text) or CREDIT_RE.fullmatch(text):
        out.kind = Kind.DROP
        return out
    words = len(split_words(text))
    if bullet and (line.heading or META_ROW_RE.match(text)):
        # A list of headings is a table of contents; "key: value" rows are a
        # scraper's metadata block.
        out.kind = Kind.DROP
    elif bullet:
        # Bullets are menus, meta rows and fact lists, never headlines.
        if paragraph_shaped(text):
            out.kind = Kind.PARA
        else:
            out.kind = Kind.NOISE if words <= 4 else Kind.FRAG
    elif (line.heading and 2 <= words <= 30 and len(text) <= 250) or headline_shaped(text):
        out.kind = Kind.HEAD
    elif paragraph_shaped(text):
        out.kind = Kind.PARA
    elif text.rstrip().endswith(":"):
        out.kind = Kind.FRAG
    elif words <= 2 or is_all_caps_label(text):
        out.kind = Kind.NOISE
    else:
        out.kind = Kind.FRAG
    return out


def mark_crumbs(lines: list[Line]) -> None:
    """Drop breadcrumb trails: "1. HOME / 2. WORLD / 3. <title>", "Home > World"."""
    index = 0
    while index < len(lines):
        match = CRUMB_RE.match(lines[index].text)
        if match and match.group(1) == "1" and len(split_words(match.group(2))) <= 3:
            run = [index]
            expected = 2
            probe = index + 1
            while probe < len(lines):
                if lines[probe].kind is Kind.BLANK:
                    probe += 1
                    continue
                following = CRUMB_RE.match(lines[probe].text)
                if not following or int(following.group(1)) != expected:
                    break
                run.append(probe)
                expected += 1
                probe += 1
            items = [CRUMB_RE.match(lines[i].text) for i in run]
            if len(run) >= 2 and not any(m and ends_sentence(m.group(2)) for m in items):
                for i in run:
                    lines[i].kind = Kind.DROP
                index = probe
                continue
        line = lines[index]
        parts = CRUMB_SEPARATORS_RE.split(line.text)
        if len(parts) >= 3 and all(0 < len(split_words(p)) <= 4 for p in parts):
            line.kind = Kind.DROP
        index += 1


_TEXT_KINDS = frozenset({Kind.PARA, Kind.FRAG, Kind.NOISE, Kind.HEAD})
_BYLINE_LABEL_RE = re.compile(r"(?:by|authors?|written by|reporting by)\s*:?", re.IGNORECASE)


def mark_context(lines: list[Line]) -> None:
    """Fix kinds that depend on neighbours: continuations, bylines, outlet rows."""
    for index, line in enumerate(lines[:-1]):
        name = lines[index + 1]
        if _BYLINE_LABEL_RE.fullmatch(line.text) and is_name(name.text):
            # "By" on its own line, the name on the next.
            line.kind = Kind.DROP
            name.kind, name.value = Kind.AUTHOR, name.text
    for index, line in enumerate(lines):
        if line.kind is not Kind.HEAD or line.heading:
            continue
        # A sentence broken across lines (pages saved with each link on its
        # own line): "According to the" / "General Staff of ...", or "Trump
        # said late Thursday" / "that he was ...". Neither part is a headline.
        previous = lines[index - 1].text.rstrip() if index else ""
        last_word = previous.split()[-1].casefold() if previous else ""
        following = lines[index + 1] if index + 1 < len(lines) else None
        broken_before = bool(previous) and (previous[-1] in ",-–" or last_word in FUNCTION_WORDS)
        broken_after = (
            following is not None
            and following.kind in _TEXT_KINDS  # "by ...", "time3 minutes ago" are meta
            and following.text[:1].islower()
        )
        if broken_before or broken_after:
            line.kind = Kind.FRAG
    for index, line in enumerate(lines):
        if line.kind is not Kind.TIME or line.value is not None:
            continue
        probe = index - 1
        while probe >= 0 and lines[probe].kind is Kind.BLANK:
            probe -= 1
        if probe < 0 or lines[probe].kind not in {Kind.NOISE, Kind.HEAD, Kind.FRAG}:
            continue
        candidate = lines[probe].text
        if line.relative:
            # Aggregators put the outlet over a relative time: "Yahoo" / "21
            # minutes ago".
            if len(split_words(candidate)) <= 4 and is_outlet_name(candidate):
                lines[probe].kind, lines[probe].value = Kind.OUTLET, candidate
        elif is_byline_name(candidate):
            # Bylines put the author over a date: "Max Rego" / "Tue, February
            # 24, 2026 at 2:24 PM UTC".
            lines[probe].kind, lines[probe].value = Kind.AUTHOR, candidate
