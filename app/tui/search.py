"""The search screen: type, see highlighted hits, choose one to jump to its cluster.

Queries run after a short pause in typing (or at once on enter) as one FTS5
query with a limit, on a worker thread with a read-only connection of its own
(:meth:`app.desk.Desk.search_apart`): a common word takes ~150 ms at 100,000
stories, and the UI thread must never wait on it. Each search has a
generation number; results of an older search than the newest are dropped,
so a slow early query cannot overwrite a later one. The screen answers with
the chosen hit's cluster id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import get_current_worker

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

    @dataclass
    class HitsFound(Message):
        """A search finished on the worker (``error`` set: it failed)."""

        generation: int
        query: str
        hits: list[SearchHit]
        error: str | None = None

    def __init__(self, desk: Desk) -> None:
        """Search ``desk``."""
        super().__init__(id="search")
        self.desk = desk
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None
        self._last_query = ""
        self._generation = 0
        self._answered = 0
        self._focus_results = False

    def compose(self) -> ComposeResult:
        """Input, status, results, footer."""
        yield Label(Content.styled("Search", "bold"), id="search-title")
        yield Input(placeholder="words to find (enter to search, esc to go back)", id="query")
        yield Label(Content(""), id="search-status")
        yield SearchResults(id="results")
        yield KeyBar()

    @property
    def searching(self) -> bool:
        """True while the newest search has not answered yet."""
        return self._answered != self._generation

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search after a pause."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: search now and move to the results when they come."""
        if self._timer is not None:
            self._timer.stop()
        self._focus_results = True
        self.run_search()
        if not self.searching and self.hits:
            self.query_one(SearchResults).focus()

    def run_search(self) -> None:
        """Start a search for the query in the input (on the worker)."""
        query = clean_line(self.query_one(Input).value, max_len=200)
        if query == self._last_query and (self.searching or self.hits):
            return  # the same words: the answer is shown or on its way
        self._last_query = query
        self._generation += 1
        status = self.query_one("#search-status", Label)
        if not query:
            self._answered = self._generation
            self.hits = []
            status.update(Content(""))
            self.query_one(SearchResults).show(self.hits)
            return
        status.update(Content("Searching…"))
        self._search_worker(query, self._generation)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, query: str, generation: int) -> None:
        """Run one search on a connection of this thread's own; answer by message."""
        try:
            hits = self.desk.search_apart(query, limit=50)
        except Exception as exc:  # a bad query or a busy file must not close the screen
            message = self.HitsFound(generation, query, [], clean_line(str(exc), max_len=200))
        else:
            message = self.HitsFound(generation, query, hits)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_search_screen_hits_found(self, message: HitsFound) -> None:
        """Show the newest search's hits; drop an older search's."""
        if message.generation != self._generation:
            return  # stale: a newer search is running or has answered
        self._answered = message.generation
        status = self.query_one("#search-status", Label)
        self.hits = message.hits
        if message.error is not None:
            status.update(Content(f"Search failed: {message.error}"))
        else:
            n = len(self.hits)
            status.update(Content(f"{n} hit{'s' if n != 1 else ''}" if n else "No hits"))
        results = self.query_one(SearchResults)
        results.show(self.hits)
        if self._focus_results and self.hits:
            results.focus()
        self._focus_results = False

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
