"""app.text.clean_text's shortcuts (skip work on ASCII / NFC / control-free text)
must give exactly what the plain sequence of steps gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app import text as T


def reference(value: str, max_len: int | None, multiline: bool) -> str:
    """The step sequence clean_text ran before the shortcuts, kept verbatim."""
    text = value
    if max_len is not None and len(text) > max_len * 4 + 64:
        text = text[: max_len * 4 + 64]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = T._ESCAPE_SEQ_RE.sub("", text)
    text = text.replace("\t", " ")
    text = T.BANNED_CHARS_RE.sub("", text)
    text = T._TAGS_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = T.BANNED_CHARS_RE.sub("", text)
    text = T._STACKED_MARKS_RE.sub(r"\1", text)
    if multiline:
        text = "\n".join(T._HSPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
        text = T._MANY_NEWLINES_RE.sub("\n\n", text).strip()
    else:
        text = " ".join(text.split())
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "\u2026" if max_len >= 1 else ""
    return text


_PIECES = st.sampled_from(
    ["a", "Z", " ", "\t", "\n", "\r\n", "\x1b[31m", "\x1b]0;t\x07", "\x9b2J", "\x00", "\x7f",
     "\u200b", "\u202e", "\U000e0041", "e\u0301", "\u0301\u0302\u0303\u0304", "\u00e9",
     "\u2028", "\ufeff", "\u00a0", "\u3000", "\ud800", "\uac00\u11a8", "\u212b"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=20).map("".join)),
    st.one_of(st.none(), st.integers(0, 30)),
    st.booleans(),
)
def test_clean_text_matches_reference(value: str, max_len: int | None, multiline: bool) -> None:
    assert T.clean_text(value, max_len=max_len, multiline=multiline) == reference(
        value, max_len, multiline
    )
