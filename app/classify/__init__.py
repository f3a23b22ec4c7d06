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

The module is split by responsibility: :mod:`app.classify.rules` validates the
config into :class:`PaneRules`, :mod:`app.classify.matcher` compiles and scans
the terms, and this module scores stories and clusters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.classify.rules import RELEVANCE, PaneRule, PaneRules, load_defaults
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

_TITLE_CHARS = 1000


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


#: The parsed content of ``app/default_panes.toml`` (read-only mappings); its
#: ``"panes"`` entry is the built-in ``[panes]`` table.
DEFAULT_PANE_CONFIG: Mapping[str, Any] = load_defaults()

#: :data:`DEFAULT_PANE_CONFIG` validated and compiled.
DEFAULT_PANE_RULES: PaneRules = PaneRules.from_mapping(DEFAULT_PANE_CONFIG["panes"])
