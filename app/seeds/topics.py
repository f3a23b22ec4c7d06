"""Lost headlines: entries that run on under another entry's headline.

Owns :func:`split_topic_shifts`, which splits such an entry off on a
multi-story page by a lexical test tuned to miss rather than cut an article
in two, and :func:`derived_title`, the headline made from a lead's first
sentence for a story whose own was lost in the saving. Pure.
"""

from __future__ import annotations

import re

from app.seeds.assembly import Draft
from app.seeds.lines import Kind, Line
from app.seeds.shapes import OPENERS, wordset
from app.seeds.vocabulary import WORD_RE, Vocabulary, content_words

__all__ = ["derived_title", "split_topic_shifts"]
# Words that tie a paragraph to the one before it: such a paragraph continues
# an entry, it cannot open one.
_CONTINUERS = wordset(
    """
    he she it they we i this these that those his her its their there but and or so
    however meanwhile also still yet then thus therefore moreover furthermore
    although though while whereas instead besides further additionally earlier
    later separately previously afterwards
    """
)
#: A paragraph splits off as a new entry only when the text before it and the
#: text from it onward share less than this (idf-weighted) of their words. On
#: the seeds the lost Kursk entry scores 0.03 and the closest paragraph that
#: must stay put 0.08 (a section of seed 003): the margin is kept on the side
#: of not splitting.
_SHIFT_MAX_SIMILARITY = 0.06
#: Drafts with more paragraphs than this are articles, never checked for shifts.
_SHIFT_MAX_PARAGRAPHS = 200
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = wordset(
    "mr mrs ms dr st gen lt col maj sgt capt sen rep gov prof jr sr no vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp"
)


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END_RE.finditer(text):
        token = text[text.rfind(" ", 0, match.start()) + 1 : match.start()]
        bare = token.strip(OPENERS).rstrip(".")
        if bare.casefold() in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.?)+", bare):
            continue  # "Mr. Grushko", "U.S. officials", "Feb. 27"
        return text[: match.start() + 1].strip()
    return text.strip()


def derived_title(lead: str) -> str:
    """A headline for a story that lost its own: the lead's first sentence."""
    sentence = _first_sentence(lead)
    if len(sentence) > 200:
        cut = sentence[:160]
        sentence = cut[: cut.rfind(" ")] if " " in cut else cut
        return sentence.rstrip(" ,;:–—-") + "…"
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    return sentence


def _opens_entry(line: Line) -> bool:
    text = line.text
    if line.kind is not Kind.PARA or not text[:1].isupper():
        return False
    first = WORD_RE.match(text)
    if first is None or first.group(0).casefold() in _CONTINUERS:
        return False
    return 30 <= len(_first_sentence(text)) <= 200


def split_topic_shifts(drafts: list[Draft], vocabulary: Vocabulary) -> list[Draft]:
    """Split entries whose headlines were lost out of the entry above them.

    Used only on multi-story pages (live blogs, round-ups), where an entry
    running on under another's headline is a known failure of saving. A
    paragraph opens a new entry when all of these hold: the block above it
    has a headline or lead plus at least one paragraph; it and at least one
    more paragraph follow; it starts like a lead (capitalised, not a quote, not
    "He ..."/"But ..."/"Meanwhile ...", a first sentence of headline length);
    the text above and the text from it on share almost nothing but the page's
    common words; and it shares rarer words with the paragraph after it (the
    new entry holds together). Its first sentence becomes the title.
    """
    if sum(1 for d in drafts if d.title is not None) < 2:
        return drafts
    result: list[Draft] = []
    for draft in drafts:
        paras = list(draft.paras)
        if len(paras) > _SHIFT_MAX_PARAGRAPHS:
            result.append(draft)  # a long article, not a run of blog entries
            continue
        words = [content_words(p.text) for p in paras]
        current = draft
        draft_end = draft.end
        block_start = 0
        for index in range(1, len(paras) - 1):
            line = paras[index]
            # Cheap tests first; the block comparison only for real candidates.
            if (
                not _opens_entry(line)
                or len(vocabulary.rare_shared(words[index], words[index + 1])) < 2
            ):
                continue
            above = content_words(current.title or "")
            for chunk in words[block_start:index]:
                above.extend(chunk)
            below = [w for chunk in words[index:] for w in chunk]
            if vocabulary.similarity(above, below) >= _SHIFT_MAX_SIMILARITY:
                continue
            current.end = paras[block_start].start
            current.set_paras(paras[block_start:index])
            result.append(current)
            current = Draft(title=None, start=line.start, end=draft_end, outlet=draft.outlet)
            block_start = index
        if current is not draft:
            current.set_paras(paras[block_start:])
            current.end = max(current.end, draft_end)
        result.append(current)
    return result
