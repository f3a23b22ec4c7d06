"""Story clustering: signals, guards, decisions, determinism, real pairs."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from app.cluster import (
    ClusterIndex,
    ClusterParams,
    Decisions,
    Doc,
    cluster_all,
    explain,
    normalize_url,
)
from app.models import ClusterLink, Signal, SourceKind, Story
from app.quotes import extract_quotes, quote_key

DATA = Path(__file__).resolve().parents[1] / "data" / "cluster"
T0 = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
SEED_000 = "seeds/000_ae50e882449bc20a.txt"
SEED_003 = "seeds/003_6f98b94ca6639877.txt"


def doc(
    sid: str,
    title: str,
    lead: str = "",
    *,
    minutes: float = 0,
    source: str = "feed",
    body: str = "",
    **kw: Any,
) -> Doc:
    """A Doc published ``minutes`` after T0; quotes come from lead + body."""
    quotes = tuple(quote_key(q) for q in extract_quotes(f"{lead}\n{body}"))
    return Doc(
        id=sid,
        source=source,
        title=title,
        lead=lead,
        published=T0 + timedelta(minutes=minutes),
        quotes=quotes,
        **kw,
    )


def by_story(links: list[ClusterLink]) -> dict[str, ClusterLink]:
    return {link.story_id: link for link in links}


# --------------------------------------------------------------------------
# The seed stories (texts copied from seeds/000 and seeds/003). All are put in
# one time window so that every pair is compared.
# --------------------------------------------------------------------------

GRUSHKO_A = doc(
    "s000-nato-ban",
    "Russia demands peace deal includes ban on Ukraine joining Nato",
    "Russia will seek “ironclad” guarantees in any peace deal on Ukraine that Nato nations will "
    "exclude Kyiv from membership and that Ukraine will remain “neutral”, a Russian deputy "
    "foreign minister said in remarks published today.",
    minutes=0,
    source=SEED_000,
    body=(
        "Russia’s deputy foreign minister Alexander Grushko said that any long-lasting peace "
        "treaty on Ukraine must meet Moscow’s demands in a broad-ranging interview with the "
        "Russian media outlet Izvestia that made no reference to the US ceasefire proposal.\n"
        "“We will demand that ironclad security guarantees become part of this agreement,” "
        "Izvestia cited Mr Grushko as saying.\n"
        "“Part of these guarantees should be the neutral status of Ukraine, the refusal of Nato "
        "countries to accept it into the alliance,” he said."
    ),
)
GRUSHKO_B = doc(
    "s000-nato-exclusion",
    "Russia seeks NATO exclusion in Ukraine’s peace treaty",
    "Russia will seek guarantees that NATO countries will exclude Ukraine from membership and "
    "Ukraine will remain neutral in any peace deal, a Russian deputy foreign minister said in "
    "remarks published on Monday.",
    minutes=95,
    source="independent.co.uk",
    body=(
        "“We will demand that ironclad security guarantees become part of this agreement,” "
        "Deputy Foreign Minister Alexander Grushko told the Russian media outlet Izvestia.\n"
        "“Part of these guarantees should be the neutral status of Ukraine, the refusal of NATO "
        "countries to accept it into the alliance.”"
    ),
)
NATO_OBSERVERS = doc(
    "s000-observers",
    "Russia threatens Britain and France over Nato observers in Ukraine: ‘Just hot air’",
    "Russia’s deputy foreign minister Alexander Grushko has reiterated the Kremlin’s position "
    "that Moscow is categorically against the deployment of Nato observers to Ukraine.",
    minutes=-30,
    source=SEED_000,
    body=(
        "“It does not matter under what label Nato contingents were to be deployed on Ukrainian "
        "territory: be it the European Union, Nato, or in a national capacity,” Mr Grushko said.\n"
        "“We can talk about unarmed observers, a civilian mission that would monitor the "
        "implementation of individual aspects of this agreement, or guarantee mechanisms,” Mr "
        "Grushko said. “In the meantime, it’s just hot air.”"
    ),
)
TRUMP_PUTIN_CALL = doc(
    "s000-call",
    "Ukraine-Russia struggle newest: Trump and Putin to talk this week as US pushes for ceasefire",
    "Donald Trump is set to speak with Vladimir Putin in the next week to further discuss a "
    "ceasefire deal with Ukraine.",
    minutes=-60,
    source=SEED_000,
    body=(
        "“I expect that there will be a call with both presidents this week, and we’re also "
        "continuing to engage and have conversation with the Ukrainians,” said Witkoff."
    ),
)
KYIV_DRONES = doc(
    "s000-kyiv-drones",
    "Russia launches drone attack on Ukraine’s capital of Kyiv, mayor says",
    "Russia launched an overnight drone attack on Kyiv, Vitali Klitschko, mayor of the "
    "Ukrainian capital said early on Monday.",
    minutes=30,
    source=SEED_000,
    body=(
        "Klitschko, in a post on the Telegram messaging app, said that Ukrainian air defence units "
        "were trying to repel the attack.\nReuters’ witnesses heard blasts in parts of the city in "
        "what sounded like air defence systems in operation."
    ),
)
PUTIN_COMMENT = doc(
    "s000-comment",
    "Putin has given Trump a clear message – he still wants to win",
    minutes=40,
    source=SEED_000,
)
SUDZHA = doc(
    "s003-sudzha",
    "Russia Says It Has Retaken Last Major Kursk Settlement",
    "Russia’s Defense Ministry said on Wednesday that its troops had retaken the Kursk town of "
    "Sudzha from Ukrainian control, as well as a settlement immediately south of Sudzha and "
    "another village southwest of the town.",
    minutes=50,
    source=SEED_003,
)
KALUGA_DRONE_SITE = doc(
    "s003-kaluga",
    "Kyiv Strikes Russian Drone Site, Ukrainian Media Reports",
    "Ukraine’s GUR military intelligence agency attacked a hidden drone manufacturing site in "
    "Russia’s Kaluga region, southwest of Moscow, overnight into Thursday, Ukrainian media "
    "reported.",
    minutes=55,
    source=SEED_003,
    body=(
        "Ukraine’s air force said in a separate statement that Russia had attacked Ukraine "
        "overnight with a ballistic missile and 117 drones. Ukrainian air defenses shot down 74 "
        "of the drones, while 38 veered off course, the air force said."
    ),
)
FINNISH_AID = doc(
    "s003-finland-aid",
    "Fresh Aid For Ukraine",
    "Finland on Thursday announced a fresh package of military aid for Ukraine totaling roughly "
    "$217 million, including much-needed artillery ammunition, the country’s defense ministry "
    "said.",
    minutes=60,
    source=SEED_003,
    body=(
        "Helsinki declined to provide further details on the contents of the aid package, which "
        "it said needed governmental and presidential sign-off.\n"
        "“We stand on the same European fringe as Ukraine and share the same view of the Russian "
        "threat in light of our historical experiences,” Häkkänen said."
    ),
)
RUSSIAN_RESPONSE = doc(
    "s003-response",
    "Questions Swirl Over Russian Response to Ceasefire",
    "Kyiv said following a meeting between senior Ukrainian officials and a U.S. delegation in "
    "Saudi Arabia on Tuesday that it had agreed to a full, 30-day ceasefire. Officials then said "
    "the ball was now “in Russia’s court.”",
    minutes=65,
    source=SEED_003,
)
SEED_DOCS = [
    GRUSHKO_A,
    GRUSHKO_B,
    NATO_OBSERVERS,
    TRUMP_PUTIN_CALL,
    KYIV_DRONES,
    PUTIN_COMMENT,
    SUDZHA,
    KALUGA_DRONE_SITE,
    FINNISH_AID,
    RUSSIAN_RESPONSE,
]


def test_seed_texts_are_copied_from_the_seeds() -> None:
    root = Path(__file__).resolve().parents[2]
    seeds = (root / SEED_000).read_text("utf-8") + (root / SEED_003).read_text("utf-8")
    for d in SEED_DOCS:
        assert d.title in seeds
        assert d.lead in seeds


def test_grushko_pair_joins_via_lead_or_quote_with_evidence() -> None:
    links = by_story(cluster_all(SEED_DOCS))
    a, b = links[GRUSHKO_A.id], links[GRUSHKO_B.id]
    assert a.signal is Signal.FOUNDER and a.cluster_id == GRUSHKO_A.id
    assert b.cluster_id == GRUSHKO_A.id
    assert b.signal in (Signal.LEAD, Signal.QUOTE)
    assert b.matched_id == GRUSHKO_A.id
    p = ClusterParams()
    bar = p.lead_threshold if b.signal is Signal.LEAD else p.quote_threshold
    assert bar <= b.score <= 100.0


def test_grushko_pair_shares_the_quote_signal_on_its_own() -> None:
    # Same two stories with the titles made unrelated: only the quote is left.
    a = replace(GRUSHKO_A, title="Izvestia interview with the deputy foreign minister", lead="")
    b = replace(GRUSHKO_B, title="Independent summary of Monday remarks from Moscow", lead="")
    link = by_story(cluster_all([a, b]))[b.id]
    assert (link.cluster_id, link.signal, link.matched_id) == (a.id, Signal.QUOTE, a.id)
    assert link.score >= ClusterParams().quote_threshold


def test_grushko_headlines_alone_join_only_through_the_topic_signal() -> None:
    # Was "headlines alone are not enough": the fuzzy title score stays below
    # its bar, but the IDF-weighted topic signal (reported as TOPIC) now
    # bridges the paraphrase; turned off, they stay apart.
    a = replace(GRUSHKO_A, lead="", quotes=())
    b = replace(GRUSHKO_B, lead="", quotes=())
    link = by_story(cluster_all([a, b]))[b.id]
    p = ClusterParams()
    assert (link.cluster_id, link.signal) == (a.id, Signal.TOPIC)
    assert p.topic_threshold <= link.score <= 100.0
    off = by_story(cluster_all([a, b], replace(p, topic_threshold=100.0)))
    assert off[b.id].signal is Signal.FOUNDER


def test_topic_signal_respects_its_tighter_window() -> None:
    a = replace(GRUSHKO_A, lead="", quotes=())
    p = ClusterParams()
    late = p.topic_window_hours * 60 + 30
    b = replace(GRUSHKO_B, lead="", quotes=(), published=a.published + timedelta(minutes=late))
    assert by_story(cluster_all([a, b]))[b.id].signal is Signal.FOUNDER


def test_kyiv_drones_and_finnish_aid_stay_alone() -> None:
    links = cluster_all(SEED_DOCS)
    members: dict[str, list[str]] = {}
    for link in links:
        members.setdefault(link.cluster_id, []).append(link.story_id)
    for story in (KYIV_DRONES, FINNISH_AID):
        assert members[story.id] == [story.id]
    # The only merge among the seed stories is the Grushko pair.
    assert sorted(len(m) for m in members.values()) == [1] * (len(SEED_DOCS) - 2) + [2]


# --------------------------------------------------------------------------
# Chaining
# --------------------------------------------------------------------------

CHAIN_PARAMS = replace(ClusterParams(), title_threshold=78.0, anchor_margin=10.0)
CHAIN_A = doc("a", "Russian missiles hit Kyiv power grid and water supply overnight", minutes=0)
CHAIN_B = doc("b", "Russian missiles hit Kyiv power grid and Kharkiv rail depot", minutes=10)
CHAIN_C = doc("c", "Russian missiles hit Kharkiv rail depot and Odesa port", minutes=20)


def joined(a: Doc, b: Doc, params: ClusterParams) -> bool:
    links = cluster_all([a, b], params)
    return links[0].cluster_id == links[1].cluster_id


def test_chaining_through_a_neighbour_is_refused() -> None:
    # Preconditions: A~B and B~C above the title bar, A~C far below it
    # (under threshold - anchor_margin).
    assert joined(CHAIN_A, CHAIN_B, CHAIN_PARAMS)
    assert joined(CHAIN_B, CHAIN_C, CHAIN_PARAMS)
    loose = replace(CHAIN_PARAMS, title_threshold=CHAIN_PARAMS.title_threshold - 10.0)
    assert not joined(CHAIN_A, CHAIN_C, loose)

    links = by_story(cluster_all([CHAIN_A, CHAIN_B, CHAIN_C], CHAIN_PARAMS))
    assert links["b"].cluster_id == "a"
    # C matches member B above threshold, but not the anchor A at the lower
    # bar: it founds its own cluster.
    assert links["c"].signal is Signal.FOUNDER

    # The rule is what stops it: without the anchor check C would chain in.
    free = by_story(cluster_all([CHAIN_A, CHAIN_B, CHAIN_C], replace(CHAIN_PARAMS, anchor=False)))
    assert (free["c"].cluster_id, free["c"].matched_id) == ("a", "b")


def test_joining_through_a_member_works_when_the_anchor_agrees() -> None:
    c2 = doc(
        "c2", "Russian missiles hit Kyiv power grid and Kharkiv rail depot overnight", minutes=20
    )
    links = by_story(cluster_all([CHAIN_A, CHAIN_B, c2], CHAIN_PARAMS))
    assert links["c2"].cluster_id == "a"
    assert links["c2"].signal is Signal.TITLE


# --------------------------------------------------------------------------
# Exact signals
# --------------------------------------------------------------------------


def test_same_guid_across_feeds_joins() -> None:
    a = doc("a", "Headline one about a thing", guid="urn:uuid:1234-5678-abcd", source="feed1")
    b = doc("b", "Completely different words here", guid="urn:uuid:1234-5678-abcd", minutes=5)
    link = by_story(cluster_all([a, b]))["b"]
    assert (link.cluster_id, link.signal, link.score, link.matched_id) == (
        "a",
        Signal.GUID,
        100.0,
        "a",
    )


def test_short_numeric_guids_do_not_join() -> None:
    a = doc("a", "Headline one about a thing", guid="12345", source="feed1")
    b = doc("b", "Completely different words here", guid="12345", source="feed2", minutes=5)
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.FOUNDER


@pytest.mark.parametrize(
    "other",
    [
        "HTTPS://WWW.Example.com/news/story-1/?utm_source=rss&utm_medium=feed#comments",
        "http://example.com/news/story-1?at_medium=RSS&at_campaign=KARANGA",
        "https://example.com:443/news/story-1/",
    ],
)
def test_same_normalised_link_joins(other: str) -> None:
    a = doc("a", "One headline for the link test", url="https://example.com/news/story-1")
    b = doc("b", "Another headline, nothing in common", url=other, minutes=3)
    link = by_story(cluster_all([a, b]))["b"]
    assert (link.cluster_id, link.signal, link.matched_id) == ("a", Signal.LINK, "a")


def test_normalize_url_keeps_what_identifies_the_story() -> None:
    assert normalize_url("https://example.com/a?id=2&page=1") == normalize_url(
        "https://example.com/a?page=1&id=2&utm_campaign=x"
    )
    assert normalize_url("https://example.com/a?id=2") != normalize_url(
        "https://example.com/a?id=3"
    )
    assert normalize_url("https://example.com/a") != normalize_url("https://example.org/a")
    assert normalize_url("not a url") is None
    assert normalize_url("") is None
    assert normalize_url("https://example.com:99999/") is None  # bad port: no crash


def test_same_title_joins_exactly() -> None:
    a = doc("a", "Strategically vital Nova Khakovka dam blown up near border", source="abc")
    b = doc(
        "b", "STRATEGICALLY VITAL NOVA KHAKOVKA DAM BLOWN UP NEAR BORDER!", source="msn", minutes=9
    )
    link = by_story(cluster_all([a, b]))["b"]
    assert (link.signal, link.score, link.matched_id) == (Signal.TITLE, 100.0, "a")


def test_exact_signals_beat_fuzzy_ones() -> None:
    a = doc(
        "a", "Strategically vital Nova Khakovka dam blown up near border", guid="guid-0001-aaaa"
    )
    b = doc(
        "b", "Strategically vital Nova Khakovka dam blown up near border", guid="guid-0001-aaaa"
    )
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.GUID


# --------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "Live", "Update", "Ukraine war"])
def test_empty_or_short_titles_never_fuzzy_cluster(title: str) -> None:
    lead = "Russia launched an overnight drone attack on Kyiv, the mayor of the capital said."
    docs = [doc(f"d{i}", title, lead, minutes=i, source=f"f{i}") for i in range(3)]
    assert all(link.signal is Signal.FOUNDER for link in cluster_all(docs))


def test_short_titles_still_join_on_exact_link() -> None:
    a = doc("a", "", url="https://example.com/x")
    b = doc("b", "", url="https://example.com/x/", minutes=1)
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.LINK


def test_different_numbers_in_titles_never_fuzzy_match() -> None:
    a = doc("a", "Russia-Ukraine war: List of key events, day 468", minutes=0)
    b = doc("b", "Russia-Ukraine war: List of key events, day 469", minutes=24 * 60)
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.FOUNDER
    c = doc("c", "Russia-Ukraine war: List of key events, day 468 (updated)", minutes=60)
    assert by_story(cluster_all([a, c]))["c"].cluster_id == "a"


def test_a_source_repeating_a_title_a_day_later_is_a_recurring_column() -> None:
    wsj = "https://feeds.a.dj.com/rss/RSSWorldNews.xml"
    a = doc("a", "Financial Services Roundup: Market Talk", source=wsj, minutes=0)
    b = doc("b", "Financial Services Roundup: Market Talk", source=wsj, minutes=28 * 60)
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.FOUNDER
    # Within same_source_hours it is a re-post (a new URL for an updated story).
    c = doc("c", "Financial Services Roundup: Market Talk", source=wsj, minutes=3 * 60)
    assert by_story(cluster_all([a, c]))["c"].signal is Signal.TITLE
    # Another outlet a day later is still the same story.
    d = doc("d", "Financial Services Roundup: Market Talk", source="elsewhere", minutes=28 * 60)
    assert by_story(cluster_all([a, d]))["d"].signal is Signal.TITLE


def test_number_words_count_as_numbers() -> None:
    a = doc("a", "World Test Championship final: Australia v India, day one", source="g1")
    b = doc("b", "World Test Championship final: Australia v India, day two", source="g2")
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.FOUNDER
    c = doc("c", "Two killed in Virginia shooting after high school graduation", source="x")
    same = doc("d", "2 killed in Virginia shooting after high school graduation", source="y")
    other = doc("e", "3 killed in Virginia shooting after high school graduation", source="z")
    assert by_story(cluster_all([c, same]))["d"].cluster_id == "c"
    assert by_story(cluster_all([c, other]))["e"].signal is Signal.FOUNDER


def test_subset_titles_use_token_sort_when_short() -> None:
    # token_set_ratio scores 100 when one title's words are a subset of the
    # other's; with few content words the guard falls back to token_sort.
    a = doc("a", "Russia strikes Kyiv overnight", minutes=0)
    b = doc(
        "b", "Russia strikes Kyiv overnight, Zelensky vows answer in Washington talks", minutes=5
    )
    assert by_story(cluster_all([a, b]))["b"].signal is Signal.FOUNDER


def test_ten_thousand_char_titles_are_truncated(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real_set, real_sort = fuzz.token_set_ratio, fuzz.token_sort_ratio

    def spy_set(a: str, b: str, **kw: Any) -> float:
        seen.append(max(len(a), len(b)))
        return float(real_set(a, b, **kw))

    def spy_sort(a: str, b: str, **kw: Any) -> float:
        seen.append(max(len(a), len(b)))
        return float(real_sort(a, b, **kw))

    monkeypatch.setattr(fuzz, "token_set_ratio", spy_set)
    monkeypatch.setattr(fuzz, "token_sort_ratio", spy_sort)
    words = [f"word{i}" for i in range(2000)]
    long_a = " ".join(words)[:10_000]
    long_b = " ".join(reversed(words))[:10_000]
    docs = [doc("a", long_a, long_a), doc("b", long_b, long_b, minutes=1)]
    cluster_all(docs)
    assert seen, "the scorers were called"
    assert max(seen) <= ClusterParams().max_chars


def test_time_window_is_respected() -> None:
    p = replace(ClusterParams(), window_hours=48.0)
    title = "Pope Francis to undergo intestinal surgery in Rome hospital"
    a = doc("a", title, minutes=0)
    inside = doc("b", title, minutes=47 * 60, source="other")
    outside = doc("c", title, minutes=49 * 60, source="other")
    assert by_story(cluster_all([a, inside], p))["b"].cluster_id == "a"
    assert by_story(cluster_all([a, outside], p))["c"].signal is Signal.FOUNDER
    # Incremental path: an index holding A ignores C for the same reason.
    index = ClusterIndex(p)
    index.assign(a)
    assert index.assign(outside).signal is Signal.FOUNDER


# --------------------------------------------------------------------------
# Determinism and the incremental path
# --------------------------------------------------------------------------


def load_pairs() -> dict[str, list[list[dict[str, str]]]]:
    data: dict[str, list[list[dict[str, str]]]] = json.loads(
        (DATA / "rumca_pairs.json").read_text("utf-8")
    )
    return data


def corpus_doc(sid: str, item: dict[str, str]) -> Doc:
    return Doc(
        id=sid,
        source=item["source"],
        title=item["title"],
        lead=item["lead"],
        url=item["link"],
        published=datetime.fromisoformat(item["published"]),
        quotes=tuple(quote_key(q) for q in extract_quotes(item["lead"])),
    )


def all_corpus_docs() -> list[Doc]:
    docs: list[Doc] = []
    seen: set[str] = set()
    for group in load_pairs().values():
        for pair in group:
            for item in pair:
                if item["link"] not in seen:
                    seen.add(item["link"])
                    docs.append(corpus_doc(f"r{len(docs):03d}", item))
    return docs


def mixed_docs() -> list[Doc]:
    # Seed stories moved to 6 June 2023 so they share a window with the corpus.
    shift = datetime(2023, 6, 6, 6, tzinfo=UTC) - T0
    seeds = [replace(d, published=d.published + shift) for d in SEED_DOCS]
    return all_corpus_docs() + seeds + [CHAIN_A, CHAIN_B, CHAIN_C]


@pytest.mark.parametrize("seed", range(8))
def test_shuffled_input_gives_identical_links(seed: int) -> None:
    docs = mixed_docs()
    expected = cluster_all(docs)
    shuffled = docs[:]
    random.Random(seed).shuffle(shuffled)
    assert cluster_all(shuffled) == expected
    assert [link.story_id for link in expected] == [
        d.id for d in sorted(docs, key=lambda d: (d.published, d.id))
    ]


def test_incremental_matches_rebuild() -> None:
    docs = sorted(mixed_docs(), key=lambda d: (d.published, d.id))
    cut = len(docs) * 2 // 3
    decisions = Decisions(splits=frozenset({GRUSHKO_B.id}))
    old = cluster_all(docs[:cut], decisions=decisions)
    index = ClusterIndex(decisions=decisions)
    by_id = {d.id: d for d in docs}
    for link in reversed(old):  # load order does not matter
        index.add_existing(by_id[link.story_id], link)
    fresh = [index.assign(d) for d in docs[cut:]]
    expected = cluster_all(docs, decisions=decisions)
    assert index.links() == expected
    assert fresh == expected[cut:]
    # assign_all (what cluster_all uses) forgets old stories as it goes: same links.
    again = ClusterIndex(decisions=decisions)
    for link in old:
        again.add_existing(by_id[link.story_id], link)
    assert again.assign_all(reversed(docs[cut:])) == expected[cut:]
    assert again.links() == expected
    assert len(index) == len(docs) and docs[0].id in index


def test_forgetting_stories_outside_the_window_changes_nothing() -> None:
    docs = sorted(mixed_docs(), key=lambda d: (d.published, d.id))
    full, pruned = ClusterIndex(), ClusterIndex()
    window = timedelta(hours=ClusterParams().window_hours)
    forgotten = 0
    for d in docs:
        full.assign(d)
        forgotten += pruned.forget_before(d.published - window)
        pruned.assign(d)
    assert forgotten > len(docs) // 2
    assert pruned.links() == full.links() == cluster_all(docs)
    assert len(pruned) == len(docs) and docs[0].id in pruned
    with pytest.raises(ValueError, match="already in the index"):
        pruned.assign(docs[0])  # a forgotten story is still known


def test_duplicate_ids_and_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="already in the index"):
        cluster_all([CHAIN_A, CHAIN_A])
    with pytest.raises(ValueError, match="timezone-aware"):
        Doc(id="x", source="s", title="t", published=datetime(2025, 1, 1))
    index = ClusterIndex()
    with pytest.raises(ValueError, match="link is for"):
        index.add_existing(CHAIN_A, ClusterLink("other", "other", Signal.FOUNDER, 100.0))


def test_params_are_validated() -> None:
    with pytest.raises(ValueError, match="window_hours"):
        ClusterParams(window_hours=0)
    with pytest.raises(ValueError, match="lead_threshold"):
        ClusterParams(lead_threshold=101)
    with pytest.raises(ValueError, match="max_chars"):
        ClusterParams(max_chars=0)


# --------------------------------------------------------------------------
# User decisions
# --------------------------------------------------------------------------

DAM_1 = doc("dam1", "Ukraine accuses Russia of destroying major dam near Kherson", minutes=0)
DAM_2 = doc(
    "dam2",
    "Ukraine accuses Russia of destroying major dam near Kherson, warns of flooding",
    minutes=30,
)
DAM_3 = doc("dam3", "Ukraine accuses Russia of destroying the major dam near Kherson", minutes=60)
POPE_1 = doc("pope1", "Pope Francis to undergo intestinal surgery in Rome hospital", minutes=10)
POPE_2 = doc("pope2", "Pope Francis to undergo intestinal surgery at Rome hospital", minutes=40)
MESSI = doc(
    "messi", "Lionel Messi to join Inter Miami after leaving Paris Saint-Germain", minutes=20
)
DECISION_DOCS = [DAM_1, DAM_2, DAM_3, POPE_1, POPE_2, MESSI]


def test_auto_clusters_before_decisions() -> None:
    links = by_story(cluster_all(DECISION_DOCS))
    assert {s: links[s].cluster_id for s in links} == {
        "dam1": "dam1",
        "dam2": "dam1",
        "dam3": "dam1",
        "pope1": "pope1",
        "pope2": "pope1",
        "messi": "messi",
    }


def test_split_story_founds_its_own_cluster_and_later_ones_may_join_it() -> None:
    decisions = Decisions(splits=frozenset({"dam2"}))
    links = by_story(cluster_all(DECISION_DOCS, decisions=decisions))
    assert links["dam2"] == ClusterLink("dam2", "dam2", Signal.FOUNDER, 100.0, None)
    assert links["dam1"].cluster_id == "dam1"
    # dam3 is free to join either; it matches dam1 and dam2, and picks the best.
    assert links["dam3"].cluster_id in {"dam1", "dam2"}
    later = doc(
        "dam4",
        "Ukraine accuses Russia of destroying major dam near Kherson, warns of flooding",
        minutes=90,
    )
    links = by_story(cluster_all([*DECISION_DOCS, later], decisions=decisions))
    assert links["dam4"].cluster_id == "dam2"  # joins the split story (same title)
    assert "split out by a user" in explain(links["dam2"], decisions=decisions)


def test_split_story_never_auto_joins_in_the_index_either() -> None:
    decisions = Decisions(splits=frozenset({"dam2"}))
    index = ClusterIndex(decisions=decisions)
    for link in cluster_all([DAM_1], decisions=decisions):
        index.add_existing(DAM_1, link)
    assert index.assign(DAM_2).signal is Signal.FOUNDER


def test_merges_move_whole_clusters_and_chains_resolve() -> None:
    decisions = Decisions(merges=(("dam1", "pope1"), ("pope1", "messi")))
    links = by_story(cluster_all(DECISION_DOCS, decisions=decisions))
    assert {link.cluster_id for link in links.values()} == {"dam1"}
    assert links["pope2"] == ClusterLink("pope2", "dam1", Signal.USER, 100.0, "pope1")
    assert links["messi"] == ClusterLink("messi", "dam1", Signal.USER, 100.0, "messi")
    assert links["dam2"].signal is Signal.TITLE  # members of `into` keep their evidence
    assert explain(links["pope2"]) == "moved into cluster dam1 by a user merge of cluster pope1"


def test_merges_naming_missing_clusters_or_closing_cycles_are_ignored() -> None:
    decisions = Decisions(
        merges=(("gone", "pope1"), ("pope1", "gone-too"), ("pope1", "messi"), ("messi", "pope1"))
    )
    links = by_story(cluster_all(DECISION_DOCS, decisions=decisions))
    assert links["pope2"].cluster_id == "pope1" and links["pope2"].signal is Signal.TITLE
    assert links["messi"].cluster_id == "pope1" and links["messi"].signal is Signal.USER
    assert links["dam2"].cluster_id == "dam1"


def test_merges_survive_a_rebuild_and_apply_to_new_stories() -> None:
    decisions = Decisions(merges=(("messi", "pope1"),))
    old = cluster_all([DAM_1, POPE_1, MESSI, POPE_2], decisions=decisions)
    index = ClusterIndex(decisions=decisions)
    by_id = {d.id: d for d in DECISION_DOCS}
    for link in old:
        index.add_existing(by_id[link.story_id], link)
    pope3 = doc(
        "pope3", "Pope Francis to undergo intestinal surgery in a Rome hospital", minutes=70
    )
    new_link = index.assign(pope3)
    assert (new_link.cluster_id, new_link.signal) == ("messi", Signal.USER)
    assert index.links() == cluster_all([DAM_1, POPE_1, MESSI, POPE_2, pope3], decisions=decisions)


def test_a_merge_applies_to_clusters_known_only_from_loaded_links() -> None:
    # The `into` founder fell out of the window, but its members' links name it.
    decisions = Decisions(merges=(("old-founder", "pope1"),))
    index = ClusterIndex(decisions=decisions)
    index.add_existing(
        MESSI, ClusterLink("messi", "old-founder", Signal.TITLE, 95.0, "old-founder")
    )
    index.add_existing(POPE_1, ClusterLink("pope1", "old-founder", Signal.USER, 100.0, "pope1"))
    link = index.assign(POPE_2)
    assert (link.cluster_id, link.signal, link.matched_id) == ("old-founder", Signal.USER, "pope1")


# --------------------------------------------------------------------------
# Real pairs from the conflict feeds corpus
# --------------------------------------------------------------------------

PAIRS = load_pairs()


def _pair_id(pair: list[dict[str, str]]) -> str:
    return f"{pair[0]['title'][:40]} || {pair[1]['title'][:40]}"


@pytest.mark.parametrize("pair", PAIRS["duplicates"], ids=_pair_id)
def test_real_near_duplicates_join(pair: list[dict[str, str]]) -> None:
    a, b = corpus_doc("a", pair[0]), corpus_doc("b", pair[1])
    assert a.source != b.source
    links = cluster_all([a, b])
    assert links[0].cluster_id == links[1].cluster_id
    later = links[1]
    assert later.signal in (Signal.TITLE, Signal.LEAD, Signal.QUOTE)
    assert later.matched_id == links[0].story_id


@pytest.mark.parametrize("pair", PAIRS["distinct"], ids=_pair_id)
def test_real_different_developments_stay_apart(pair: list[dict[str, str]]) -> None:
    links = cluster_all([corpus_doc("a", pair[0]), corpus_doc("b", pair[1])])
    assert links[0].cluster_id != links[1].cluster_id


@pytest.mark.xfail(strict=True, reason="known false merge: see tests/data/cluster/SOURCES.md")
@pytest.mark.parametrize("pair", PAIRS["known_false_merges"], ids=_pair_id)
def test_known_false_merges(pair: list[dict[str, str]]) -> None:
    links = cluster_all([corpus_doc("a", pair[0]), corpus_doc("b", pair[1])])
    assert links[0].cluster_id != links[1].cluster_id


def test_corpus_pairs_cluster_together_as_a_set() -> None:
    # All fixture stories at once: every duplicate pair still ends together.
    docs = all_corpus_docs()
    url_of = {d.id: d.url for d in docs}
    cluster_of = {url_of[link.story_id]: link.cluster_id for link in cluster_all(docs)}
    for a, b in PAIRS["duplicates"]:
        assert cluster_of[a["link"]] == cluster_of[b["link"]], (a["title"], b["title"])


# --------------------------------------------------------------------------
# explain() and Doc.from_story()
# --------------------------------------------------------------------------


def test_explain_lines() -> None:
    titles = {"y": "Russia seeks NATO exclusion"}
    assert explain(ClusterLink("x", "x", Signal.FOUNDER, 100.0)) == "founded cluster x"
    assert (
        explain(ClusterLink("z", "x", Signal.LEAD, 95.24, "y"))
        == "joined cluster x via lead (score 95.2) matching story y"
    )
    assert (
        explain(ClusterLink("z", "x", Signal.QUOTE, 100.0, "y"), titles=titles)
        == "joined cluster x via quote (score 100.0) matching story y ('Russia seeks NATO exclusion')"
    )
    assert explain(ClusterLink("z", "x", Signal.GUID, 100.0, "y")).endswith(
        "the same guid as story y"
    )
    assert "the same link as story y" in explain(ClusterLink("z", "x", Signal.LINK, 100.0, "y"))
    assert "via title (score 100.0) matching story y" in explain(
        ClusterLink("z", "x", Signal.TITLE, 100.0, "y")
    )
    assert "title (score 91.0)" in explain(ClusterLink("z", "x", Signal.TITLE, 91.0, "y"))


def test_doc_from_story_extracts_lead_and_quotes() -> None:
    story = Story(
        id="st1",
        source=SEED_000,
        source_kind=SourceKind.FILE,
        outlet="Independent",
        title=GRUSHKO_B.title,
        summary="",
        body=GRUSHKO_B.lead + "\n" + "“We will demand that ironclad security guarantees become "
        "part of this agreement,” Grushko told Izvestia.",
        url=None,
        guid=None,
        author=None,
        published=T0,
        published_estimated=False,
        fetched=T0,
    )
    d = Doc.from_story(story)
    assert d.lead == GRUSHKO_B.lead
    assert d.quotes == (
        "we will demand that ironclad security guarantees become part of this agreement",
    )
    assert d.published == T0 and d.source == SEED_000
