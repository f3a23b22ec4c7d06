"""Words for comparing blocks of text on one page.

Owns :func:`content_words` (lower-cased content words, possessives and
plural -s stripped; the standfirst test of :mod:`.assembly` compares them)
and :class:`Vocabulary` (document frequencies over a page's text units,
idf-weighted similarity: the lost-headline test of :mod:`.topics`). Pure and
deterministic: sums run over sorted values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.seeds.shapes import wordset

__all__ = ["WORD_RE", "Vocabulary", "content_words"]
_STOPWORDS = wordset(
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
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def content_words(text: str) -> list[str]:
    """Lower-cased content words with possessives and plural -s stripped."""
    words: list[str] = []
    for raw in WORD_RE.findall(text.casefold()):
        word = raw[:-2] if raw.endswith(("'s", "’s")) else raw
        if len(word) < 3 or word in _STOPWORDS or word.isdigit():
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


@dataclass(slots=True)
class Vocabulary:
    """Document frequencies of content words over a page's text units."""

    units: int = 0
    df: dict[str, int] = field(default_factory=dict)

    def add(self, text: str) -> None:
        """Count one text unit (a paragraph or headline)."""
        self.units += 1
        for word in dict.fromkeys(content_words(text)):
            self.df[word] = self.df.get(word, 0) + 1

    def idf(self, word: str) -> float:
        """Inverse document frequency of ``word`` on the page (0 if unseen)."""
        df = self.df.get(word, 0)
        if not df or not self.units:
            return 0.0
        return max(0.0, math.log(self.units / df))

    def common(self, word: str) -> bool:
        """True for a word found in 30% of the units or more (on pages of 4+ units)."""
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
