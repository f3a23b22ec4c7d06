"""Search results: one option per hit, matched spans highlighted by styling.

The snippet and title are feed text; the match spans are offsets into the
snippet. Highlighting is applied as ``Content`` spans, never by inserting
markup into the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content, Span
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from app.models import SearchHit
from widgets.format import one_line

__all__ = ["SearchResults", "highlight_spans", "hit_prompt"]


def highlight_spans(text: str, spans: Sequence[tuple[int, int]], style: str) -> Content:
    """``text`` as ``Content`` with ``spans`` (character offsets) styled.

    Out-of-range or empty spans are ignored, so a bad span can never raise.

    Args:
        text: Plain text.
        spans: ``(start, end)`` offsets into ``text``.
        style: Style for the matched parts.

    Returns:
        The styled content.
    """
    length = len(text)
    kept = [
        Span(max(0, start), min(length, end), style)
        for start, end in spans
        if 0 <= start < end and start < length
    ]
    return Content(text, kept, strip_control_codes=False)


def _flat(text: str) -> str:
    """Flatten line breaks without changing offsets (one char for one char)."""
    return "".join(
        " " if ch in "\n\r\t" or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F else ch for ch in text
    )


def hit_prompt(hit: SearchHit) -> Content:
    """A hit as two lines: the title, then the snippet with matches highlighted."""
    title = Content.styled(one_line(hit.title, max_len=400), "bold")
    snippet = highlight_spans(_flat(hit.snippet[:1000]), hit.spans, "reverse")
    return Content("\n").join([title, Content.assemble("  ", snippet)])


class SearchResults(OptionList):
    """The hits of one search."""

    @dataclass
    class HitChosen(Message):
        """The user chose ``hit``."""

        search_results: SearchResults
        hit: SearchHit

        @property
        def control(self) -> SearchResults:
            return self.search_results

    def __init__(self, *, id: str | None = None) -> None:
        """An empty result list (plain text only)."""
        super().__init__(markup=False, id=id)
        self.hits: tuple[SearchHit, ...] = ()

    def show(self, hits: Sequence[SearchHit]) -> None:
        """List ``hits``, highlighting the first."""
        self.hits = tuple(hits)
        self.set_options(Option(hit_prompt(hit)) for hit in self.hits)
        if self.hits:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Turn the generic selection into a :class:`HitChosen`."""
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            self.post_message(self.HitChosen(self, self.hits[event.option_index]))
