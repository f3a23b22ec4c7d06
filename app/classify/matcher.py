"""Pane matching: the compiled form of the pane rules and the term scan.

:class:`Matcher` turns every literal term of every pane into one
prefix-factored regular expression (a trie), so a field is scanned once; at
each word start the longest term wins, so a phrase hides its own words
("peace talks" is not also "talks") across panes. Patterns are matched one by
one after the terms. Pure; used by :mod:`app.classify` only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.classify.rules import PaneRules

__all__ = ["Matcher", "norm_term"]

_SEP_RE = re.compile(r"[\s\-]+")

# The fast scan (see _Matcher._terms) rewrites text so that every non-word
# character is a space (phrase separators: whitespace and "-") or a "|"
# (anything else, which a phrase must not span). The term regex can then
# start with the character class "[ |]", which lets the engine jump from
# word start to word start instead of trying every position.
_ASCII_MAP = {
    i: (" " if re.match(r"[\s\-]", chr(i)) else "|")
    for i in range(128)
    if not re.match(r"[\w ]", chr(i))
}
_UNICODE_MAP = (
    *((c, "|") for c in "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2014\u2013\u2026\u2022\u00b7"),
    *((c, " ") for c in "\u00a0\u2009\u202f"),
)
_ODD_RE = re.compile(r"[^\w |]")


class Matcher:
    """Compiled form of a :class:`PaneRules`: one term regex plus patterns."""

    __slots__ = (
        "exact",
        "fast",
        "gate",
        "hits",
        "patterns",
        "prefix_lengths",
        "prefixes",
        "regex",
    )

    def __init__(self, rules: PaneRules) -> None:
        targets = list(rules.panes)
        self.gate = -1
        if rules.relevance is not None and rules.relevance_min_score > 0:
            self.gate = len(targets)
            targets.append(rules.relevance)
        # A "key" is what one match resolves to: an exact word or phrase, a
        # prefix ("evacuat*") or a pattern, with the (target, weight) pairs it
        # feeds. Every table whose term matches the text gets its hit: an exact
        # term also feeds the prefix terms it starts with, and a prefix the
        # shorter prefixes of its own, unless that table lists it itself
        # (the more specific term's weight wins).
        exact: dict[str, dict[int, float]] = {}
        prefixes: dict[str, dict[int, float]] = {}
        patterns: dict[str, dict[int, float]] = {}
        for index, rule in enumerate(targets):
            for term, weight in rule.terms:
                norm = norm_term(term)
                book = prefixes if norm.endswith("*") else exact
                book.setdefault(norm.rstrip("*"), {})[index] = weight
            for pattern, weight in rule.patterns:
                patterns.setdefault(pattern, {})[index] = weight
        by_length = sorted(prefixes, key=lambda p: (-len(p), p))
        for book in (exact, prefixes):
            for word, hits in book.items():
                for prefix in by_length:
                    if prefix != word and word.startswith(prefix):
                        for index, weight in prefixes[prefix].items():
                            hits.setdefault(index, weight)
        self.hits: list[tuple[tuple[int, float], ...]] = []
        self.exact = {word: self._new_key(hits) for word, hits in exact.items()}
        self.prefixes = {word: self._new_key(hits) for word, hits in prefixes.items()}
        # Longest prefix first, so "peace talk*" beats "peace*" for "peace talks".
        self.prefix_lengths = sorted({len(p) for p in prefixes}, reverse=True)
        words = [*exact, *(p + "*" for p in prefixes)]
        trie = _trie_regex(words) if words else None
        self.regex = re.compile(rf"(?<!\w){trie}(?!\w)") if trie else None
        self.fast = re.compile(rf"[ |]({trie})(?!\w)") if trie else None
        self.patterns = [
            (re.compile(p, re.IGNORECASE), self._new_key(hits))
            for p, hits in sorted(patterns.items())
        ]

    def _new_key(self, hits: Mapping[int, float]) -> int:
        self.hits.append(tuple(sorted(hits.items())))
        return len(self.hits) - 1

    def _prefix_key(self, surface: str) -> int:
        for length in self.prefix_lengths:
            key = self.prefixes.get(surface[:length])
            if key is not None:
                return key
        raise AssertionError(f"matched text {surface!r} has no term")  # pragma: no cover

    @staticmethod
    def _terms(text: str, regex: re.Pattern[str], fast: re.Pattern[str]) -> list[str]:
        """The matched text of each term match, in order, leftmost-longest.

        Same matches either way; the fast path is ~3x quicker and applies
        whenever every non-word character of the text is one it can map.
        """
        spaced = text
        for char, repl in _UNICODE_MAP:
            if char in spaced:
                spaced = spaced.replace(char, repl)
        spaced = " " + spaced.translate(_ASCII_MAP)
        if (spaced.isascii() and spaced.isprintable()) or _ODD_RE.search(spaced) is None:
            return fast.findall(spaced)
        return regex.findall(text)

    def scan(self, text: str) -> dict[int, tuple[int, str]]:
        """Keys found in ``text`` (lower-cased) -> (first match index, surface)."""
        found: dict[int, tuple[int, str]] = {}
        if self.regex is not None and self.fast is not None:
            exact = self.exact
            for order, surface in enumerate(self._terms(text, self.regex, self.fast)):
                if not surface.isalnum():  # a phrase: normalise its separators
                    surface = _SEP_RE.sub(" ", surface)
                key = exact.get(surface)
                if key is None:
                    key = self._prefix_key(surface)
                if key not in found:
                    found[key] = (order, surface)
        for regex, key in self.patterns:
            if key not in found:
                m = next((m for m in regex.finditer(text) if m.end() > m.start()), None)
                if m is not None:
                    # after the terms, in text order among patterns
                    found[key] = (len(text) + m.start(), _SEP_RE.sub(" ", m.group()))
        return found


def norm_term(term: str) -> str:
    """A config term as matched: lower case, separators folded to one space."""
    return _SEP_RE.sub(" ", term.lower()).strip()


def _trie_regex(words: Sequence[str]) -> str:
    """One regex (without word boundaries) matching any of ``words``, longest first.

    ``words`` are normalised terms: a space matches any run of spaces and
    hyphens, a trailing ``*`` any word ending. Shared prefixes are factored
    (a trie), so the engine tests each word start against few branches, and
    greedy optional groups make a longer term win over its prefix.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        units = [*word[:-1], "*"] if word.endswith("*") else list(word)
        for unit in units:
            node = node.setdefault(unit, {})
        node[""] = {}

    def unit_re(unit: str) -> str:
        if unit == " ":
            return r"[\s\-]+"
        if unit == "*":
            return r"\w*"
        return re.escape(unit)

    def node_re(node: dict[str, Any]) -> str:
        # Literals first, then separators, then the catch-all word ending.
        keys = sorted((k for k in node if k), key=lambda k: (k == "*", k == " ", k))
        alts = [unit_re(k) + node_re(node[k]) for k in keys]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return node_re(root)
