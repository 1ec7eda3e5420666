"""A class survives any number of crashes at any moment.

The kill loop: a server process runs a scripted class (students acting over SSH, a teacher
moving the clock), is killed with SIGKILL at a random moment, and is started again with
`--resume`; thirty times. After every kill the journal it left must replay, and its first N
records must rebuild exactly the room the live server had when it last told anyone anything
(N and that room are written by the server after each delivered commit; see
`simulate.serve_watched`). A debrief is made from every journal too.

Servers are forked from a process that has already imported everything (multiprocessing's
forkserver), so a restart costs milliseconds, not a Python start-up.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from winterpalace.classroom import debrief
from winterpalace.classroom.journal import read_journal, repair_tail
from winterpalace.classroom.room import Room
from winterpalace.classroom.simulate import SimStudent, serve_watched
from winterpalace.scenario import load_scenario

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "scenario"
CODE = "ferry-lamp-river-17"
KILLS = 30


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["winterpalace.classroom.simulate", "winterpalace.classroom.cli",
                              "winterpalace.classroom.ssh", "winterpalace.classroom.console",
                              "winterpalace.classroom.debrief", "winterpalace.scenario"])


class Server:
    """One server process of the loop, forked from the preloaded forkserver."""

    ctx = FORKS

    def __init__(self, tmp: Path, n: int, port: int, resume: bool):
        self.fifo = str(tmp / f"console-{n}")
        os.mkfifo(self.fifo)
        self.out = tmp / f"server-{n}.log"
        self.watch = tmp / f"watch-{n}.json"
        argv = ["classroom", "--host", "127.0.0.1", "--port", str(port), "--saves",
                str(tmp / "saves"), "--scenes", str(SCENARIO), "--stdin",
                "--wrong-code-delay", "0", "--pace-step", "5"]
        argv += ["--resume"] if resume else ["--code", CODE]
        self.proc = self.ctx.Process(target=serve_watched,
                                     args=(argv, self.fifo, str(self.out), str(self.watch)))
        self.proc.start()
        self.console = -1

    async def ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while "Session folder" not in self.text() or "Type `help`" not in self.text():
            assert self.proc.is_alive(), self.text()
            assert time.monotonic() < deadline, self.text()
            await asyncio.sleep(0.01)
        self.console = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)

    def text(self) -> str:
        return self.out.read_text("utf-8", "replace") if self.out.exists() else ""

    def command(self, line: str) -> None:
        os.write(self.console, line.encode() + b"\n")

    def kill(self) -> None:
        assert self.proc.pid is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join(10)
        self.close()

    def close(self) -> None:
        if self.console >= 0:
            os.close(self.console)
            self.console = -1

    def watched(self) -> dict[str, Any] | None:
        return json.loads(self.watch.read_text("utf-8")) if self.watch.exists() else None


def check_journal(world: Any, journal: Path, watched: dict[str, Any] | None) -> Room:
    """The journal replays; its first N records are the room the live server last showed."""
    records = read_journal(journal)
    room = Room.replay(world, records)                 # never fails on what the server wrote
    debrief.debrief_files(debrief.make(room))          # and a debrief can always be made
    if watched is not None:
        n = watched["records"]
        assert len(records) >= n, (len(records), n)
        assert Room.replay(world, records[:n]).snapshot() == watched["room"]
    return room


TEACHER = ["advance +10", "advance +20", "pause", "resume", "window 40", "window 30",
           "caucus 1", "caucus end", "who", "votes", "pace 20", "pace off", "mute Vera",
           "unmute Vera"]


async def play(s: SimStudent, rng: random.Random) -> None:
    """Act as fast as the server answers: choices, waits, looks, says."""
    while True:
        pick = rng.random()
        line = str(rng.randint(1, 3)) if pick < 0.6 else "wait" if pick < 0.8 else \
            "look" if pick < 0.9 else f"say hello from {s.name}"
        await s.turn(line)


def test_a_class_survives_thirty_kills_at_random_moments(tmp_path: Path) -> None:
    world = load_scenario(SCENARIO)
    rng = random.Random(1917)
    port = _free_port()
    students = [SimStudent(name, role, port=port, code=CODE)
                for name, role in (("Anna", 1), ("Boris", 2), ("Vera", 1), ("Misha", 2))]
    resumes_with_players = 0

    async def main() -> None:
        nonlocal resumes_with_players
        server = Server(tmp_path, 0, port, resume=False)
        await server.ready()
        server.command("start")
        for n in range(1, KILLS + 1):
            # The class, for a random while: everyone acting, the teacher now and then.
            await asyncio.gather(*(s.connect() for s in students))
            await asyncio.gather(*(s.take_seat() for s in students))
            tasks = [asyncio.create_task(play(s, random.Random(rng.random())))
                     for s in students]
            end = time.monotonic() + rng.uniform(0.03, 0.4)
            while time.monotonic() < end:
                if rng.random() < 0.3:
                    server.command(rng.choice(TEACHER))
                await asyncio.sleep(rng.uniform(0.01, 0.1))
            server.kill()                                      # SIGKILL, mid-whatever
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.gather(*(s.close() for s in students))
            folder = next((tmp_path / "saves").glob("class-*"))
            check_journal(world, folder / "journal.jsonl", server.watched())
            server = Server(tmp_path, n, port, resume=True)
            await server.ready()
            resumes_with_players += "Resumed:" in server.text()
        # The last one stops with SIGTERM, as a teacher's Ctrl-C would: quickly, and saved.
        await asyncio.gather(*(s.connect() for s in students))
        await asyncio.gather(*(s.take_seat() for s in students))
        assert server.proc.pid is not None
        t0 = time.monotonic()
        os.kill(server.proc.pid, signal.SIGTERM)
        server.proc.join(15)
        assert server.proc.exitcode == 0 and time.monotonic() - t0 < 10
        server.close()
        await asyncio.gather(*(s.close() for s in students))
        folder = next((tmp_path / "saves").glob("class-*"))
        room = check_journal(world, folder / "journal.jsonl", server.watched())
        assert not any(p.connected for p in room.players.values())
        assert set(room.players) >= {"anna", "borls", "vera", "mlsha"}

    asyncio.run(main())
    assert resumes_with_players >= KILLS - 1


def test_every_cut_of_a_journal_replays_and_debriefs(tmp_path: Path) -> None:
    """A crash can stop the journal at any byte: every prefix reads, replays and debriefs."""
    world = load_scenario(SCENARIO)
    room = Room(world, "cut-cut-cut-11")
    records = [room.opening_record()]
    room.join("Anna", "officer", 1, pin="s:h")
    room.join("Misha", "sailor", 2)
    room.start()
    room.choose("Anna", 0)
    room.advance(world.clock.parse_time("20:00"))
    room.disconnect("Misha")
    room.restart()
    room.connect("Misha")
    room.choose("Misha", 0)
    records += room.records
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    path = tmp_path / "journal.jsonl"
    whole = len(records)
    for cut in range(0, len(data) + 1, 7):
        path.write_bytes(data[:cut])
        got = read_journal(path)
        assert whole >= len(got) >= data[:cut].count(b"\n")
        if got:
            again = Room.replay(world, got)
            debrief.debrief_files(debrief.make(again))
        repair_tail(path)
        assert path.read_bytes() in (b"", *(data[:i + 1] for i in range(len(data))
                                            if data[i:i + 1] == b"\n"), data[:cut])
