"""A misbehaving HTTP server on 127.0.0.1, for driving the real pipeline into faults.

It runs an asyncio loop in a daemon thread, so synchronous code (``run_refresh``,
a ``frontline`` subprocess) and async tests can both point feeds at it. Every
route is a *behaviour*: an async function that gets the parsed request and the
raw stream writer and may do anything a broken server does (drip, hang, lie
about the length, send a bomb, send no HTTP at all).

Bounded by construction:

* it listens on 127.0.0.1 only, on a port the kernel picks;
* each connection is cut after ``conn_timeout`` seconds;
* the whole server stops itself after ``lifetime`` seconds, even if a test
  forgets it (and ``with FaultServer() as srv:`` stops it at once).

Usage::

    with FaultServer() as srv:
        srv.route("/feed", respond(body=RSS))
        srv.route("/slow", drip(interval=0.2))
        url = srv.url("/slow")
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import ssl
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

__all__ = [
    "Behaviour",
    "FaultServer",
    "Request",
    "bomb",
    "closed_port",
    "counter_feed",
    "declared_length",
    "drip",
    "endless_chunked",
    "hang",
    "make_tls_context",
    "raw",
    "redirect",
    "respond",
    "sequence",
]

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    """What the server saw of one request."""

    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


Behaviour = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


class FaultServer:
    """An HTTP(S) server on 127.0.0.1 whose routes misbehave on request.

    Args:
        lifetime: Seconds after which the server stops by itself.
        conn_timeout: Seconds after which any one connection is closed.
        tls: A server-side SSL context (HTTPS), or None for plain HTTP.
    """

    def __init__(
        self,
        *,
        lifetime: float = 180.0,
        conn_timeout: float = 60.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.lifetime = lifetime
        self.conn_timeout = conn_timeout
        self.tls = tls
        self.port = 0
        self.requests: list[Request] = []
        self._routes: dict[str, Behaviour] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="faultserver", daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._stopped = False

    # ----------------------------------------------------------------- control
    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault server did not start")

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._loop.is_running():
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._thread.join(10)

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, behaviour: Behaviour) -> None:
        """Serve ``path`` (exact match, query ignored) with ``behaviour``."""
        with self._lock:
            self._routes[path] = behaviour

    def hits(self, path: str | None = None) -> list[Request]:
        """Requests seen so far (for one path, or all)."""
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    # ----------------------------------------------------------------- loop
    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        # TLS handshakes that the client refuses are expected: keep them quiet.
        self._loop.set_exception_handler(lambda loop, context: None)
        self._loop.run_until_complete(self._start())
        self._loop.call_later(self.lifetime, lambda: self._loop.create_task(self._shutdown()))
        try:
            self._loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(
            self._guarded, "127.0.0.1", 0, ssl=self.tls, limit=256 * 1024
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._ready.set()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        self._loop.stop()

    async def _guarded(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await asyncio.wait_for(self._handle(reader, writer), self.conn_timeout)
        except (OSError, TimeoutError, ssl.SSLError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = [*lines[0].split(" ", 2), "", ""][:3]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        path = target.split("?", 1)[0]
        request = Request(method, path, headers)
        with self._lock:
            self.requests.append(request)
            behaviour = self._routes.get(path)
        if behaviour is None:
            behaviour = respond(404, b"no such route")
        await behaviour(request, writer)
        with contextlib.suppress(OSError):
            await writer.drain()


# --------------------------------------------------------------------------- behaviours


def _head(status: int, headers: dict[str, str], reason: str | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason or 'Status'}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    content_type: str | None = "application/rss+xml",
) -> Behaviour:
    """A well-formed response with a Content-Length; the connection closes after it."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        hdrs = {"Content-Length": str(len(body)), "Connection": "close"}
        if content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        writer.write(_head(status, hdrs) + (b"" if request.method == "HEAD" else body))
        await writer.drain()

    return behaviour


def redirect(location: str, status: int = 302) -> Behaviour:
    return respond(status, b"", {"Location": location}, content_type=None)


def hang() -> Behaviour:
    """Read the request, then say nothing until the connection is cut."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    return behaviour


def drip(interval: float = 1.0, piece: bytes = b" ") -> Behaviour:
    """A 200 whose body arrives one byte per ``interval``, forever."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(_head(200, {"Content-Type": "application/rss+xml", "Connection": "close"}))
        writer.write(b"<?xml version='1.0'?>")
        while True:
            await writer.drain()
            await asyncio.sleep(interval)
            writer.write(piece)

    return behaviour


def declared_length(length: int = 500_000_000, prefix: bytes = b"<rss>") -> Behaviour:
    """Claim a huge Content-Length, send a few bytes, then wait."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        hdrs = {"Content-Type": "application/rss+xml", "Content-Length": str(length)}
        writer.write(_head(200, hdrs) + prefix)
        await writer.drain()
        await asyncio.sleep(3600)

    return behaviour


def endless_chunked(chunk: int = 64 * 1024) -> Behaviour:
    """A chunked body with no length that never ends (the client must stop it)."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        hdrs = {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"}
        writer.write(_head(200, hdrs))
        block = b"<rss>" + b"x" * (chunk - 5)
        frame = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        while True:
            writer.write(frame)
            await writer.drain()

    return behaviour


def raw(data: bytes, *, then_hang: bool = False) -> Behaviour:
    """Send these exact bytes (not necessarily HTTP), then close or hang."""

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        await writer.drain()
        if then_hang:
            await asyncio.sleep(3600)

    return behaviour


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The n-th request gets the n-th behaviour (the last one repeats)."""
    calls = [0]

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        index = min(calls[0], len(behaviours) - 1)
        calls[0] += 1
        await behaviours[index](request, writer)

    return behaviour


def counter_feed(name: str, *, per_request: int = 1) -> Behaviour:
    """An RSS feed that gains ``per_request`` new items on every request."""
    calls = [0]

    async def behaviour(request: Request, writer: asyncio.StreamWriter) -> None:
        calls[0] += 1
        items = "".join(
            f"<item><title>{name} dispatch number {n} on the talks</title>"
            f"<guid>{name}-{n}</guid><link>https://{name}.example/{n}</link>"
            f"<pubDate>Mon, 01 Dec 2025 {n % 24:02d}:00:00 GMT</pubDate></item>"
            for n in range(calls[0] * per_request)
        )
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{name}</title>{items}</channel></rss>"
        ).encode()
        await respond(200, body)(request, writer)

    return behaviour


@functools.cache
def _zeros_gzip(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31, 9, zlib.Z_RLE)
    block = bytes(MiB)
    return b"".join(packer.compress(block) for _ in range(size // MiB)) + packer.flush()


@functools.cache
def bomb(kind: str = "gzip", size: int = 200 * MiB) -> tuple[bytes, str]:
    """``size`` zero bytes, compressed: ``(body, Content-Encoding)``.

    Kinds: ``gzip``, ``deflate`` (zlib wrapper), ``deflate-raw``,
    ``gzip-gzip`` (compressed twice), ``br`` (sent but never decodable here).
    All are built from one gzip stream, so the cost is paid once.
    """
    gz = _zeros_gzip(size)
    deflated = gz[10:-8]  # a gzip member is header + raw deflate + trailer
    if kind == "gzip":
        return gz, "gzip"
    if kind == "deflate-raw":
        return deflated, "deflate"
    if kind == "deflate":
        adler = 1
        block = bytes(MiB)
        for _ in range(size // MiB):
            adler = zlib.adler32(block, adler)
        return b"\x78\xda" + deflated + adler.to_bytes(4, "big"), "deflate"
    if kind == "gzip-gzip":
        return gzip.compress(gz), "gzip, gzip"
    if kind == "br":
        return b"\x1b\xff\xff" + bytes(64), "br"
    raise ValueError(kind)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_tls_context(directory: str) -> ssl.SSLContext | None:
    """A server context with a fresh self-signed certificate, or None.

    Uses the ``cryptography`` package when installed, else the ``openssl``
    command; None when neither is available.
    """
    import shutil
    import subprocess
    from pathlib import Path

    key, cert = Path(directory) / "key.pem", Path(directory) / "cert.pem"
    try:
        _cert_with_cryptography(key, cert)
    except ImportError:
        if shutil.which("openssl") is None:
            return None
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def _cert_with_cryptography(key_path: object, cert_path: object) -> None:
    import datetime as dt
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    Path(str(key_path)).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    Path(str(cert_path)).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
