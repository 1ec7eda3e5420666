"""Simulated browser students: WebSocket clients that join a classroom's web page and play
(tests, bench). They speak the page's protocol (`web.protocol`) exactly as app.js does."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

MARKER = "The class clock is at"
PIN_RE = re.compile(r"Your PIN is (\d{4})")


def flatten(msg: dict[str, Any]) -> str:
    """The words a message shows, as lines (what a test looks for)."""
    t = msg.get("t")
    if t == "out":
        lines: list[str] = []
        for item in msg.get("items", []):
            kind = item.get("type")
            if kind == "Notice":
                lines.append(item.get("text", ""))
                lines += item.get("hints", [])
            elif kind == "Info":
                lines.append(item.get("title", ""))
                lines += item.get("lines", [])
            elif kind == "Screen":
                v = item.get("view") or {}
                turn = item.get("turn") or {}
                if turn.get("result"):
                    lines.append(turn["result"])
                lines += [n.get("text", "") for n in turn.get("narrations", [])]
                lines += [v.get("title", ""), v.get("text", "")]
                lines += [f"{c['number']}. {c['label']}" for c in v.get("choices", [])]
                if v.get("ending"):
                    lines.append("THE END: " + v["ending"].get("title", ""))
            elif "text" in item:
                lines.append(str(item["text"]))
        return "\n".join(lines) + "\n"
    if t == "ask":
        return " ".join([msg.get("title", ""), msg.get("prompt", "")] +
                        [o.get("label", "") for o in msg.get("options", [])]) + "\n"
    if t in ("bye", "error"):
        return str(msg.get("text", "")) + "\n"
    if t == "login":
        return "LOGIN " + str(msg.get("error", "") or msg.get("note", "")) + "\n"
    return ""


@dataclass
class WebSimStudent:
    """One simulated browser: connect, log in, answer the questions, act, read."""

    name: str
    role_number: int
    url: str = "http://127.0.0.1:8080"
    code: str = ""
    faction: int | None = None
    origin: str | None = None             # None: send none (a program, not a browser)
    seen: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    token: str | None = None
    pin: str = ""
    gone: bool = False
    session: aiohttp.ClientSession | None = None
    ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, seat: str | None = None, timeout: float = 30) -> None:
        """Open the socket and say hello (with a kept seat token, if any)."""
        self._new = asyncio.Event()
        self.gone = False
        if self.session is None:
            self.session = aiohttp.ClientSession()
        headers = {"Origin": self.origin} if self.origin else {}
        self.ws = await asyncio.wait_for(self.session.ws_connect(
            self.url.rstrip("/") + "/ws", headers=headers, ssl=False, autoping=True), timeout)
        self._reader = asyncio.create_task(self._read())
        await self.expect_message("hello")
        await self.send_json({"t": "hello", "seat": seat})

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for msg in self.ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                data = json.loads(msg.data)
                self.messages.append(data)
                self.seen += flatten(data)
                if data.get("t") == "seat":
                    self.token = data.get("token")
                self._new.set()
        except (aiohttp.ClientError, ConnectionError):
            pass
        finally:
            self.gone = True
            self._new.set()

    async def send_json(self, msg: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps(msg))

    def send(self, line: str) -> None:
        assert self.ws is not None
        asyncio.ensure_future(self.ws.send_str(json.dumps({"t": "line", "text": line})))

    async def _wait(self, found: Any, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            self._new.clear()
            got = found()
            if got is not None:
                return got
            if self.gone:
                raise EOFError(f"{self.name}: the connection closed before {what}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {what} in {self.seen[-600:]!r}")
            try:
                await asyncio.wait_for(self._new.wait(), min(left, 1.0))
            except TimeoutError:
                pass

    async def expect(self, needle: str | re.Pattern[str], start: int = 0,
                     timeout: float = 30) -> Any:
        """Wait until `needle` appears in the words seen after `start`."""
        def found() -> Any:
            if isinstance(needle, str):
                i = self.seen.find(needle, start)
                return i if i >= 0 else None
            return needle.search(self.seen, start)
        return await self._wait(found, timeout, repr(needle))

    async def expect_message(self, t: str, start: int = 0, timeout: float = 30,
                             **fields: Any) -> dict[str, Any]:
        """Wait for a message of type `t` (index `start` on), with these fields."""
        def found() -> Any:
            for m in self.messages[start:]:
                if m.get("t") == t and all(m.get(k) == v for k, v in fields.items()):
                    return m
            return None
        got: dict[str, Any] = await self._wait(found, timeout, f"a {t!r} message")
        return got

    async def login(self, code: str | None = None, name: str | None = None) -> None:
        mark = len(self.messages)
        await self.expect_message("login")
        await self.send_json({"t": "login", "code": self.code if code is None else code,
                              "name": self.name if name is None else name})
        await self.expect_message("ask", mark)

    async def join(self) -> None:
        """From hello to a seat: the code, the name, a role (and faction); keep the PIN."""
        mark = len(self.messages)
        await self.login()
        ask = await self.expect_message("ask", mark, kind="role")
        mark = self.messages.index(ask) + 1
        self.send(str(self.role_number))
        while True:
            ask = await self.expect_message("ask", mark)
            mark = self.messages.index(ask) + 1
            if ask["kind"] == "faction":
                self.send("" if self.faction is None else str(self.faction))
                continue
            if ask["kind"] == "play":
                break
        m = await self.expect(PIN_RE)
        self.pin = m.group(1)
        await self.expect_message("seat")

    async def turn(self, line: str) -> float:
        """Send a command and wait until its answer has arrived; returns seconds."""
        mark = len(self.seen)
        t0 = time.perf_counter()
        self.send(line)
        self.send("time")
        await self.expect(MARKER, mark)
        dt = time.perf_counter() - t0
        self.latencies.append(dt)
        return dt

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            try:
                await asyncio.wait_for(self._reader, 5)
            except (TimeoutError, asyncio.CancelledError):
                pass
        if self.session is not None:
            await self.session.close()
            self.session = None


__all__ = ["MARKER", "WebSimStudent", "flatten"]
