"""Link safety: only plain http(s) URLs ever leave the desk.

Feed links are untrusted. Before a link goes to the browser or the clipboard
it must be an absolute ``http``/``https`` URL with a host, no credentials, no
whitespace or control characters, and must not look like a command-line
option. Everything else is refused with a reason the desk can show.
``webbrowser.open`` is called without a shell, from a worker thread (some
browsers block while they start).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

__all__ = ["MAX_URL", "check_url"]

MAX_URL = 4096


def check_url(url: str | None) -> tuple[str | None, str]:
    """Validate a link for opening or copying.

    Args:
        url: The link as stored, or None.

    Returns:
        ``(url, "")`` when it is safe, else ``(None, reason)``.
    """
    if not url:
        return None, "this story has no link"
    if len(url) > MAX_URL:
        return None, "link refused: too long"
    if url != url.strip() or any(
        ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in url
    ):
        return None, "link refused: it contains spaces or control characters"
    if url.startswith("-"):
        return None, "link refused: it looks like a command-line option"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None, "link refused: malformed URL"
    if parts.scheme.lower() not in ("http", "https"):
        scheme = parts.scheme.lower()[:20] or "no scheme"
        return None, f"link refused: only http and https links open ({scheme})"
    if not host:
        return None, "link refused: no host"
    if parts.username is not None or parts.password is not None:
        return None, "link refused: it carries credentials"
    return url, ""
