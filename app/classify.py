"""Panes: which desk pane a story or a cluster belongs to, and why.

A story is scored against rules from config (``[panes.*]``): weighted terms and
phrases, optional regular expressions, a precedence for ties, and a relevance
gate that keeps non-conflict news ("a drone show", "a labour strike") out of
the panes. The result is a :class:`~app.models.Classification`: the pane, its
score and the terms that decided it, so the desk can show *why*.

Matching is explainable and cheap: every literal term of every pane is
compiled into one prefix-factored regular expression, scanned once per field.
At each word start the longest term wins, so a phrase hides its own words
("peace talks" is not also "talks") across panes. Each term counts once per
field, weighted by the field (title > summary > body), and only the first
``max_chars`` of the summary and of the body are read, so a long body cannot
drown the headline.

A cluster follows its members (:func:`cluster_pane`), so it never shows in
two panes. Everything here is pure and deterministic; the built-in rules are
``app/default_panes.toml`` (:data:`DEFAULT_PANE_CONFIG`).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from app.errors import ConfigValueError
from app.models import OTHER, Classification

__all__ = [
    "DEFAULT_PANE_CONFIG",
    "DEFAULT_PANE_RULES",
    "RELEVANCE",
    "PaneRule",
    "PaneRules",
    "classify",
    "cluster_pane",
]

#: Name of the relevance gate's table (``[panes.relevance]``); not a pane.
RELEVANCE = "relevance"

_PANE_NAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
# A normalised term: letters, digits and single spaces, starting with a letter
# or digit, optionally ending in "*" (any word ending).
_TERM_RE = re.compile(r"[^\W_](?:[\w ]{0,98}\w)?\*?")
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
_TITLE_CHARS = 1000
_DEFAULT_GATE_MIN = 2.0

_TOP_NUMBERS = ("min_score", "title_weight", "summary_weight", "body_weight")
_TOP_INTS = ("max_chars", "max_terms")
_PANE_KEYS = ("precedence", "terms", "patterns")
_GATE_KEYS = ("min_score", "terms", "patterns")


@dataclass(frozen=True, slots=True)
class PaneRule:
    """The rules of one pane (or of the relevance gate).

    Attributes:
        name: The pane's name, as shown on the desk and stored with stories.
        terms: ``(term, weight)`` pairs, terms normalised to lower case with
            single spaces; a trailing ``*`` matches any word ending; weight 0
            marks a phrase that must not count (it hides its words).
        patterns: ``(regex, weight)`` pairs, matched case-insensitively.
        precedence: Lower wins when two panes tie on score.
    """

    name: str
    terms: tuple[tuple[str, float], ...] = ()
    patterns: tuple[tuple[str, float], ...] = ()
    precedence: int = 100


@dataclass(frozen=True, slots=True)
class PaneRules:
    """Everything :func:`classify` needs; build it with :meth:`from_mapping`.

    Attributes:
        panes: The panes in config order (ties on score and precedence go to
            the earlier one).
        relevance: The relevance gate's terms, or None for no gate.
        relevance_min_score: Gate threshold; 0 switches the gate off.
        min_score: Score a pane needs, else the story is ``other``.
        title_weight: Multiplier for a term found in the title.
        summary_weight: Multiplier for a term found in the summary.
        body_weight: Multiplier for a term found in the body.
        max_chars: Characters of summary and of body that are read.
        max_terms: Deciding terms reported per classification.
    """

    panes: tuple[PaneRule, ...]
    relevance: PaneRule | None = None
    relevance_min_score: float = _DEFAULT_GATE_MIN
    min_score: float = 2.0
    title_weight: float = 2.0
    summary_weight: float = 1.0
    body_weight: float = 0.5
    max_chars: int = 2000
    max_terms: int = 6
    _matcher: _Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", _Matcher(self))

    @property
    def names(self) -> tuple[str, ...]:
        """The pane names in config order (without ``other``)."""
        return tuple(p.name for p in self.panes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, path: str = "panes") -> PaneRules:
        """Validate a TOML-shaped ``[panes]`` table and build the rules.

        Args:
            data: The ``panes`` table as parsed by ``tomllib`` (scalars, the
                ``relevance`` sub-table and one sub-table per pane).
            path: Dotted key path of ``data`` in the config, for messages.

        Returns:
            The rules, with their matcher compiled.

        Raises:
            ConfigValueError: On an unknown key, a wrong type, a negative or
                non-finite weight, a bad term or regex, a reserved or invalid
                pane name; ``key`` is the dotted path of the culprit, e.g.
                ``panes.aid.terms.humanitarian``.
        """
        table = _table(data, path)
        scalars: dict[str, Any] = {}
        panes: list[PaneRule] = []
        relevance: PaneRule | None = None
        gate_min = _DEFAULT_GATE_MIN
        allowed = (*_TOP_NUMBERS, *_TOP_INTS, RELEVANCE, "<pane name>")
        for key, value in table.items():
            kpath = _join(path, key)
            if key in _TOP_NUMBERS:
                scalars[key] = _number(value, kpath, positive=key == "title_weight")
            elif key in _TOP_INTS:
                scalars[key] = _integer(value, kpath, minimum=1)
            elif key == RELEVANCE:
                gate = _table(value, kpath)
                _only(gate, _GATE_KEYS, kpath)
                gate_min = _number(gate.get("min_score", gate_min), _join(kpath, "min_score"))
                relevance = _rule(RELEVANCE, gate, kpath, precedence=0)
                if gate_min > 0 and not relevance.terms and not relevance.patterns:
                    raise ConfigValueError(
                        kpath,
                        "the gate needs terms or patterns (or min_score = 0 to switch it off)",
                    )
            elif isinstance(value, Mapping):
                if key == OTHER or not _PANE_NAME_RE.fullmatch(key):
                    raise ConfigValueError(
                        kpath,
                        "pane names are 1-32 lower-case letters, digits, '_' or '-', "
                        f"starting with a letter, and not {OTHER!r} (the fallback)",
                    )
                _only(value, _PANE_KEYS, kpath)
                precedence = _integer(value.get("precedence", 100), _join(kpath, "precedence"))
                rule = _rule(key, value, kpath, precedence=precedence)
                if not rule.terms and not rule.patterns:
                    raise ConfigValueError(kpath, "a pane needs at least one term or pattern")
                panes.append(rule)
            else:
                raise ConfigValueError(kpath, f"unknown key; allowed: {', '.join(allowed)}")
        return cls(
            panes=tuple(panes),
            relevance=relevance,
            relevance_min_score=gate_min,
            **scalars,
        )


class _Matcher:
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
                norm = _norm_term(term)
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


def classify(title: str, summary: str = "", body: str = "", *, rules: PaneRules) -> Classification:
    """Put a story in a pane.

    Args:
        title: The headline.
        summary: The lead or feed summary (first ``rules.max_chars`` read).
        body: The article text, if any (first ``rules.max_chars`` read).
        rules: The pane rules, e.g. :data:`DEFAULT_PANE_RULES`.

    Returns:
        The winning pane, its score and the deciding terms (the matched words
        as found in the text, strongest contribution first); ``other`` with
        score 0 and no terms when the relevance gate is closed or no pane
        reaches ``rules.min_score``.
    """
    matcher = rules._matcher
    fields = (
        (_cap(title, _TITLE_CHARS), rules.title_weight),
        (_cap(summary, rules.max_chars), rules.summary_weight),
        (_cap(body, rules.max_chars), rules.body_weight),
    )
    n_targets = len(rules.panes) + (matcher.gate >= 0)
    scores = [0.0] * n_targets
    # per target: key -> [contribution, field order, position, surface]
    contrib: list[dict[int, list[Any]]] = [{} for _ in range(n_targets)]
    for order, (text, fweight) in enumerate(fields):
        if not text or fweight <= 0:
            continue
        for key, (pos, surface) in matcher.scan(text.lower()).items():
            for target, weight in matcher.hits[key]:
                if weight <= 0:
                    continue
                add = weight * fweight
                scores[target] += add
                entry = contrib[target].get(key)
                if entry is None:
                    contrib[target][key] = [add, order, pos, surface]
                else:
                    entry[0] += add
    if matcher.gate >= 0 and scores[matcher.gate] < rules.relevance_min_score:
        return Classification(OTHER, 0.0)
    best = -1
    for index, pane in enumerate(rules.panes):
        if best < 0 or _beats(scores[index], pane, scores[best], rules.panes[best]):
            best = index
    if best < 0 or scores[best] < rules.min_score or scores[best] <= 0:
        return Classification(OTHER, 0.0)
    ranked = sorted(contrib[best].values(), key=lambda e: (-e[0], e[1], e[2], e[3]))
    terms: list[str] = []
    for entry in ranked:
        if entry[3] not in terms:
            terms.append(entry[3])
        if len(terms) >= rules.max_terms:
            break
    return Classification(rules.panes[best].name, round(scores[best], 3), tuple(terms))


def cluster_pane(members: Sequence[Classification], *, rules: PaneRules) -> Classification:
    """The one pane a cluster shows in, from its members' classifications.

    Rule: each pane's total is the sum of the scores of the members classified
    in it (``other`` members and panes no longer in ``rules`` count for
    nothing). The highest total wins; a tie goes to the pane of the earliest
    member, so pass members founder first (in cluster order). The score is the
    winning total; the terms are those cited by most of the winning members,
    earliest first on ties, at most ``rules.max_terms``.

    Args:
        members: The members' classifications, founder first.
        rules: The pane rules (known pane names, ``max_terms``).

    Returns:
        The cluster's classification; ``other`` with score 0 when no member is
        in a pane.
    """
    known = set(rules.names)
    totals: dict[str, float] = {}
    first: dict[str, int] = {}
    for index, member in enumerate(members):
        if member.pane in known and member.score > 0:
            totals[member.pane] = totals.get(member.pane, 0.0) + member.score
            first.setdefault(member.pane, index)
    if not totals:
        return Classification(OTHER, 0.0)
    pane = min(totals, key=lambda p: (-round(totals[p], 6), first[p]))
    counts: dict[str, int] = {}
    for member in members:
        if member.pane == pane:
            for term in dict.fromkeys(member.terms):
                counts[term] = counts.get(term, 0) + 1
    order = {term: i for i, term in enumerate(counts)}
    terms = sorted(counts, key=lambda t: (-counts[t], order[t]))[: rules.max_terms]
    return Classification(pane, round(totals[pane], 3), tuple(terms))


# -- matching helpers ---------------------------------------------------------


def _beats(score: float, pane: PaneRule, best_score: float, best: PaneRule) -> bool:
    a, b = round(score, 6), round(best_score, 6)
    return a > b or (a == b and pane.precedence < best.precedence)


def _cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a space when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit // 2)
    return cut[:space] if space > 0 else cut


def _norm_term(term: str) -> str:
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


# -- validation helpers -------------------------------------------------------


def _join(path: str, key: str) -> str:
    """``path.key``, quoting ``key`` the way TOML would need it."""
    if _BARE_KEY_RE.fullmatch(key):
        return f"{path}.{key}"
    quoted = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}."{quoted}"'


def _table(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ConfigValueError(path, f"expected a table, got {_type(value)}")
    return value


def _only(table: Mapping[str, object], allowed: Sequence[str], path: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigValueError(_join(path, key), f"unknown key; allowed: {', '.join(allowed)}")


def _type(value: object) -> str:
    names = {bool: "a boolean", str: "a string", int: "an integer", float: "a float"}
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    return names.get(type(value), type(value).__name__)


def _number(value: object, path: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigValueError(path, f"expected a number, got {_type(value)}")
    number = float(value)
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        need = "a finite number > 0" if positive else "a finite number >= 0"
        raise ConfigValueError(path, f"expected {need}, got {value!r}")
    return number


def _integer(value: object, path: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigValueError(path, f"expected an integer, got {_type(value)}")
    if minimum is not None and value < minimum:
        raise ConfigValueError(path, f"expected an integer >= {minimum}, got {value}")
    return value


def _rule(name: str, table: Mapping[str, object], path: str, *, precedence: int) -> PaneRule:
    terms: list[tuple[str, float]] = []
    seen: dict[str, str] = {}
    terms_path = _join(path, "terms")
    for term, weight in _table(table.get("terms", {}), terms_path).items():
        tpath = _join(terms_path, term)
        norm = _norm_term(term)
        if not _TERM_RE.fullmatch(norm):
            raise ConfigValueError(
                tpath,
                "a term is 1-100 letters, digits, spaces or hyphens, starts with a letter "
                "or digit, and may end with '*' (any word ending); use patterns for "
                "anything else",
            )
        if norm in seen:
            raise ConfigValueError(tpath, f"duplicate of term {seen[norm]!r}")
        seen[norm] = term
        terms.append((norm, _number(weight, tpath)))
    patterns: list[tuple[str, float]] = []
    patterns_path = _join(path, "patterns")
    for pattern, weight in _table(table.get("patterns", {}), patterns_path).items():
        ppath = _join(patterns_path, pattern)
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ConfigValueError(ppath, f"not a valid regular expression: {exc}") from None
        if compiled.search("") is not None:
            raise ConfigValueError(ppath, "the pattern matches empty text; it must match words")
        patterns.append((pattern, _number(weight, ppath)))
    return PaneRule(name, tuple(terms), tuple(patterns), precedence)


def _freeze(value: object) -> object:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _load_defaults() -> Mapping[str, Any]:
    text = resources.files("app").joinpath("default_panes.toml").read_text(encoding="utf-8")
    frozen = _freeze(tomllib.loads(text))
    assert isinstance(frozen, Mapping)
    return frozen


#: The parsed content of ``app/default_panes.toml`` (read-only mappings); its
#: ``"panes"`` entry is the built-in ``[panes]`` table.
DEFAULT_PANE_CONFIG: Mapping[str, Any] = _load_defaults()

#: :data:`DEFAULT_PANE_CONFIG` validated and compiled.
DEFAULT_PANE_RULES: PaneRules = PaneRules.from_mapping(DEFAULT_PANE_CONFIG["panes"])
