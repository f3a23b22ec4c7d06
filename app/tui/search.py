"""The search screen: type, see highlighted hits, choose one to jump to its cluster.

Queries run after a short pause in typing (or at once on enter) as one FTS5
query with a limit: the store is not thread-safe, so the query runs on the UI
thread, bounded by the index and the limit. The screen answers with the
chosen hit's cluster id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label

from app.models import SearchHit
from app.text import clean_line
from widgets.key_bar import KeyBar
from widgets.search_results import SearchResults

if TYPE_CHECKING:
    from app.desk import Desk

__all__ = ["SearchScreen"]

#: Pause after the last keystroke before searching.
DEBOUNCE_SECONDS = 0.3


class SearchScreen(Screen[str | None]):
    """Full-text search over every story."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="search_close", tooltip="Back to the desk"),
        Binding("down", "results", "Results", show=False, id="search_results"),
    ]

    def __init__(self, desk: Desk) -> None:
        """Search ``desk``."""
        super().__init__(id="search")
        self.desk = desk
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None
        self._last_query = ""

    def compose(self) -> ComposeResult:
        """Input, status, results, footer."""
        yield Label(Content.styled("Search", "bold"), id="search-title")
        yield Input(placeholder="words to find (enter to search, esc to go back)", id="query")
        yield Label(Content(""), id="search-status")
        yield SearchResults(id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search after a pause."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: search now and move to the results."""
        if self._timer is not None:
            self._timer.stop()
        self.run_search()
        if self.hits:
            self.query_one(SearchResults).focus()

    def run_search(self) -> None:
        """Run the query in the input."""
        query = clean_line(self.query_one(Input).value, max_len=200)
        if query == self._last_query and self.hits:
            return
        self._last_query = query
        status = self.query_one("#search-status", Label)
        if not query:
            self.hits = []
            status.update(Content(""))
        else:
            try:
                self.hits = self.desk.search(query, limit=50)
            except Exception as exc:  # a bad query must not close the screen
                self.hits = []
                status.update(Content(f"Search failed: {clean_line(str(exc), max_len=200)}"))
            else:
                n = len(self.hits)
                status.update(Content(f"{n} hit{'s' if n != 1 else ''}" if n else "No hits"))
        self.query_one(SearchResults).show(self.hits)

    def on_search_results_hit_chosen(self, event: SearchResults.HitChosen) -> None:
        """Answer with the hit's cluster."""
        if event.hit.cluster_id is None:
            self.app.notify("That story has no cluster yet.", severity="warning", markup=False)
            return
        self.dismiss(event.hit.cluster_id)

    def action_results(self) -> None:
        """Down from the input goes to the results."""
        results = self.query_one(SearchResults)
        if self.hits and not results.has_focus:
            results.focus()

    def action_close(self) -> None:
        """Back without a choice."""
        self.dismiss(None)
