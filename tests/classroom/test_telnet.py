"""The telnet transport against a real in-process server and real telnet clients on 127.0.0.1:
a raw asyncio client speaking the protocol (or refusing to), and the stock `telnet` binary."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("asyncssh")

from prompt_toolkit.contrib.telnet.protocol import (
    DO,
    IAC,
    IS,
    NAWS,
    SB,
    SE,
    SEND,
    TTYPE,
    WILL,
    WONT,
)

from winterpalace.classroom.connection import STOPPING, STOPPING_UNSEATED
from winterpalace.classroom.simulate import PIN_RE, InProcessClass, strip_ansi
from winterpalace.classroom.telnet import start_telnet
from winterpalace.scenario import load_scenario

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "scenario"
CODE = "ferry-17"


async def serve(tmp: Path, negotiation_timeout: float = 1.0) -> InProcessClass:
    world = load_scenario(SCENARIO)
    return await InProcessClass.start(world, tmp, CODE, lambda hub: start_telnet(hub, "127.0.0.1", 0, negotiation_timeout=negotiation_timeout),
        "telnet")


async def shutdown(r: InProcessClass) -> None:
    await r.shutdown()


class RawTelnet:
    """A telnet client on a bare socket: answers DO TTYPE / DO NAWS, or ignores them all."""

    def __init__(self, port: int, negotiate: bool = True, term: str = "XTERM",
                 cols: int = 100, rows: int = 30):
        self.port, self.negotiate, self.term = port, negotiate, term
        self.cols, self.rows = cols, rows
        self.raw = b""          # everything received, telnet commands taken out
        self.commands: list[bytes] = []
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @property
    def seen(self) -> str:
        return strip_ansi(self.raw.decode("utf-8", "replace"))

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.reader is not None
        buf = b""
        while True:
            try:
                data = await self.reader.read(65536)
            except ConnectionError:
                return
            if not data:
                return
            buf += data
            while buf:
                i = buf.find(IAC)
                if i < 0:
                    self.raw += buf
                    buf = b""
                    break
                self.raw += buf[:i]
                buf = buf[i:]
                if len(buf) < 2:
                    break
                if buf[1:2] == SB:
                    end = buf.find(IAC + SE)
                    if end < 0:
                        break
                    self._command(buf[:end + 2])
                    buf = buf[end + 2:]
                elif len(buf) < 3:
                    break
                else:
                    self._command(buf[:3])
                    buf = buf[3:]

    def _command(self, cmd: bytes) -> None:
        self.commands.append(cmd)
        if not self.negotiate or self.writer is None:
            return
        if cmd == IAC + DO + TTYPE:
            self.writer.write(IAC + WILL + TTYPE)
        elif cmd == IAC + SB + TTYPE + SEND + IAC + SE:
            self.writer.write(IAC + SB + TTYPE + IS + self.term.encode() + IAC + SE)
        elif cmd == IAC + DO + NAWS:
            self.writer.write(IAC + WILL + NAWS + IAC + SB + NAWS
                              + self.cols.to_bytes(2, "big") + self.rows.to_bytes(2, "big")
                              + IAC + SE)

    async def expect(self, needle: str | re.Pattern[str], start: int = 0,
                     timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(needle, re.Pattern):
                m = needle.search(self.seen, start)
                if m:
                    return m
            else:
                i = self.seen.find(needle, start)
                if i >= 0:
                    return i
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} in {self.seen[start:][-600:]!r}")
            await asyncio.sleep(0.01)

    def send(self, line: str | bytes) -> None:
        """A line as a telnet client sends it: CR LF for Enter."""
        assert self.writer is not None
        data = line if isinstance(line, bytes) else line.encode()
        self.writer.write(data + b"\r\n")

    def closed(self) -> bool:
        return self._task.done()

    async def abort(self) -> None:
        """Drop the connection with no goodbye (an RST), like a killed client."""
        assert self.writer is not None
        self.writer.transport.abort()
        await asyncio.sleep(0)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except ConnectionError:
                pass


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def join(c: RawTelnet, name: str, role: int) -> str:
    """Join as a new student; returns the rejoin PIN the server showed."""
    await c.expect("Class code:")
    c.send(CODE)
    await c.expect("nickname")
    c.send(name)
    await c.expect("Choose a role")
    c.send(str(role))
    await c.expect(f"You are {name}")
    m = await c.expect(PIN_RE)
    return str(m.group(1))


def test_wrong_code_is_refused_right_code_joins_and_plays(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            bad = RawTelnet(r.port)
            await bad.connect()
            await bad.expect("Class code:")
            t0 = time.monotonic()
            bad.send("river-99")
            await bad.expect("not the class code")
            assert time.monotonic() - t0 >= 0.05       # a wrong code costs a pause
            assert "river-99" not in bad.seen           # the code is not echoed
            bad.send("nope")
            await bad.expect("Try again", bad.seen.index("not the class code") + 5)
            bad.send("still-no")
            await bad.expect("Ask your teacher")
            deadline = time.monotonic() + 5
            while not bad.closed():                   # three wrong codes: hung up
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)
            assert "nickname" not in bad.seen and not r.hub.room.players
            await bad.close()

            good = RawTelnet(r.port, cols=100)
            await good.connect()
            await good.expect("Class code:")
            good.send(CODE.upper())                   # case does not matter
            await good.expect("nickname")
            assert CODE.upper() not in good.seen
            assert any(c == IAC + DO + TTYPE for c in good.commands)
            good.send("Anna")
            await good.expect("Choose a role")
            # CR LF is one Enter: no empty answer slipped in to be refused or taken.
            assert "Type a number" not in good.seen
            good.send("1")
            await good.expect("You are Anna")
            await good.expect("Take a revolver")
            mark = len(good.seen)
            good.send(b"say caf\xe9 ok")   # Latin-1, not UTF-8: a U+FFFD, no hang-up
            await good.expect("You say", mark)
            assert "caf\ufffd ok" in good.seen[mark:]
            await r.wait_log("caf\ufffd ok")
            p = r.hub.room.player("anna")
            assert p is not None and p.connected and p.role == "officer"
            # Rendered for this client: its 100 columns and its colours (it said XTERM).
            night = good.seen[good.seen.index("You are Anna"):].splitlines()
            widest = max(len(ln) for ln in night if " > " not in ln)
            assert 80 < widest <= 100, widest
            assert "\x1b[" in good.raw.decode("utf-8", "replace")
            await good.close()
            await r.wait_log("Anna disconnected")
        finally:
            await shutdown(r)
    run(main())


def test_client_that_ignores_negotiation_gets_a_plain_80_column_session(tmp_path: Path
                                                                          ) -> None:
    async def main() -> None:
        r = await serve(tmp_path, negotiation_timeout=1.0)
        try:
            mute = RawTelnet(r.port, negotiate=False)
            t0 = time.monotonic()
            await mute.connect()
            await mute.expect("Class code:", timeout=5)
            assert 0.9 <= time.monotonic() - t0 < 5      # waited for the timeout, no more
            assert len(r.listener.connections) == 1
            await join(mute, "Boris", 2)
            text = mute.seen
            night = text[text.index("You are Boris"):].splitlines()
            widest = max(len(ln) for ln in night if " > " not in ln)
            assert 60 <= widest <= 80, widest
            assert "\x1b[38" not in mute.raw.decode("utf-8", "replace")   # no colours
            # One that gives up before the timeout leaks nothing.
            quitter = RawTelnet(r.port, negotiate=False)
            await quitter.connect()
            await asyncio.sleep(0.1)
            await quitter.close()
            deadline = time.monotonic() + 5
            while len(r.listener.connections) != 1 or len(r.listener.tasks) != 1:
                assert time.monotonic() < deadline, r.listener.connections
                await asyncio.sleep(0.02)
            await mute.close()
            await r.wait_log("Boris disconnected")
            deadline = time.monotonic() + 5
            while r.listener.tasks:
                assert time.monotonic() < deadline, r.listener.tasks
                await asyncio.sleep(0.02)
        finally:
            await shutdown(r)
    run(main())


def test_refused_terminal_type_does_not_wait_for_the_timeout(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path, negotiation_timeout=30)
        try:
            c = RawTelnet(r.port, negotiate=False)
            await c.connect()
            assert c.writer is not None
            c.writer.write(IAC + WONT + TTYPE)
            await c.expect("Class code:", timeout=5)
            await c.close()
        finally:
            await shutdown(r)
    run(main())


def test_dropped_client_is_kept_and_rejoins_where_it_was(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            await r.console.execute("start")
            c = RawTelnet(r.port)
            await c.connect()
            pin = await join(c, "Pavel", 1)
            await c.expect("Take a revolver")
            mark = len(c.seen)
            c.send("1")                                # a turn: the night moves on
            c.send("time")
            await c.expect("The class clock is at", mark)
            p = r.hub.room.player("pavel")
            assert p is not None and p.ps is not None and p.ps.turn == 1
            where = (p.ps.scene, p.ps.time, p.ps.turn)
            await c.abort()                            # no goodbye, like a killed client
            await r.wait_log("Pavel disconnected")
            p = r.hub.room.player("pavel")
            assert p is not None and not p.connected and p.role == "officer"
            assert "pavel" not in r.hub.links
            assert not r.listener.connections
            back = RawTelnet(r.port, cols=90)
            await back.connect()
            await back.expect("Class code:")
            back.send(CODE)
            await back.expect("nickname")
            back.send("pavel")
            await back.expect("PIN for Pavel")
            back.send(pin)
            await back.expect("Welcome back, Pavel")
            p = r.hub.room.player("pavel")
            assert p is not None and p.connected and p.ps is not None
            assert (p.ps.scene, p.ps.time, p.ps.turn) == where
            mark = len(back.seen)
            back.send("2")                             # and carries on from there (1 is done)
            back.send("time")
            await back.expect("The class clock is at", mark)
            p = r.hub.room.player("pavel")
            assert p is not None and p.ps is not None and p.ps.turn == 2
            await back.close()
        finally:
            await shutdown(r)
    run(main())


@pytest.mark.skipif(shutil.which("telnet") is None, reason="no telnet client installed")
def test_the_stock_telnet_client_joins(tmp_path: Path) -> None:
    """The real `telnet` binary, driven by pexpect, against `winterpalace classroom`."""
    pexpect = pytest.importorskip("pexpect")
    import queue
    import socket
    import threading
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        ssh_port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "winterpalace", "classroom", "--host", "127.0.0.1",
         "--port", str(ssh_port), "--telnet-port", str(port), "--code", CODE,
         "--saves", str(tmp_path), "--scenes", str(SCENARIO), "--stdin",
         "--wrong-code-delay", "0.1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        out = []
        deadline = time.monotonic() + 20
        # Lines come through a thread so the wait has a deadline: a bare readline would hang
        # for ever if the message looked for were ever worded differently.
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(ln) for ln in
                                                  iter(server.stdout.readline, "")], daemon=True)
        reader.start()
        while not any("to begin the night" in ln for ln in out):
            left = deadline - time.monotonic()
            assert left > 0 and server.poll() is None, out
            try:
                out.append(lines.get(timeout=left))
            except queue.Empty:
                raise AssertionError(out) from None
        text = "".join(out)
        assert "WARNING: telnet is not encrypted" in text
        assert f"telnet 127.0.0.1 {port}" in text
        child = pexpect.spawn("telnet", ["127.0.0.1", str(port)], encoding="utf-8",
                              timeout=15, dimensions=(30, 90), env={"TERM": "xterm",
                                                                    "PATH": "/usr/bin:/bin"})
        try:
            child.expect("Class code:")
            child.sendline("wrong")
            child.expect("not the class code")
            child.sendline(CODE)
            child.expect("nickname")
            child.sendline("Vera")
            child.expect("Choose a role")
            child.sendline("1")
            child.expect("You are Vera")
            child.expect(r"\d\d:\d\d >")
            child.sendline("time")
            child.expect("The class clock is at")
        finally:
            child.terminate(force=True)
        assert server.stdin is not None
        server.stdin.write("end\n")
        server.stdin.close()
        assert server.wait(timeout=30) == 0
        reader.join(timeout=10)          # the server has exited: its output ends
        rest = "".join(lines.get_nowait() for _ in range(lines.qsize()))
        assert "Vera" in rest and "Session ended" in rest
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
        for f in (server.stdin, server.stdout):
            if f is not None and not f.closed:
                f.close()


def test_a_client_that_stops_reading_never_blocks_the_server() -> None:
    """Output to a full socket is queued, not waited for; past the limit the line is cut."""
    import socket

    from winterpalace.classroom.telnet import MAX_BACKLOG, _Wire

    async def main() -> None:
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        broken: list[bool] = []
        wire = _Wire(ours, lambda: broken.append(True))
        try:
            chunk = "x" * 65536 + "\n"
            t0 = time.monotonic()
            sent = 0
            while not broken and sent < 4 * MAX_BACKLOG + (16 << 20):
                wire.write(chunk)
                wire.flush()
                sent += len(chunk)
            assert time.monotonic() - t0 < 5
            assert broken, "a client that reads nothing was never cut off"
            # What did get through arrives intact, newlines as telnet's CR LF.
            theirs.setblocking(False)
            got = theirs.recv(65536 + 2)
            assert got.startswith(b"x" * 1000) and b"\n" not in got[:65536]
        finally:
            wire.close()
            ours.close()
            theirs.close()
    run(main())


def wrapped(text: str) -> re.Pattern[str]:
    """`text` as the terminal shows it: wrapped anywhere between words."""
    return re.compile(r"\s+".join(map(re.escape, text.split())))


def test_stopping_the_server_says_goodbye_to_every_telnet_student(tmp_path: Path) -> None:
    """Not `end`: the seated student and one still at the name question are told the class
    stops for now, then hung up on; the seated one is kept, away."""
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            anna = RawTelnet(r.port)
            await anna.connect()
            await join(anna, "Anna", 1)
            naming = RawTelnet(r.port)
            await naming.connect()
            await naming.expect("Class code:")
            naming.send(CODE)
            await naming.expect("nickname")
        finally:
            await shutdown(r)
        await anna.expect(wrapped(STOPPING))
        await naming.expect(wrapped(STOPPING_UNSEATED))
        deadline = time.monotonic() + 5
        while not (anna.closed() and naming.closed()):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
        await anna.close()
        await naming.close()
        p = r.hub.room.player("anna")
        assert p is not None and not p.connected and not r.hub.room.ended
    run(main())
