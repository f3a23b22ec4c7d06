"""Assembly: classified lines -> draft stories.

Owns :class:`Draft` and :class:`Segmenter`, the single forward pass that
decides which headline-shaped lines head stories (a paragraph follows), which
are teasers (another headline or chrome follows), which fold a "<headline> |
<site>" page title into the headline, and which take a standfirst; it
attaches meta rows (time, outlet, author, "Source:") to the story they
describe, collapses repeats, and closes a story at chrome such as "Related".
Pure and linear in the number of lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from app.seeds.lines import Kind, Line
from app.seeds.outlets import PageClues
from app.seeds.shapes import CLOSERS, OPENERS, split_words
from app.seeds.vocabulary import content_words

__all__ = ["DEK", "Draft", "Segmenter", "norm"]


@dataclass(slots=True)
class Draft:
    """A story being assembled: headline, paragraphs, meta, span in the page."""

    title: str | None  # None: lost in the saving, derived from the lead
    start: int
    end: int
    paras: list[Line] = field(default_factory=list)
    outlet: str | None = None
    author: str | None = None
    when: datetime | None = None
    estimated: bool = True
    closed: bool = False
    # Counted as lines arrive, so the per-line checks below stay O(1).
    body_lines: int = 0  # paragraphs (a standfirst included)
    header_only: bool = True  # nothing but a headline and a standfirst yet

    def take(self, line: Line) -> None:
        """Extend the story's span over ``line`` (a meta row or repeat it absorbs)."""
        self.end = max(self.end, line.end)

    def add(self, line: Line) -> None:
        """Append ``line`` to the body."""
        self.paras.append(line)
        self.take(line)
        if line.kind is Kind.PARA:
            self.body_lines += 1
        if line.value != DEK:
            self.header_only = False

    def has_body(self) -> bool:
        """True once a paragraph (not only fragments) has been added."""
        return self.body_lines > 0

    def set_paras(self, paras: list[Line]) -> None:
        """Replace the body (a split): counts and end follow."""
        self.paras, self.body_lines, self.header_only = [], 0, True
        for line in paras:
            self.add(line)

    def in_header(self) -> bool:
        """Still above the body: only the headline (and a standfirst) so far."""
        return not self.closed and self.header_only


def norm(text: str) -> str:
    """A line's key for spotting repeats: case-folded, edge punctuation and spaces gone."""
    return " ".join(text.casefold().strip(" .:!?" + CLOSERS + OPENERS).split())


DEK = "dek"  # Line.value of a standfirst turned paragraph
_SITE_SUFFIX_RE = re.compile(r"\s+[|/–—-]\s+(?P<site>[^|/]{2,40})$")
# What may sit between a headline and its first paragraph. END is among them:
# a comment count or share bar under a headline does not make it a teaser (it
# only closes a story that already has a body).
_SKIP_AFTER_HEAD = frozenset(
    {
        Kind.BLANK,
        Kind.DROP,
        Kind.END,
        Kind.NOISE,
        Kind.TIME,
        Kind.OUTLET,
        Kind.AUTHOR,
        Kind.SOURCE,
        Kind.FRAG,
    }
)


@dataclass(slots=True)
class Segmenter:
    """One forward pass over classified lines that assembles :class:`Draft` stories."""

    lines: list[Line]
    drafts: list[Draft] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    pending_when: tuple[datetime, bool] | None = None
    pending_outlet: str | None = None
    pending_author: str | None = None
    sources: list[tuple[int, str, Draft | None]] = field(default_factory=list)
    # Page-level outlet evidence, used for stories that name no outlet: the
    # page title's site (only above every story), copyright holders of
    # footer lines (index, holder), and what the page's markup states.
    site_title: str | None = None
    footers: list[tuple[int, str]] = field(default_factory=list)
    clues: PageClues = field(default_factory=PageClues)
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
        keys = [norm(line.text) for line in self.lines]
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
            if kind not in {Kind.BLANK, Kind.DROP}:
                solid = index

    @property
    def current(self) -> Draft | None:
        """The story being assembled (the last one started), if any."""
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
        if probe < len(self.lines) and self.lines[probe].kind is Kind.HEAD:
            return probe
        return None

    def _is_dek(self, head: Line, candidate: Line) -> bool:
        """A standfirst under a headline: longer, sentence-like, on the same subject."""
        return (
            len(split_words(head.text)) >= 4
            and len(split_words(candidate.text)) >= 8
            and len(candidate.text) > len(head.text)
            and bool(set(content_words(head.text)) & set(content_words(candidate.text)))
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
        if nxt.kind is Kind.PARA:
            return "story"
        if nxt.kind is not Kind.HEAD or self._adjacent(index) != following:
            return "drop"
        suffix = _SITE_SUFFIX_RE.search(line.text)
        if suffix and norm(line.text[: suffix.start()]) == norm(nxt.text):
            return "site"
        after = self._next_significant(following)
        if (
            after < len(self.lines)
            and self.lines[after].kind is Kind.PARA
            and self._is_dek(line, nxt)
        ):
            return "dek"
        return "drop"

    def _start(self, title: str | None, line: Line) -> Draft:
        draft = Draft(title=title, start=line.start, end=line.end)
        if self.pending_when is not None:
            draft.when, draft.estimated = self.pending_when
        draft.outlet, draft.author = self.pending_outlet, self.pending_author
        self.pending_when = self.pending_outlet = self.pending_author = None
        self.drafts.append(draft)
        return draft

    def _meta(self, index: int, line: Line) -> None:
        draft = self.current
        # Meta rows above a story's first paragraph describe that story; below
        # a finished body they wait for the next headline (related-link lists
        # put outlet and time above each teaser).
        header = draft is not None and draft.in_header()
        if line.kind is Kind.TIME and line.when is not None:
            if draft is not None and header and draft.when is None:
                draft.when, draft.estimated = line.when, line.estimated
                if line.value and draft.outlet is None:
                    draft.outlet = line.value
                draft.take(line)
            else:
                self.pending_when = (line.when, line.estimated)
                if line.value:
                    self.pending_outlet = line.value
        elif line.kind is Kind.OUTLET:
            if draft is not None and header and draft.outlet is None:
                draft.outlet = line.value
                draft.take(line)
            else:
                self.pending_outlet = line.value
        elif line.kind is Kind.AUTHOR:
            if draft is not None and not draft.closed and draft.author is None:
                draft.author = line.value
                draft.take(line)
            else:
                self.pending_author = line.value
        elif line.kind is Kind.SOURCE and line.value:
            self.sources.append((index, line.value, draft))

    def _paragraph(self, index: int, line: Line) -> None:
        key = norm(line.text)
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

    def run(self) -> list[Draft]:
        """Assemble the page's stories.

        Returns:
            The drafts in page order, outlets applied, those with less than
            80 characters of paragraphs dropped.
        """
        lines = self.lines
        for index, line in enumerate(lines):
            kind = line.kind
            draft = self.current
            if kind is Kind.HEAD:
                if (
                    draft is not None
                    and draft.title is not None
                    and not draft.has_body()
                    and norm(line.text) == norm(draft.title)
                ):
                    draft.take(line)  # the headline repeated (seed pages do)
                    continue
                decision = self._resolve_head(index)
                if decision == "site":
                    suffix = _SITE_SUFFIX_RE.search(line.text)
                    if suffix and self.pending_outlet is None:
                        self.pending_outlet = suffix.group("site").strip()
                    if suffix and draft is None and self.site_title is None:
                        self.site_title = suffix.group("site").strip()  # the page's own title
                elif decision == "drop":
                    # Meta rows above a teaser belonged to the teaser.
                    self.pending_when = self.pending_outlet = self.pending_author = None
                elif decision in {"story", "dek"}:
                    self.seen.add(norm(line.text))
                    self._start(line.text, line)
                    self.last_content = index
                    if decision == "dek":
                        dek = self._adjacent(index)
                        if dek is not None:
                            lines[dek].kind, lines[dek].value = Kind.PARA, DEK
            elif kind is Kind.PARA:
                self._paragraph(index, line)
            elif kind is Kind.FRAG:
                if draft is not None and not draft.closed and draft.paras:
                    following = self._next_significant(index)
                    if following < len(lines) and lines[following].kind is Kind.PARA:
                        draft.add(line)
            elif kind is Kind.END:
                if line.value is not None:
                    self.footers.append((index, line.value))
                if draft is None:
                    self.preamble_closed = True  # a cookie banner above everything
                elif draft.has_body():
                    draft.closed = True
            elif kind in {Kind.TIME, Kind.OUTLET, Kind.AUTHOR, Kind.SOURCE}:
                self._meta(index, line)
        self._apply_outlets()
        return [d for d in self.drafts if _body_length(d) >= _MIN_BODY_CHARS]

    def _apply_outlets(self) -> None:
        """Give stories the outlet the page names, where their own rows name none.

        "Source: x" inside a story names that story's outlet. The page's
        outlet, for every story still without one, is the first found of: a
        "Source: x" at the page's edge (above every story or below the last
        text), the site of a "<headline> | <site>" page title above every
        story, a site name the markup states, the holder of a copyright line
        below the last text (or in an HTML footer), the page's own host.
        """
        edge_source: str | None = None
        for index, value, draft in self.sources:
            if draft is None or index > self.last_content:
                edge_source = edge_source or value
            elif draft.outlet is None:
                draft.outlet = value
        footer = next((value for index, value in self.footers if index > self.last_content), None)
        candidates = (
            edge_source,
            self.site_title,
            self.clues.site_name,
            footer,
            self.clues.footer_holder,
            self.clues.host,
        )
        page_outlet = next((c for c in candidates if c), None)
        if page_outlet is not None:
            for draft in self.drafts:
                if draft.outlet is None:
                    draft.outlet = page_outlet


_MIN_BODY_CHARS = 80


def _body_length(draft: Draft) -> int:
    return sum(len(p.text) for p in draft.paras if p.kind is Kind.PARA)
