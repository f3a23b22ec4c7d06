"""Tests for app.classify: panes from config rules, with the terms that decided.

The seed stories and the table of real headlines (with their leads, cut to
~230 characters) come from ``seeds/`` and from ``shared/corpus``
(conflict_feeds_rumca_2022/2023, labelled in ``bench/pane_labels.csv``); the
table is a regression check on the shipped defaults, the honest quality
figures are in ``bench/README_panes.md``.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from app.classify import (
    DEFAULT_PANE_CONFIG,
    DEFAULT_PANE_RULES,
    RELEVANCE,
    PaneRule,
    PaneRules,
    classify,
    cluster_pane,
)
from app.errors import ConfigValueError
from app.models import OTHER, Classification

RULES = DEFAULT_PANE_RULES


def _plain(value: Any) -> Any:
    """A mutable deep copy of a (read-only) TOML mapping."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return copy.copy(value)


def defaults() -> dict[str, Any]:
    """The built-in ``[panes]`` table as a plain, editable dict."""
    result: dict[str, Any] = _plain(DEFAULT_PANE_CONFIG["panes"])
    return result


def small_rules(**extra: Any) -> PaneRules:
    """Two panes without a gate, for precise arithmetic."""
    data: dict[str, Any] = {
        "min_score": 1.0,
        "title_weight": 2.0,
        "summary_weight": 1.0,
        "body_weight": 0.5,
        "max_chars": 100,
        "max_terms": 3,
        "relevance": {"min_score": 0},
        "talk": {"precedence": 2, "terms": {"talks": 1, "peace talks": 3, "envoy": 2}},
        "fight": {"precedence": 1, "terms": {"strike": 1, "attack*": 2, "hunger strike": 0}},
    }
    data.update(extra)
    return PaneRules.from_mapping(data)


# -- seeds -------------------------------------------------------------------


def test_seed_finnish_package_is_aid() -> None:
    # seeds/003, section "Fresh Aid For Ukraine"
    result = classify(
        "Fresh Aid For Ukraine",
        "Finland on Thursday announced a fresh package of military aid for Ukraine totaling "
        "roughly $217 million, including much-needed artillery ammunition, the country's "
        "defense ministry said. Helsinki declined to provide further details on the contents "
        "of the aid package, which it said needed governmental and presidential sign-off.",
        rules=RULES,
    )
    assert result.pane == "aid"
    assert {"military aid", "aid package", "ammunition"} <= set(result.terms)


def test_seed_kyiv_drone_attack_is_battlefield() -> None:
    # seeds/000, "Russia launches drone attack on Ukraine's capital of Kyiv, mayor says"
    result = classify(
        "Russia launches drone attack on Ukraine\u2019s capital of Kyiv, mayor says",
        "Russia launched an overnight drone attack on Kyiv, Vitali Klitschko, mayor of the "
        "Ukrainian capital said early on Monday. Klitschko, in a post on the Telegram "
        "messaging app, said that Ukrainian air defence units were trying to repel the attack.",
        rules=RULES,
    )
    assert result.pane == "battlefield"
    assert result.terms[0] == "drone attack"


def test_seed_sudzha_recapture_is_battlefield() -> None:
    # seeds/003, "Russia Says It Has Retaken Last Major Kursk Settlement"
    result = classify(
        "Russia Says It Has Retaken Last Major Kursk Settlement",
        "Russia's Defense Ministry said on Wednesday that its troops had retaken the Kursk "
        "town of Sudzha from Ukrainian control, as well as a settlement immediately south of "
        "Sudzha and another village southwest of the town.",
        rules=RULES,
    )
    assert result.pane == "battlefield"
    assert result.terms[0] == "retaken"


def test_seed_witkoff_putin_meeting_is_diplomacy() -> None:
    # seeds/002, "Putin and Trump's representative scheduled for important discussions ..."
    result = classify(
        "Putin and Trump's representative scheduled for important discussions on Ukraine in Moscow",
        "Russian President Vladimir Putin is scheduled to meet with US special envoy Steve "
        "Witkoff in Moscow on Tuesday, following optimistic remarks from the White House "
        "regarding the potential for a peace agreement to end the conflict in Ukraine.",
        rules=RULES,
    )
    assert result.pane == "diplomacy"
    assert {"peace agreement", "envoy"} <= set(result.terms)


def test_seed_grushko_demands_are_diplomacy() -> None:
    # seeds/000, "Russia demands peace deal includes ban on Ukraine joining Nato"
    result = classify(
        "Russia demands peace deal includes ban on Ukraine joining Nato",
        "Russia will seek \u201cironclad\u201d guarantees in any peace deal on Ukraine that "
        "Nato nations will exclude Kyiv from membership and that Ukraine will remain "
        "\u201cneutral\u201d, a Russian deputy foreign minister said in remarks published today.",
        rules=RULES,
    )
    assert result.pane == "diplomacy"
    assert result.terms[:2] == ("peace deal", "joining nato")


def test_seed_with_whole_page_body_keeps_the_pane() -> None:
    # The Sudzha section of seeds/003 as a body: the extra text must not flip it.
    page = (Path(__file__).parents[2] / "seeds" / "003_6f98b94ca6639877.txt").read_text(
        encoding="utf-8"
    )
    start = page.index("Russia\u2019s Defense Ministry said on Wednesday")
    end = page.index("Kyiv Strikes Russian Drone Site")
    result = classify(
        "Russia Says It Has Retaken Last Major Kursk Settlement", "", page[start:end], rules=RULES
    )
    assert result.pane == "battlefield"


# -- decisions documented in bench/LABELING.md ----------------------------------


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Russia and Ukraine swap 390 prisoners of war after Istanbul talks",
            "Kyiv and Moscow carried out a prisoner exchange on Friday, the first stage of a "
            "1,000-for-1,000 swap agreed at direct talks.",
        ),
        (
            "Ukraine receives bodies of 1,000 soldiers from Russia",
            "Ukraine said it had received the bodies of 1,000 soldiers killed in the war, in a "
            "body exchange with Russia mediated by the UAE.",
        ),
    ],
)
def test_prisoner_and_body_exchanges_are_diplomacy(title: str, summary: str) -> None:
    result = classify(title, summary, rules=RULES)
    assert result.pane == "diplomacy"
    assert any("exchange" in term or "prisoners" in term for term in result.terms)


@pytest.mark.parametrize(
    ("title", "summary", "pane"),
    [
        ("Germany to deliver more Leopard tanks to Ukraine", "Berlin pledged 40 tanks.", "aid"),
        ("EU agrees new sanctions on Russia", "The 11th package targets Russian oil.", "diplomacy"),
        (
            "Thousands evacuated after Kakhovka dam breach",
            "Rescuers in Kherson moved residents to shelters as floodwaters rose.",
            "aid",
        ),
    ],
)
def test_edge_case_decisions(title: str, summary: str, pane: str) -> None:
    assert classify(title, summary, rules=RULES).pane == pane


# -- relevance gate -------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Drone show lights up Sydney Harbour", "Five hundred drones formed a whale in the sky."),
        ("Striker's late strike sinks rivals", "A stunning strike in the 90th minute."),
        ("Union votes to strike over pay", "Nurses will strike next week after talks failed."),
        ("Gunman opens fire at graduation", "Two people were killed in the shooting."),
    ],
)
def test_relevance_gate_keeps_non_conflict_news_out(title: str, summary: str) -> None:
    assert classify(title, summary, rules=RULES) == Classification(OTHER, 0.0)


def test_gate_off_lets_the_same_text_in() -> None:
    data = defaults()
    data[RELEVANCE]["min_score"] = 0
    rules = PaneRules.from_mapping(data)
    title, summary = "Gunmen opened fire on a convoy", "Two people were killed in the attack."
    assert classify(title, summary, rules=RULES) == Classification(OTHER, 0.0)
    assert classify(title, summary, rules=rules).pane == "battlefield"


def test_other_wars_pass_the_default_gate() -> None:
    result = classify(
        "Sudan army and RSF clash in Khartoum",
        "Fighting between Sudan's army and the Rapid Support Forces spread to new districts.",
        rules=RULES,
    )
    assert result.pane == "battlefield"


def test_figurative_war_does_not_open_the_gate() -> None:
    assert classify("The war on plastic", "Supermarkets attack packaging.", rules=RULES).pane == (
        OTHER
    )


# -- matching and scoring ---------------------------------------------------------


def test_score_adds_weight_times_field_weight_once_per_field() -> None:
    rules = small_rules()
    # title: envoy 2*2; summary: envoy 2*1 (counted once though it appears twice)
    result = classify("Envoy arrives", "The envoy met another envoy.", rules=rules)
    assert result == Classification("talk", 6.0, ("envoy",))
    # body counts at body_weight
    assert classify("", "", "An envoy.", rules=rules) == Classification("talk", 1.0, ("envoy",))
    assert classify("", "envoy", "An envoy.", rules=rules).score == 3.0


def test_phrase_hides_its_words() -> None:
    rules = small_rules()
    result = classify("Peace talks resume", rules=rules)
    assert result == Classification("talk", 6.0, ("peace talks",))


def test_zero_weight_phrase_keeps_its_word_from_counting() -> None:
    rules = small_rules()
    assert classify("Hunger strike enters day 20", rules=rules).pane == OTHER
    assert classify("Strike on depot", rules=rules).pane == "fight"


def test_deciding_terms_are_strongest_first_and_capped() -> None:
    rules = small_rules()
    result = classify("Strike follows talks", "Attacks resumed after the attack.", rules=rules)
    # strike 1*2=2 in the title; attack* 2*1=2 in the summary; tie -> title first
    assert result.pane == "fight"
    assert result.terms == ("strike", "attacks")
    many = classify("Attack and strike", "attack, strike", rules=rules)
    assert many.terms == ("attack", "strike")  # one surface per term
    assert len(many.terms) <= rules.max_terms


def test_wildcard_case_hyphen_and_word_boundaries() -> None:
    rules = small_rules(
        relevance={"min_score": 0},
        talk={"terms": {"cease fire": 2, "evacuat*": 1}},
    )
    assert classify("CEASE-FIRE holds", rules=rules).terms == ("cease fire",)
    assert classify("Evacuations continue", rules=rules).terms == ("evacuations",)
    # no match inside words: "attacker" is attack*, but "counterattack" is not
    assert classify("Counterattack", rules=rules).pane == OTHER
    assert classify("Ceasefires", rules=rules).pane == OTHER


@pytest.mark.parametrize(
    "title",
    [
        "Russia launches drone attack on Kyiv",  # plain ASCII
        "Russia\u2019s \u201cdrone attack\u201d on Kyiv \u2014 live",  # mapped punctuation
        "R\u00fcssia: \u2192drone attack on Kyiv \u00a9 2023",  # odd symbols: exact path
        "Russia\u2028drone-attack\ton Kyiv\x07",  # unusual whitespace and a control
    ],
)
def test_both_scan_paths_find_the_same_terms(title: str) -> None:
    result = classify(title, rules=RULES)
    assert result.pane == "battlefield"
    assert result.terms == ("drone attack",)


def test_phrases_do_not_span_punctuation() -> None:
    rules = small_rules()
    assert classify("Peace. Talks", rules=rules).terms == ("talks",)
    assert classify("Peace\u2014talks", rules=rules).terms == ("talks",)
    assert classify("Peace\u00a0talks", rules=rules).terms == ("peace talks",)
    assert classify("Peace \u00a9 talks", rules=rules).terms == ("talks",)


def test_terms_do_not_match_inside_words_in_defaults() -> None:
    data = defaults()
    data[RELEVANCE]["min_score"] = 0
    no_gate = PaneRules.from_mapping(data)
    # "aide" is not "aid", "Warsaw" is not "war", "outshelled" is not "shelled"
    title, summary = "Aide to Warsaw mayor resigns", "The aide was outshelled in debate."
    assert classify(title, summary, rules=no_gate) == Classification(OTHER, 0.0)
    assert classify("Aid to Warsaw", "Shelled", rules=no_gate).terms == ("aid",)


def test_body_is_capped_so_a_long_body_cannot_drown_the_lead() -> None:
    rules = small_rules()
    filler = "word " * 30  # 150 characters, past max_chars = 100
    assert classify("", "", filler + "peace talks", rules=rules).pane == OTHER
    assert classify("", "", "peace talks " + filler, rules=rules).pane == "talk"


def test_min_score_sends_weak_matches_to_other() -> None:
    rules = small_rules(min_score=5.0)
    assert classify("Envoy arrives", rules=rules).pane == OTHER  # 4 < 5
    assert classify("Envoy arrives", "envoy", rules=rules).pane == "talk"  # 6


def test_tie_goes_to_lower_precedence_then_config_order() -> None:
    rules = small_rules()
    # talks 1*2 = strike 1*2: fight has precedence 1
    assert classify("Strike and talks", rules=rules).pane == "fight"
    same = small_rules(
        talk={"precedence": 1, "terms": {"talks": 1}},
        fight={"precedence": 1, "terms": {"strike": 1}},
    )
    assert classify("Strike and talks", rules=same).pane == "talk"  # defined first


def test_a_term_listed_in_two_tables_feeds_both() -> None:
    rules = PaneRules.from_mapping(
        {
            "relevance": {"min_score": 1, "terms": {"sanctions": 1}},
            "talk": {"terms": {"sanction*": 3}},
        }
    )
    assert classify("New sanctions", rules=rules) == Classification("talk", 6.0, ("sanctions",))


def test_patterns_count_once_per_field() -> None:
    rules = small_rules(talk={"terms": {"envoy": 1}, "patterns": {r"minsk (?:i|ii)\b": 2}})
    result = classify("Minsk II is dead", "Minsk ii, said the envoy", rules=rules)
    assert result == Classification("talk", 7.0, ("minsk ii", "envoy"))


def test_empty_and_whitespace_text_is_other() -> None:
    assert classify("", rules=RULES) == Classification(OTHER, 0.0)
    assert classify("   ", "\n", rules=RULES) == Classification(OTHER, 0.0)


# -- user-added pane ----------------------------------------------------------


def test_user_added_pane_takes_its_stories() -> None:
    data = defaults()
    data["nuclear"] = {
        "precedence": 0,
        "terms": {"iaea": 4, "zaporizhzhia nuclear plant": 5, "nuclear plant": 3},
    }
    rules = PaneRules.from_mapping(data)
    assert rules.names == ("diplomacy", "battlefield", "aid", "nuclear")
    title = "IAEA chief visits Zaporizhzhia nuclear plant"
    summary = "Grossi toured the plant on the front line in southern Ukraine."
    assert classify(title, summary, rules=RULES).pane != "nuclear"
    result = classify(title, summary, rules=rules)
    assert result.pane == "nuclear"
    assert result.terms[:2] == ("zaporizhzhia nuclear plant", "iaea")


# -- clusters -----------------------------------------------------------------


def test_cluster_pane_sums_member_scores_per_pane() -> None:
    members = [
        Classification("aid", 5.0, ("evacuation",)),
        Classification("battlefield", 4.0, ("shelling",)),
        Classification("battlefield", 3.0, ("shelling", "dam")),
        Classification(OTHER, 0.0),
    ]
    assert cluster_pane(members, rules=RULES) == Classification(
        "battlefield", 7.0, ("shelling", "dam")
    )


def test_cluster_pane_tie_goes_to_the_founders_pane() -> None:
    members = [
        Classification("aid", 4.0, ("aid",)),
        Classification("diplomacy", 4.0, ("talks",)),
    ]
    assert cluster_pane(members, rules=RULES).pane == "aid"
    assert cluster_pane(members[::-1], rules=RULES).pane == "diplomacy"


def test_cluster_pane_other_and_unknown_members_count_for_nothing() -> None:
    assert cluster_pane([], rules=RULES) == Classification(OTHER, 0.0)
    members = [Classification(OTHER, 0.0), Classification("sport", 9.0, ("goal",))]
    assert cluster_pane(members, rules=RULES) == Classification(OTHER, 0.0)
    members.append(Classification("aid", 2.0, ("aid",)))
    assert cluster_pane(members, rules=RULES) == Classification("aid", 2.0, ("aid",))


def test_cluster_terms_are_those_most_members_cite() -> None:
    members = [
        Classification("diplomacy", 3.0, ("envoy", "talks")),
        Classification("diplomacy", 3.0, ("talks", "summit")),
        Classification("diplomacy", 3.0, ("summit", "talks")),
    ]
    assert cluster_pane(members, rules=RULES).terms == ("talks", "summit", "envoy")


def test_cluster_goes_where_the_evidence_is_not_where_the_founder_is() -> None:
    founder = classify(
        "Ukraine blames Russia for blowing up a major southern dam",
        "The surging water from the Kakhovka dam is likely to cause widespread flooding.",
        rules=RULES,
    )
    follower = classify(
        "Thousands evacuate after dam explosion floods southern Ukraine",
        "Rescuers moved residents of Kherson to shelters.",
        rules=RULES,
    )
    assert (founder.pane, founder.score) == ("battlefield", 7.5)
    assert (follower.pane, follower.score) == ("aid", 13.5)
    assert cluster_pane([founder, follower], rules=RULES) == follower
    again = cluster_pane([founder, follower, founder], rules=RULES)
    assert (again.pane, again.score) == ("battlefield", 15.0)


# -- determinism, defaults, speed -------------------------------------------------


def test_deterministic_across_calls_and_rebuilt_rules() -> None:
    rebuilt = PaneRules.from_mapping(defaults())
    assert rebuilt == RULES
    text = (
        "Russia accused of shelling rescue workers amid dam evacuations",
        "Russian President Vladimir Putin blames Kyiv and Western supporters.",
    )
    results = {classify(*text, rules=RULES) for _ in range(5)}
    results.add(classify(*text, rules=rebuilt))
    assert len(results) == 1


def test_default_config_is_the_shipped_toml_and_read_only() -> None:
    import tomllib

    path = Path(__file__).parents[2] / "app" / "default_panes.toml"
    shipped = tomllib.loads(path.read_text(encoding="utf-8"))
    assert _plain(DEFAULT_PANE_CONFIG) == shipped
    with pytest.raises(TypeError):
        DEFAULT_PANE_CONFIG["panes"]["min_score"] = 0
    assert RULES.names == ("diplomacy", "battlefield", "aid")
    assert RULES.relevance is not None and RULES.relevance.name == RELEVANCE


def test_rules_can_be_built_directly() -> None:
    rules = PaneRules(panes=(PaneRule("talk", terms=(("peace talks", 2.0),)),), min_score=1.0)
    assert classify("Peace talks", rules=rules) == Classification("talk", 4.0, ("peace talks",))


def test_speed_smoke() -> None:
    # ~25k stories/s on a laptop core (bench/README_panes.md); 20x headroom here.
    title = "Russia says it thwarted large Ukrainian attack in Donetsk"
    summary = "Unclear if the attack in Donetsk was the start of a Ukrainian counteroffensive. " * 3
    start = time.perf_counter()
    for _ in range(1000):
        classify(title, summary, rules=RULES)
    assert time.perf_counter() - start < 1.0


# -- validation: every error names the key ----------------------------------------


@pytest.mark.parametrize(
    ("patch", "key", "words"),
    [
        ({"min_scor": 1}, "panes.min_scor", "unknown key"),
        ({"title_weight": "2"}, "panes.title_weight", "expected a number"),
        ({"title_weight": 0}, "panes.title_weight", "> 0"),
        ({"body_weight": -1}, "panes.body_weight", ">= 0"),
        ({"min_score": True}, "panes.min_score", "a boolean"),
        ({"max_chars": 0}, "panes.max_chars", ">= 1"),
        ({"max_terms": 2.5}, "panes.max_terms", "expected an integer"),
        ({RELEVANCE: []}, "panes.relevance", "expected a table"),
        ({RELEVANCE: {"precedence": 1}}, "panes.relevance.precedence", "unknown key"),
        ({RELEVANCE: {"min_score": "x"}}, "panes.relevance.min_score", "number"),
        ({RELEVANCE: {"min_score": 1}}, "panes.relevance", "needs terms or patterns"),
        ({"aid": {"terms": {"humanitarian": -1}}}, "panes.aid.terms.humanitarian", ">= 0"),
        ({"aid": {"terms": {"aid": float("nan")}}}, "panes.aid.terms.aid", "finite"),
        ({"aid": {"terms": {"aid": float("inf")}}}, "panes.aid.terms.aid", "finite"),
        ({"aid": {"terms": {"aid": "3"}}}, "panes.aid.terms.aid", "a string"),
        ({"aid": {"terms": {"aid package": None}}}, 'panes.aid.terms."aid package"', "number"),
        ({"aid": {"terms": {"*aid": 1}}}, 'panes.aid.terms."*aid"', "starts with a letter"),
        ({"aid": {"terms": {"a*d": 1}}}, 'panes.aid.terms."a*d"', "may end with '*'"),
        ({"aid": {"terms": {"": 1}}}, 'panes.aid.terms.""', "1-100 letters"),
        ({"aid": {"terms": {"u.s. aid": 1}}}, 'panes.aid.terms."u.s. aid"', "use patterns"),
        ({"aid": {"terms": {"aid *": 1}}}, 'panes.aid.terms."aid *"', "may end with '*'"),
        (
            {"aid": {"terms": {"cease fire": 1, "Cease-Fire": 2}}},
            "panes.aid.terms.Cease-Fire",
            "duplicate of term 'cease fire'",
        ),
        ({"aid": {"terms": []}}, "panes.aid.terms", "expected a table"),
        ({"aid": {"patterns": {"(": 1}}}, 'panes.aid.patterns."("', "regular expression"),
        ({"aid": {"patterns": {"a?": 1}}}, 'panes.aid.patterns."a?"', "matches empty"),
        ({"aid": {"patterns": {"aid": -2}}}, "panes.aid.patterns.aid", ">= 0"),
        ({"aid": {"term": {"aid": 1}}}, "panes.aid.term", "allowed: precedence, terms, patterns"),
        ({"aid": {"precedence": "1", "terms": {"aid": 1}}}, "panes.aid.precedence", "integer"),
        ({"aid": {"precedence": 1}}, "panes.aid", "at least one term or pattern"),
        ({"other": {"terms": {"sport": 1}}}, "panes.other", "not 'other'"),
        ({"Sport Desk": {"terms": {"goal": 1}}}, 'panes."Sport Desk"', "pane names"),
    ],
)
def test_validation_errors_name_the_key(patch: dict[str, Any], key: str, words: str) -> None:
    data = defaults()
    data.update(patch)  # a pane in the patch replaces the default pane wholesale
    with pytest.raises(ConfigValueError) as caught:
        PaneRules.from_mapping(data)
    assert caught.value.key == key
    assert words in caught.value.message
    assert str(caught.value).startswith(key + ": ")


def test_validation_uses_the_given_path_and_rejects_non_tables() -> None:
    with pytest.raises(ConfigValueError) as caught:
        PaneRules.from_mapping({"aid": {"terms": {"aid": -1}}}, path="profiles.work.panes")
    assert caught.value.key == "profiles.work.panes.aid.terms.aid"
    with pytest.raises(ConfigValueError) as caught:
        PaneRules.from_mapping(["aid"], path="panes")  # type: ignore[arg-type]
    assert caught.value.key == "panes"
    assert "expected a table, got an array" in caught.value.message


def test_unknown_key_message_lists_what_is_allowed() -> None:
    with pytest.raises(ConfigValueError) as caught:
        PaneRules.from_mapping({"min_scor": 1})
    assert "min_score" in caught.value.message and "<pane name>" in caught.value.message


# -- real headlines from the corpora ---------------------------------------------

REAL_HEADLINES = [
    # -- diplomacy -----------------------------------------------------------------------
    pytest.param(
        "Russia says top UN court should dismiss Ukraine's case over Crimea, terrorism funding",
        "Russia is urging judges at the United Nations’ highest court to throw out a case "
        "brought by Ukraine against Moscow focussed on the 2014 annexation of the Crimean "
        "Peninsula and the arming of rebels in eastern Ukraine in the years",
        "diplomacy",
        id="diplomacy-00",
    ),
    pytest.param(
        "Ukraine crisis: How much Russian money is there in the UK?",
        "The UK is imposing further sanctions against Russian interests, but some think "
        "more should be done.",
        "diplomacy",
        id="diplomacy-01",
    ),
    pytest.param(
        "British Airways cancels Moscow flights as Russia retaliates over Aeroflot ban",
        "British Airways has suspended its flights to Moscow after Russia banned all UK "
        "carriers from its airspace.",
        "diplomacy",
        id="diplomacy-02",
    ),
    pytest.param(
        "UK Prime Minister Sunak talks trade, AI and Ukraine on US trip",
        "The UK prime minister is set to meet with US Congress members, business leaders "
        "and President Biden on a two-day visit.",
        "diplomacy",
        id="diplomacy-03",
    ),
    pytest.param(
        "Haley warns Ukraine loss could lead to ‘a world war’",
        "",
        "diplomacy",
        id="diplomacy-04",
    ),
    pytest.param(
        "US sanctions 7 members of Russia-linked group over alleged Moldova "
        "'destabilization operations': Blinken",
        "The United States is sanctioning seven members of a Russian intelligence-linked "
        'group over alleged attempted "manufactured insurrection" against Moldova.',
        "diplomacy",
        id="diplomacy-05",
    ),
    pytest.param(
        "Why any peace deal in Ukraine must include Crimea",
        "Liberate Crimea for what it represents — and because our continent will never "
        "survive the alternative.",
        "diplomacy",
        id="diplomacy-06",
    ),
    pytest.param(
        "China Says It’ll Work on Political Ukraine Solution With France",
        "China said its top diplomat discussed working toward a political solution in "
        "Ukraine with a French official, as President Xi Jinping tries to position himself "
        "as a potential peacemaker in the conflict.",
        "diplomacy",
        id="diplomacy-07",
    ),
    pytest.param(
        "Biden holds talk with Danish PM amid speculation she could be NATO's first female "
        "secretary-general",
        "Biden on Monday thanked the Danish prime minister for her role in the alliance "
        "helping Ukraine as speculation grows that Mette Frederiksen is in line to be "
        "N.A.T.O. secretary general.",
        "diplomacy",
        id="diplomacy-08",
    ),
    pytest.param(
        "Ukraine needs long-term security guarantees",
        "Nato should put Kyiv on the road towards membership at a summit next month",
        "diplomacy",
        id="diplomacy-09",
    ),
    pytest.param(
        "Yemen peace talks must accept country is divided in two, says southern leader",
        "Exclusive: Maj Gen Aidarus al-Zoubaidi says a Houthi-run north and STC-led south "
        "is the new reality The leader seen as integral to solving Yemen’s nine-year civil "
        "war has said the west has to accept a new reality in which Yemen’s",
        "diplomacy",
        id="diplomacy-10",
    ),
    pytest.param(
        "Nato members may send troops to Ukraine, warns former alliance chief",
        "Security guarantees and membership path needed at Nato summit to avoid escalation, "
        "says Anders Rasmussen Russia-Ukraine war live A group of Nato countries may be "
        "willing to put troops on the ground in Ukraine if member states",
        "diplomacy",
        id="diplomacy-11",
    ),
    pytest.param(
        "Aborted mercenary uprising in Russia shows 'cracks' in Putin's power: Blinken",
        "Antony Blinken Sunday said the aborted Wagner rebellion against Vladimir Putin "
        "shows the depths of disagreements over his decision to invade Ukraine last year",
        "diplomacy",
        id="diplomacy-12",
    ),
    pytest.param(
        "A comedian president rising to the moment",
        "Ukraine's president had no experience of politics when when elected in 2019, but "
        "has emerged as a convincing war leader.",
        "diplomacy",
        id="diplomacy-13",
    ),
    pytest.param(
        "NATO's defensive measure in response to Russia a historic first",
        "For the first time ever, the NATO Response Force has been activated as a defensive "
        "measure in response to Russia's ongoing invasion of Ukraine.",
        "diplomacy",
        id="diplomacy-14",
    ),
    pytest.param(
        "(Mis)understanding and (mis)managing the Sudanese crisis",
        "African Union's peacemaking efforts in Sudan are doomed to failure if it does not "
        "change its approach to the conflict.",
        "diplomacy",
        id="diplomacy-15",
    ),
    pytest.param(
        "Dem senator urges report on Palestinian-American journalist's death be made public",
        "",
        "diplomacy",
        id="diplomacy-16",
    ),
    pytest.param(
        "European leaders claim NATO allies need to boost support for Ukraine, add the "
        "country to the alliance",
        "Some European leaders believe NATO needs to consider adding Ukraine to the "
        "military alliance. The leaders agreed NATO needs to boost support for Ukraine as a "
        "whole.",
        "diplomacy",
        id="diplomacy-17",
    ),
    pytest.param(
        "Questions on Ukraine, NATO and the 'no limits' Russia-China partnership",
        "What might be the new and innovative ideas President Biden and the U.S. delegation "
        "bring to respond to the transformational changes that have taken place over the "
        "last year, given the “no limits” Sino-Russo partnership?",
        "diplomacy",
        id="diplomacy-18",
    ),
    pytest.param(
        "US and EU to Court Brazil and India on Ukraine’s Peace Blueprint",
        "Senior US and European Union officials will gather over the weekend with diplomats "
        "from several countries in the so-called global south in an effort to engage key "
        "nations that have remained mostly neutral in the face of Russia’s",
        "diplomacy",
        id="diplomacy-19",
    ),
    pytest.param(
        "Wagner boss Prigozhin says Russia may NUKE its own territory in Belgorod region",
        "Yevgeny Prigozhin warned Russia might be forced to unleash nuclear weapons on its "
        "Belgorod region where pro-Ukrainian Russian volunteer units have conducted a "
        "series of cross-border raids.",
        "diplomacy",
        id="diplomacy-20",
    ),
    pytest.param(
        "UK imposes new sanctions on Belarus for its role in Ukraine war",
        "London bans imports of Belarusian gold, cement, wood and rubber, and restricts "
        "access to its financial markets",
        "diplomacy",
        id="diplomacy-21",
    ),
    pytest.param(
        "The Observer view on Vladimir Putin’s ill-judged response to an attempted ‘coup’ | "
        "Observer editorial",
        "The Russian leader’s excessive pride has made him look weak and could be his "
        "ruination Hubris. Originally a Greek word, in its English and Russian forms it has "
        "come to connote arrogance, haughtiness and excessive pride. Perhaps",
        "diplomacy",
        id="diplomacy-22",
    ),
    pytest.param(
        "Ukraine: Who is not on the UK sanctions list?",
        "Some Russian individuals and companies have been sanctioned by the US but not the UK.",
        "diplomacy",
        id="diplomacy-23",
    ),
    pytest.param(
        "US to impose sanctions on Putin, joining EU and UK in targeting Russian leader",
        "The US is planning to impose sanctions on Russian President Vladimir Putin as soon "
        "as Friday, according to two people familiar with the decision.",
        "diplomacy",
        id="diplomacy-24",
    ),
    pytest.param(
        "Massive NATO air drill to simulate attack on member nation: 'our red line'",
        "NATO to launch its largest-ever air drills over Germany on Monday in a stimulated "
        "response to an attack on an alliance member.",
        "diplomacy",
        id="diplomacy-25",
    ),
    pytest.param(
        "Democratic senator calls for Biden to release report on Israeli shooting death of "
        "American journalist",
        "A Democratic senator is calling on the Biden administration to publicly release "
        "its findings into the shooting death of Shireen Abu Akleh, a Palestinian-American "
        "journalist who was killed by Israeli forces while covering a",
        "diplomacy",
        id="diplomacy-26",
    ),
    pytest.param(
        "Australia Sanctions Three People for Downing MH17 Over Ukraine",
        "Australia placed sanctions on three individuals involved in the downing of "
        "Malaysia Airlines flight MH17 in 2014, after two were convicted in the Hague late "
        "last year for the attack that killed all 298 people on board.",
        "diplomacy",
        id="diplomacy-27",
    ),
    pytest.param(
        "State Department says US is working with G7 allies amid crisis in Russia",
        "US Secretary of State Antony Blinken said on Saturday he spoke with his G7 and EU "
        "counterparts after Wagner fighters took control of some military facilities in "
        "southern Russia.",
        "diplomacy",
        id="diplomacy-28",
    ),
    pytest.param(
        "‘He went nuts’: how Putin’s caterer served a dish of high treason",
        "Covert warfare, corruption and poor governance have stoked the greatest threat to "
        "Russian president’s rule",
        "diplomacy",
        id="diplomacy-29",
    ),
    # -- battlefield ---------------------------------------------------------------------
    pytest.param(
        "Russia says it thwarted large Ukrainian attack in Donetsk; unclear if this was "
        "start of Ukrainian counteroffensive",
        "Unclear if the attack in Donetsk was the start of a Ukrainian counteroffensive.",
        "battlefield",
        id="battlefield-00",
    ),
    pytest.param(
        "In pictures: Destruction and fear as war hits Ukraine",
        "Russian forces have crossed Ukraine's borders, bombing military targets near big cities.",
        "battlefield",
        id="battlefield-01",
    ),
    pytest.param(
        "What does online evidence reveal about Ukraine's 'large-scale offensive'?",
        'The Russian Ministry of Defence has claimed that Ukraine launched a "large-scale '
        'offensive" in the south of the Donetsk region.',
        "battlefield",
        id="battlefield-02",
    ),
    pytest.param(
        "Boxing legends the Klitschko brothers vow to fight for Ukraine",
        "Former heavyweight boxing champion Vitali Klitschko said he would take up arms "
        "alongside his brother and fellow Hall of Famer Wladimir Klitschko to fight in what "
        'is a "bloody war" following Russia\'s invasion of their country,',
        "battlefield",
        id="battlefield-03",
    ),
    pytest.param(
        "Arms depot battle rages in Sudan as fuel facility burns",
        "Fire erupts after Sudan's warring military factions battle over weapons and fuel "
        "stores in the capital Khartoum.",
        "battlefield",
        id="battlefield-04",
    ),
    pytest.param(
        "Chechen Leader Offers to Help Putin Defend Attacked Russian Region",
        "",
        "battlefield",
        id="battlefield-05",
    ),
    pytest.param(
        "Ukraine Sees Upside in Russian Military Chaos",
        "Wagner uprising threatens to weaken Moscow’s forces, which would help Kyiv’s offensive.",
        "battlefield",
        id="battlefield-06",
    ),
    pytest.param(
        "Satellite images show the scale of the Ukraine dam destruction",
        "The scale of the destruction caused by the collapse of the Kakhovka dam was laid "
        "bare Thursday by new satellite images from Maxar showing southern Ukraine.",
        "battlefield",
        id="battlefield-07",
    ),
    pytest.param(
        "Ukraine blames Russia for blowing up a major southern dam",
        "The surging water from the Kakhovka dam is likely to cause widespread flooding and "
        "poses an additional risk to an already troubled nuclear plant. Russia says Ukraine "
        "is to blame.",
        "battlefield",
        id="battlefield-08",
    ),
    pytest.param(
        "Shelling hits Russia’s Belgorod region as militias mount cross-border attack",
        "At least 4,000 residents were evacuated from Russia’s Belgorod region as towns "
        "came under heavy shelling and anti-Putin militia groups claimed to mount new "
        "cross-border attacks from Ukraine.",
        "battlefield",
        id="battlefield-09",
    ),
    pytest.param(
        "Ukraine accuses Russia of destroying Kakhovka dam, evacuation orders issued as "
        "'ecological disaster' warned",
        "Ukraine accused Russia of blowing up the Kakhovka dam and a hydroelectric power "
        "station, forcing hundreds of thousands of residents along the Dnipro river to "
        "evacuate.",
        "battlefield",
        id="battlefield-10",
    ),
    pytest.param(
        "Russia says it repelled a large-scale Ukrainian assault.",
        "",
        "battlefield",
        id="battlefield-11",
    ),
    pytest.param(
        "Russia says it thwarted Ukrainian attacks in annexed provinces",
        "Authorities in Moscow say Russian forces thwarted Ukrainian attacks in provinces "
        "the Kremlin illegally annexed while Kyiv is accusing Moscow of spreading "
        "misinformation. Vladimir Rogov, a Russian official in southeast Ukraine’s",
        "battlefield",
        id="battlefield-12",
    ),
    pytest.param(
        "Increased Russian GPS Jamming Hits Signals in Baltics, Finland",
        "Increased Russian efforts to jam Global Positioning System signals in the "
        "aftermath of a number of drone attacks have forced airline pilots flying in the "
        "Baltic region and Finland to resort to alternative navigation methods.",
        "battlefield",
        id="battlefield-13",
    ),
    pytest.param(
        "Wagner Group's senior figures: The key players in 25,000 strong militia",
        "As Prigozhin's Wagner Group reportedly take control of Rostov-on-Don, MailOnline "
        "recounts the story of it's creation and development, illuminates its shadowy "
        "operations around the globe.",
        "battlefield",
        id="battlefield-14",
    ),
    pytest.param(
        "Russia claims to have staved off Ukraine attack in Donetsk",
        "Kyiv dismisses claims as disinformation amid doubts over whether push marks start "
        "of counter-offensive",
        "battlefield",
        id="battlefield-15",
    ),
    pytest.param(
        "Russia claims to have fought off ‘major Ukrainian offensive’ in Donetsk",
        "Russian defence ministry says 250 Ukrainian troops killed in attack, in claims "
        "that could not be independently verified Russia-Ukraine war live: latest updates "
        "Russia has claimed its forces thwarted a “major offensive” in the",
        "battlefield",
        id="battlefield-16",
    ),
    pytest.param(
        "Ukraine’s troops attack along front in apparent precursor to counteroffensive",
        "Russian forces driven back in at least two areas as Kyiv says it has shifted to "
        "offensive operations in some sectors Russia-Ukraine war – latest news updates "
        "Ukrainian troops went on the attack at multiple points along the",
        "battlefield",
        id="battlefield-17",
    ),
    pytest.param(
        "‘I hope he wins’: how tense Rostov-on-Don residents welcomed Prigozhin’s forces",
        "In the southern Russian city, the Wagner group boasted of taking key buildings "
        "without firing a shot amid an uneasy calm As forces from Wagner occupied key "
        "buildings in the southern city of Rostov-on-Don in Russia on Saturday,",
        "battlefield",
        id="battlefield-18",
    ),
    pytest.param(
        "Ukraine accuses Russia of destroying major dam near Kherson",
        "Ukraine on Tuesday accused Russian forces of blowing up a major dam in a part of "
        "southern Ukraine they control, alerting residents further along the Dnipro River "
        "to evacuate and warning of flooding downstream",
        "battlefield",
        id="battlefield-19",
    ),
    pytest.param(
        "How hard will it be to defend Ukraine from Russian invasion?",
        "Ukraine is outgunned and outnumbered - and the invasion by Russian forces "
        "threatens to be bloody.",
        "battlefield",
        id="battlefield-20",
    ),
    pytest.param(
        "Ukraine war: Flooding fears after major dam hit by shelling in Russia-controlled "
        "Kherson region",
        "A dam in the Russian controlled part of southern Ukraine has been damaged by "
        "shelling, leading to flooding in the area already hit by months of conflict.",
        "battlefield",
        id="battlefield-21",
    ),
    pytest.param(
        "Why this Ukrainian citizen says Russia's long-term goals won't work",
        "Journalist Terrell Jermaine Starr is on the ground in Kyiv, Ukraine, speaking with "
        "CNN alongside a civilian who has taken up arms to defend the capital against "
        "Russian forces.",
        "battlefield",
        id="battlefield-22",
    ),
    pytest.param(
        "Middle East roundup: Palestinian toddler killed by Israeli forces",
        "Here’s a quick look at Al Jazeera’s Middle East coverage this week.",
        "battlefield",
        id="battlefield-23",
    ),
    pytest.param(
        "Wagner Head Provoking 'Open War' With Kremlin Forces: Ex-Russian Commander",
        "",
        "battlefield",
        id="battlefield-24",
    ),
    pytest.param(
        "Russian mercenary chief accuses Russian army of bombing his troops and vows retaliation",
        "Russian mercenary chief Yevgeny Prigozhin accused the Russian military of "
        "“destroying” his fighters, without fully explaining his accusation.",
        "battlefield",
        id="battlefield-25",
    ),
    pytest.param(
        "What we know about a large dam's catastrophic breach in Ukraine",
        "The near obliteration of the Kakhovka dam on the Dnipro River has triggered "
        "evacuations and raised concern about Europe's largest nuclear power plant, which "
        "uses the reservoir to cool its reactors.",
        "battlefield",
        id="battlefield-26",
    ),
    pytest.param(
        "Dam destruction a threat to Ukrainian counteroffensive, water supplies",
        "Flooding will make it harder for Ukrainian troops to reach Russian-occupied areas "
        "in Kherson. If reservoir levels drop too much, over 1 million would lose water.",
        "battlefield",
        id="battlefield-27",
    ),
    pytest.param(
        "Israeli Army destroys home of Palestinian involved in Jerusalem bombings",
        "The Israeli army has announced the demolition of a West Bank residence belonging "
        "to a Palestinian individual implicated in twin bombings that took place in "
        "Jerusalem in November.",
        "battlefield",
        id="battlefield-28",
    ),
    pytest.param(
        "Your Tuesday Briefing",
        "Signs of a counteroffensive in Ukraine.",
        "battlefield",
        id="battlefield-29",
    ),
    # -- aid -----------------------------------------------------------------------------
    pytest.param(
        "WATCH: Volunteers rescue cats and dogs from flooded Ukrainian city",
        "A major breach at a dam near Kherson has devastated nearby communities.",
        "aid",
        id="aid-00",
    ),
    pytest.param(
        "Ukraine invasion: Charities urge UK to welcome thousands of refugees",
        "Charities say the UK should play a leading role, as the UN warns five million "
        "people could be displaced.",
        "aid",
        id="aid-01",
    ),
    pytest.param(
        "'We barely made it': Elderly Ukrainians weep after escaping floodwaters and Russian fire",
        "There was a steady stream of boat landings throughout the day in Kherson city in "
        "southern Ukraine as the rescue efforts were ramped up to reach those stranded by "
        "floodwaters.",
        "aid",
        id="aid-02",
    ),
    pytest.param(
        "Fleeing Ukrainians are leaving husbands, sons and brothers behind",
        "",
        "aid",
        id="aid-03",
    ),
    pytest.param(
        "Belgium probes alleged use of its weapons in attack on Russia",
        "A report claimed military aid given to Ukraine by NATO countries were used by "
        "pro-Ukraine fighters to attack Russia.",
        "aid",
        id="aid-04",
    ),
    pytest.param(
        "Thousands Evacuate After Dam Explosion Floods Southern Ukraine",
        "",
        "aid",
        id="aid-05",
    ),
    pytest.param(
        "Ukraine pleas for more U.S support in the air",
        "Ukraine is pleading for American F-16s as the country is outnumbered in the air. "
        "The plea comes after Ukrainian President Volodymyr Zelenskyy accuses Russia of "
        "planning to destroy a nuclear power plant. NBC News' Raf Sanchez",
        "aid",
        id="aid-06",
    ),
    pytest.param(
        "Evacuations begin after a major dam in southern Ukraine is heavily damaged",
        "It was immediately unclear who was responsible for the the damage of the dam and "
        "power station on the Dnipro River. The damage risked to flood areas where hundreds "
        "of thousands of people live.",
        "aid",
        id="aid-07",
    ),
    pytest.param(
        "Americans reveal most compelling reason to oppose continued aid to Ukraine: survey",
        "Americans who oppose continued military support to Ukraine in its fight against a "
        "Russian invasion say spending on unmet domestic needs is the most compelling "
        "reason.",
        "aid",
        id="aid-08",
    ),
    pytest.param(
        "Zelensky Visits Kherson as Flood Rescues Enter Third Day",
        "With parts of the Kherson region under an average of 18 feet of water, President "
        "Volodymyr Zelensky called for a swift global response to the destruction of a "
        "critical dam.",
        "aid",
        id="aid-09",
    ),
    pytest.param(
        "McConnell, McCarthy split on additional defense, Ukraine funding",
        "A split emerged on Tuesday between Speaker Kevin McCarthy (R-Calif.) and Senate "
        "Minority Leader Mitch McConnell (R-Ky.) over a possible supplemental bill to boost "
        "Pentagon spending levels above what was agreed to in the debt",
        "aid",
        id="aid-10",
    ),
    pytest.param(
        "McCarthy Opposes More Ukraine Funding Pushed by Other Republicans",
        "House Speaker Kevin McCarthy on Tuesday opposed a push by fellow Republican hawks "
        "to expedite more funding for Ukraine and vowed to block any bill that undercuts "
        "new caps on US spending.",
        "aid",
        id="aid-11",
    ),
    pytest.param(
        "Evacuations under way in southern Ukraine as flooding hits dozens of towns",
        "Officials estimate 42,000 affected by catastrophe and warn civilians to be wary of "
        "landmines swept downstream",
        "aid",
        id="aid-12",
    ),
    pytest.param(
        "Rescue operation after dam collapse shows Ukrainians’ resilient spirit",
        "As floodwaters from the Dnipro River continue to rise, an army of boats has gone "
        "out to save people and their pets Russia-Ukraine war – latest news updates At "
        "first, Viktor Ivankhnenko, 66, hoped the one-storey home he had built",
        "aid",
        id="aid-13",
    ),
    pytest.param(
        "Discrimination and racism as people flee Ukraine shared on social media – video",
        "A deluge of reports and footage posted on social media appears to show acts of "
        "discrimination and violence against African, Asian and Caribbean citizens while "
        "fleeing Ukrainian cities and at some of the country’s border posts.",
        "aid",
        id="aid-14",
    ),
    pytest.param(
        "Families escaping conflict in Ukraine arrive in Poland",
        "One family included a 10-year-old child, who has been travelling with her mother "
        "from Kyiv for two days.",
        "aid",
        id="aid-15",
    ),
    pytest.param(
        "Around '42,000 people at risk' from Ukraine dam collapse with water levels "
        "expected to keep rising",
        "Around 42,000 people are at risk from the destruction of Ukraine's Nova Kakhovka "
        "dam as rescue efforts continue to save people trapped by the rising waters, "
        "according to Ukrainian officials.",
        "aid",
        id="aid-16",
    ),
    pytest.param(
        "SpaceX Starlink satellite internet service activated in Ukraine, Elon Musk says",
        "SpaceX founder and CEO Elon Musk announced Saturday that the company's Starlink "
        "internet satellites are now active in Ukraine as the country suffers power outages "
        "due to Russia's invasion.",
        "aid",
        id="aid-17",
    ),
    pytest.param(
        "Hundreds flee floods in Ukraine after Nova Kakhovka dam breached",
        "Thousands more to be evacuated after towns flooded following damage to the dam in "
        "southern Ukraine, local officials say.",
        "aid",
        id="aid-18",
    ),
    pytest.param(
        "Ukraine Dam Burst: Zelensky Visits Kherson and Calls for Aid",
        "",
        "aid",
        id="aid-19",
    ),
    pytest.param(
        "Ukraine Recap: Evacuations Underway as Allies Assess Dam Blast",
        "Ukraine rushed to evacuate people from flooded areas downstream from the Kakhovka "
        "dam, as it and its allies tried to assess the humanitarian, economic and "
        "ecological damage.",
        "aid",
        id="aid-20",
    ),
    pytest.param(
        "The crisis in Sudan calls for a new model of humanitarian aid",
        "Financial diplomacy can break the military and political deadlock that has brought "
        "the country to the brink of collapse",
        "aid",
        id="aid-21",
    ),
    pytest.param(
        "Ukraine: thousands evacuate in fear of catastrophic flooding after dam collapses – video",
        "The Ukrainian government has accused Russia of blowing up the Nova Kakhovka dam, "
        "calling for people living downstream to evacuate in the face of potential "
        "catastrophic flooding. Footage circulating on social media shows most of",
        "aid",
        id="aid-22",
    ),
    pytest.param(
        "Millions in Bitcoin pouring into Ukraine from donors",
        "Thousands of anonymous donations are being made to the Ukrainian military in Bitcoin.",
        "aid",
        id="aid-23",
    ),
    pytest.param(
        "Sudanese orphans caught in the conflict’s crosshairs evacuated",
        "Al-Mayqoma orphanage's evacuation took several weeks because it required security "
        "guarantees from warring parties.",
        "aid",
        id="aid-24",
    ),
    pytest.param(
        "Bulgaria Pledges More Ukraine Aid, Sparking Clash With President",
        "Bulgaria’s head of state condemned the country’s new government for pledging to "
        "boost military support for Ukraine, as it steers the Black Sea nation closer to "
        "the European mainstream in its backing for Kyiv.",
        "aid",
        id="aid-25",
    ),
    pytest.param(
        "Biden says US will provide Ukraine funding for ‘as long as it takes’",
        "President’s comments come as some Republicans question additional funds to support "
        "Kyiv’s fight against Russia",
        "aid",
        id="aid-26",
    ),
    pytest.param(
        "‘They hate us so much’: villagers flee flooding after dam attack",
        "In Bilozerka, eight miles west of Kherson, people try to rescue animals and "
        "possessions but are forced to wait for waters to recede It took 24 hours for the "
        "flood waters to come to Bilozerka, a frontline village 8 miles west of",
        "aid",
        id="aid-27",
    ),
    pytest.param(
        "Ukraine: British teacher evacuates colleagues in school bus",
        "Paul Hodgson, originally from Tyne and Wear, teaches at Kyiv's British "
        "International School.",
        "aid",
        id="aid-28",
    ),
    pytest.param(
        "Western countries commit billions to rebuild war-ravaged Ukraine",
        "Homes, hospitals and key infrastructure lie in ruins nearly 16 months since Russia "
        "began its full scale invasion.",
        "aid",
        id="aid-29",
    ),
    # -- other ---------------------------------------------------------------------------
    pytest.param(
        "Workers at over 150 US Starbucks stores to strike over Pride decorations",
        "More than 3,500 employees to take part in nationwide strike, led by company’s "
        "Seattle Roastery More than 150 Starbucks stores and 3,500 workers will be on "
        "strike next week across the US, the union representing the coffee chain’s",
        "other",
        id="other-00",
    ),
    pytest.param(
        "Clermont’s win over PSG caps a brilliant season for Pascal Gastien | Eric Devin",
        "They were 2-0 down at the Parc des Princes but showed their typical fighting "
        "spirit to come back and beat the champions 3-2 By Eric Devin for Get French "
        "Football News The final standings in Ligue 1 may look familiar, save a",
        "other",
        id="other-01",
    ),
    pytest.param(
        "Killer whale boat attack videos might not be what they seem",
        "Videos of killer whales seeming to attack boats at sea have gone viral - but "
        "what's behind the clips?",
        "other",
        id="other-02",
    ),
    pytest.param(
        "Hollywood actors union overwhelmingly votes to strike if talks fail with studios",
        "Sag-Aftra president Fran Drescher tells more than 60,000 union members she is "
        "proud of them Actors represented by the Hollywood union Sag-Aftra have "
        "overwhelmingly voted to strike if they don’t agree on a new contract with major",
        "other",
        id="other-03",
    ),
    pytest.param(
        "A lesson Parkland shooting survivor David Hogg learned: Find the joy",
        "David Hogg is a survivor of the 2018 mass shooting at his high school. He talks "
        "about advocacy, finding common ground with opponents and the importance of making "
        "time for joy amid the pain.",
        "other",
        id="other-04",
    ),
    pytest.param(
        "Sydney woman shell-shocked by $60k bill for apartment",
        "A Sydney woman has been left 'shell-shocked' after finally placing a foot on the "
        "property ladder only to be slugged with a $60,000 bill due to water leaks in her "
        "building.",
        "other",
        id="other-05",
    ),
    pytest.param(
        "Conservatives blockade House floor in latest mutiny against GOP leadership",
        "",
        "other",
        id="other-06",
    ),
    pytest.param(
        "Lucy Letby was one of only two nurses who could have attacked two baby boys, court hears",
        "Lucy Letby was one of only two nurses who could possibly have attacked two babies "
        "by contaminating their feeding bags with insulin at the Countess of Chester "
        "Hospital, a trial heard today.",
        "other",
        id="other-07",
    ),
    pytest.param(
        "Three men accused of attacking Brigitte Macron relative appear in court",
        "Accused among eight arrested after Jean-Baptiste Trogneux was beaten up outside "
        "family’s chocolate shop Three men have appeared in court in France accused of "
        "attacking Brigitte Macron’s great-nephew outside her family’s chocolate",
        "other",
        id="other-08",
    ),
    pytest.param(
        "West Ham: Fans attacked by Fiorentina supporters before Europa Conference League final",
        "Police detain 16 people after Fiorentina supporters attack West Ham fans before "
        "the Europa Conference League final in Prague.",
        "other",
        id="other-09",
    ),
    pytest.param(
        "French Unions Hold New Strikes Against Macron Pension Reform",
        "French unions are holding a fresh day of strikes against Emmanuel Macron’s pension "
        "reform in a test of whether the president has succeeded in getting much of the "
        "country to move on from the politically damaging fight.",
        "other",
        id="other-10",
    ),
    pytest.param(
        "Roberts, Kavanaugh side with liberal justices in Alabama voting rights victory",
        "Chief Justice John Roberts and Justice Brett Kavanaugh joined the Supreme Court’s "
        "three liberal justices on Thursday in a surprise strike down of Alabama’s "
        "congressional map for likely violating the Voting Rights Act. In a narrow",
        "other",
        id="other-11",
    ),
    pytest.param(
        "Article argues world must apply 'queer theory' to nuclear weapons policy",
        "A publication known to discuss the apocalyptic scenarios wrote a lengthy piece "
        'proclaiming how "Queer" identity politics are an essential part of discussing '
        "nuclear weapons policy.",
        "other",
        id="other-12",
    ),
    pytest.param(
        "Congress must codify the right to contraception before it’s too late",
        "The MAGA Republican Party’s war on abortion has largely overshadowed their "
        "attempts to ban our right to contraception and their refusal to preserve this "
        "well-established right. Given that 90% of Americans support the right to use",
        "other",
        id="other-13",
    ),
    pytest.param(
        "Pentagon says it does not support drag shows on military installations: "
        "'longstanding policy'",
        "The Department of Defense spokesman said Thursday the DOD does not support hosting "
        "drag shows at military installations and facilities.",
        "other",
        id="other-14",
    ),
    pytest.param(
        "Chicago resident slams $51 million immigrant aid package",
        "A Chicago resident who was arrested earlier this year when he tried to block buses "
        "of migrants in Chicago has slammed the city's new $51 million immigrant aid "
        "package.",
        "other",
        id="other-15",
    ),
    pytest.param(
        "Last refugee on Nauru evacuated as Australian government says offshore processing "
        "policy remains",
        "Decention centre on Pacific island ‘ready to receive and process’ any new "
        "unauthorised maritime arrivals at an annual cost of $350m Follow our Australia "
        "news live blog for the latest updates Get our morning and afternoon news",
        "other",
        id="other-16",
    ),
    pytest.param(
        "Men rescued after inflatable duck drifts offshore",
        "A paddleboarder helped three men drifting out to sea on the giant duck get back to shore.",
        "other",
        id="other-17",
    ),
    pytest.param(
        "Third of UK final-year students face grades delay due to marking boycott",
        "Small number could attend graduation but later be told they have failed as pay "
        "dispute affects assessments at 145 universities Tens of thousands of university "
        "students are being left in limbo without their final degree results",
        "other",
        id="other-18",
    ),
    pytest.param(
        "Robert Hanssen, ex-FBI agent who spied for the Soviet Union and Russia, found dead "
        "in prison cell",
        "Former FBI agent Robert Hanssen, who was convicted of having spied for the Soviet "
        "Union for decades, was found dead in his prison cell Monday, authorities "
        "confirmed.",
        "other",
        id="other-19",
    ),
    pytest.param(
        "Christie says he expected boos for attacking Trump at conservative conference",
        "Former New Jersey Gov. Chris Christie (R) said Sunday he expected to get booed at "
        "a Faith & Freedom event Saturday when he criticized former President Trump in "
        "front of an audience largely supportive of the former president.",
        "other",
        id="other-20",
    ),
    pytest.param(
        "Terrifying moment gunman opens fire at Virginia high school graduation",
        "Terrifying footage has revealed the moment a gunman opened fire at Virginia high "
        "school graduation as students are seen scrambling for cover in the mass shooting.",
        "other",
        id="other-21",
    ),
    pytest.param(
        "Progressives call on Pentagon to rethink ban on drag shows",
        "Progressives are upset about the Pentagon’s newly enforced ban on drag shows on "
        "military bases, as LGBTQ groups accuse military leaders of folding to Republican "
        "pressure. Defense Secretary Lloyd Austin and Gen. Mark Milley, the",
        "other",
        id="other-22",
    ),
    pytest.param(
        "Council says ship would be 'floating prison' for asylum seekers",
        "Edinburgh City Council says it was not consulted on the plans for the ship, which "
        "currently houses Ukranian refugees.",
        "other",
        id="other-23",
    ),
    pytest.param(
        "North Korea fires 'ballistic missile,' Japan says",
        'North Korea launched a "possible ballistic missile" on Sunday, the Japanese Prime '
        "Minister's office said, adding it would inform the public as soon as more "
        "information became available.",
        "other",
        id="other-24",
    ),
    pytest.param(
        "Jailed Tunisian opposition leader’s health deteriorating: Wife",
        "Sahbi Atig has been hospitalised in intensive care after 25-day hunger strike in "
        "protest of his imprisonment.",
        "other",
        id="other-25",
    ),
    pytest.param(
        "British Airways, Boots and BBC among companies hit by cyber security attack",
        "Airline says incident at payroll provider was caused by vulnerability in file "
        "transfer tool",
        "other",
        id="other-26",
    ),
    pytest.param(
        "Blinken to Talk to Saudis About Normalizing Ties With Israel",
        "U.S. Secretary of State Antony J. Blinken will travel to Saudi Arabia to discuss "
        "the idea at a time when the politics in the three countries may make normalization "
        "difficult.",
        "other",
        id="other-27",
    ),
    pytest.param(
        "Kosovo open to new municipal vote in its north after unrest: FM",
        "Violence has flared since Kosovo authorities installed ethnic Albanian mayors in "
        "four municipalities.",
        "other",
        id="other-28",
    ),
    pytest.param(
        "Nearly 80 schoolgirls poisoned in Afghanistan",
        "Nearly 80 girls have been poisoned and hospitalised in two separate attacks at "
        "their primary schools in Afghanistan, an official has said.",
        "other",
        id="other-29",
    ),
]


@pytest.mark.parametrize(("title", "lead", "pane"), REAL_HEADLINES)
def test_real_headlines(title: str, lead: str, pane: str) -> None:
    result = classify(title, lead, rules=RULES)
    assert result.pane == pane
    assert (result.terms != ()) == (pane != OTHER)
