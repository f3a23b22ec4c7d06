"""Pane rules: the ``[panes]`` config table validated into :class:`PaneRules`.

Every key is checked (unknown keys, types, finite non-negative weights, term
syntax, regexes that cannot match empty text, pane names), and each error
names the dotted key path of the culprit. The built-in rules are
``app/default_panes.toml``. Pure.
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

from app.classify.matcher import Matcher, norm_term
from app.errors import ConfigValueError
from app.models import OTHER

__all__ = ["DEFAULT_GATE_MIN", "RELEVANCE", "PaneRule", "PaneRules", "load_defaults"]

#: Name of the relevance gate's table (``[panes.relevance]``); not a pane.
RELEVANCE = "relevance"

_PANE_NAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
# A normalised term: letters, digits and single spaces, starting with a letter
# or digit, optionally ending in "*" (any word ending).
_TERM_RE = re.compile(r"[^\W_](?:[\w ]{0,98}\w)?\*?")
DEFAULT_GATE_MIN = 2.0

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
    relevance_min_score: float = DEFAULT_GATE_MIN
    min_score: float = 2.0
    title_weight: float = 2.0
    summary_weight: float = 1.0
    body_weight: float = 0.5
    max_chars: int = 2000
    max_terms: int = 6
    _matcher: Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", Matcher(self))

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
        gate_min = DEFAULT_GATE_MIN
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
        norm = norm_term(term)
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


def load_defaults() -> Mapping[str, Any]:
    text = resources.files("app").joinpath("default_panes.toml").read_text(encoding="utf-8")
    frozen = _freeze(tomllib.loads(text))
    assert isinstance(frozen, Mapping)
    return frozen
