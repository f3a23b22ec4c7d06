"""Text helpers of the clusterer: normalisation, content words, marks, link and guid keys.

Split out of :mod:`app.cluster` (which re-exports :func:`normalize_url`). Everything
here is pure and cheap: :class:`app.cluster.ClusterIndex` runs it once per story.

* :func:`content_tokens`: lowercase content words (accents and possessives
  folded, stop words and 1-character tokens dropped), the unit of blocking,
  fuzzy scoring and the topic signal.
* :func:`name_tokens`: content words of capitalised words (names, places,
  acronyms), weighted up in blocking and in the topic signal.
* :func:`marks`: numbers and weekdays of a title, for the number guard.
* :func:`normalize_url` and :func:`guid_key`: keys for the exact signals.
* :data:`BACKGROUND_RATE`: share of news stories holding each of the 300
  commonest content words (``conflict_feeds_rumca_2022``, 313 items, title +
  lead), the prior of the topic signal's IDF.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

from rapidfuzz import utils

__all__ = [
    "BACKGROUND_RATE",
    "NAME_BOOST",
    "content_tokens",
    "guid_key",
    "marks",
    "name_tokens",
    "normalize_url",
]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_WORDS = _wordset(
    """
    a about above after again against ago all also am among amid an and any are as at be
    because been before being below between both but by can could did do does doing down
    during each few for from further had has have having he her here hers him his how i if
    in into is it its just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these
    they this those through to too under until up very via was we were what when where
    which while who whom why will with would you your yet
    says said say told tells report reports reported according update updates updated live
    latest news video watch photos new
    """
)
_POSSESSIVE_RE = re.compile(r"['’]s\b")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_MARK_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_WEEKDAYS = _wordset("monday tuesday wednesday thursday friday saturday sunday")
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=1
    )
}
# Capitalised words: names, places, acronyms (and sentence starts, which is cheap noise).
_NAME_RE = re.compile(r"\b[A-Z][\w'’-]*")
NAME_BOOST = 1.5

# Query parameters that only track the reader, never identify the story.
_TRACKING_PARAMS = _wordset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid igshid mc_cid mc_eid _ga _gl ocid cmpid
    cmp at_medium at_campaign at_custom1 at_custom2 at_custom3 at_custom4 at_format
    at_link_id at_link_type at_link_origin at_ptr_name at_bbc_team ito smid smtyp ref
    ref_src ref_url referrer src taid guccounter ns_mchannel ns_source ns_campaign
    ns_linkname ns_fee ftag partner rss feed feedtype share spm
    """
)


def _fold(text: str) -> str:
    """Strip accents and possessives so "Häkkänen's" and "Hakkanen" agree."""
    if not text.isascii():
        text = _NON_ASCII_RE.sub(_drop_combining, unicodedata.normalize("NFKD", text))
    return _POSSESSIVE_RE.sub("", text)


def _drop_combining(m: re.Match[str]) -> str:
    ch = m.group()
    return "" if unicodedata.combining(ch) else ch


def content_tokens(text: str) -> list[str]:
    """Lowercase content words in order: processed, no stop words or 1-char tokens."""
    return [
        w for w in utils.default_process(_fold(text)).split() if len(w) > 1 and w not in _STOP_WORDS
    ]


def marks(title: str) -> frozenset[str]:
    """Numbers and weekdays of a title: different ones mean a different instalment.

    Number words count as their digits, so "Two killed" and "2 dead" agree while
    "day one" and "day two" do not.
    """
    marks = {re.sub(r"[.,]", "", m) for m in _MARK_NUMBER_RE.findall(title)}
    for w in utils.default_process(title).split():
        if w in _WEEKDAYS:
            marks.add(w)
        elif w in _NUMBER_WORDS:
            marks.add(_NUMBER_WORDS[w])
    return frozenset(marks)


def normalize_url(url: str | None) -> str | None:
    """Normalise a story link for exact matching.

    Lowercases scheme and host, ignores http vs https, a leading ``www.`` and
    default ports, drops fragments, ``utm_*`` and other tracking parameters,
    sorts the remaining query and removes trailing slashes.

    Args:
        url: A link, or None.

    Returns:
        A comparable key, or None when ``url`` has no scheme and host.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not parts.scheme or not host:
        return None
    host = host.removeprefix("www.")
    scheme = parts.scheme.lower()
    if port is not None and not (scheme in ("http", "https") and port in (80, 443)):
        host = f"{host}:{port}"
    if scheme in ("http", "https"):
        scheme = "http"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    query.sort()
    return f"{scheme}://{host}{path}" + (f"?{urlencode(query)}" if query else "")


def guid_key(guid: str | None) -> str | None:
    # Short or purely numeric guids ("1", "12345") collide across feeds.
    if not guid:
        return None
    guid = guid.strip()
    if len(guid) < 8 or guid.isdigit():
        return None
    return guid


def name_tokens(text: str) -> frozenset[str]:
    """Content words of the capitalised words of ``text`` (names, places, acronyms)."""
    return frozenset(content_tokens(" ".join(_NAME_RE.findall(text))))


def _rates(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in text.split():
        word, _, permille = item.rpartition(":")
        out[word] = int(permille) / 1000.0
    return out


# word:per-mille of stories holding it. Built by counting content_tokens of
# title + lead (first 500 chars) over conflict_feeds_rumca_2022, which no
# quality bench scores; only words in >= 0.4% of stories.
BACKGROUND_RATE = _rates(
    """
    ukraine:409 russia:227 russian:224 invasion:166 conflict:105 ukrainian:99 war:93
    world:93 kyiv:93 people:80 putin:80 forces:73 uk:67 cnn:67 country:61 president:58
    city:51 us:51 one:48 day:45 bbc:45 sanctions:45 military:45 first:45 troops:45
    capital:45 vladimir:42 many:42 show:42 year:42 two:38 ukrainians:38 shows:38
    media:38 like:38 saturday:38 west:35 go:35 football:35 fight:35 moscow:32 streets:32
    days:32 home:32 star:32 2022:32 cup:32 fighting:32 back:29 social:29 set:29 covid:29
    british:29 time:29 continues:29 residents:29 chelsea:29 support:26 near:26 play:26
    despite:26 major:26 england:26 help:26 win:26 hit:26 face:26 last:26 final:26
    women:26 sunday:26 life:26 high:26 years:26 arms:26 around:26 western:26 attack:22
    invaded:22 launched:22 crisis:22 assault:22 cities:22 explosions:22 week:22 oil:22
    government:22 ban:22 continue:22 flee:22 million:22 thousands:22 nuclear:22 look:22
    eu:22 future:19 full:19 know:19 need:19 tell:19 much:19 change:19 national:19
    number:19 britain:19 take:19 led:19 poland:19 police:19 made:19 night:19
    including:19 used:19 see:19 united:19 system:19 former:19 still:19 record:19
    nations:19 border:19 alex:19 officials:19 financial:19 kharkiv:19 monday:19
    countries:16 began:16 fear:16 pictures:16 violence:16 john:16 images:16 past:16
    may:16 defend:16 papers:16 state:16 europe:16 man:16 game:16 work:16 next:16 far:16
    10:16 strikes:16 call:16 five:16 free:16 liverpool:16 carabao:16 team:16 behind:16
    children:16 hundreds:16 stars:16 seen:16 friday:16 place:16 civilian:16 minister:16
    due:16 fleeing:16 since:16 heavy:16 taking:16 alert:16 front:13 guide:13 scale:13
    anger:13 three:13 talks:13 find:13 cold:13 videos:13 fears:13 special:13 heard:13
    cut:13 eastern:13 correspondent:13 comes:13 moves:13 climate:13 banks:13 save:13
    rise:13 plans:13 air:13 tv:13 getting:13 foreign:13 huge:13 soon:13 mother:13 old:13
    family:13 child:13 tank:13 force:13 attempt:13 boss:13 missile:13 champions:13
    league:13 move:13 airspace:13 decision:13 response:13 nation:13 following:13
    warns:13 manager:13 preparing:13 side:13 nearly:13 millions:13 opens:13 19:13
    soldiers:13 historic:13 ever:13 volunteers:13 way:13 house:13 fall:13 biden:13
    announced:13 long:13 ground:13 impact:13 wife:13 well:13 000:13 moment:13 flights:13
    morning:13 early:13 roman:13 official:13 defiant:13 citizens:13 often:13
    political:13 second:13 speaks:13 scenes:13 stand:13 across:13 meets:13 open:13
    battle:13 tiktok:13 leaving:13 dramatic:13 awards:13 looks:13 hold:13 almost:13
    run:13 bridge:13 bielsa:13 marcelo:13 leeds:13 resistance:13 expected:13 isn:13
    white:13 river:13 global:13 reach:13 fashion:13 became:10 weeks:10 death:10 done:10
    think:10 shock:10 targets:10 attacks:10 missiles:10 fire:10 footage:10 might:10
    closely:10 paying:10 italy:10 bloody:10 secretary:10 lead:10 defence:10 pre:10
    announces:10 thought:10 visits:10 given:10 orders:10 block:10 key:10
    """
)
