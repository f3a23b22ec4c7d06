"""The shape of a line of text: is it a name, an outlet, a headline, a paragraph?

Small pure predicates shared by line classification (:mod:`.lines`), the
datelines of :mod:`.dates` and the outlet finder (:mod:`.outlets`). They look
at capitalisation, length, punctuation and function words, never at any
particular site's strings.
"""

from __future__ import annotations

import re

__all__ = [
    "CLOSERS",
    "FUNCTION_WORDS",
    "OPENERS",
    "URL_ONLY_RE",
    "ends_sentence",
    "has_letters",
    "headline_shaped",
    "is_all_caps_label",
    "is_byline_name",
    "is_name",
    "is_outlet_name",
    "paragraph_shaped",
    "split_words",
    "wordset",
]


def wordset(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of ``words``."""
    return frozenset(words.split())


URL_ONLY_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

_NAME_CONNECTORS = frozenset({"and", "&", "de", "van", "von", "der", "bin", "al", "la", "le", "da"})
# Labels some outlets put before paragraphs ("Details: ...", "Quote: ..."): a
# line that starts with one is a paragraph, whatever its shape.
_BODY_LABEL_RE = re.compile(
    r"(?:source|details|quote|background|context|update|note|reminder|recall|earlier"
    r"|for reference|reference|what happened|editor's note)\s*:",
    re.IGNORECASE,
)
FUNCTION_WORDS = wordset(
    "a an the of to in on at by for from with and or but as into than that about "
    "over under after before between against"
)
_TERMINAL = ".!?…"
CLOSERS = "\"'”’»)]"
OPENERS = "\"'“‘«(["


def split_words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``."""
    return text.split()


def has_letters(text: str) -> bool:
    """True when ``text`` holds at least one letter (any script)."""
    return any(ch.isalpha() for ch in text)


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a sentence, closing quotes and brackets aside."""
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and (stripped[-1] in _TERMINAL or stripped.endswith("..."))


def is_name(value: str) -> bool:
    """A person's or agency's name after "By"/"Author:": capitalised words, no digits."""
    words = split_words(value.strip(" ,"))
    if not 1 <= len(words) <= 6 or len(value) > 60 or any(ch.isdigit() for ch in value):
        return False
    return all(w[0].isupper() or w.casefold() in _NAME_CONNECTORS for w in words) and not (
        value.rstrip().endswith(".") and not re.search(r"\b[A-Z]\.$", value.rstrip())
    )


def is_byline_name(value: str) -> bool:
    """ "Max Rego", "John T Psaropoulos": a bare name, as bylines show one."""
    words = split_words(value)
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    if any(w.casefold() in FUNCTION_WORDS or not w.rstrip(".").isalpha() for w in words):
        return False
    return len(words) == 2 or any(len(w.rstrip(".")) == 1 for w in words)


def is_outlet_name(value: str) -> bool:
    """An outlet's name: up to five capitalised words ("The Hill") or a domain."""
    words = split_words(value)
    if not 1 <= len(words) <= 5 or len(value) > 40 or not value[0].isupper():
        return False
    if any(ch in value for ch in ".!?:;,") and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}", value):
        return False
    return all(w[0].isupper() or w.casefold() in FUNCTION_WORDS for w in words)


def is_all_caps_label(text: str) -> bool:
    """A short upper-case label ("WORLD", "RUSSIA-UKRAINE WAR"): a menu or tag."""
    return text.isupper() and len(split_words(text)) <= 4


def headline_shaped(text: str) -> bool:
    """A short, capitalised line that does not end like a sentence."""
    words = split_words(text)
    if not 3 <= len(words) <= 30 or not 12 <= len(text) <= 250:
        return False
    first = next((ch for ch in text if ch.isalnum()), "")
    if not (first.isupper() or first.isdigit()):
        return False
    tail = text.rstrip(CLOSERS + " ")
    if not tail or tail[-1] in ".,;:!…" or tail.endswith("..."):
        return False
    if words[-1].casefold().strip(CLOSERS) in FUNCTION_WORDS:
        return False
    if is_all_caps_label(text) or _BODY_LABEL_RE.match(text):
        return False
    if URL_ONLY_RE.search(text) or "@" in text:
        return False
    # Two sentences at most ("X didn't budge. Now Y may act"); more is prose.
    return len(re.findall(r"[.!?][\"”’]?\s+[A-Z]", text)) <= 1


def paragraph_shaped(text: str) -> bool:
    """Story text: long, or a sentence of four words or more that is not a teaser."""
    if len(text) >= 150:
        return len(split_words(text)) >= 4
    # A short line cut off with an ellipsis is a teaser, not a paragraph.
    tail = text.rstrip(CLOSERS + " ")
    teaser = tail.endswith(("…", "..."))
    return len(split_words(text)) >= 4 and ends_sentence(text) and not teaser
