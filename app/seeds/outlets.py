"""Who published a saved page, when the page says so.

A story's outlet comes first from its own meta rows (an outlet over a
relative time, "Source: x", a "<headline> | <site>" page title: see
:mod:`.assembly`). When those say nothing, the page may still name its
publisher, and this module reads the ways it does:

* :func:`copyright_holder`: a footer line such as "2025 © Prices.com LLC.
  All Rights Reserved." or "© 2025 The Hill" names its holder ("Prices.com",
  "The Hill"); legal forms (LLC, Inc., Ltd) and years are dropped.
* :func:`page_clues`: what the page's own markup states. In HTML, the
  ``og:site_name``/``application-name`` meta tags, a JSON-LD ``publisher``,
  a copyright line in ``<footer>`` (which :func:`~app.text.html_lines` skips)
  and the canonical/``og:url`` host; in Markdown and text, a metadata block
  at the top ("URL: https://...", "Domain: ...", "site_name: ...") and, in
  Markdown, the host of the first link when it is the site's home page and
  most of the page's links point to the same site.

Everything here errs towards saying nothing: a wrong outlet is worse than
none (the refresh then shows the file's name). Names must look like names
(capitalised words or a domain, at most five words), a copyright line must
carry a year, "copyright" or "all rights reserved" and nothing but years
before its mark ("News © 2026" and "Photo © AP" name nobody), and hosts are
shown as found, only a ``www.``/``m.``/``amp.`` prefix removed (guessing a
"registered domain" without the public suffix list could be wrong). Pure and
linear in the page's size.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urlsplit

from app.seeds.shapes import is_outlet_name
from app.text import clean_line, html_lines

__all__ = ["PageClues", "copyright_holder", "host_name", "page_clues"]


@dataclass(frozen=True, slots=True)
class PageClues:
    """What a page's markup says about its publisher, strongest first."""

    #: A stated site name: ``og:site_name``, JSON-LD publisher, "site_name:" row.
    site_name: str | None = None
    #: The holder of a copyright line the lines never show (an HTML footer).
    footer_holder: str | None = None
    #: The page's own host: canonical URL, "URL:"/"Domain:" row, home link.
    host: str | None = None


# --- copyright lines ----------------------------------------------------------

_MARK_RE = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)
_YEARS = r"(?:19|20)\d{2}(?:\s*[-–—]\s*(?:(?:19|20)\d{2}|\d{2}))?"
_YEARS_ONLY_RE = re.compile(rf"(?:{_YEARS}[\s,]*)+")
_YEAR_RE = re.compile(rf"(?<!\d){_YEARS}(?!\d)")
_RESERVED_RE = re.compile(r"\ball\s+rights\s+reserved\b", re.IGNORECASE)
_COPYRIGHT_WORD_RE = re.compile(r"\bcopyright\b", re.IGNORECASE)
# What leads up to the holder: marks, years, "by".
_LEAD_RE = re.compile(rf"^(?:\s|,|-|{_YEARS}|©|\(c\)|copyright\b|by\b)*", re.IGNORECASE)
# What ends it: a footer link after a separator, a sentence end (not the
# dot of "St. Petersburg" or "U.S."), a legal form.
_SEPARATOR_RE = re.compile(r"\s[|·•]\s|(?<=\w{3})\.\s|;\s")
_LEGAL_RE = re.compile(
    r",?\s+(?:L\.?L\.?C|Inc|Ltd|Limited|Corp|Corporation|GmbH|AG|PLC|plc|LLP|L\.?P|S\.A"
    r"|S\.p\.A|B\.V|N\.V|Pty|S\.r\.l|SRL|d\.o\.o|OOO)(?!\w)\.?"
    r"|\s+(?:and|or|&)\s+its\s+\w+.*",
)
_TRAILING_YEARS_RE = re.compile(rf"[\s,]+{_YEARS}$")
_DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}", re.IGNORECASE)
_MAX_FOOTER_LINE = 300


def _plausible_name(name: str) -> bool:
    """A name worth showing as an outlet: capitalised words or a domain."""
    if len(name) > 60:
        return False
    if _DOMAIN_RE.fullmatch(name):
        return True
    return is_outlet_name(name.replace(" & ", " and "))


def copyright_holder(text: str) -> str | None:
    """The holder a copyright line names, if it is one.

    Args:
        text: One cleaned line ("2025 © Prices.com LLC. All Rights Reserved.").

    Returns:
        The holder without years and legal form ("Prices.com"), or None when
        the line is not a copyright notice (no year, "copyright" or "all
        rights reserved"; words before the mark, as in a photo credit "Photo ©
        AP") or names nothing that looks like a name.
    """
    if len(text) > _MAX_FOOTER_LINE:
        return None
    mark = _MARK_RE.search(text)
    if mark is None:
        return None
    head = text[: mark.start()].strip(" ,")
    if head and not _YEARS_ONLY_RE.fullmatch(head):
        return None
    if not (_YEAR_RE.search(text) or _RESERVED_RE.search(text) or _COPYRIGHT_WORD_RE.search(text)):
        return None
    rest = _RESERVED_RE.split(text[mark.start() :], maxsplit=1)[0]
    rest = _LEAD_RE.sub("", rest, count=1)
    rest = _SEPARATOR_RE.split(rest, maxsplit=1)[0]
    rest = _LEGAL_RE.split(rest, maxsplit=1)[0]
    name = _TRAILING_YEARS_RE.sub("", rest.strip(" ,;:-–—")).strip(" ,.;:-–—")
    if not name or not _plausible_name(name):
        return None
    return name


# --- hosts --------------------------------------------------------------------

_HOST_RE = re.compile(
    r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
# Prefixes that say how the page was served, not whose it is.
_SERVING_PREFIX_RE = re.compile(r"^(?:www\d?|m|mobile|amp)\.")
# Second-level labels under country codes ("co.uk", "com.au"): for comparing
# sites only, never for what is shown.
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go"})


def host_name(value: str) -> str | None:
    """The host a URL or bare host names, as an outlet label.

    Args:
        value: "https://www.dailysabah.com/world/..." or "www.dailysabah.com".

    Returns:
        The lower-cased host without a ``www.``/``m.``/``amp.`` prefix
        ("dailysabah.com"), or None for anything that is not an http(s) URL
        or a plain DNS name (IP addresses, ``localhost``, ``file:`` URLs).
    """
    value = value.strip().strip("<>\"'")
    if "://" in value:
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            return None
        if parts.scheme.casefold() not in {"http", "https"} or not host:
            return None
    else:
        host = value.split("/", 1)[0]
    host = host.casefold().rstrip(".")
    if not _HOST_RE.fullmatch(host):
        return None
    return _SERVING_PREFIX_RE.sub("", host)


def _site_key(host: str) -> str:
    """Last two labels of a host (three under "co.uk"-like suffixes): a vote key."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


# --- page markup --------------------------------------------------------------

#: How much of an HTML page is searched for head tags and JSON-LD.
_HTML_HEAD_CHARS = 1 << 20
_TAG_RE = re.compile(r"<(meta|link)\b([^<>]{0,2000})>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_PUBLISHER_RE = re.compile(r'"publisher"\s*:\s*\{[^{}]{0,1000}?"name"\s*:\s*"([^"\\]{1,100})"')
_FOOTER_OPEN_RE = re.compile(r"<footer\b[^<>]{0,1000}>", re.IGNORECASE)
_FOOTER_CLOSE_RE = re.compile(r"</footer\b", re.IGNORECASE)
_FOOTER_CHARS = 64 * 1024
_SITE_NAME_KEYS = frozenset({"og:site_name", "application-name"})


def _html_clues(text: str) -> PageClues:
    head = text[:_HTML_HEAD_CHARS]
    site_name: str | None = None
    host: str | None = None
    for tag in _TAG_RE.finditer(head):
        attrs = {
            m.group(1).casefold(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR_RE.finditer(tag.group(2))
        }
        if tag.group(1).casefold() == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").casefold()
            content = clean_line(attrs.get("content", ""), max_len=200)
            if key in _SITE_NAME_KEYS and site_name is None and _plausible_name(content):
                site_name = content
            elif key == "og:url" and host is None:
                host = host_name(content)
        elif "canonical" in attrs.get("rel", "").casefold().split() and host is None:
            host = host_name(attrs.get("href", ""))
    if site_name is None:
        publisher = _PUBLISHER_RE.search(head)
        if publisher is not None:
            name = clean_line(html.unescape(publisher.group(1)), max_len=200)
            site_name = name if _plausible_name(name) else None
    return PageClues(site_name=site_name, footer_holder=_footer_holder(text), host=host)


def _footer_holder(text: str) -> str | None:
    """The copyright holder named in the page's last ``<footer>``."""
    last: re.Match[str] | None = None
    for match in _FOOTER_OPEN_RE.finditer(text):
        last = match
    if last is None:
        return None
    close = _FOOTER_CLOSE_RE.search(text, last.end())
    inner = text[last.end() : close.start() if close else len(text)][:_FOOTER_CHARS]
    for line in html_lines(inner):
        holder = copyright_holder(clean_line(line.text, max_len=None))
        if holder is not None:
            return holder
    return None


# A metadata row at the top of a scraped or exported page: "- **URL**: ...",
# "Domain: ...", front matter "site_name: ...".
_META_ROW_RE = re.compile(
    r"\s{0,3}(?:[-*+]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z _:-]{0,24}?)(?:\*\*|__)?\s*:"
    r"(?:\*\*|__)?\s+(?P<value>\S.{0,500})"
)
_NAME_KEYS = frozenset({"site name", "sitename", "og:site name", "publisher"})
# A URL row names its host; a relative path ("url: /world/x") names nothing.
_HOST_KEYS = frozenset(
    {
        "url",
        "canonical",
        "canonical url",
        "source url",
        "original url",
        "permalink",
        "og:url",
        "domain",
        "host",
    }
)
#: The metadata block is looked for in this many lines at the top of a page.
_META_LINES = 40
#: A line this long that is not a metadata row is prose: the block is over.
_PROSE_CHARS = 120


def _metadata_clues(text: str) -> tuple[str | None, str | None]:
    """(site name, host) from a metadata block at the top of the page."""
    site_name: str | None = None
    host: str | None = None
    for raw in text.split("\n", _META_LINES)[:_META_LINES]:
        row = _META_ROW_RE.fullmatch(raw.rstrip())
        if row is None:
            if len(raw) >= _PROSE_CHARS:
                break
            continue
        key = " ".join(row["key"].casefold().replace("_", " ").replace("-", " ").split())
        value = clean_line(row["value"].strip().strip("\"'"), max_len=300)
        if key in _NAME_KEYS and site_name is None and _plausible_name(value):
            site_name = value
        elif key in _HOST_KEYS and host is None:
            host = host_name(value)
    return site_name, host


_MD_LINK_TARGET_RE = re.compile(
    r"\]\(\s*<?(https?://[^\s()<>]{1,2048})|<(https?://[^\s<>]{1,2048})>"
)
#: Links needed before the home-link test says anything.
_MIN_LINKS = 3
#: Links the vote counts: the first thousand are a fair sample of a page's.
_MAX_LINKS = 1000


def _markdown_home_host(text: str) -> str | None:
    """The host of a page's first link when it is clearly the page's own site.

    The first link must be a site's home page (a logo link: no path, no
    query) and more than half of the page's links (of its first thousand)
    must point to that site (its menus, tags and author pages). A page that
    opens by citing another site's article fails the first test; a page of
    links to many sites fails the second.
    """
    hosts: list[str] = []
    first_is_home = False
    for index, match in enumerate(islice(_MD_LINK_TARGET_RE.finditer(text), _MAX_LINKS)):
        url = match.group(1) or match.group(2)
        host = host_name(url)
        if index == 0:
            try:
                parts = urlsplit(url)
            except ValueError:
                return None
            first_is_home = host is not None and parts.path in {"", "/"} and not parts.query
            if not first_is_home:
                return None
        if host is not None:
            hosts.append(host)
    if not first_is_home or len(hosts) < _MIN_LINKS:
        return None
    votes = Counter(_site_key(h) for h in hosts)
    return hosts[0] if votes[_site_key(hosts[0])] * 2 > len(hosts) else None


def page_clues(text: str, suffix: str) -> PageClues:
    """Read what a page's own markup says about its publisher.

    Args:
        text: The decoded page.
        suffix: The file's suffix (``.html``, ``.md``, ``.txt``), choosing
            which markup is looked for.

    Returns:
        The clues found; fields are None where the page says nothing.
    """
    kind = suffix.casefold().lstrip(".")
    if kind in {"html", "htm", "xhtml"}:
        return _html_clues(text)
    site_name, host = _metadata_clues(text)
    if host is None and kind in {"md", "markdown"}:
        host = _markdown_home_host(text)
    return PageClues(site_name=site_name, host=host)
