"""Per-story work done where a feed is parsed: its pane, its quotes, its clustering features.

A first refresh of 500 feeds brings 25,000 stories. Classifying them,
extracting their quotes and tokenising them for the clusterer are pure
functions of each story's text, so they run in the parse workers (the other
core), next to parsing, instead of one after another in the derive step.
:func:`parse_and_prep` is the worker job; the store writes the results with
the stories (:meth:`app.store.Store.write_stories`), tied to each story's
content hash, and :func:`app.derive.update_derived` uses them instead of
recomputing. Only placing stories into clusters stays sequential.

Everything here must give exactly what the derive step would compute from the
stored row: the same text goes in (stories are stored verbatim) and the same
functions run.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.classify import PaneRules, classify
from app.cluster_params import ClusterParams, Doc
from app.cluster_score import Entry, dump_features, features_version, prepare
from app.models import ParsedFeed, ParsedStory
from app.parse import parse_feed
from app.quotes import extract_quotes, quote_key

__all__ = ["PrepSpec", "StoryPrep", "features_json", "parse_and_prep", "prep_story"]

# Placeholders: the features do not depend on a story's id, source or time.
_NO_TIME = datetime(2000, 1, 1, tzinfo=UTC)
_RULES: dict[str, PaneRules] = {}


@dataclass(frozen=True, slots=True)
class StoryPrep:
    """What the derive step needs of one story, computed from its text.

    Attributes:
        pane, score, terms: Its classification by the configured rules.
        features: JSON of its clustering features and quotes (:func:`features_json`).
        version: :func:`app.cluster_score.features_version` of the parameters used.
    """

    pane: str
    score: float
    terms: tuple[str, ...]
    features: str
    version: str


@dataclass(frozen=True, slots=True)
class PrepSpec:
    """The rules and parameters a worker needs, cheap to send with every job.

    The pane rules travel pickled with a digest: a worker unpickles them
    (recompiling their patterns, ~20 ms) once, not once per feed.
    """

    rules_key: str
    rules_blob: bytes
    params: ClusterParams

    @classmethod
    def of(cls, rules: PaneRules, params: ClusterParams) -> PrepSpec:
        blob = pickle.dumps(rules)
        return cls(hashlib.sha256(blob).hexdigest(), blob, params)

    def rules(self) -> PaneRules:
        rules = _RULES.get(self.rules_key)
        if rules is None:
            _RULES.clear()
            # Bytes this program pickled in its parent process; the process
            # pool pickles every job argument the same way.
            rules = _RULES[self.rules_key] = pickle.loads(self.rules_blob)  # noqa: S301
        return rules


def features_json(entry: Entry, quotes: Sequence[str]) -> str:
    """What ``story_features.data`` holds: the entry's features and the story's quotes."""
    return json.dumps([dump_features(entry), list(quotes)])


def prep_story(story: ParsedStory, rules: PaneRules, params: ClusterParams) -> StoryPrep:
    """Classify one story and compute its quotes and clustering features."""
    quotes = extract_quotes(f"{story.summary}\n{story.body}")
    doc = Doc(
        id="-",
        source="-",
        title=story.title,
        lead=story.summary or story.body[:600],
        guid=story.guid,
        url=story.url,
        published=_NO_TIME,
        quotes=tuple(quote_key(q) for q in quotes),
    )
    c = classify(story.title, story.summary, story.body, rules=rules)
    return StoryPrep(
        pane=c.pane,
        score=c.score,
        terms=tuple(c.terms),
        features=features_json(prepare(doc, params), quotes),
        version=features_version(params),
    )


def parse_and_prep(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None,
    now: datetime,
    max_items: int,
    spec: PrepSpec,
) -> tuple[ParsedFeed, tuple[StoryPrep, ...]]:
    """Parse a feed body (:func:`app.parse.parse_feed`) and prep each of its stories.

    Module level, so a process pool can run it.
    """
    parsed = parse_feed(body, url=url, headers=headers, now=now, max_items=max_items)
    rules = spec.rules()
    return parsed, tuple(prep_story(s, rules, spec.params) for s in parsed.stories)
