"""The HTTP side of the browser front end, on aiohttp: the page's files from the package, the
headers every answer carries, and the checks every WebSocket passes.

- **Files**: a fixed list read from the package (`static/`), nothing else on the disk is ever
  served; no CDN, no fonts from elsewhere: the page works on a LAN with no internet.
- **Headers**: a Content-Security-Policy with no inline script or style and nothing from
  another origin; no framing; no referrer; no MIME sniffing.
- **Host**: a request must name this computer by an IP address, `localhost` or one of its own
  host names. A web page elsewhere that points its own name at this computer (DNS rebinding)
  is refused, so it cannot read the page or the projector through a browser on the LAN.
- **Origin**: a WebSocket opened by a browser must come from this page (a page on another site
  cannot open one in a student's or the teacher's name).
- **Size and rate**: a message longer than `max_size` closes the socket; messages past the
  rate limit are answered with an error and dropped, and a flood closes the socket.
- **TLS**, when the teacher has a certificate and key.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from . import protocol

STATIC = "static"
ASSETS: dict[str, tuple[str, str]] = {      # URL path -> (file, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
    "/projector": ("projector.html", "text/html; charset=utf-8"),
    "/projector.js": ("projector.js", "text/javascript; charset=utf-8"),
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
       "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cache-Control": "no-store",
}
MAX_MESSAGE = 4096          # bytes in one browser message (a typed line is at most 1,000)
RATE = (10.0, 30)           # messages: thirty at once, then ten a second
FLOOD = 200                 # messages refused in a row: then the socket is closed
HEARTBEAT = 20.0            # seconds between pings: a closed laptop is noticed in ~40 s

# aiohttp logs a browser that hangs up mid-request, a port scanner's garbage, ...: nothing a
# teacher can act on, so none of it reaches the console (our own handlers report real faults).
logging.getLogger("aiohttp").addHandler(logging.NullHandler())


def read_asset(name: str) -> bytes:
    """One of the page's files, from the installed package."""
    return resources.files(__package__).joinpath(STATIC, name).read_bytes()


def own_names() -> set[str]:
    """The names this computer answers to (besides IP addresses and localhost)."""
    names = {"localhost"}
    for n in (socket.gethostname(), socket.getfqdn()):
        n = n.lower().rstrip(".")
        if n:
            names |= {n, n.split(".")[0], n.split(".")[0] + ".local"}
    return names


_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def host_allowed(host: str | None, names: Iterable[str]) -> bool:
    """Whether a request's Host header names this computer (see the module's docstring)."""
    if not host:
        return False
    split = urlsplit("//" + host)
    try:
        name = (split.hostname or "").rstrip(".")
        split.port         # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    name = name.lower()
    if not _NAME.fullmatch(name):
        return False
    return name in names or name.endswith(".localhost")


def origin_allowed(request: web.Request) -> bool:
    """A browser's WebSocket must come from this very page: Origin names the Host asked for.
    No Origin at all is a program, not a browser (it needs the class code like anyone)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    split = urlsplit(origin)
    if split.scheme not in ("http", "https") or not split.netloc:
        return False
    want = "https" if request.secure else "http"
    return split.scheme == want and split.netloc.lower() == request.host.lower()


class Limit(Protocol):
    def wait(self) -> float: ...


@dataclass
class Bucket:
    """Messages per socket: `burst` at once, then `rate` a second (a token bucket)."""

    rate: float = RATE[0]
    burst: float = RATE[1]
    tokens: float = RATE[1]
    last: float = field(default_factory=lambda: asyncio.get_running_loop().time())

    def wait(self) -> float:
        now = asyncio.get_running_loop().time()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Socket:
    """One browser's WebSocket: JSON messages in (checked), JSON messages out (queued, so a
    browser that stops reading holds up nobody; past `backlog` it is cut off)."""

    def __init__(self, ws: web.WebSocketResponse, address: str, backlog: int = 500):
        self.ws = ws
        self.address = address
        self.backlog = backlog
        self.closed = False
        self._out: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message (from any task; never waits)."""
        if self.closed:
            return
        if self._out.qsize() >= self.backlog:
            self.cut_off()
            return
        self._out.put_nowait(protocol.encode(message))

    async def _write(self) -> None:
        while True:
            text = await self._out.get()
            if text is None:
                return
            # What queued meanwhile goes out now too (one wake-up for a burst of messages).
            batch = [text]
            while not self._out.empty():
                more = self._out.get_nowait()
                if more is None:
                    await self._send_all(batch)
                    return
                batch.append(more)
            if not await self._send_all(batch):
                return

    async def _send_all(self, batch: list[str]) -> bool:
        try:
            for text in batch:
                await self.ws.send_str(text)
        except (ConnectionError, RuntimeError, asyncio.CancelledError, OSError):
            self.closed = True
            return False
        return True

    def cut_off(self) -> None:
        self.closed = True
        self._writer.cancel()
        asyncio.ensure_future(self.ws.close(code=1008, message=b"too much queued"))

    async def messages(self, limit: Limit | None = None) -> AsyncIterator[dict[str, Any]]:
        """The browser's messages, decoded; refused ones are answered with an `error`."""
        refused = 0
        async for msg in self.ws:
            if msg.type != WSMsgType.TEXT:
                if msg.type == WSMsgType.BINARY:
                    self.send({"t": "error", "text": "Messages are JSON text."})
                    continue
                break
            if limit is not None and limit.wait() > 0:
                refused += 1
                if refused >= FLOOD:
                    await self.close(1008, "Too many messages.")
                    return
                self.send({"t": "error", "text": "One thing at a time: that was not read."})
                continue
            refused = 0
            decoded = protocol.decode(msg.data)
            if decoded is None:
                self.send({"t": "error", "text": "That message was not understood."})
                continue
            yield decoded

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Send what is queued (briefly), then close."""
        if not self.closed:
            self._out.put_nowait(None)
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), 2)
            except (TimeoutError, asyncio.CancelledError):
                self._writer.cancel()
        self.closed = True
        try:
            await self.ws.close(code=code, message=reason.encode()[:120])
        except (ConnectionError, RuntimeError, OSError):
            pass


async def open_socket(request: web.Request, max_size: int = MAX_MESSAGE
                      ) -> web.WebSocketResponse | web.Response:
    """Accept a WebSocket from this page, or refuse it (403) if it comes from elsewhere."""
    if not origin_allowed(request):
        return web.Response(status=403, text="This page may only be used from its own "
                            "address.\n")
    ws = web.WebSocketResponse(max_msg_size=max_size, heartbeat=HEARTBEAT, compress=False)
    await ws.prepare(request)
    return ws


def peer(request: web.Request) -> str:
    """The browser's network address (never a forwarded header: nothing proxies this)."""
    transport = request.transport
    info = transport.get_extra_info("peername") if transport is not None else None
    return str(info[0]) if info else "?"


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_app(names: Iterable[str] | None = None, client_max_size: int = 16 * 1024
             ) -> web.Application:
    """An application serving the page's files, with the headers and the Host check."""
    allowed = {n.lower() for n in (names if names is not None else own_names())}
    files = {path: (read_asset(name), ctype) for path, (name, ctype) in ASSETS.items()}

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not host_allowed(request.host, allowed):
            resp: web.StreamResponse = web.Response(
                status=421, text="Use this computer's address (as the teacher's screen shows "
                "it), not another name.\n")
        elif request.method not in ("GET", "HEAD"):
            resp = web.Response(status=405, text="Only GET.\n")
        else:
            try:
                resp = await handler(request)
            except web.HTTPException as e:
                resp = web.Response(status=e.status, text=e.reason + "\n")
        if not resp.prepared:
            resp.headers.update(HEADERS)
            if host_allowed(request.host, allowed):
                # 'self' covers the page's own WebSocket in current browsers; older Safari
                # (school iPads) needs it spelled out. The Host was checked just above.
                host = request.host
                resp.headers["Content-Security-Policy"] = CSP.replace(
                    "connect-src 'self'", f"connect-src 'self' ws://{host} wss://{host}")
        return resp

    app = web.Application(middlewares=[guard], client_max_size=client_max_size)

    def asset(body: bytes, ctype: str) -> Handler:
        async def serve(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, headers={"Content-Type": ctype})
        return serve

    for path, (body, ctype) in files.items():
        app.router.add_get(path, asset(body, ctype))
    return app


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server TLS context from a certificate (chain) and its key, both PEM files."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


@dataclass
class Served:
    """A running site: its runner and the port it listens on."""

    runner: web.AppRunner
    port: int
    secure: bool

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve(app: web.Application, host: str, port: int,
                tls: ssl.SSLContext | None = None) -> Served:
    """Listen on host:port (0: any free port). Raises OSError if the port cannot be had."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls, reuse_address=True)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1] if runner.addresses else port     # the port actually had
    return Served(runner, int(bound), tls is not None)


__all__ = ["ASSETS", "CSP", "HEADERS", "Bucket", "Served", "Socket", "host_allowed",
           "is_loopback", "make_app", "open_socket", "origin_allowed", "own_names", "peer",
           "read_asset", "serve", "tls_context"]
