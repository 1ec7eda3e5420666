"""The door: nobody gets in without the code, nobody takes a seat without its PIN, and nobody
can take the server down by opening connections or typing fast."""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from winterpalace.classroom import codes
from winterpalace.classroom.door import Door, DoorLimits, RateLimit
from winterpalace.classroom.journal import read_journal
from winterpalace.classroom.keyinput import MemoryInput
from winterpalace.classroom.names import clean_name, clean_text, name_key
from winterpalace.classroom.simulate import InProcessClass, SimStudent
from winterpalace.classroom.ssh import start_ssh
from winterpalace.scenario import load_scenario

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parent / "scenario"
CODE = "otter-lamp-meadow-42"
CLOSED = re.compile(r"this\s+connection\s+is\s+closed")


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


# ------------------------------------------------------------------ pure parts


def test_made_up_codes_are_words_and_a_number_and_hard_to_guess() -> None:
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        *words, number = code.split("-")
        assert len(words) == 3 and all(w in codes.WORDS for w in words) and number.isdigit()
        assert codes.strength_bits(code) > 34
    assert len(set(codes.WORDS)) == len(codes.WORDS) >= 600
    # At the door's overall limit, a whole school day of guessing finds it about once in
    # a hundred thousand days.
    tries = DoorLimits().overall_per_minute * 60 * 8
    assert tries / (len(codes.WORDS) ** 3 * 90) < 1e-5
    check = codes.new_check("Otter Lamp meadow-42")
    assert check.matches("otter-lamp-meadow-42") and check.matches(" OTTER  lamp meadow 42 ")
    assert not check.matches("otter-lamp-meadow-43")
    assert "otter" not in str(check.to_json())


def test_the_door_backs_off_per_address_and_caps_the_whole_server() -> None:
    clock = Clock()
    door = Door(DoorLimits(free_per_address=2, overall_per_minute=10, lock_per_address=6,
                           wrong_delay=1.0, max_delay=8.0), clock)
    assert door.arrive("10.0.0.7") is None
    delays = [door.wrong("10.0.0.7") for _ in range(5)]
    assert delays == [1.0, 1.0, 2.0, 4.0, 8.0]            # twice as long each time, capped
    assert door.may_try("10.0.0.7") is None
    door.wrong("10.0.0.7")                                  # the sixth in ten minutes
    assert "wait ten minutes" in (door.may_try("10.0.0.7") or "")
    assert "wrong class codes" in (door.arrive("10.0.0.7") or "")
    assert door.may_try("10.0.0.8") is None                 # another address may still try
    for _ in range(4):
        door.wrong("10.0.0.8")
    assert "many computers" in (door.may_try("10.0.0.9") or "")   # ten in a minute: all wait
    clock.t += 61
    assert door.may_try("10.0.0.9") is None
    assert door.take_report() == [("10.0.0.7", 6), ("10.0.0.8", 4)]
    assert door.take_report() == []
    clock.t += 600
    assert door.may_try("10.0.0.7") is None


def test_the_door_caps_connections() -> None:
    door = Door(DoorLimits(max_connections=3, max_per_address=2, max_pending=10))
    assert door.arrive("a") is None and door.arrive("a") is None
    assert "from your network" in (door.arrive("a") or "")
    assert door.arrive("b") is None
    assert "The class is full: 3 connections" in (door.arrive("c") or "")
    door.leave("a", admitted=False)
    assert door.arrive("c") is None


def test_rate_limit_is_a_token_bucket() -> None:
    clock = Clock()
    lim = RateLimit(per_second=0.5, burst=2, clock=clock)
    assert [lim.wait() for _ in range(3)] == [0.0, 0.0, 2.0]
    clock.t += 2
    assert lim.wait() == 0.0


def test_names_are_compared_by_their_skeleton() -> None:
    assert name_key("Anna") == name_key("\u0410nna") == name_key("ANNA") == name_key("Anna\u0301")
    assert name_key("Ivan") == name_key("lvan") == name_key("ivan")
    assert name_key("Sailor-2") == name_key("sailor_2")
    assert name_key("Мария") != name_key("Maria")          # a Cyrillic name is its own name
    assert name_key("Olga") != name_key("Olya")
    assert clean_name("Anna\u0301\u0301") is None          # a stray accent is no letter
    assert clean_name("Ána") == "Ána"


def test_said_lines_lose_stacked_marks_and_control_characters() -> None:
    zalgo = "h" + "\u0301" * 30 + "i\u200e\u202e!"
    assert clean_text(zalgo) == "h\u0301\u0301i!"
    assert clean_text("Tiếng Việt") == "Tiếng Việt"          # two marks on a letter stay
    assert clean_text("a\x1b[31mred") == "a[31mred"
    assert len(clean_text("x" * 1000)) == 200


def test_keys_arrive_without_a_file_descriptor() -> None:
    async def main() -> list[str]:
        from prompt_toolkit.application.current import create_app_session
        from prompt_toolkit.output import DummyOutput

        from winterpalace.classroom.lineprompt import LinePrompt

        inp = MemoryInput()
        with pytest.raises(NotImplementedError):
            inp.fileno()
        with create_app_session(input=inp, output=DummyOutput()):
            prompt = LinePrompt()
            inp.send_text("first\r")                          # typed before the prompt
            got = [await prompt.prompt_async("> ")]
            loop = asyncio.get_running_loop()
            loop.call_later(0.02, inp.send_text, "sec")
            loop.call_later(0.04, inp.send_text, "ond\r")
            got.append(await prompt.prompt_async("> "))
            inp.close()
            with pytest.raises(EOFError):
                await prompt.prompt_async("> ")
        return got

    assert asyncio.run(main()) == ["first", "second"]


# ------------------------------------------------------------------ over SSH


async def serve(tmp: Path, **limits: Any) -> InProcessClass:
    world = load_scenario(SCENARIO)
    r = await InProcessClass.start(world, tmp, CODE, lambda hub: start_ssh(
        hub, "127.0.0.1", 0, tmp / "host_key", question_timeout=limits.pop("question", 30),
        play_timeout=limits.pop("play", 60)))
    r.hub.door.limits = DoorLimits(**{"wrong_delay": 0.05, **limits})
    return r


async def attempt(port: int, user: str, password: str) -> Any:
    return await asyncssh.connect("127.0.0.1", port, username=user, password=password,
                                  known_hosts=None, client_keys=None, agent_path=None,
                                  preferred_auth="password", config=None)


def test_wrong_codes_are_limited_counted_and_reported(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path, free_per_address=2, overall_per_minute=6)
        try:
            t0 = time.monotonic()
            for _ in range(6):
                with pytest.raises(asyncssh.PermissionDenied):
                    await attempt(r.port, "eve", "ferry-17")
            # After two, each wrong code waited twice as long as the one before.
            assert time.monotonic() - t0 >= 0.05 * (1 + 1 + 2 + 4 + 8 + 16)
            # Six wrong codes in a minute: now even the right code waits, and says why.
            with pytest.raises((asyncssh.DisconnectError, asyncssh.PermissionDenied)) as e:
                await attempt(r.port, "eve", CODE)
            assert "Wait a minute" in str(e.value)
            await r.hub.report_door()          # what the server does once a minute
            await r.wait_log("wrong codes from 127.0.0.1 in the last minute")
            await r.wait_log("guessing the class code")
            line = next(ln for ln in r.lines if "wrong codes from" in ln)
            assert line.startswith("[door] 6 wrong codes from 127.0.0.1")
        finally:
            await r.shutdown()
        door = [rec for rec in read_journal(r.hub.folder / "journal.jsonl")
                if rec["t"] == "door"]
        assert door and door[0]["wrong"] == 6 and door[0]["from"] == ["127.0.0.1"]
    asyncio.run(main())


def test_a_full_server_refuses_clearly(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path, max_connections=2)
        conns = []
        try:
            conns = [await attempt(r.port, f"s{i}", CODE) for i in range(2)]
            with pytest.raises(asyncssh.DisconnectError, match="The class is full"):
                await attempt(r.port, "s3", CODE)
            conns.pop().close()
            await asyncio.sleep(0.1)
            conns.append(await attempt(r.port, "s3", CODE))   # a place came free
        finally:
            for c in conns:
                c.close()
            await r.shutdown()
    asyncio.run(main())


def test_a_seat_is_taken_only_with_its_pin_or_the_teachers_word(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            boris = SimStudent("Boris", 1, port=r.port, code=CODE)
            await boris.connect()
            await boris.join()
            assert boris.conn is not None
            boris.conn.abort()
            await r.wait_log("Boris disconnected")
            await r.console.execute("lock")
            # Someone else types his name: a PIN is asked, a wrong one does not let them in.
            eve = SimStudent("boris", 1, port=r.port, code=CODE, pin="0000" if boris.pin != "0000"
                             else "1111")
            await eve.connect()
            await eve.expect("PIN for Boris")
            eve.send(eve.pin)
            await eve.expect("not the PIN")
            await r.wait_log("wrong PIN for Boris from 127.0.0.1")
            assert not r.hub.room.player("boris").connected                 # type: ignore
            # A look-alike name is the same seat: a Cyrillic "В" is asked Boris's PIN too.
            eve2 = SimStudent("\u0412oris", 1, port=r.port, code=CODE)
            await eve2.connect()
            await eve2.expect("PIN for Boris")
            await eve2.close()
            # The real Boris, with his PIN, takes his seat and its night.
            back = SimStudent("Boris", 1, port=r.port, code=CODE, pin=boris.pin)
            await back.connect()
            await back.rejoin()
            # He comes back from a second screen while the first is still open: the PIN
            # moves the seat, the old screen is told and closed.
            again = SimStudent("Boris", 1, port=r.port, code=CODE, pin=boris.pin)
            await again.connect()
            await again.rejoin()
            await back.expect("taken your seat from another screen")
            assert r.hub.room.player("boris").connected                      # type: ignore
            # Lost PIN: the teacher lets him in, and he gets a new one.
            await eve.close()
            await again.close()
            await r.wait_log("Boris disconnected")
            lost = SimStudent("Boris", 1, port=r.port, code=CODE)
            await lost.connect()
            await lost.expect("PIN for Boris")
            lost.send("")
            await lost.expect("Type `teacher`")
            lost.send("teacher")
            await r.wait_log("admit Boris")
            await r.console.execute("admit boris")
            m = await lost.expect(re.compile(r"Your new PIN is (\d{4})"))
            assert not isinstance(m, int) and m.group(1)
            await lost.expect("Welcome back, Boris")
            await lost.close()
        finally:
            await r.shutdown()
    asyncio.run(main())


def test_every_question_has_a_time_limit(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path, question=0.3, play=0.6)
        try:
            idle = SimStudent("Idle", 1, port=r.port, code=CODE)
            await idle.connect()
            await idle.expect("nickname")
            await idle.expect(re.compile(r"Nothing\s+typed"))       # at the name question
            role = SimStudent("Rolf", 1, port=r.port, code=CODE)
            await role.connect()
            await role.expect("nickname")
            role.send("")
            await role.expect("Choose a role")
            await role.expect(CLOSED)                               # at the role question
            player = SimStudent("Pia", 1, port=r.port, code=CODE)
            await player.connect()
            await player.join()
            await player.expect(re.compile(r"your\s+place\s+is\s+kept"))  # at the night's prompt
            await r.wait_log("Pia disconnected")
            pin = SimStudent("Pia", 1, port=r.port, code=CODE)
            await pin.connect()
            await pin.expect("PIN for Pia")
            await pin.expect(CLOSED)                                # at the PIN question
            assert not r.hub.links and not r.hub.room.player("pia").connected  # type: ignore
            for s in (idle, role, player, pin):
                await s.close()
        finally:
            await r.shutdown()
    asyncio.run(main())


def test_a_connection_costs_one_file_descriptor(tmp_path: Path) -> None:
    """No pipes per connection (the select() limit came from them): 40 students at the
    prompt hold about 40 descriptors of the server's, not 120."""
    def fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc")

    async def main() -> None:
        r = await serve(tmp_path)
        try:
            before = fds()
            students = [SimStudent(f"S{i}", 1, port=r.port, code=CODE) for i in range(40)]
            await asyncio.gather(*(s.connect() for s in students))
            await asyncio.gather(*(s.join() for s in students))
            during = fds()
            # Each connection: the server's socket and the client's (both in this process).
            assert during - before <= 2 * 40 + 6, (before, during)
            await asyncio.gather(*(s.close() for s in students))
        finally:
            await r.shutdown()
    asyncio.run(main())


def test_say_is_rate_limited(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            s = SimStudent("Talker", 1, port=r.port, code=CODE)
            await s.connect()
            await s.join()
            for i in range(8):
                s.send(f"say line {i}")
            await s.expect("Not so fast")
            said = [ln for ln in r.lines if "Talker @" in ln]
            await asyncio.sleep(0.2)
            said = [ln for ln in r.lines if "Talker @" in ln]
            assert len(said) == 5, said
            await s.close()
        finally:
            await r.shutdown()
    asyncio.run(main())


def test_only_one_session_and_no_commands_per_connection(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            conn = await attempt(r.port, "Ivan", CODE)
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.create_process("ls /", term_type="xterm")
            proc = await conn.create_process(term_type="xterm")
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.create_process(term_type="xterm")     # a second session: no
            proc.close()
            conn.close()
        finally:
            await r.shutdown()
    asyncio.run(main())


def test_students_beyond_descriptor_1024_still_play(tmp_path: Path) -> None:
    """select() cannot watch a descriptor numbered 1024 or more; nothing on a student's path
    may use it. Here every descriptor the server makes for them is above 1024."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1400
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip("the system allows too few open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        assert max(filler) > 1024

        async def main() -> None:
            r = await serve(tmp_path)
            try:
                s = SimStudent("High", 1, port=r.port, code=CODE)
                await s.connect()
                await s.join()
                assert "internal error" not in " ".join(r.lines)
                await s.turn("1")
                await s.close()
            finally:
                await r.shutdown()
        asyncio.run(main())
    finally:
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_full_role_asks_the_role_again_not_the_name(tmp_path: Path) -> None:
    async def main() -> None:
        r = await serve(tmp_path)
        try:
            await r.console.execute("cap sailor 1")
            first = SimStudent("Misha", 2, port=r.port, code=CODE)
            await first.connect()
            await first.join()
            second = SimStudent("Pavel", 2, port=r.port, code=CODE)
            await second.connect()
            await second.expect("nickname")
            second.send("")
            await second.expect("Choose a role")
            mark = len(second.seen)
            second.send("2")
            await second.expect(re.compile(r"full;\s+choose\s+another\s+role"), mark)
            await second.expect("Choose a role", mark)
            assert "nickname" not in second.seen[mark:]
            second.send("1")
            await second.expect("You are Pavel, the officer", mark)
            for s in (first, second):
                await s.close()
        finally:
            await r.shutdown()
    asyncio.run(main())
