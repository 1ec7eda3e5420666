"""Simulated students: asyncssh clients that join a classroom and play (load tests, bench).

Only for trying a server out; each one is a real SSH client with a terminal, so the whole path
(auth, prompt_toolkit, rendering, the journal) is exercised.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncssh

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\r")
MARKER = "The class clock is at"
TIME_RE = re.compile(r"It is (\d\d:\d\d),")
PIN_RE = re.compile(r"Your PIN is (\d{4})")


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)


@dataclass
class SimStudent:
    """One simulated student: connect, join, then act and read what comes back."""

    name: str
    role_number: int
    host: str = "127.0.0.1"
    port: int = 2222
    code: str = ""
    seen: str = ""
    mark: int = 0
    gone: bool = False                   # the connection has closed
    latencies: list[float] = field(default_factory=list)
    faction: int | None = None           # a delegate's faction, by number (None: Enter)
    pin: str = ""
    conn: asyncssh.SSHClientConnection | None = None
    proc: asyncssh.SSHClientProcess[str] | None = None

    async def connect(self, timeout: float = 30) -> None:
        self.mark = len(self.seen)          # what this connection shows starts here
        self._new = asyncio.Event()
        self.gone = False
        self.conn = await asyncio.wait_for(asyncssh.connect(
            self.host, self.port, username=self.name, password=self.code,
            known_hosts=None, client_keys=None, agent_path=None, preferred_auth="password",
            config=None), timeout)
        self.proc = await self.conn.create_process(term_type="xterm", term_size=(100, 40),
                                                   encoding="utf-8", errors="replace")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None
        try:
            while True:
                data = await self.proc.stdout.read(65536)
                if not data:
                    return
                self.seen += strip_ansi(data)
                self._new.set()
        except (asyncssh.Error, ConnectionError):
            return
        finally:
            self.gone = True
            self._new.set()

    async def expect(self, needle: str | re.Pattern[str], start: int = 0,
                     timeout: float = 30) -> re.Match[str] | int:
        """Wait until `needle` appears in what was seen after `start`."""
        deadline = time.monotonic() + timeout
        while True:
            self._new.clear()          # before looking: output arriving later wakes the wait
            if isinstance(needle, str):
                i = self.seen.find(needle, start)
                if i >= 0:
                    return i
            else:
                m = needle.search(self.seen, start)
                if m:
                    return m
            if self.gone:
                raise EOFError(f"{self.name}: the connection closed before {needle!r}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {needle!r} in {self.seen[start:][-600:]!r}")
            # Woken by new output (no polling: a poll's period would be in every latency).
            try:
                await asyncio.wait_for(self._new.wait(), min(left, 1.0))
            except TimeoutError:
                pass

    def send(self, line: str) -> None:
        assert self.proc is not None
        self.proc.stdin.write(line + "\r")

    async def join(self) -> None:
        """Answer the name, role (and faction) questions (the name comes from the SSH user);
        keep the rejoin PIN the server shows."""
        mark = self.mark
        await self.expect("nickname", mark)
        self.send("")
        await self.expect("Choose a role", mark)
        self.send(str(self.role_number))
        found = await self.expect(re.compile(r"You are |Choose your faction"), mark)
        assert isinstance(found, re.Match)
        if found.group(0).startswith("Choose"):
            self.send("" if self.faction is None else str(self.faction))
        m = await self.expect(PIN_RE, mark)
        assert isinstance(m, re.Match)
        self.pin = m.group(1)

    async def take_seat(self) -> None:
        """After `connect`: rejoin with the PIN if the class knows this name, else join."""
        found = await self.expect(re.compile(r"PIN for|nickname"), self.mark)
        assert isinstance(found, re.Match)
        if found.group(0) == "nickname":
            await self.join()
        else:
            await self.rejoin()

    async def rejoin(self) -> None:
        """Take the seat again with the PIN (after `connect`)."""
        mark = self.mark
        await self.expect("PIN for", mark)
        self.send(self.pin)
        await self.expect("Welcome back", mark)

    async def turn(self, line: str) -> float:
        """Send a command and wait until its answer has been printed; returns seconds."""
        mark = len(self.seen)
        t0 = time.perf_counter()
        self.send(line)
        self.send("time")
        await self.expect(MARKER, mark)
        dt = time.perf_counter() - t0
        self.latencies.append(dt)
        return dt

    async def clock(self) -> str | None:
        """The student's own time as the server tells them (`time`), or None before begun."""
        mark = len(self.seen)
        self.send("time")
        i = await self.expect(MARKER, mark)
        assert isinstance(i, int)
        found = TIME_RE.findall(self.seen, mark, i)
        return found[-1] if found else None

    async def play(self, seconds: float, rng: random.Random) -> None:
        """Act at random (choices, waits, looks, says) for `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pick = rng.random()
            if pick < 0.6:
                line = str(rng.randint(1, 4))
            elif pick < 0.8:
                line = "wait"
            elif pick < 0.9:
                line = "look"
            else:
                line = f"say hello from {self.name}"
            await self.turn(line)
            await asyncio.sleep(rng.uniform(0.05, 0.3))

    async def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            try:
                await asyncio.wait_for(self.conn.wait_closed(), 5)
            except (TimeoutError, asyncssh.Error, OSError):
                pass


class InProcessClass:
    """A classroom served from this event loop, for tests and benches: the hub, its listener
    (SSH or telnet), and the facilitator console with every line it printed."""

    def __init__(self, hub: Any, listener: Any, console: Any, lines: list[str]):
        self.hub, self.listener, self.console, self.lines = hub, listener, console, lines
        self.port = listener.port

    @classmethod
    async def start(cls, world: Any, folder: Any, code: str,
                    listen: Callable[[Any], Awaitable[Any]],
                    kind: str = "ssh") -> InProcessClass:
        """Create a session in `folder` and serve it with `listen(hub)` (e.g. start_ssh)."""
        from .console import FacilitatorConsole
        from .door import DoorLimits
        from .server import Classroom

        hub = Classroom.create(world, folder, code)
        hub.door.limits = DoorLimits(wrong_delay=0.05)
        hub.start_background()
        listener = await listen(hub)
        lines: list[str] = []

        class Sink:
            def write(self, s: str) -> None:
                lines.extend(s.splitlines())

            def flush(self) -> None:
                pass

        console = FacilitatorConsole(hub, kind, out=Sink())
        hub.on_log = console.on_log
        return cls(hub, listener, console, lines)

    async def wait_log(self, needle: str, timeout: float = 10) -> None:
        """Wait until the console has printed a line containing `needle`."""
        deadline = time.monotonic() + timeout
        while not any(needle in ln for ln in self.lines):
            if time.monotonic() > deadline:
                raise AssertionError(f"console never said {needle!r}: {self.lines[-10:]}")
            await asyncio.sleep(0.02)

    async def shutdown(self) -> None:
        await self.listener.close(goodbye=0)
        await self.hub.close()


def serve_watched(argv: list[str], stdin_path: str, out_path: str, watch_path: str) -> None:
    """Run `winterpalace ARGV` (a classroom server) in this process, for crash tests.

    Console commands come from the FIFO `stdin_path`, output goes to `out_path`, and after
    every commit has been journaled and delivered, `watch_path` is replaced with what the live
    room was at that commit and how many journal records that state stands on:
    `{"records": N, "room": snapshot}`. A test can kill the process at any moment and check
    that the journal's first N records replay to exactly that room.
    """
    import json
    import os
    import sys

    from . import server
    from .journal import read_journal

    fd = os.open(stdin_path, os.O_RDWR)       # RDWR: never blocks, never sees an end
    os.dup2(fd, 0)
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)

    start = server.Classroom.start_background
    commit = server.Classroom.commit
    counts: dict[int, int] = {}

    def start_background(self: Any) -> None:
        counts[id(self)] = len(read_journal(self.journal.path))
        start(self)

    async def watched_commit(self: Any) -> None:
        n_new = len(self.room.records)
        if not n_new or self._queue is None or self._closed:
            await commit(self)
            return
        snap = self.room.snapshot()
        counts[id(self)] += n_new
        n = counts[id(self)]
        await commit(self)
        tmp = watch_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"records": n, "room": snap}, f)
        os.replace(tmp, watch_path)

    server.Classroom.start_background = start_background  # type: ignore[method-assign]
    server.Classroom.commit = watched_commit              # type: ignore[method-assign]
    import argparse

    from .cli import register
    parser = argparse.ArgumentParser(prog="winterpalace")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = int(args.func(args))
    sys.stdout.flush()
    os._exit(code)
