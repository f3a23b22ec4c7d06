"""segment_page(): a saved page's text -> :class:`~app.models.ParsedStory` values.

Owns the public entry point that runs the passes in order (markup to lines,
:mod:`.lines`, :mod:`.assembly`, :mod:`.topics`) and the last step that caps
and cleans each story's fields. Pure and deterministic.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.models import ParsedStory
from app.seeds.assembly import Draft, Segmenter
from app.seeds.lines import Kind, classify, mark_context, mark_crumbs
from app.seeds.outlets import page_clues
from app.seeds.topics import derived_title, split_topic_shifts
from app.seeds.vocabulary import Vocabulary
from app.text import TextLine, clean_line, clean_text, html_lines, markdown_lines, plain_lines

__all__ = ["BODY_MAX_CHARS", "SUMMARY_MAX_CHARS", "TITLE_MAX_CHARS", "segment_page"]

TITLE_MAX_CHARS = 1000
SUMMARY_MAX_CHARS = 4096
BODY_MAX_CHARS = 256 * 1024


def _source_lines(text: str, suffix: str) -> list[TextLine]:
    kind = suffix.casefold().lstrip(".")
    if kind in {"md", "markdown"}:
        return markdown_lines(text)
    if kind in {"html", "htm", "xhtml"}:
        return html_lines(text)
    return plain_lines(text)


def segment_page(
    text: str, *, name: str, mtime: datetime, suffix: str = ".txt"
) -> list[ParsedStory]:
    """Cut a saved page into stories.

    How a page is read:

    * Lines are classified by shape. Chrome is dropped (share/comment widgets,
      view counters, "3 min read", breadcrumbs, app-store prompts, copyright
      lines, image URL fragments, photo credits, promo links such as
      "Watch | ..."); some chrome ("Related Articles", "Comments", "Read the
      full article here", app prompts) also closes the story above it, so
      text under it joins no story until a new headline starts one (such
      chrome right under a headline, before any paragraph, closes nothing).
    * A headline is a short line (3-30 words), capitalised, not ending like a
      sentence, not a continuation of a broken line, followed - past meta rows
      and repeats of itself - by a paragraph. A headline followed by another
      headline or by chrome is a related link or teaser and is dropped; a
      "<headline> | <site>" page title directly above the same headline is
      folded into it (the site becomes the outlet), and a longer line on the
      same subject directly under a headline is its standfirst.
    * Meta rows: relative times ("a day ago", "time21 minutes ago", "Last
      update: 3 days ago", "Yahooa day ago" with the outlet glued on) resolve
      against ``mtime`` (``published_estimated=True``); date lines ("Feb 27,
      2026 6:40 pm", "27.02.2026. 06:20h") are taken as stated (estimated
      unless a zone is given); a short capitalised line just above a time is
      the outlet; "Author: X" / "By X" is the author; "Source: x" names the
      outlet of its story, or of every story when it sits at the page's edge.
      A story with no time gets ``mtime``, flagged as an estimate.
    * A story whose rows name no outlet takes the one the page names, if any:
      the site of a "<headline> | <site>" page title, a site name its markup
      states (``og:site_name``, JSON-LD publisher, a "site_name:" row), the
      holder of a copyright line below the last story ("2025 © Prices.com
      LLC. All Rights Reserved." -> "Prices.com") or the page's own host
      (canonical URL, a "URL:" row, a Markdown home link): see
      :mod:`app.seeds.outlets`. Otherwise ``outlet`` is None.
    * Repeats collapse: a headline repeated before its body, and any paragraph
      seen before on the page (a page saved twice over is one story).
    * Lost headlines. Text before the first headline is a story whose
      headline was lost in the saving. On a multi-story page (two headlines
      or more: a live blog, a round-up) a paragraph that clearly opens a new
      entry is split off the same way - seed 000's "Ukraine has confirmed its
      withdrawal ... Kursk" entry runs on under the Trump-Putin entry's
      headline - by a lexical test (see :func:`~app.seeds.topics.split_topic_shifts`) tuned to
      miss rather than cut an article in two; single-story pages are never
      split. Such a story's title is its lead's first sentence, final period
      dropped (cut at a word to 160 characters when the sentence passes 200).
    * Stories with less than 80 characters of paragraphs are dropped.

    ``.md`` and ``.html`` pages are converted to lines first (headings,
    bullets and link-only lines keep their meaning); offsets always index
    ``text`` as given.

    Args:
        text: The decoded page (``\\n`` line ends, as :func:`decode_bytes` gives).
        name: The file name, for provenance in future messages.
        mtime: The file's modification time: "3 days ago" is counted from it.
            A naive value is taken as UTC.
        suffix: The file's suffix, choosing the converter (``.txt``, ``.md``,
            ``.html``).

    Returns:
        The stories in page order. ``summary`` is the lead paragraph, ``body``
        every paragraph joined by blank lines, ``offset`` the ``[start, end)``
        span of the story (headline to last line) in ``text``.
    """
    del name  # part of the signature for callers' symmetry; nothing to report yet
    if mtime.tzinfo is None:
        mtime = mtime.replace(tzinfo=UTC)
    mtime = mtime.astimezone(UTC)
    lines = [classify(line, mtime) for line in _source_lines(text, suffix)]
    mark_crumbs(lines)
    mark_context(lines)
    vocabulary = Vocabulary()
    for line in lines:
        if line.kind in {Kind.PARA, Kind.HEAD}:
            vocabulary.add(line.text)
    drafts = Segmenter(lines, clues=page_clues(text, suffix)).run()
    drafts = split_topic_shifts(drafts, vocabulary)
    return [_finish(draft, mtime) for draft in drafts if draft.has_body()]


def _finish(draft: Draft, mtime: datetime) -> ParsedStory:
    paragraphs = [p.text for p in draft.paras]
    lead = next(p.text for p in draft.paras if p.kind is Kind.PARA)
    title = draft.title if draft.title is not None else derived_title(lead)
    when, estimated = (draft.when, draft.estimated) if draft.when else (mtime, True)
    return ParsedStory(
        title=clean_line(title, max_len=TITLE_MAX_CHARS),
        summary=clean_text(lead, max_len=SUMMARY_MAX_CHARS),
        body=clean_text("\n\n".join(paragraphs), max_len=BODY_MAX_CHARS),
        author=clean_line(draft.author, max_len=200) if draft.author else None,
        outlet=clean_line(draft.outlet, max_len=200) if draft.outlet else None,
        published=when,
        published_estimated=estimated,
        offset=(draft.start, draft.end),
    )
