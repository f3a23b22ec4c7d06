"""Saved news pages -> stories: reading, decoding and segmenting seed files.

The user keeps pages saved from news sites (``seeds/*.txt``, also ``.md`` and
``.html``). A saved page is not one story: it holds a live blog's entries, an
article's sections, related-article teasers, and the site's chrome (share
buttons, app-store prompts, comment boxes, copyright lines). This package owns
the three steps from such a file to :class:`~app.models.ParsedStory` values:

* :func:`read_source_file` reads a local file defensively (regular files only,
  never blocks, size judged before reading, a file being written is left for
  the next run): rows L2-L5 and L7 of RELIABILITY.md.
* :func:`decode_bytes` turns bytes into text through a fallback chain (BOMs,
  UTF-8, cp1251, cp1252, latin-1) and rejects binary data: row L1-L2.
* :func:`segment_page` cuts the text into stories with heuristics that look at
  the *shape* of lines (a short unpunctuated line followed by a paragraph is a
  headline) and at what is around them, never at particular sites' strings.

Reading is the only I/O; decoding and segmenting are pure and deterministic
(same input, same output: no set iteration decides anything), so the refresh
pipeline can run them in a worker thread and the tests can pin their output.

Modules, in pipeline order: :mod:`.reading`, :mod:`.decoding`, then for
segmenting :mod:`.shapes` (what a line looks like), :mod:`.boilerplate` (web
chrome), :mod:`.dates`, :mod:`.lines` (classification), :mod:`.vocabulary`,
:mod:`.assembly` (lines -> drafts), :mod:`.topics` (lost headlines) and
:mod:`.segment` (the entry point). Only the names below are public.
"""

from __future__ import annotations

# ``os`` stays reachable as ``app.seeds.os``: tests patch the reader's system
# calls through it (the redundant alias marks it as a deliberate re-export).
import os as os

from app.seeds.decoding import decode_bytes
from app.seeds.reading import MAX_SOURCE_BYTES, read_source_file
from app.seeds.segment import BODY_MAX_CHARS, SUMMARY_MAX_CHARS, TITLE_MAX_CHARS, segment_page

__all__ = [
    "BODY_MAX_CHARS",
    "MAX_SOURCE_BYTES",
    "SUMMARY_MAX_CHARS",
    "TITLE_MAX_CHARS",
    "decode_bytes",
    "read_source_file",
    "segment_page",
]
