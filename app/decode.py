"""Bounded decoding of HTTP content codings (gzip, deflate) for the fetcher.

httpx would inflate a ``Content-Encoding: gzip`` body for us, but in one go:
``zlib.decompressobj().decompress(data)`` turns a 64 KB network chunk of a
compression bomb into 64 MB at once. Here every step yields at most
:data:`STEP` decoded bytes, so the caller (:mod:`app.fetch`) can count the
*decoded* size against its cap and stop a 200 MiB bomb after ~10 MiB of work.

Supported: ``gzip``/``x-gzip`` (several members too), ``deflate`` (zlib or,
as many servers send it, raw), ``identity``, and stacks of them up to
:data:`MAX_ENCODINGS` deep (``gzip, gzip``). Anything else is refused: the
client never advertises it (``br`` would need a third-party package).

Pure: no I/O.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

__all__ = ["MAX_ENCODINGS", "STEP", "ContentDecoder", "DecodingFailed"]

#: Decoded bytes per decompression step.
STEP = 64 * 1024
#: Longest stack of content codings accepted.
MAX_ENCODINGS = 3
_SUPPORTED = frozenset({"gzip", "x-gzip", "deflate"})


class DecodingFailed(Exception):
    """The body cannot be decoded; ``str(exc)`` is a one-line reason."""


class _ZlibStep:
    """One gzip or deflate layer, decoding in steps of at most ``STEP`` bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.gzip = name in ("gzip", "x-gzip")
        self._obj = zlib.decompressobj(self._wbits(raw=False))
        self._started = False

    def _wbits(self, *, raw: bool) -> int:
        if self.gzip:
            return 16 + zlib.MAX_WBITS
        return -zlib.MAX_WBITS if raw else zlib.MAX_WBITS

    def feed(self, data: bytes) -> Iterator[bytes]:
        buf = data
        while True:
            if self._obj.eof:
                # Another gzip member may follow; anything else is trailing junk.
                if not buf or not self.gzip or not buf.strip(b"\x00"):
                    return
                self._obj = zlib.decompressobj(self._wbits(raw=False))
            try:
                out = self._obj.decompress(buf, STEP)
            except zlib.error as exc:
                if not self._started and not self.gzip:
                    # "deflate" is often sent raw, without the zlib header.
                    self._started = True
                    self._obj = zlib.decompressobj(self._wbits(raw=True))
                    continue
                raise DecodingFailed(f"bad {self.name} data: {exc}") from exc
            self._started = True
            if out:
                yield out
            if self._obj.eof:
                buf = self._obj.unused_data
                continue
            buf = self._obj.unconsumed_tail
            # A full step may leave output inside zlib: go round again to drain it.
            if not buf and len(out) < STEP:
                return

    def flush(self) -> Iterator[bytes]:
        while not self._obj.eof:
            out = self._obj.decompress(b"", STEP)
            if not out:
                return
            yield out


class ContentDecoder:
    """Decode a body sent with a ``Content-Encoding``, in bounded pieces.

    Feed it the raw bytes as they arrive and count what comes out; nothing is
    buffered beyond one step per layer.

    Args:
        content_encoding: The header value (``"gzip"``, ``"gzip, gzip"``,
            ``None``); codings are listed in the order they were applied.

    Raises:
        DecodingFailed: An unsupported coding, or too many of them.
    """

    def __init__(self, content_encoding: str | None) -> None:
        names = [p.strip().lower() for p in (content_encoding or "").split(",") if p.strip()]
        names = [n for n in names if n != "identity"]
        if len(names) > MAX_ENCODINGS:
            raise DecodingFailed(f"too many content encodings ({len(names)})")
        for name in names:
            if name not in _SUPPORTED:
                shown = "".join(ch for ch in name[:20] if ch.isprintable())
                raise DecodingFailed(f"unsupported Content-Encoding: {shown}")
        # The last coding applied is the first to undo.
        self._layers = [_ZlibStep(name) for name in reversed(names)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces (each at most ``STEP`` bytes) for the next raw bytes.

        Raises:
            DecodingFailed: The data is not valid for its coding.
        """
        yield from self._pipe(0, data)

    def flush(self) -> Iterator[bytes]:
        """What the layers still hold once the raw stream has ended."""
        for index, layer in enumerate(self._layers):
            for piece in layer.flush():
                yield from self._pipe(index + 1, piece)

    def _pipe(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._pipe(index + 1, piece)
