"""The SSH transport's pitfalls, each against a real in-process server and asyncssh clients;
and a load test: 30 students acting at once stay consistent with the journal."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from winterpalace.classroom.journal import read_journal
from winterpalace.classroom.room import Room
from winterpalace.classroom.simulate import InProcessClass, SimStudent, strip_ansi
from winterpalace.classroom.ssh import start_ssh
from winterpalace.scenario import load_scenario

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "scenario"
CODE = "ferry-17"


async def serve(tmp: Path) -> InProcessClass:
    world = load_scenario(SCENARIO)
    return await InProcessClass.start(world, tmp, CODE, lambda hub: start_ssh(hub, "127.0.0.1", 0, tmp / "host_key"), "ssh")


async def shutdown(r: InProcessClass) -> None:
    await r.shutdown()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_wrong_code_is_refused_and_right_code_lets_in(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            t0 = time.monotonic()
            with pytest.raises(asyncssh.PermissionDenied):
                await asyncssh.connect("127.0.0.1", r.port, username="eve", password="nope",
                                       known_hosts=None, client_keys=None, agent_path=None,
                                       preferred_auth="password", config=None)
            assert time.monotonic() - t0 >= 0.05       # a wrong code costs a pause
            s = SimStudent("Olga", 1, port=r.port, code=CODE.upper())  # case does not matter
            await s.connect()
            await s.expect("nickname")
            await s.close()
        finally:
            await shutdown(r)
    run(main())


def test_no_terminal_falls_back_to_80_columns_and_survives_bad_bytes(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            conn = await asyncssh.connect("127.0.0.1", r.port, username="Ivan", password=CODE,
                                          known_hosts=None, client_keys=None, agent_path=None,
                                          preferred_auth="password", config=None)
            # Like `ssh -T`: no terminal, so the size is 0x0; raw bytes, one not UTF-8.
            proc = await conn.create_process(encoding=None)
            seen = b""

            async def until(needle: bytes) -> None:
                nonlocal seen
                deadline = time.monotonic() + 10
                while needle not in seen:
                    assert time.monotonic() < deadline, seen[-500:]
                    seen += await asyncio.wait_for(proc.stdout.read(4096), 10)

            await until(b"nickname")
            proc.stdin.write(b"\n")
            await until(b"Choose a role")
            proc.stdin.write(b"1\n")
            await until(b"Take a revolver")
            proc.stdin.write(b"say caf\xff ok\n")     # invalid UTF-8 must not hang up
            await until(b"You say")
            text = strip_ansi(seen.decode("utf-8", "replace"))
            assert "caf\ufffd ok" in text
            # Lines the server rendered (not the prompt's own redraws of what was typed).
            night = text[text.index("You are Ivan"):].splitlines()
            widest = max(len(line) for line in night if " > " not in line)
            assert 60 <= widest <= 80, widest
            assert "\x1b[38" not in seen.decode("utf-8", "replace")  # no terminal: no colour
            conn.close()
            await r.wait_log("Ivan disconnected")
        finally:
            await shutdown(r)
    run(main())


def test_dropped_connection_frees_the_prompt_and_keeps_the_player(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = SimStudent("Pavel", 2, port=r.port, code=CODE)
            await s.connect()
            await s.join()
            assert s.conn is not None
            s.conn.abort()                            # no goodbye, like a killed client
            await r.wait_log("Pavel disconnected")
            p = r.hub.room.player("pavel")
            assert p is not None and not p.connected and p.role == "sailor"
            assert "pavel" not in r.hub.links
            back = SimStudent("pavel", 2, port=r.port, code=CODE, pin=s.pin)
            await back.connect()
            await back.rejoin()
            await back.expect("Welcome back, Pavel")
            await back.close()
        finally:
            await shutdown(r)
    run(main())


def test_thirty_students_at_once_stay_consistent_with_the_journal(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            await r.console.execute("start")
            students = [SimStudent(f"S{i}", 1 + i % 2, port=r.port, code=CODE)
                        for i in range(30)]
            await asyncio.gather(*(s.connect() for s in students))
            await asyncio.gather(*(s.join() for s in students))

            async def teacher() -> None:
                for t in ("20:00", "21:00", "22:00", "23:30"):
                    await asyncio.sleep(1.2)
                    await r.console.execute(f"advance {t}")
                    await r.console.execute("broadcast keep going")

            await asyncio.gather(teacher(), *(s.play(6, random.Random(i))
                                              for i, s in enumerate(students)))
            # What each student is told about their own clock is what the room holds.
            for s in students:
                p = r.hub.room.player(s.name)
                assert p is not None and p.ps is not None
                assert await s.clock() == r.hub.room.hhmm(p.ps.time), s.name
            assert sum(len(s.latencies) for s in students) > 100
            await asyncio.gather(*(s.close() for s in students))
            await r.wait_log("S29 disconnected")
            await shutdown(r)
            live = r.hub.room.snapshot()
            replayed = Room.replay(r.hub.world, read_journal(r.hub.folder / "journal.jsonl"))
            assert replayed.snapshot() == live
            assert [e for e, _ in replayed.ws.fired] == ["aurora"]
            assert all(p.ps is not None and p.ps.time >= replayed.now or
                       p.ps is not None and p.ps.ending is not None
                       for p in replayed.players.values())
        except BaseException:
            await shutdown(r)
            raise
    run(main())


def test_role_intro_is_one_paragraph_wrapped_at_the_students_width(tmp_path: Path) -> None:
    """The intro's YAML line breaks are not the student's: the text reflows to 100 columns."""
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = SimStudent("Vera", 1, port=r.port, code=CODE)   # the officer
            await s.connect()
            await s.join()
            await s.expect("Type a number to choose")
            (line,) = [ln for ln in s.seen.splitlines() if "The ministers wait" in ln]
            assert "wait upstairs; the square outside" in line, line
            await s.close()
        finally:
            await shutdown(r)
    run(main())
