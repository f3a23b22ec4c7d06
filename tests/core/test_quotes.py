"""Quote extraction, normalisation and grouping across stories."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

import app.quotes as quotes_mod
from app.models import QuoteInfo
from app.quotes import (
    DEFAULT_QUOTE_THRESHOLD,
    QuoteGroup,
    extract_quotes,
    group_quotes,
    quote_key,
    quote_similarity,
)

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)

# The two Grushko stories of seeds/000, paragraph for paragraph.
GRUSHKO_TELEGRAPH = (
    "Russia will seek “ironclad” guarantees in any peace deal on Ukraine that Nato nations will "
    "exclude Kyiv from membership and that Ukraine will remain “neutral”, a Russian deputy "
    "foreign minister said in remarks published today.\n"
    "Russia’s deputy foreign minister Alexander Grushko said that any long-lasting peace treaty on "
    "Ukraine must meet Moscow’s demands in a broad-ranging interview with the Russian media outlet "
    "Izvestia that made no reference to the US ceasefire proposal.\n"
    "“We will demand that ironclad security guarantees become part of this agreement,” Izvestia "
    "cited Mr Grushko as saying.\n"
    "“Part of these guarantees should be the neutral status of Ukraine, the refusal of Nato "
    "countries to accept it into the alliance,” he said."
)
GRUSHKO_INDEPENDENT = (
    "Russia will seek guarantees that NATO countries will exclude Ukraine from membership and "
    "Ukraine will remain neutral in any peace deal, a Russian deputy foreign minister said in "
    "remarks published on Monday.\n"
    "“We will demand that ironclad security guarantees become part of this agreement,” Deputy "
    "Foreign Minister Alexander Grushko told the Russian media outlet Izvestia.\n"
    "“Part of these guarantees should be the neutral status of Ukraine, the refusal of NATO "
    "countries to accept it into the alliance.”"
)
IRONCLAD = "We will demand that ironclad security guarantees become part of this agreement"


def test_grushko_paragraphs_are_copied_from_the_seed() -> None:
    seed = (ROOT / "seeds" / "000_ae50e882449bc20a.txt").read_text("utf-8")
    for text in (GRUSHKO_TELEGRAPH, GRUSHKO_INDEPENDENT):
        for para in text.split("\n"):
            assert para in seed


# --------------------------------------------------------------------------
# extract_quotes
# --------------------------------------------------------------------------


def test_extracts_curly_quotes_and_drops_scare_quotes() -> None:
    got = extract_quotes(GRUSHKO_TELEGRAPH)
    assert got == [
        IRONCLAD,
        "Part of these guarantees should be the neutral status of Ukraine, the refusal of Nato "
        "countries to accept it into the alliance",
    ]
    # “ironclad” and “neutral” are one word each: not quotes worth tracking.
    assert not any(q in ("ironclad", "neutral") for q in got)


def test_extracts_straight_double_quotes() -> None:
    text = 'He said "we will not give up a single metre of our land to them" on Sunday.'
    assert extract_quotes(text) == ["we will not give up a single metre of our land to them"]


def test_single_quotes_only_when_long_and_not_apostrophes() -> None:
    text = (
        "Ukraine’s forces held. Kyiv's allies met. Bannon said Graham should be 'arrested' if he "
        "keeps going, and accused the Kremlin of 'playing Trump and America for fools today.' "
        "The observers’ mission was ‘Just hot air’, and he called it ‘a civilian mission that "
        "would monitor the implementation of the deal’."
    )
    assert extract_quotes(text) == [
        "playing Trump and America for fools today.",
        "a civilian mission that would monitor the implementation of the deal",
    ]


def test_quote_lines_and_dedup() -> None:
    text = (
        'Quote: "Of course, a face-to-face meeting is something truly significant, which should '
        'lead to serious outcomes."\n'
        "Quote: The teams of the White House and the Kremlin must prepare these outcomes first.\n"
        "Quote: too short here"
    )
    assert extract_quotes(text) == [
        "Of course, a face-to-face meeting is something truly significant, which should lead to "
        "serious outcomes.",
        "The teams of the White House and the Kremlin must prepare these outcomes first.",
    ]


def test_quotes_never_span_paragraphs_and_nested_quotes_stay_inside() -> None:
    text = (
        "“This opening quote is never closed in this paragraph at all\n"
        "and this paragraph closes something” which must not pair up.\n"
        "“Our answer to the ‘peace plan’ offered in Jeddah is a clear and simple yes,” she said."
    )
    assert extract_quotes(text) == [
        "Our answer to the ‘peace plan’ offered in Jeddah is a clear and simple yes"
    ]


def test_min_words_and_empty_input() -> None:
    text = "“Five words are not enough” and “six words are just about enough”."
    assert extract_quotes(text) == ["six words are just about enough"]
    assert extract_quotes(text, min_words=5) == [
        "Five words are not enough",
        "six words are just about enough",
    ]
    assert extract_quotes("") == []


def test_extracted_quotes_are_cleaned() -> None:
    text = "“We will \x1b[31mnever\x1b[0m   accept\u202e this, whatever they say,” he said."
    assert extract_quotes(text) == ["We will never accept this, whatever they say"]


# --------------------------------------------------------------------------
# quote_key and quote_similarity
# --------------------------------------------------------------------------


def test_quote_key_normalises_typography() -> None:
    a = "“Part of these guarantees should be the refusal of NATO countries,”"
    b = "part of these guarantees should be the refusal of nato countries"
    assert quote_key(a) == quote_key(b) == b
    assert quote_key("it’s just hot air") == quote_key("it's just hot air") == "its just hot air"
    assert quote_key("U.S.-brokered") == quote_key("US brokered") == "us brokered"
    assert quote_key("Häkkänen said") == "hakkanen said"
    assert quote_key("  many\n spaces\t here ") == "many spaces here"
    assert quote_key("“…”") == ""


def test_similarity_for_variants() -> None:
    full = quote_key(
        "Part of these guarantees should be the neutral status of Ukraine, the refusal of Nato "
        "countries to accept it into the alliance"
    )
    trimmed = quote_key("the neutral status of Ukraine, the refusal of NATO countries to accept it")
    changed = quote_key(
        "Part of these guarantees must be the neutral status of Ukraine, the refusal of Nato "
        "countries to accept it into the alliance"
    )
    other = quote_key(
        "We can talk about unarmed observers, a civilian mission that would monitor the "
        "implementation of individual aspects of this agreement"
    )
    assert quote_similarity(full, full) == 100.0
    assert quote_similarity(trimmed, full) >= DEFAULT_QUOTE_THRESHOLD
    assert quote_similarity(changed, full) >= DEFAULT_QUOTE_THRESHOLD
    assert quote_similarity(other, full) < 70.0
    # Short keys only ever match exactly: a 3-word fragment is in everything.
    assert quote_similarity("refusal of nato", full) == 0.0
    assert quote_similarity("", "") == 0.0


def test_similarity_truncates_long_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = fuzz.partial_ratio

    def spy(a: str, b: str, **kw: Any) -> float:
        seen.append(max(len(a), len(b)))
        return float(real(a, b, **kw))

    monkeypatch.setattr(fuzz, "partial_ratio", spy)
    long_a = " ".join(f"word{i}" for i in range(3000))
    long_b = " ".join(f"word{i}" for i in range(5, 2000))
    quote_similarity(long_a, long_b)
    assert seen and max(seen) <= quotes_mod.QUOTE_MAX_CHARS


# --------------------------------------------------------------------------
# group_quotes
# --------------------------------------------------------------------------


def occurrences(
    story: str, text: str, minutes: int, source: str
) -> list[tuple[str, str, datetime, str]]:
    when = T0 + timedelta(minutes=minutes)
    return [(story, q, when, source) for q in extract_quotes(text)]


GRUSHKO_ITEMS = occurrences(
    "telegraph-1", GRUSHKO_TELEGRAPH, 0, "https://www.telegraph.co.uk/rss.xml"
) + occurrences("independent-1", GRUSHKO_INDEPENDENT, 95, "https://www.independent.co.uk/rss")


def test_grushko_quote_is_one_group_carried_by_two_stories() -> None:
    groups = group_quotes(GRUSHKO_ITEMS)
    ironclad = [g for g in groups if "ironclad" in g.text]
    assert len(ironclad) == 1
    g = ironclad[0]
    assert g.story_ids == ("independent-1", "telegraph-1")
    assert g.outlets == 2
    assert g.text == IRONCLAD
    assert g.first_seen == T0
    assert g.id == hashlib.sha1(quote_key(IRONCLAD).encode()).hexdigest()[:16]
    # The Nato/NATO line is the same quote too: two groups in all, both shared.
    assert len(groups) == 2
    assert all(len(x.story_ids) == 2 for x in groups)
    nato = next(x for x in groups if x is not g)
    assert len(nato.variants) == 1  # "Nato" and "NATO" give one key


def test_group_info_for_the_desk() -> None:
    g = group_quotes(GRUSHKO_ITEMS)[0]
    assert g.info() == QuoteInfo(
        id=g.id, text=g.text, first_seen=g.first_seen, stories=2, outlets=2
    )


def test_variants_trimmed_and_edited_join_one_group() -> None:
    base = (
        "Part of these guarantees should be the neutral status of Ukraine, the refusal of Nato "
        "countries to accept it into the alliance"
    )
    items = [
        ("s1", base, T0, "a"),
        (
            "s2",
            "the neutral status of Ukraine, the refusal of NATO countries to accept it",
            T0,
            "b",
        ),
        ("s3", base.replace("should", "must"), T0 + timedelta(hours=1), "c"),
        ("s4", base, T0 + timedelta(hours=2), "a"),
    ]
    (g,) = group_quotes(items)
    assert g.story_ids == ("s1", "s2", "s3", "s4")
    assert g.outlets == 3
    assert g.text == base
    assert len(g.variants) == 3


def test_different_quotes_stay_apart() -> None:
    items = [
        (
            "s1",
            "We will demand that ironclad security guarantees become part of this agreement",
            T0,
            "a",
        ),
        (
            "s2",
            "We can talk about unarmed observers, a civilian mission to monitor the deal",
            T0,
            "b",
        ),
        (
            "s3",
            "We will maintain our defense in Kursk as long as it is expedient and necessary",
            T0,
            "c",
        ),
    ]
    assert len(group_quotes(items)) == 3


def test_same_story_counted_once() -> None:
    items = [("s1", IRONCLAD, T0, "a"), ("s1", IRONCLAD.upper(), T0, "a")]
    (g,) = group_quotes(items)
    assert g.story_ids == ("s1",) and g.outlets == 1


@pytest.mark.parametrize("seed", range(5))
def test_grouping_is_order_independent(seed: int) -> None:
    items = [
        *GRUSHKO_ITEMS,
        (
            "s9",
            "We will maintain our defense in Kursk as long as it is expedient and necessary",
            T0,
            "x",
        ),
        ("s8", IRONCLAD.replace("We will", "we will"), T0 + timedelta(minutes=5), "y"),
    ]
    expected = group_quotes(items)
    shuffled = items[:]
    random.Random(seed).shuffle(shuffled)
    assert group_quotes(shuffled) == expected
    assert isinstance(expected[0], QuoteGroup)


def test_earliest_variant_names_the_group() -> None:
    items = [
        ("late", IRONCLAD + " and more", T0 + timedelta(hours=3), "a"),
        ("early", IRONCLAD, T0, "b"),
    ]
    (g,) = group_quotes(items)
    assert g.text == IRONCLAD and g.first_seen == T0
    assert g.variants == (IRONCLAD, IRONCLAD + " and more")


def test_threshold_controls_fuzzy_joins() -> None:
    items = [
        ("s1", IRONCLAD, T0, "a"),
        ("s2", IRONCLAD.replace("ironclad", "firm"), T0, "b"),
    ]
    assert len(group_quotes(items)) == 1
    assert len(group_quotes(items, threshold=99.0)) == 2


def _extract_reference(text: str, min_words: int = 6) -> list[str]:
    """extract_quotes as first written: every regex on every text, masking by list.

    The fast path (substring pre-checks, the single-quote regex led by its
    opener, masking only when there is something to mask) must agree with it.
    """
    import re

    single = re.compile(r"(?<![\w‘’'])[‘'](?=[^\s‘’'])([^\n]{2,1500}?)(?<=[^\s‘’'])[’'](?![\w‘’'])")
    found: list[tuple[int, str]] = []
    masked = list(text)
    for regex in (quotes_mod._DOUBLE_RE, quotes_mod._GUILLEMET_RE):
        for m in regex.finditer(text):
            found.append((m.start(), m.group(1)))
            masked[m.start() : m.end()] = " " * (m.end() - m.start())
    found.extend((m.start(), m.group(1)) for m in single.finditer("".join(masked)))
    found.extend((m.start(), m.group(1)) for m in quotes_mod._QUOTE_LINE_RE.finditer(text))
    found.sort(key=lambda item: item[0])
    out: list[str] = []
    seen: set[str] = set()
    for _, raw in found:
        quote = quotes_mod._clean_quote(raw)
        key = quote_key(quote)
        if quotes_mod._word_count(quote) >= min_words and key and key not in seen:
            seen.add(key)
            out.append(quote)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_fast_extraction_matches_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [
        "a", "bb", " ", " ", "\n", "\n\n", "'", '"', "“", "”", "„", "«", "»", "‘", "’",
        ":", "Quote: ", "QUOTE:", "quote:", "said", "don't", "Ukraine’s", "(", "x y z w v",
    ]  # fmt: skip
    texts = [GRUSHKO_TELEGRAPH, *(p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt")))]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(3000)]
    found = 0
    for text in texts:
        for min_words in (1, 6):
            expected = _extract_reference(text, min_words)
            assert extract_quotes(text, min_words=min_words) == expected, text
            found += len(expected)
    assert found > 1000  # the random texts do contain quotes of every kind
