"""The data window behind :class:`~widgets.cluster_list.ClusterList`.

A pane can hold a hundred thousand clusters; the list keeps only the pages of
rows it has drawn. :class:`RowPages` asks its :class:`RowSource` for a count
and for fixed-size pages on demand, finds a cluster by id near a position
(to keep the cursor on it after the data changed) and replaces rows by key.
No Textual here: it is plain data handling, tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from app.models import ClusterRow

__all__ = ["PAGE_SIZE", "RowPages", "RowSource"]

#: Rows fetched per query.
PAGE_SIZE = 100


class RowSource(Protocol):
    """Where a list gets its rows: a count and pages."""

    def count(self) -> int:
        """How many rows the list has."""
        ...

    def fetch(self, offset: int, limit: int) -> Sequence[ClusterRow]:
        """Rows ``offset`` to ``offset + limit`` (fewer at the end)."""
        ...


class _EmptySource:
    def count(self) -> int:
        return 0

    def fetch(self, offset: int, limit: int) -> Sequence[ClusterRow]:
        return ()


class RowPages:
    """A lazily filled, page-cached view of a :class:`RowSource`."""

    def __init__(self, source: RowSource | None = None) -> None:
        """Start with nothing fetched; the size is asked for when first needed."""
        self.source: RowSource = source or _EmptySource()
        self._total: int | None = None
        self._pages: dict[int, tuple[ClusterRow, ...]] = {}

    @property
    def total(self) -> int:
        """How many rows the source has (counted on first use: a pane that is
        never shown never runs its count)."""
        if self._total is None:
            self._total = self.source.count()
        return self._total

    @property
    def counted(self) -> bool:
        """True once the source has been counted."""
        return self._total is not None

    def recount(self) -> None:
        """Forget every page and ask the source for its size again."""
        self._pages.clear()
        self._total = self.source.count()

    def replace_source(self, source: RowSource) -> None:
        """Read from another source (another filter)."""
        self.source = source
        self.recount()

    def row(self, index: int) -> ClusterRow | None:
        """The row at ``index``, fetching its page if needed."""
        if not 0 <= index < self.total:
            return None
        page_no, slot = divmod(index, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = tuple(self.source.fetch(page_no * PAGE_SIZE, PAGE_SIZE))
            self._pages[page_no] = page
        # A short page (rows filtered out after counting) leaves a gap, not an error.
        return page[slot] if slot < len(page) else None

    def loaded(self) -> list[ClusterRow]:
        """The rows fetched so far, in order."""
        return [row for _, page in sorted(self._pages.items()) for row in page]

    def find(self, cluster_id: str, near: int, span: int = 2) -> int | None:
        """The index of ``cluster_id`` in the pages around ``near``, nearest first."""
        if not self.total:
            return None
        home = near // PAGE_SIZE
        last_page = (self.total - 1) // PAGE_SIZE
        order = [min(home, last_page)]
        for step in range(1, span + 1):
            order.extend(p for p in (home + step, home - step) if 0 <= p <= last_page)
        for page_no in order:
            self.row(page_no * PAGE_SIZE)
            for slot, row in enumerate(self._pages.get(page_no, ())):
                if row.id == cluster_id:
                    return page_no * PAGE_SIZE + slot
        return None

    def patch(self, row: ClusterRow) -> bool:
        """Replace a loaded row with the same id; True when it was loaded."""
        for page_no, page in self._pages.items():
            for slot, old in enumerate(page):
                if old.id == row.id:
                    self._pages[page_no] = (*page[:slot], row, *page[slot + 1 :])
                    return True
        return False
