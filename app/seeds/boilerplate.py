"""Web chrome: the whole-line patterns that are never story text.

Owns the regular expressions that recognise share bars, counters, promos,
photo credits, cookie banners, breadcrumbs and the like (:data:`DROP_RE`),
and the chrome after which the story above is over (:data:`END_RE`:
"Related", "Comments", app-store prompts, copyright lines). Each pattern
describes a *kind* of widget, not a site. Pure data.
"""

from __future__ import annotations

import re

__all__ = [
    "CAPTION_RE",
    "CLOCK_RE",
    "CREDIT_RE",
    "CRUMB_RE",
    "CRUMB_SEPARATORS_RE",
    "DROP_RE",
    "END_RE",
    "IMAGE_FRAGMENT_RE",
    "KEY_VALUE_RE",
    "META_ROW_RE",
]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


# Web chrome that is dropped wherever it appears. Each is a whole-line pattern
# describing a *kind* of widget (counters, promos, credits), not a site.
DROP_RE = _rx(
    r"logo",
    r"(?:share|tweet|e-?mail|print|save|copy link)(?:\s+(?:this|on|via)\b.{0,40})?\s*[.:!]?",
    r"[\d.,]+\s*[km]?\s+(?:views?|reads?|shares?|likes?)",
    r"\d+\s+min(?:ute)?s?\s+read",
    r"(?:watch|comment|listen|opinion|analysis|video|podcast|live|explained|gallery)\s*\|\s.*",
    r"[a-z]+ background",
    r"try our ai features",
    r"explore what .{1,60} can do for you:?",
    r"advertisement|sponsored(?: content)?|skip to (?:main )?content|(?:scroll|back) to top",
    r"(?:photo|image|picture|video|illustration)s?(?: credit)?\s*:\s*\S.{0,60}",
    r"credits?:\s*\S.{0,60}",
    r"edited by\b.{0,80}",
    r"follow us\b.{0,60}|subscribe\b.{0,60}|sign up\b.{0,80}|newsletters?",
    r"click here\b.{0,60}",
    r"(?:accept|manage|reject) (?:all )?cookies.{0,40}",
    r"(?:previous|next) (?:article|post|story)",
    r"listen to (?:this )?(?:article|story)|skip links|(?:show )?navigation menu",
)
# Chrome after which the story above is over: text that follows it belongs to
# no story until a new headline starts one.
END_RE = _rx(
    r"comments?(?:\s*\(\d+\))?|\d+\s+comments?|(?:show|view|load|hide) (?:all )?comments?",
    r"no comments yet.*",
    r"leave a (?:reply|comment).*",
    r"(?:related|recommended|popular|trending|most read|must read|see also)"
    r"(?: (?:articles?|stories|news|posts|reads|topics))?:?",
    r"(?:you (?:may|might) also like|more (?:from|on) .{1,40}|(?:in )?other (?:news|stories)"
    r"|other topics you might like|from our partners|around the web|more for you"
    r"|promoted (?:stories|content)|paid content):?",
    r"read (?:the )?full (?:article|story|report)(?: here| at .{0,60})?\.?",
    r"download (?:the|our) app.*",
    r"get started now.*",
    r".*app[- ]?store.{0,20}play[- ]?store.*",
    r"(?:get it on|download on the) (?:google play|app store).*",
    r"support .{1,60} on patreon!?",
    r"support (?:us|our journalism|independent journalism)\b.{0,60}",
    r"tags?:|topics?:",
    r"(?:\d{4}\s*)?(?:©|\(c\)|copyright\b).*|\S.{0,60}©.{0,60}",
    r".{0,80}\b(?:we|site|website|this page) (?:uses?|sets?) cookies\b.{0,120}",
    r"(?:\S+\s+){0,3}cookies? (?:settings|preferences|policy|consent|notice)(?:\s+\S+){0,3}",
    r".*all rights reserved\.?",
    r"exit mobile version",
)
_BULLET_RE = re.compile(r"^[•·▪●◦‣∙*\-–]\s*")
URL_ONLY_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
IMAGE_FRAGMENT_RE = re.compile(r"\S*\.(?:jpe?g|png|gif|webp|avif|svg|bmp)\b\S*", re.IGNORECASE)
CLOCK_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
# "HTTP Status: 200", "type: news": scraper metadata with a one-token value.
KEY_VALUE_RE = re.compile(r"[A-Za-z][\w .-]{0,30}:\s*\S+")
# "(Handout via AFP)", "(Photo: Reuters)", "[Gleb Garanich/Reuters]": a
# picture caption ending in its credit, not a paragraph.
CAPTION_RE = re.compile(
    r".*(?:\([^()]{0,40}\b(?:via|photo|photograph|credit|getty|afp|epa|file photo)\b[^()]{0,40}\)"
    r"|\[[^\[\]]{0,40}(?:/|\b(?:via|photo|getty|afp|reuters|ap|epa)\b)[^\[\]]{0,40}\])",
    re.IGNORECASE,
)
# "Dimitar Dilkoff/AFP/Getty Images", "(Ukraine Presidential Office)": a
# picture credit on its own line.
CREDIT_RE = re.compile(
    r"\([^()]{1,80}\)|\[[^\[\]]{1,80}\]"
    r"|(?:\S+\s+){0,5}\S*(?:[/|]\s*)(?:afp|reuters|ap|epa|getty images|anadolu)\b.{0,40}",
    re.IGNORECASE,
)
# "- answer: ..." / "- type: news": scraper metadata rows with identifier keys.
META_ROW_RE = re.compile(r"[a-z][a-z0-9_]*:\s")
CRUMB_RE = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
CRUMB_SEPARATORS_RE = re.compile(r"\s(?:>|›|»|/)\s")
